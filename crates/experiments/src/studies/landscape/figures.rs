//! The landscape study's files: data, figures and the finding.

use std::path::Path;

use ndarray::Array2;

use crate::error::Result;
use crate::plot::{Annotation, ContourPlot, Dash, LineChart, Scale, Series};
use crate::report::{Report, write_csv, write_json};
use crate::study::Study as _;

use super::finding::{checks, finding};
use super::{Landscape, NAME, Outcome, Saddles, Slices, x_cos_pi_x};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, Landscape.title(), Landscape.section());
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
        "x² − y² (a saddle at the origin and no minimizer: f is unbounded below): both methods from the same start (marked); where each one went",
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
        "MNIST MLP: training loss on the plane of two random filter-normalized directions through the trained weights at (0, 0); the star marks the lowest loss on the grid",
        surface_plot(&outcome.slices),
    )?;
    report.frame = Some(checks(outcome));
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
    let mut chart = LineChart::new("f(x) = x·cos(πx)", "x", "f(x)")
        .with(Series::line("f(x) = x·cos(πx)", curve).key("f"));
    for b in &outcome.multistart.basins {
        let kind = if b.global { "global" } else { "local" };
        chart = chart.annotate(Annotation::point(
            b.x,
            b.value,
            format!("{kind} minimum x = {:.3}: {} starts", b.x, b.starts),
        ));
    }
    chart
}

fn starts_chart(outcome: &Outcome) -> LineChart {
    let m = &outcome.multistart;
    let mut chart = LineChart::new(
        format!("Gradient descent (η = {}) on x·cos(πx)", m.lr),
        "start x₀",
        "end point x",
    )
    .with(Series::points("end point of the run from x₀", m.runs.clone()).key("end"));
    for b in &m.basins {
        let kind = if b.global { "global" } else { "local" };
        chart = chart.annotate(Annotation::hline(b.x, format!("{kind} minimum {:.3}", b.x)));
    }
    chart
}

fn cube_chart(s: &Saddles) -> LineChart {
    let mut chart = LineChart::new(
        format!("f(x) = x³ (gradient descent with η = {})", s.lr),
        "iteration",
        "|x| (distance from the saddle)",
    )
    .y_scale(Scale::Log);
    for (label, start, path) in &s.cube {
        let points = path
            .iter()
            .enumerate()
            .map(|(k, x)| (k as f64, x.abs()))
            .collect();
        let series = Series::line(label.clone(), points);
        let series = if label.starts_with("Newton") {
            series.key("newton")
        } else if *start < 0.0 {
            let series = series.key("gd").dash(Dash::Dashed);
            match path.last() {
                Some(end) if end.abs() > 100.0 => series.diverged_at((path.len() - 1) as f64),
                _ => series,
            }
        } else {
            series.key("gd")
        };
        chart = chart.with(series);
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
    .colorbar("f(x, y) = x² − y²")
    .with(Series::line("gradient descent", s.gd.clone()).key("gd"))
    .with(Series::line("Newton", s.newton.clone()).key("newton"));
    plot.log_levels = false;
    plot
}

fn line_chart(s: &Slices) -> LineChart {
    let (alpha, low) = s.line_minimum();
    LineChart::new(
        format!("{} on MNIST: loss along a random direction", s.architecture),
        "step α along the filter-normalized direction",
        "training loss (cross-entropy)",
    )
    .units("", "nats")
    .with(Series::line(format!("trained ({} epochs)", s.epochs), s.line.clone()).key("trained"))
    .with(
        Series::line("at initialization", s.line_at_init.clone())
            .key("init")
            .dash(Dash::Dashed),
    )
    .annotate(Annotation::point(
        alpha,
        low,
        format!("lowest: α = {alpha:.2}, loss {low:.3}"),
    ))
}

fn surface_plot(s: &Slices) -> ContourPlot {
    let n = s.grid.len();
    let (a, b, _) = s.surface_minimum();
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
        trajectories: Vec::new(),
        colorbar: "training loss (cross-entropy, nats)".into(),
        minimizer: Some((a, b)),
        equal_aspect: true,
    }
}
