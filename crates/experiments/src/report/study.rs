//! One study's report.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::frame::Frame;
use crate::error::{ExperimentsError, Result};
use crate::plot::{Figure, PALETTE, save};

/// Whether a study ran to the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// It ran and its figures and data were written.
    Completed,
    /// It failed; the message is shown in the report instead of its results.
    Failed(String),
}

/// A figure of a study: files `<stem>.png` and `<stem>.svg` inside the
/// study's folder, and a caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureRef {
    /// File stem relative to the study folder (no extension).
    pub stem: String,
    /// What the figure shows.
    pub caption: String,
}

/// What a study found, with the files that show it. Studies build one, the
/// tour writes it to `results/<name>/README.md` and links it from the index.
///
/// ```
/// use experiments::report::Report;
/// let r = Report::new("conditioning", "Poor conditioning and momentum", "§4");
/// assert!(r.to_markdown().contains("# Poor conditioning and momentum"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Short name, also the folder name (`conditioning`).
    pub name: String,
    /// Human title.
    pub title: String,
    /// The lecture section it reproduces.
    pub section: String,
    /// The finding in Markdown, stating the measured numbers.
    pub finding: String,
    /// Figures, in reading order.
    pub figures: Vec<FigureRef>,
    /// Data files (CSV, JSON) relative to the study folder.
    pub data_files: Vec<String>,
    /// Wall-clock seconds the study took.
    pub seconds: f64,
    /// Completed or failed.
    pub outcome: Outcome,
    /// The claim, experiment and computed verdict, when the study states them.
    #[serde(default)]
    pub frame: Option<Frame>,
    /// Whether this was a full-size run (`--full`) rather than the quick tour.
    #[serde(default)]
    pub full: bool,
    /// Palette index of each method (series key) in this study's figures, so
    /// a method keeps its colour from figure to figure.
    #[serde(default)]
    pub colors: std::collections::BTreeMap<String, usize>,
    /// The run whose files the study's folder holds (a UTC timestamp); for
    /// a failed run that kept an earlier result, that result's run.
    #[serde(default)]
    pub run: Option<String>,
}

impl Report {
    /// An empty, completed report.
    ///
    /// ```
    /// let r = experiments::report::Report::new("x", "X", "§1");
    /// assert!(r.figures.is_empty());
    /// ```
    pub fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        section: impl Into<String>,
    ) -> Self {
        Report {
            name: name.into(),
            title: title.into(),
            section: section.into(),
            finding: String::new(),
            figures: Vec::new(),
            data_files: Vec::new(),
            seconds: 0.0,
            outcome: Outcome::Completed,
            frame: None,
            full: false,
            colors: Default::default(),
            run: None,
        }
    }

    /// The report of a study that failed with `error`.
    ///
    /// ```
    /// use experiments::report::{Outcome, Report};
    /// let r = Report::failed("x", "X", "§1", "out of memory");
    /// assert_eq!(r.outcome, Outcome::Failed("out of memory".into()));
    /// ```
    pub fn failed(
        name: impl Into<String>,
        title: impl Into<String>,
        section: impl Into<String>,
        error: impl Into<String>,
    ) -> Self {
        Report {
            outcome: Outcome::Failed(error.into()),
            ..Report::new(name, title, section)
        }
    }

    /// Draws `figure` into `<dir>/<stem>.png|svg|json` and records it.
    /// Series without an explicit colour get their method's colour: the
    /// first figure that shows a key (a series' key, else its label) fixes
    /// its colour for the rest of the study.
    ///
    /// **Errors**: as [`save`].
    ///
    /// ```
    /// use experiments::plot::{LineChart, Series};
    /// use experiments::report::Report;
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut r = Report::new("x", "X", "§1");
    /// let chart = LineChart::new("t", "x", "y").with(Series::line("a", vec![(0.0, 1.0), (1.0, 0.0)]));
    /// r.figure(dir.path(), "loss", "Loss per epoch", &chart).unwrap();
    /// assert!(dir.path().join("loss.png").exists());
    /// ```
    pub fn figure(
        &mut self,
        dir: &Path,
        stem: &str,
        caption: &str,
        figure: impl Into<Figure>,
    ) -> Result<()> {
        let mut figure = figure.into();
        for s in figure.series_mut() {
            if s.color.is_none() {
                let next = self.colors.len() % PALETTE.len();
                let key = s.color_key().to_string();
                s.color = Some(*self.colors.entry(key).or_insert(next));
            }
        }
        save(&figure, &dir.join(stem))?;
        self.figures.push(FigureRef {
            stem: stem.to_string(),
            caption: caption.to_string(),
        });
        Ok(())
    }

    /// Records a data file written into the study folder.
    ///
    /// ```
    /// let mut r = experiments::report::Report::new("x", "X", "§1");
    /// r.data("loss.csv");
    /// assert_eq!(r.data_files, vec!["loss.csv"]);
    /// ```
    pub fn data(&mut self, file: &str) {
        self.data_files.push(file.to_string());
    }

    /// The study's page in Markdown.
    ///
    /// ```
    /// let mut r = experiments::report::Report::new("x", "X", "§1");
    /// r.finding = "Found 3.".into();
    /// assert!(r.to_markdown().contains("Found 3."));
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# {}\n\n*Lecture {}; study `{}`; {:.1} s.*\n\n",
            self.title, self.section, self.name, self.seconds
        );
        if let Outcome::Failed(e) = &self.outcome {
            md.push_str(&format!("**This study failed:** `{e}`\n\n"));
        }
        if let Some(frame) = &self.frame {
            md.push_str(&frame.to_markdown(&self.name, self.full));
            md.push('\n');
        }
        if !self.finding.is_empty() {
            md.push_str(self.finding.trim_end());
            md.push_str("\n\n");
        }
        for f in &self.figures {
            md.push_str(&format!(
                "![{}]({}.png)\n\n*{}* ([SVG]({}.svg))\n\n",
                f.caption, f.stem, f.caption, f.stem
            ));
        }
        if !self.data_files.is_empty() {
            md.push_str("Data: ");
            let links: Vec<String> = self
                .data_files
                .iter()
                .map(|d| format!("[{d}]({d})"))
                .collect();
            md.push_str(&links.join(", "));
            md.push('\n');
        }
        md
    }

    /// Writes `<dir>/README.md` and `<dir>/report.json`.
    ///
    /// **Errors**: [`ExperimentsError::Io`] naming the file.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// experiments::report::Report::new("x", "X", "§1").write(dir.path()).unwrap();
    /// assert!(dir.path().join("README.md").exists());
    /// ```
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir).map_err(|e| ExperimentsError::io(dir, e))?;
        let path = dir.join("README.md");
        std::fs::write(&path, self.to_markdown()).map_err(|e| ExperimentsError::io(&path, e))?;
        super::write_json(&dir.join("report.json"), self)?;
        Ok(path)
    }
}
