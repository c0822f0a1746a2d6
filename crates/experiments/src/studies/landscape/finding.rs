//! The landscape study's verdict and finding, computed from the measurements.

use std::fmt::Write;

use super::{Multistart, Outcome, Saddles, Slices};
use crate::report::{Frame, Source};

/// Newton (or gradient descent) reached a critical point when this close.
const REACHED: f64 = 1e-4;

/// The start that separates the basins, if every start left of it ended in
/// one minimum and every start right of it in another (basins whose start
/// intervals do not interleave); `None` otherwise.
fn boundaries(m: &Multistart) -> Option<Vec<f64>> {
    let mut intervals: Vec<(f64, f64)> = m.basins.iter().map(|b| b.from).collect();
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let disjoint = intervals.windows(2).all(|w| w[0].1 < w[1].0);
    disjoint.then(|| {
        intervals
            .windows(2)
            .map(|w| 0.5 * (w[0].1 + w[1].0))
            .collect()
    })
}

/// Starts that ended in a minimum that is not the global one.
fn stuck(m: &Multistart) -> usize {
    m.basins
        .iter()
        .filter(|b| !b.global)
        .map(|b| b.starts)
        .sum()
}

fn last<T: Copy>(v: &[T]) -> Option<T> {
    v.last().copied()
}

/// The teaching frame with its checks, a pure function of the outcome.
pub fn checks(outcome: &Outcome) -> Frame {
    let m = &outcome.multistart;
    let s = &outcome.saddles;
    let frame = Frame::new(
        Source::Introduction,
        "Introduction: Local minima; Saddle points",
        "For non-convex functions, a numerical method often halts around local minima that are not necessarily the global minima. [\u{2026}] Many optimization algorithms, like Newton\u{2019}s method, are designed to be attracted to critical points, including minima and saddle points.",
        format!(
            "gradient descent from {} starts on x·cos(πx), the introduction's example; gradient descent and Newton's method at the saddles of x³ and x² − y²; and, for the lecture's Section 5, slices of a trained MNIST network's loss",
            m.runs.len()
        ),
        "which minimum each start reaches, and where Newton's method and gradient descent go from the same start near a saddle",
    )
    .check(
        format!(
            "gradient descent halted in {} distinct minima; {} of {} starts ({:.0}%) in a local minimum that is not the global one",
            m.basins.len(),
            stuck(m),
            m.runs.len(),
            100.0 * stuck(m) as f64 / m.runs.len().max(1) as f64
        ),
        m.basins.len() >= 2 && stuck(m) > 0,
    );
    let newton = last(&s.newton).unwrap_or((f64::NAN, f64::NAN));
    let gd = last(&s.gd).unwrap_or((f64::NAN, f64::NAN));
    let newton_at_saddle = newton.0.hypot(newton.1) < REACHED;
    let frame = frame.check(
        format!(
            "on x² − y² from ({}, {}) Newton's method ended at ({:.1e}, {:.1e}), {} the saddle, after {} step(s); gradient descent ended at ({:.2}, {:.2}), {} from it",
            s.start.0,
            s.start.1,
            newton.0,
            newton.1,
            if newton_at_saddle { "at" } else { "away from" },
            s.newton.len().saturating_sub(1),
            gd.0,
            gd.1,
            gd.0.hypot(gd.1)
        ),
        newton_at_saddle && gd.0.hypot(gd.1) > 1.0,
    );
    let cube_newton = s
        .cube
        .iter()
        .find(|c| c.0.starts_with("Newton"))
        .and_then(|c| last(&c.2));
    frame.check(
        format!(
            "on x³ Newton's method from x = {} ended at x = {}",
            s.cube
                .iter()
                .find(|c| c.0.starts_with("Newton"))
                .map_or(f64::NAN, |c| c.1),
            cube_newton.map_or("n/a".into(), |x| format!("{x:.1e}"))
        ),
        cube_newton.is_some_and(|x| x.abs() < REACHED),
    )
}

