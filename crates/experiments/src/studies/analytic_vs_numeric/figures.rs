//! The analytic-versus-numeric study's files: data, figures and the finding.

use std::fmt::Write;
use std::path::Path;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};

use super::{LinearMethod, LogisticMethod, NAME, Outcome};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, "Analytic versus numeric solutions", "§9");
    write_data(outcome, dir, &mut report)?;
    report.figure(
        dir,
        "linear_convergence",
        "Linear regression: gradient norm against floating-point operations for the normal equations (one point), gradient descent and SGD",
        convergence_chart(outcome),
    )?;
    report.figure(
        dir,
        "scaling_flops",
        "Floating-point operations to solve least squares against the number of features",
        scaling_chart(outcome, false),
    )?;
    report.figure(
        dir,
        "scaling_time",
        "Wall-clock time to solve least squares against the number of features",
        scaling_chart(outcome, true),
    )?;
    report.figure(
        dir,
        "logistic",
        "Logistic regression (no closed form): gradient norm per iteration of gradient descent and Newton's method",
        logistic_chart(outcome),
    )?;
    report.finding = finding(outcome);
    Ok(report)
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let rows: Vec<Vec<f64>> = outcome
        .solutions
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.curve.iter().map(move |&(f, g)| vec![i as f64, f, g]))
        .collect();
    write_csv(
        &dir.join("linear_convergence.csv"),
        &["method", "flops", "gradient_norm"],
        &rows,
    )?;
    report.data("linear_convergence.csv");
    let rows: Vec<Vec<f64>> = outcome
        .scaling
        .iter()
        .map(|p| {
            vec![
                p.features as f64,
                p.normal_equations.0,
                p.normal_equations.1,
                p.gradient_descent.0,
                p.gradient_descent.1,
                p.iterations as f64,
                p.difference,
            ]
        })
        .collect();
    write_csv(
        &dir.join("scaling.csv"),
        &[
            "features",
            "ne_seconds",
            "ne_flops",
            "gd_seconds",
            "gd_flops",
            "gd_iterations",
            "max_difference",
        ],
        &rows,
    )?;
    report.data("scaling.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}

fn convergence_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Least squares, n = {}, p = {} + intercept",
            outcome.examples, outcome.features
        ),
        "floating-point operations",
        "‖∇L(w)‖",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    for s in &outcome.solutions {
        let label = match s.method {
            LinearMethod::Sgd => "SGD (per epoch)".to_string(),
            m => m.label().to_string(),
        };
        let series = match s.method {
            LinearMethod::NormalEquations => Series::points(label, s.curve.clone()),
            _ => Series::line(label, s.curve.clone()).style(SeriesStyle::LinePoints),
        };
        chart = chart.with(series);
    }
    chart
}

fn scaling_chart(outcome: &Outcome, time: bool) -> LineChart {
    let pick = |cost: (f64, f64)| if time { cost.0 } else { cost.1 };
    let ne = outcome
        .scaling
        .iter()
        .map(|p| (p.features as f64, pick(p.normal_equations)))
        .collect();
    let gd = outcome
        .scaling
        .iter()
        .map(|p| (p.features as f64, pick(p.gradient_descent)))
        .collect();
    LineChart::new(
        format!("Least squares on n = {} examples", outcome.scaling_examples),
        "features p",
        if time {
            "seconds (fastest of the repeats)"
        } else {
            "floating-point operations"
        },
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(Series::line("normal equations (Cholesky)", ne).style(SeriesStyle::LinePoints))
    .with(Series::line("gradient descent to ‖∇L‖ ≤ tol", gd).style(SeriesStyle::LinePoints))
}

fn logistic_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Logistic regression, n = {}: no closed form",
            outcome.logistic_examples
        ),
        "iteration",
        "‖∇L(w)‖",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    for fit in &outcome.logistic {
        let points = fit
            .curve
            .iter()
            .filter(|c| c.0 >= 1.0)
            .map(|c| (c.0, c.2))
            .collect();
        chart = chart.with(
            Series::line(fit.method.label(), points).style(match fit.method {
                LogisticMethod::Newton => SeriesStyle::LinePoints,
                LogisticMethod::GradientDescent => SeriesStyle::Line,
            }),
        );
    }
    chart
}

fn seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "Linear regression with n = {} examples and p = {} features plus an intercept:\n\n| method | iterations | flops | time | max abs(w − w_NE) | final ‖∇L‖ |\n|---|---|---|---|---|---|\n",
        outcome.examples, outcome.features
    );
    for s in &outcome.solutions {
        let last = s.curve.last().map_or(f64::NAN, |c| c.1);
        let _ = writeln!(
            md,
            "| {} | {} | {:.2e} | {} | {:.1e} | {:.1e} |",
            s.method.label(),
            s.iterations,
            s.flops,
            seconds(s.seconds),
            outcome.difference(s.method),
            last
        );
    }
    let _ = writeln!(
        md,
        "\nGradient descent (step 1/L, with L estimated by 10 power iterations, which are counted) reproduces the normal equations to **{:.1e}**; SGD (batches of 10, cosine-annealed step) gets within **{:.1e}**, {} the weights' own statistical uncertainty (median standard error **{:.1e}**): the three give the same answer at different costs.\n",
        outcome.difference(LinearMethod::GradientDescent),
        outcome.difference(LinearMethod::Sgd),
        if outcome.difference(LinearMethod::Sgd) < outcome.standard_error {
            "less than"
        } else {
            "compared with"
        },
        outcome.standard_error
    );
    if let (Some(first), Some(last)) = (outcome.scaling.first(), outcome.scaling.last()) {
        let ratio = |p: &super::ScalingPoint| p.gradient_descent.1 / p.normal_equations.1;
        let time_ratio = |p: &super::ScalingPoint| p.gradient_descent.0 / p.normal_equations.0;
        let _ = writeln!(
            md,
            "As p grows the normal equations' 2np² + p³/3 flops overtake gradient descent's 4np per iteration: at p = {} gradient descent ({} iterations) costs **{:.2}×** the flops of the normal equations and **{:.2}×** their time; at p = {} ({} iterations) **{:.2}×** the flops and **{:.2}×** the time. Flops and time disagree because XᵀX is a matrix-matrix product, which runs much faster per flop than gradient descent's matrix-vector products. Gradient descent still matches the normal equations to {:.1e} at the largest size.\n",
            first.features,
            first.iterations,
            ratio(first),
            time_ratio(first),
            last.features,
            last.iterations,
            ratio(last),
            time_ratio(last),
            last.difference
        );
    }
    if let (Some(gd), Some(newton)) = (
        outcome.fit(LogisticMethod::GradientDescent),
        outcome.fit(LogisticMethod::Newton),
    ) {
        let diff = super::max_abs_difference(&gd.w, &newton.w);
        let loss = |f: &super::LogisticFit| f.curve.last().map_or(f64::NAN, |c| c.1);
        let _ = writeln!(
            md,
            "Logistic regression (n = {}) has no closed form: gradient descent needed **{}** iterations ({}) and Newton's method **{}** ({}) to bring ‖∇L‖ to the same tolerance; both reach the loss {:.6} and agree to {:.1e}.",
            outcome.logistic_examples,
            gd.iterations,
            seconds(gd.seconds),
            newton.iterations,
            seconds(newton.seconds),
            loss(newton),
            diff
        );
    }
    md
}
