//! The teaching frame of a study: the lecture's claim, the experiment, what
//! to look at, and a verdict computed from the measurements.

use serde::{Deserialize, Serialize};

/// Which of the lecture's texts a claim is quoted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// "Optimization techniques" (the lecture; sections 2-9).
    Lecture,
    /// The optimization notes ("Speed up training", "Babysitting", ...).
    Notes,
    /// The introduction chapter (local minima, saddle points, precision).
    Introduction,
}

impl Source {
    /// How the report names the source.
    ///
    /// ```
    /// assert_eq!(experiments::report::Source::Notes.name(), "the optimization notes");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Source::Lecture => "the lecture \u{201c}Optimization techniques\u{201d}",
            Source::Notes => "the optimization notes",
            Source::Introduction => "the introduction chapter",
        }
    }
}

/// Whether the run showed the lecture's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed.
    Shown,
    /// Some checks passed.
    PartlyShown,
    /// No check passed: too small a run (or the claim does not hold here).
    NotShownAtThisSize,
}

impl Verdict {
    /// The verdict of a set of checks: all pass → shown, some → partly, none → not shown.
    ///
    /// ```
    /// use experiments::report::Verdict;
    /// assert_eq!(Verdict::of(&[true, true]), Verdict::Shown);
    /// assert_eq!(Verdict::of(&[true, false]), Verdict::PartlyShown);
    /// assert_eq!(Verdict::of(&[false]), Verdict::NotShownAtThisSize);
    /// assert_eq!(Verdict::of(&[]), Verdict::NotShownAtThisSize);
    /// ```
    pub fn of(passed: &[bool]) -> Verdict {
        let n = passed.iter().filter(|&&p| p).count();
        match n {
            0 => Verdict::NotShownAtThisSize,
            n if n == passed.len() => Verdict::Shown,
            _ => Verdict::PartlyShown,
        }
    }

    /// Words for the report.
    ///
    /// ```
    /// assert_eq!(experiments::report::Verdict::PartlyShown.words(), "partly shown");
    /// ```
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Shown => "shown",
            Verdict::PartlyShown => "partly shown",
            Verdict::NotShownAtThisSize => "not shown at this size",
        }
    }
}

/// One measured test of the claim: what was checked, the numbers, the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// What is tested, with the measured numbers ("momentum needed 41
    /// iterations, gradient descent 380: 9.3x fewer").
    pub evidence: String,
    /// Whether the measurement supports the claim.
    pub passed: bool,
}

/// The box that opens a study's section: claim, experiment, what to look
/// at, and the computed verdict with the checks that decided it.
///
/// ```
/// use experiments::report::{Check, Frame, Source, Verdict};
/// let f = Frame::new(Source::Lecture, "Section 4", "momentum helps", "GD vs momentum", "the zig-zag")
///     .check("momentum 9x faster", true)
///     .check("both converge", false);
/// assert_eq!(f.verdict(), Verdict::PartlyShown);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// The text quoted from.
    pub source: Source,
    /// Where in it ("Section 4: Poor conditioning", "Speed up training").
    pub place: String,
    /// The claim, quoted in the source's own words.
    pub claim: String,
    /// The experiment in one sentence.
    pub experiment: String,
    /// What to look at in the figures.
    pub look_at: String,
    /// The measured checks; the verdict is computed from them.
    pub checks: Vec<Check>,
}

impl Frame {
    /// A frame with no checks yet.
    pub fn new(
        source: Source,
        place: impl Into<String>,
        claim: impl Into<String>,
        experiment: impl Into<String>,
        look_at: impl Into<String>,
    ) -> Self {
        Frame {
            source,
            place: place.into(),
            claim: claim.into(),
            experiment: experiment.into(),
            look_at: look_at.into(),
            checks: Vec::new(),
        }
    }

    /// Adds a measured check.
    pub fn check(mut self, evidence: impl Into<String>, passed: bool) -> Self {
        self.checks.push(Check {
            evidence: evidence.into(),
            passed,
        });
        self
    }

    /// The verdict computed from the checks.
    pub fn verdict(&self) -> Verdict {
        let passed: Vec<bool> = self.checks.iter().map(|c| c.passed).collect();
        Verdict::of(&passed)
    }

    /// The frame in Markdown, as a quoted box; `study` names the command
    /// that runs it at full size when the verdict falls short.
    ///
    /// ```
    /// use experiments::report::{Frame, Source};
    /// let f = Frame::new(Source::Lecture, "Section 4", "c", "e", "l").check("x", false);
    /// assert!(f.to_markdown("conditioning", false).contains("experiments study conditioning --full"));
    /// ```
    pub fn to_markdown(&self, study: &str, full: bool) -> String {
        let mut md = format!(
            "> **Claim** ({}, {}): \u{201c}{}\u{201d}\n>\n> **Experiment**: {}\n>\n> **Look at**: {}\n>\n> **Verdict: {}**\n",
            self.source.name(),
            self.place,
            self.claim,
            self.experiment,
            self.look_at,
            self.verdict().words()
        );
        for c in &self.checks {
            md.push_str(&format!(
                "> - {} {}\n",
                if c.passed { "\u{2713}" } else { "\u{2717}" },
                c.evidence
            ));
        }
        if self.verdict() != Verdict::Shown && !full {
            md.push_str(&format!(
                ">\n> A quick run may be too small to show it: run `experiments study {study} --full`.\n"
            ));
        }
        md
    }
}
