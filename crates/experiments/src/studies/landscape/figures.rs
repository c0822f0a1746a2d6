//! The landscape study's files: data, figures and the finding.

use std::fmt::Write;
use std::path::Path;

use ndarray::Array2;

use crate::error::Result;
use crate::plot::{ContourPlot, LineChart, Scale, Series};
use crate::report::{Report, write_csv, write_json};

use super::{NAME, Outcome, Saddles, Slices, x_cos_pi_x};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(
        NAME,
        "Local minima, saddle points and loss-landscape slices",
        "§5, §9",
    );
    write_data(outcome, dir, &mut report)?;
    report.figure(
        dir,
        "xcos_minima",
        "x·cos(πx) with the minima gradient descent reached and how many starts reached each",
        minima_chart(outcome),
    )?;
    report.figure(
        dir,
        "xcos_starts",
        "Where gradient descent ends against where it starts: two basins split at the local maximum",
        starts_chart(outcome),
    )?;
    report.figure(
        dir,
        "cube",
        "x³: Newton's method converges to the saddle at 0; gradient descent crawls towards it from the right and escapes from the left",
        cube_chart(&outcome.saddles),
    )?;
    report.figure(
        dir,
        "saddle",
        "x² − y²: Newton's method jumps to the saddle; gradient descent approaches it, then escapes along y",
        saddle_plot(&outcome.saddles),
    )?;
    report.figure(
        dir,
        "slice_1d",
        "MNIST MLP: training loss along one random filter-normalized direction, at the trained weights and at initialization",
        line_chart(&outcome.slices),
    )?;
    report.figure(
        dir,
        "slice_2d",
        "MNIST MLP: training loss on the plane of two random filter-normalized directions through the trained weights",
        surface_plot(&outcome.slices),
    )?;
    report.finding = finding(outcome);
    Ok(report)
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let runs: Vec<Vec<f64>> = outcome
        .multistart
        .runs
        .iter()
        .map(|&(s, e)| vec![s, e, x_cos_pi_x(e)])
        .collect();
    write_csv(
        &dir.join("xcos_runs.csv"),
        &["start", "end", "f_end"],
        &runs,
    )?;
    report.data("xcos_runs.csv");
    let s = &outcome.slices;
    let line: Vec<Vec<f64>> = s
        .line
        .iter()
        .zip(&s.line_at_init)
        .map(|(&(a, l), &(_, l0))| vec![a, l, l0])
        .collect();
    write_csv(
        &dir.join("slice_1d.csv"),
        &["alpha", "loss_trained", "loss_at_init"],
        &line,
    )?;
    report.data("slice_1d.csv");
    let surface: Vec<Vec<f64>> = s
        .surface
        .iter()
        .zip(&s.grid)
        .flat_map(|(row, &b)| row.iter().zip(&s.grid).map(move |(&l, &a)| vec![a, b, l]))
        .collect();
    write_csv(
        &dir.join("slice_2d.csv"),
        &["alpha", "beta", "loss"],
        &surface,
    )?;
    report.data("slice_2d.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}

fn minima_chart(outcome: &Outcome) -> LineChart {
    let (lo, hi) = outcome.multistart.interval;
    let curve = (0..=600)
        .map(|i| lo + (hi - lo) * i as f64 / 600.0)
        .map(|x| (x, x_cos_pi_x(x)))
        .collect();
    let mut chart =
        LineChart::new("f(x) = x·cos(πx)", "x", "f(x)").with(Series::line("x·cos(πx)", curve));
    for b in &outcome.multistart.basins {
        let kind = if b.global { "global" } else { "local" };
        chart = chart.with(Series::points(
            format!("{kind} minimum x = {:.3}: {} starts", b.x, b.starts),
            vec![(b.x, b.value)],
        ));
    }
    chart
}

fn starts_chart(outcome: &Outcome) -> LineChart {
    let m = &outcome.multistart;
    LineChart::new(
        format!("Gradient descent (η = {}) on x·cos(πx)", m.lr),
        "start x₀",
        "end point x",
    )
    .with(Series::points("end point", m.runs.clone()))
}

fn cube_chart(s: &Saddles) -> LineChart {
    let mut chart = LineChart::new(
        format!("f(x) = x³ (gradient descent with η = {})", s.lr),
        "iteration",
        "|x| (distance from the saddle)",
    )
    .y_scale(Scale::Log);
    for (label, _, path) in &s.cube {
        let points = path
            .iter()
            .enumerate()
            .map(|(k, x)| (k as f64, x.abs()))
            .collect();
        chart = chart.with(Series::line(label.clone(), points));
    }
    chart
}

fn saddle_plot(s: &Saddles) -> ContourPlot {
    let reach =
        s.gd.iter()
            .chain(&s.newton)
            .map(|p| p.0.abs().max(p.1.abs()))
            .fold(1.0, f64::max)
            * 1.1;
    let mut plot = ContourPlot::from_fn(
        format!(
            "f(x, y) = x² − y², both from ({}, {})",
            s.start.0, s.start.1
        ),
        (-reach, reach),
        (-reach, reach),
        160,
        |x, y| x * x - y * y,
    )
    .with(Series::line("gradient descent", s.gd.clone()))
    .with(Series::line("Newton", s.newton.clone()));
    plot.log_levels = false;
    plot
}

fn line_chart(s: &Slices) -> LineChart {
    LineChart::new(
        format!("{} on MNIST: loss along a random direction", s.architecture),
        "step α along the filter-normalized direction",
        "training loss (cross-entropy)",
    )
    .with(Series::line(
        format!("trained ({} epochs)", s.epochs),
        s.line.clone(),
    ))
    .with(Series::line("at initialization", s.line_at_init.clone()))
}

fn surface_plot(s: &Slices) -> ContourPlot {
    let n = s.grid.len();
    let values = Array2::from_shape_fn((n, n), |(iy, ix)| s.surface[iy][ix]);
    let half = |g: &[f64]| {
        let step = if n > 1 { g[1] - g[0] } else { 1.0 };
        (g[0] - step / 2.0, g[n - 1] + step / 2.0)
    };
    ContourPlot {
        title: format!("{}: loss on a random 2-D slice", s.architecture),
        x_label: "α (direction 1)".into(),
        y_label: "β (direction 2)".into(),
        x_range: half(&s.grid),
        y_range: half(&s.grid),
        values,
        levels: 16,
        log_levels: false,
        trajectories: vec![Series::line("trained weights", vec![(0.0, 0.0)])],
        colorbar: "training loss".into(),
        minimizer: None,
        equal_aspect: true,
    }
}

fn finding(outcome: &Outcome) -> String {
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
    let _ = writeln!(
        md,
        " the global minimum on the interval (dense grid) is at x = {:.3}. Which minimum is found depends only on the start's basin.",
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
    md.push_str("- On x³ Newton halves x every step and converges to the saddle; gradient descent's steps 3ηx² vanish near it, so from the right it only crawls (x ≈ 1/(3ηk)), while from the left it runs away.\n");
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
        "- **MNIST {}** trained for {} epochs on {} images: training loss **{:.3}**, accuracy {:.1}% on {} training images, {:.1}% on as many test images. Along a random filter-normalized direction the loss is smallest at α = **{:.2}** ({:.3}) and rises to **{:.2}** at α = −{span} and **{:.2}** at α = +{span}; at initialization the same kind of slice goes from {:.2} through {:.3} to {:.2}: training moved the weights to the bottom of a valley.",
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
        at(&sl.line_at_init, span)
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
