//! The conditioning study's files: data, figures and the finding.

use std::path::Path;

use crate::error::Result;
use crate::plot::{Annotation, ContourPlot, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::study::Study as _;

use super::finding::{checks, finding, motion};
use super::{Conditioning, Method, NAME, Outcome, Trajectories, predicted_iterations};

/// Distances above this are cut from the stability plot (they reach 1e25).
const CUT: f64 = 1e6;

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, Conditioning.title(), Conditioning.section());
    write_data(outcome, dir, &mut report)?;
    report.figure(
        dir,
        "iterations",
        "Iterations to shrink the distance to the minimizer by the tolerance, measured (points) and predicted by the rates (lines)",
        iterations_chart(outcome),
    )?;
    report.figure(
        dir,
        "distance",
        "Distance to the minimizer per iteration at each condition number κ (colour): gradient descent at its best step (solid) versus heavy-ball momentum (dashed)",
        distance_chart(outcome),
    )?;
    report.figure(
        dir,
        "step_sizes",
        "Gradient descent at several step sizes: stable below 2/λmax, divergent just above",
        step_chart(outcome),
    )?;
    report.figure(
        dir,
        "stability",
        &format!("Distance after {} iterations against the step size at each condition number κ: the cliff at η = 2/λmax (distances above {CUT:.0e} cut)", outcome.step_iterations),
        stability_chart(outcome),
    )?;
    for case in &outcome.trajectories {
        let stem = format!("contour_kappa{}", case.kappa);
        report.figure(dir, &stem, &contour_caption(case), contour(case))?;
    }
    report.frame = Some(checks(outcome));
    report.finding = finding(outcome);
    Ok(report)
}

fn nan_if_none(v: Option<usize>) -> f64 {
    v.map_or(f64::NAN, |v| v as f64)
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let rows: Vec<Vec<f64>> = outcome
        .kappas
        .iter()
        .map(|k| {
            let mut row = vec![k.kappa, k.lambda_min, k.lambda_max];
            for m in &k.methods {
                row.extend([
                    m.lr,
                    m.beta,
                    m.rate,
                    nan_if_none(m.iterations),
                    m.predicted as f64,
                ]);
            }
            row
        })
        .collect();
    let mut header = vec!["kappa".to_string(), "mu".into(), "L".into()];
    for m in ["gd_optimal", "gd_inverse_l", "heavy_ball"] {
        for field in ["lr", "beta", "rate", "iterations", "predicted"] {
            header.push(format!("{m}_{field}"));
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    write_csv(&dir.join("iterations.csv"), &header, &rows)?;
    report.data("iterations.csv");
    let steps: Vec<Vec<f64>> = outcome
        .steps
        .iter()
        .map(|s| {
            vec![
                s.multiple,
                s.predicted_rate,
                s.measured_rate,
                s.final_distance,
            ]
        })
        .collect();
    write_csv(
        &dir.join("step_sizes.csv"),
        &[
            "lr_times_lambda_max",
            "predicted_rate",
            "measured_rate",
            "final_distance",
        ],
        &steps,
    )?;
    report.data("step_sizes.csv");
    let sweep: Vec<Vec<f64>> = outcome
        .sweeps
        .iter()
        .flat_map(|s| s.points.iter().map(|&(m, d)| vec![s.kappa, m, d]))
        .collect();
    write_csv(
        &dir.join("stability.csv"),
        &["kappa", "lr_times_lambda_max", "final_distance"],
        &sweep,
    )?;
    report.data("stability.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}

/// The series key of a method: one colour per method in every figure.
fn key(method: Method) -> &'static str {
    match method {
        Method::GdOptimal => "gd-optimal",
        Method::GdInverseL => "gd-1/L",
        Method::HeavyBall => "heavy-ball",
    }
}

/// The series key of a condition number in the κ-coloured figures.
fn kappa_key(kappa: f64) -> String {
    format!("κ = {kappa}")
}

fn iterations_chart(outcome: &Outcome) -> LineChart {
    let max_kappa = outcome.kappas.iter().map(|k| k.kappa).fold(10.0, f64::max);
    let mut chart = LineChart::new(
        format!(
            "Iterations to reach ‖x−x*‖ ≤ {:.0e}·‖x₀−x*‖",
            outcome.tolerance
        ),
        "condition number κ = λmax/λmin",
        "iterations",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    for method in Method::ALL {
        let theory: Vec<(f64, f64)> = (0..=60)
            .map(|i| 1.5 * (max_kappa / 1.5).powf(i as f64 / 60.0))
            .map(|k| {
                let n = predicted_iterations(method.rate(k), outcome.tolerance);
                (k, n as f64)
            })
            .collect();
        let measured: Vec<(f64, f64)> = outcome
            .kappas
            .iter()
            .filter_map(|k| {
                let m = k.methods.iter().find(|m| m.method == method)?;
                Some((k.kappa, m.iterations? as f64))
            })
            .collect();
        chart = chart
            .with(
                Series::line(
                    format!("{}: predicted ⌈ln tol / ln rate⌉", method.label()),
                    theory,
                )
                .key(key(method))
                .dash(Dash::Dashed),
            )
            .with(
                Series::points(format!("{}: measured", method.label()), measured).key(key(method)),
            );
    }
    chart
}

fn distance_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        "Distance to the minimizer (relative)",
        "iteration",
        "‖x−x*‖ / ‖x₀−x*‖",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    for k in outcome.kappas.iter().filter(|k| k.kappa > 1.0) {
        for m in k.methods.iter().filter(|m| m.method != Method::GdInverseL) {
            // k = 0 has no place on a log axis; the curve starts at k = 1.
            let curve = m.curve.iter().copied().filter(|p| p.0 >= 1.0).collect();
            let dash = if m.method == Method::HeavyBall {
                Dash::Dashed
            } else {
                Dash::Solid
            };
            chart = chart.with(
                Series::line(format!("κ = {}: {}", k.kappa, m.method.label()), curve)
                    .key(kappa_key(k.kappa))
                    .dash(dash),
            );
        }
    }
    chart.annotate(Annotation::hline(outcome.tolerance, "tolerance"))
}

fn step_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!("Gradient descent at κ = {}", outcome.step_kappa),
        "iteration",
        "‖x−x*‖ / ‖x₀−x*‖",
    )
    .y_scale(Scale::Log);
    for s in &outcome.steps {
        let ending = if s.final_distance > 1.0 {
            ", diverges"
        } else {
            ""
        };
        let label = format!("η = {}/λmax{ending}", s.multiple);
        // η = 1/λmax is the method "GD η=1/L": the same colour as elsewhere.
        let series = Series::line(label, s.curve.clone());
        chart = chart.with(if s.multiple == 1.0 {
            series.key(key(Method::GdInverseL))
        } else {
            series
        });
    }
    chart.annotate(Annotation::hline(1.0, "start distance"))
}

fn stability_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Distance after {} iterations of gradient descent",
            outcome.step_iterations
        ),
        "step size η·λmax",
        "‖x−x*‖ / ‖x₀−x*‖",
    )
    .y_scale(Scale::Log)
    .annotate(Annotation::vline(2.0, "η = 2/λmax"));
    let mut largest = 0.0_f64;
    for s in &outcome.sweeps {
        largest = s.points.iter().map(|p| p.1).fold(largest, f64::max);
        let shown = s.points.iter().copied().filter(|p| p.1 <= CUT).collect();
        chart = chart.with(
            Series::line(format!("κ = {}", s.kappa), shown)
                .key(kappa_key(s.kappa))
                .style(SeriesStyle::LinePoints),
        );
    }
    if largest > CUT {
        let right = outcome
            .sweeps
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .fold(0.0, f64::max);
        chart = chart.annotate(Annotation::text(
            right,
            CUT,
            format!("cut above {CUT:.0e} (up to {largest:.0e})"),
        ));
    }
    chart
}