/// The finding in Markdown.
pub(super) fn finding(outcome: &Outcome) -> String {
    let m = &outcome.multistart;
    let mut md = format!(
        "- **x·cos(πx)** on [{}, {}]: gradient descent (η = {}) from {} evenly spaced starts ended in **{}** distinct minima:",
        m.interval.0,
        m.interval.1,
        m.lr,
        m.runs.len(),
        m.basins.len()
    );
    for b in &m.basins {
        let _ = write!(
            md,
            " {} x = **{:.3}** (f = {:.3}) from **{}** starts in [{:.2}, {:.2}];",
            if b.global {
                "the global minimum"
            } else {
                "a local minimum"
            },
            b.x,
            b.value,
            b.starts,
            b.from.0,
            b.from.1
        );
    }
    let basin_words = match boundaries(m) {
        Some(b) if !b.is_empty() => format!(
            "The starts split at x₀ = {}: which minimum is found depends only on the start's basin.",
            b.iter()
                .map(|x| format!("{x:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(_) => "Every start ended in the same minimum.".to_string(),
        None => "Starts that ended in different minima interleave.".to_string(),
    };
    let _ = writeln!(
        md,
        " the global minimum on the interval (dense grid) is at x = {:.3}. {basin_words}",
        m.global.0
    );
    let s = &outcome.saddles;
    for (label, _, path) in &s.cube {
        let last = path.last().copied().unwrap_or(f64::NAN);
        let _ = writeln!(
            md,
            "- **x³**, {label}: x = **{last:.3e}** after **{}** iterations.",
            path.len() - 1
        );
    }
    md.push_str(&cube_words(s));
    let gd_last = s.gd.last().copied().unwrap_or((f64::NAN, f64::NAN));
    let closest =
        s.gd.iter()
            .map(|p| (p.0 * p.0 + p.1 * p.1).sqrt())
            .fold(f64::INFINITY, f64::min);
    let newton_last = s.newton.last().copied().unwrap_or((f64::NAN, f64::NAN));
    let _ = writeln!(
        md,
        "- **x² − y²** from ({}, {}): Newton's method reached the saddle ({:.1e}, {:.1e}) in **{}** Newton step(s); gradient descent came within {:.3} of it, then escaped along y: (x, y) = ({:.2e}, **{:.2}**) after **{}** iterations.",
        s.start.0,
        s.start.1,
        newton_last.0,
        newton_last.1,
        s.newton.len() - 1,
        closest,
        gd_last.0,
        gd_last.1,
        s.gd.len() - 1
    );
    md.push_str(&slices_finding(&outcome.slices));
    md
}

/// The MNIST part of the finding.
fn slices_finding(sl: &Slices) -> String {
    let mut md = String::new();
    let (alpha_min, loss_min) = sl.line_minimum();
    let span = at_span(&sl.line);
    let at = |line: &[(f64, f64)], alpha: f64| {
        line.iter()
            .min_by(|a, b| (a.0 - alpha).abs().total_cmp(&(b.0 - alpha).abs()))
            .map_or(f64::NAN, |p| p.1)
    };
    let _ = writeln!(
        md,
        "- **MNIST {}** trained for {} epochs on {} images: training loss **{:.3}**, accuracy {:.1}% on {} training images, {:.1}% on as many test images. Along a random filter-normalized direction the loss is smallest at α = **{:.2}** ({:.3}) and rises to **{:.2}** at α = −{span} and **{:.2}** at α = +{span}; at initialization the same kind of slice goes from {:.2} through {:.3} to {:.2}: {}.",
        sl.architecture,
        sl.epochs,
        sl.train_examples,
        sl.trained.0,
        100.0 * sl.trained.1,
        sl.eval_examples,
        100.0 * sl.test_accuracy,
        alpha_min,
        loss_min,
        at(&sl.line, -span),
        at(&sl.line, span),
        at(&sl.line_at_init, -span),
        at(&sl.line_at_init, 0.0),
        at(&sl.line_at_init, span),
        valley_words(sl)
    );
    let (a, b, low) = sl.surface_minimum();
    let high = sl
        .surface
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let _ = writeln!(
        md,
        "- In the {n}×{n} 2-D slice the lowest loss, **{low:.3}**, is at (α, β) = (**{a:.2}**, **{b:.2}**) (the cell nearest the trained weights is at (0, 0)); the highest is {high:.2}.",
        n = sl.grid.len()
    );
    md
}

/// The largest |α| of a slice.
fn at_span(line: &[(f64, f64)]) -> f64 {
    line.iter().map(|p| p.0.abs()).fold(0.0, f64::max)
}

/// What the x³ runs did, measured: Newton's factor per step, gradient
/// descent's crawl against 1/(3ηk), the run from the left.
fn cube_words(s: &Saddles) -> String {
    let path = |prefix: &str| s.cube.iter().find(|c| c.0.starts_with(prefix));
    let mut md = String::from("- On x³");
    if let Some((_, _, p)) = path("Newton") {
        let ratios: Vec<f64> = p
            .windows(2)
            .filter(|w| w[0] != 0.0)
            .map(|w| w[1] / w[0])
            .collect();
        let mean = ratios.iter().sum::<f64>() / ratios.len().max(1) as f64;
        let _ = write!(
            md,
            " Newton's method multiplied x by **{mean:.3}** per step on average (theory 1/2)"
        );
    }
    if let Some((_, x0, p)) = path("GD from x = ").filter(|c| c.1 > 0.0) {
        let k = p.len().saturating_sub(1) as f64;
        let _ = write!(
            md,
            "; gradient descent from x = {x0} crawled to x = **{:.4}** in {k} steps (its steps 3ηx² vanish near the saddle; 1/(1/x₀ + 3ηk) = {:.4})",
            p.last().copied().unwrap_or(f64::NAN),
            1.0 / (1.0 / x0 + 3.0 * s.lr * k)
        );
    }
    if let Some((_, x0, p)) = s.cube.iter().find(|c| c.0.starts_with("GD") && c.1 < 0.0) {
        let end = p.last().copied().unwrap_or(f64::NAN);
        let _ = write!(
            md,
            "; from x = {x0} it {} (x = {end:.3e} after {} steps)",
            if end.abs() > 100.0 {
                "**ran away** towards −∞"
            } else {
                "did not run away"
            },
            p.len().saturating_sub(1)
        );
    }
    md.push_str(".\n");
    md
}

/// Whether the trained weights sit at the bottom of the 1-D slice, in words.
fn valley_words(sl: &Slices) -> &'static str {
    let (alpha, low) = sl.line_minimum();
    let step = sl.line.get(1).map_or(f64::NAN, |p| p.0) - sl.line.first().map_or(f64::NAN, |p| p.0);
    let (left, right) = (
        sl.line.first().map_or(f64::NAN, |p| p.1),
        sl.line.last().map_or(f64::NAN, |p| p.1),
    );
    if alpha.abs() <= 2.0 * step.abs() && left > 1.5 * low && right > 1.5 * low {
        "training moved the weights to the bottom of a valley"
    } else {
        "the trained weights are not at the bottom of this slice"
    }
}
