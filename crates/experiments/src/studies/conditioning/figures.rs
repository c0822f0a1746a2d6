//! The conditioning study's files: data, figures and the finding.

use std::fmt::Write;
use std::path::Path;

use crate::error::Result;
use crate::plot::{ContourPlot, LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};

use super::{Method, NAME, Outcome, Trajectories, predicted_iterations};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, "Poor conditioning and momentum", "§4");
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
        "Distance to the minimizer per iteration: gradient descent at its best step versus heavy-ball momentum",
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
        "Distance after a fixed number of iterations against the step size: the cliff at η = 2/λmax",
        stability_chart(outcome),
    )?;
    for case in &outcome.trajectories {
        let stem = format!("contour_kappa{}", case.kappa);
        let caption = format!(
            "κ = {}: gradient descent at 2/(L+μ) oscillates across the narrow valley while crawling along it, at 1/L it only crawls; heavy-ball momentum overshoots further but travels along the valley much faster",
            case.kappa
        );
        report.figure(dir, &stem, &caption, contour(case))?;
    }
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

fn iterations_chart(outcome: &Outcome) -> LineChart {
    let max_kappa = outcome.kappas.iter().map(|k| k.kappa).fold(10.0, f64::max);
    let mut chart = LineChart::new(
        format!(
            "Iterations to reach ‖x−x*‖ ≤ {:.0e}·‖x₀−x*‖",
            outcome.tolerance
        ),
        "condition number κ",
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
            .with(Series::line(format!("{}: theory", method.label()), theory))
            .with(Series::points(
                format!("{}: measured", method.label()),
                measured,
            ));
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
            chart = chart.with(Series::line(
                format!("κ={}: {}", k.kappa, m.method.label()),
                curve,
            ));
        }
    }
    chart
}

fn step_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!("Gradient descent at κ = {}", outcome.step_kappa),
        "iteration",
        "‖x−x*‖ / ‖x₀−x*‖",
    )
    .y_scale(Scale::Log);
    for s in &outcome.steps {
        chart = chart.with(Series::line(
            format!("η = {}/λmax", s.multiple),
            s.curve.clone(),
        ));
    }
    chart
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
    .y_scale(Scale::Log);
    for s in &outcome.sweeps {
        chart = chart.with(
            Series::line(format!("κ = {}", s.kappa), s.points.clone())
                .style(SeriesStyle::LinePoints),
        );
    }
    chart
}

fn contour(case: &Trajectories) -> ContourPlot {
    let [[a, b], [c, d]] = case.matrix;
    let [m0, m1] = case.minimizer;
    let f = move |x: f64, y: f64| {
        let (u, v) = (x - m0, y - m1);
        0.5 * (u * (a * u + b * v) + v * (c * u + d * v))
    };
    // Each axis spans the trajectories (the valley is much longer than wide).
    let span = |coord: fn(&(f64, f64)) -> f64, centre: f64| {
        let reach = case
            .paths
            .iter()
            .flat_map(|(_, p)| p.iter())
            .map(coord)
            .filter(|v| v.is_finite())
            .map(|v| (v - centre).abs())
            .fold(0.0, f64::max)
            * 1.15;
        let reach = if reach > 0.0 { reach } else { 1.0 };
        (centre - reach, centre + reach)
    };
    let mut plot = ContourPlot::from_fn(
        format!(
            "κ = {}: the first 150 iterates from the same start",
            case.kappa
        ),
        span(|p| p.0, m0),
        span(|p| p.1, m1),
        160,
        f,
    )
    .labels("x₁", "x₂");
    for (method, path) in &case.paths {
        plot = plot.with(Series::line(method.label(), path.clone()));
    }
    plot
}

fn count(v: Option<usize>) -> String {
    v.map_or("not reached".into(), |n| n.to_string())
}

fn finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "Iterations until the distance to the minimizer shrank by {:.0e} on 2-D quadratics with μ = 1 (measured, **bold**; predicted by ⌈ln tol / ln rate⌉ in brackets):\n\n| κ | {} | {} | {} |\n|---|---|---|---|\n",
        outcome.tolerance,
        Method::GdOptimal.label(),
        Method::GdInverseL.label(),
        Method::HeavyBall.label()
    );
    for k in &outcome.kappas {
        let cells: Vec<String> = k
            .methods
            .iter()
            .map(|m| format!("**{}** ({})", count(m.iterations), m.predicted))
            .collect();
        let _ = writeln!(md, "| {} | {} |", k.kappa, cells.join(" | "));
    }
    md.push('\n');
    let at = |kappa: f64, method: Method| {
        outcome
            .kappas
            .iter()
            .find(|k| k.kappa == kappa)
            .and_then(|k| k.methods.iter().find(|m| m.method == method))
    };
    if let (Some(gd), Some(hb)) = (at(100.0, Method::GdOptimal), at(100.0, Method::HeavyBall)) {
        let _ = write!(
            md,
            "At κ = 100 gradient descent at its best step needed **{}** iterations and heavy-ball momentum (η = {:.4}, β = {:.4}) **{}**; the rates (κ−1)/(κ+1) = {:.4} and (√κ−1)/(√κ+1) = {:.4} predict {} and {}. ",
            count(gd.iterations),
            hb.lr,
            hb.beta,
            count(hb.iterations),
            gd.rate,
            hb.rate,
            gd.predicted,
            hb.predicted
        );
        md.push_str("Gradient descent matches its prediction because both eigen-directions contract by exactly the rate; momentum needs a few more because its optimal β gives the iteration a double root, so its error decays like k·ρᵏ. GD's count grows like κ, momentum's like √κ.\n\n");
    }
    md.push_str(&step_finding(outcome));
    md
}

/// The step-size part of the finding: divergence above 2/λmax.
fn step_finding(outcome: &Outcome) -> String {
    let mut md = String::new();
    for s in &outcome.steps {
        let verdict = if s.final_distance > 1.0 {
            "**diverged**"
        } else {
            "converged"
        };
        let _ = writeln!(
            md,
            "- η = {}/λmax at κ = {}: {verdict}, distance **{:.3e}** after {} iterations; per iteration it changed by ×**{:.4}**, theory max|1−ηλ| = {:.4}.",
            s.multiple,
            outcome.step_kappa,
            s.final_distance,
            outcome.step_iterations,
            s.measured_rate,
            s.predicted_rate,
        );
    }
    for s in &outcome.sweeps {
        let stable = s
            .points
            .iter()
            .filter(|p| p.1 < 1.0)
            .map(|p| p.0)
            .fold(f64::NAN, f64::max);
        let divergent = s
            .points
            .iter()
            .filter(|p| p.1 >= 1.0 || p.1.is_nan())
            .map(|p| p.0)
            .fold(f64::NAN, f64::min);
        let _ = writeln!(
            md,
            "- Sweep at κ = {}: the distance after {} iterations stays below 1 up to η·λmax = **{:.3}** and grows from **{:.3}** on (theory: 2).",
            s.kappa, outcome.step_iterations, stable, divergent
        );
    }
    md
}