/// The caption of a contour plot, from what the trajectories did.
fn contour_caption(case: &Trajectories) -> String {
    let words = |method: Method| {
        motion(case, method).map_or(String::new(), |m| {
            format!(
                "{} crossed the valley's floor in {} of {} steps and kept {:.1e} of its distance along the valley",
                method.label(),
                m.flips,
                m.steps,
                m.flat_left
            )
        })
    };
    format!(
        "κ = {}, the same start for every method (star: the minimizer): {}; {}; {}",
        case.kappa,
        words(Method::GdOptimal),
        words(Method::GdInverseL),
        words(Method::HeavyBall)
    )
}

/// Ranges around the trajectories and the minimizer, padded, of equal
/// length so that the renderer's equal aspect shows the valley's shape.
fn square_ranges(case: &Trajectories) -> ((f64, f64), (f64, f64)) {
    let [m0, m1] = case.minimizer;
    let points = case
        .paths
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .chain(std::iter::once((m0, m1)))
        .filter(|p| p.0.is_finite() && p.1.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (m0, m0, m1, m1);
    for (x, y) in points {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let half = 0.55 * (x1 - x0).max(y1 - y0).max(1e-9);
    let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
    ((cx - half, cx + half), (cy - half, cy + half))
}

fn contour(case: &Trajectories) -> ContourPlot {
    let [[a, b], [c, d]] = case.matrix;
    let [m0, m1] = case.minimizer;
    let f = move |x: f64, y: f64| {
        let (u, v) = (x - m0, y - m1);
        0.5 * (u * (a * u + b * v) + v * (c * u + d * v))
    };
    let (xs, ys) = square_ranges(case);
    let steps = case.paths.iter().map(|(_, p)| p.len()).max().unwrap_or(1) - 1;
    let mut plot = ContourPlot::from_fn(
        format!(
            "κ = {}: the first {steps} iterations from the same start",
            case.kappa
        ),
        xs,
        ys,
        160,
        f,
    )
    .labels("x₁", "x₂")
    .colorbar("f(x) = ½(x−x*)ᵀA(x−x*)")
    .minimizer(m0, m1);
    for (method, path) in &case.paths {
        plot = plot.with(Series::line(method.label(), path.clone()).key(key(*method)));
    }
    plot
}
