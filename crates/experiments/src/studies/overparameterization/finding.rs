//! The frame (claim, checks, verdict) and the finding, both computed from
//! the measured outcome.

use super::runs::{Outcome, WidthResult};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// The teaching frame with its checks, each decided by the measurements:
/// the widest nets interpolate, wider nets end lower than the narrowest
/// beyond the seed spread, the spread shrinks, the barrier shrinks.
pub fn frame(outcome: &Outcome) -> Frame {
    let c = &outcome.config;
    let frame = Frame::new(
        Source::Lecture,
        "Section 5: Non-convexity",
        "Seriously non-convex, really hard to find the global optimum. […] Solution: \
         Overparameterization",
        format!(
            "MLPs 784-w-10 with w = {} hidden units, each trained from {} seeds on the same {} \
             training images for {} epochs of SGD (lr {}, momentum {}, batch {}); then the \
             training loss on the straight line between two seeds' solutions.",
            widths(outcome),
            c.seeds.len(),
            c.train,
            c.epochs,
            c.lr,
            c.momentum,
            c.batch
        ),
        "the final training loss falling below the interpolation threshold as the width grows \
         (train-loss), the bump between the two solutions flattening with width (line), and its \
         height per width (barrier).",
    );
    let Some((narrow, wide)) = outcome.ends() else {
        return frame.check("no width was run", false);
    };
    let (nl, wl) = (narrow.loss(), wide.loss());
    let frame = frame
        .check(
            format!(
                "the widest nets (w = {}) {} the training set: final training loss {} to {} over \
                 the seeds (threshold {}), training accuracy {:.1}%",
                wide.width,
                if wide.interpolates(c.interpolation_loss) {
                    "interpolate"
                } else {
                    "do not interpolate"
                },
                short(wl.min),
                short(wl.max),
                c.interpolation_loss,
                100.0 * wide.train_accuracy().mean,
            ),
            wide.interpolates(c.interpolation_loss),
        )
        .check(
            format!(
                "with the same budget the training loss falls from {} (seeds {} to {}) at w = {} \
                 to {} (seeds {} to {}) at w = {}: {}",
                short(nl.mean),
                short(nl.min),
                short(nl.max),
                narrow.width,
                short(wl.mean),
                short(wl.min),
                short(wl.max),
                wide.width,
                if wl.max < nl.min {
                    "every wide seed ends below every narrow one"
                } else {
                    "the seeds' ranges overlap"
                }
            ),
            wl.max < nl.min,
        );
    let (nr, wr) = (nl.range(), wl.range());
    let frame = frame.check(
        format!(
            "the spread across seeds (max − min final loss) is {} at w = {} and {} at w = {}",
            short(nr),
            narrow.width,
            short(wr),
            wide.width
        ),
        wr < nr,
    );
    let (nb, wb) = (narrow.barrier(), wide.barrier());
    let (peak, lowest) = barrier_trend(outcome);
    frame.check(
        format!(
            "the loss barrier on the line between two solutions is {} at w = {}, peaks at {} at \
             w = {} and is {} at w = {}: {}",
            short(nb.mean),
            narrow.width,
            short(peak.barrier().mean),
            peak.width,
            short(wb.mean),
            wide.width,
            if lowest {
                "the widest nets have the lowest barrier of all widths"
            } else {
                "the widest nets do not have the lowest barrier"
            }
        ),
        lowest,
    )
}

/// The width with the highest mean barrier, and whether the widest width
/// has the lowest mean barrier of all.
fn barrier_trend(outcome: &Outcome) -> (&WidthResult, bool) {
    let (narrow, wide) = (
        &outcome.widths[0],
        &outcome.widths[outcome.widths.len() - 1],
    );
    let peak = outcome
        .widths
        .iter()
        .max_by(|a, b| a.barrier().mean.total_cmp(&b.barrier().mean))
        .unwrap_or(narrow);
    let wb = wide.barrier().mean;
    let lowest = outcome
        .widths
        .iter()
        .all(|r| r.width == wide.width || wb < r.barrier().mean);
    (peak, lowest)
}

fn widths(outcome: &Outcome) -> String {
    let w: Vec<String> = outcome.widths.iter().map(|r| r.width.to_string()).collect();
    w.join(", ")
}

/// The finding: which widths interpolate, how loss, spread, barrier and
/// accuracy change with width, and a table of every width.
pub fn finding(outcome: &Outcome) -> String {
    let c = &outcome.config;
    let Some((narrow, wide)) = outcome.ends() else {
        return "No width was run.".to_string();
    };
    let interpolating: Vec<&WidthResult> = outcome
        .widths
        .iter()
        .filter(|r| r.interpolates(c.interpolation_loss))
        .collect();
    let mut s = Vec::new();
    s.push(match interpolating.first() {
        Some(first) => format!(
            "**From width {} on, every seed interpolates** its {} training images (final \
             training loss below {}); {} of {} widths do.",
            first.width,
            c.train,
            c.interpolation_loss,
            interpolating.len(),
            outcome.widths.len()
        ),
        None => format!(
            "**No width interpolates** its {} training images within {} epochs (no final \
             training loss below {} for every seed); the lowest mean is {} at width {}.",
            c.train,
            c.epochs,
            c.interpolation_loss,
            short(wide.loss().mean),
            wide.width
        ),
    });
    let diverged: usize = outcome
        .widths
        .iter()
        .map(|r| r.runs.iter().filter(|s| s.diverged_at.is_some()).count())
        .sum();
    if diverged > 0 {
        s.push(format!(
            "{diverged} run(s) diverged and are left out of the means."
        ));
    }
    let (nb, wb) = (narrow.barrier(), wide.barrier());
    let (peak, lowest) = barrier_trend(outcome);
    s.push(format!(
        "On the straight line between two seeds' solutions the training loss rises above the \
         worse end by {} at width {}, by {} at width {} (the highest) and by {} at width {}: {}.",
        short(nb.mean),
        narrow.width,
        short(peak.barrier().mean),
        peak.width,
        short(wb.mean),
        wide.width,
        if lowest {
            "**the widest nets have the lowest barrier**"
        } else {
            "the widest nets do not have the lowest barrier"
        }
    ));
    let (na, wa) = (narrow.test_accuracy().mean, wide.test_accuracy().mean);
    s.push(format!(
        "Test accuracy goes from {:.1}% at width {} to {:.1}% at width {}{}.",
        100.0 * na,
        narrow.width,
        100.0 * wa,
        wide.width,
        if wa >= na {
            ""
        } else {
            " (lower: the wide nets fit the small training set but generalize worse)"
        }
    ));
    let rows: Vec<String> = outcome
        .widths
        .iter()
        .map(|r| {
            let (l, b) = (r.loss(), r.barrier());
            format!(
                "| {} | {} | {} | {} to {} | {} | {} | {:.1}% | {:.1}% |",
                r.width,
                r.parameters,
                short(l.mean),
                short(l.min),
                short(l.max),
                if r.interpolates(c.interpolation_loss) {
                    "yes"
                } else {
                    "no"
                },
                short(b.mean),
                100.0 * r.train_accuracy().mean,
                100.0 * r.test_accuracy().mean,
            )
        })
        .collect();
    format!(
        "{}\n\n| width | parameters | mean final training loss | seeds' range | interpolates | \
         barrier | training accuracy | test accuracy |\n|---|---|---|---|---|---|---|---|\n{}\n",
        s.join(" "),
        rows.join("\n")
    )
}
