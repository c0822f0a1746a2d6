//! The analytic-versus-numeric study's files: data, figures and the finding.

use std::fmt::Write;
use std::path::Path;

use crate::error::Result;
use crate::plot::{Annotation, LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};

use super::{LinearMethod, LogisticMethod, NAME, Outcome, SECTION};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, "Analytic versus numeric solutions", SECTION);
    write_data(outcome, dir, &mut report)?;
    let (n, big_n) = (outcome.examples, outcome.scaling_examples);
    report.figure(
        dir,
        "linear_convergence",
        &format!("Linear regression on n = {n} examples: gradient norm against the floating-point operations spent. The normal equations reach the solution in one solve (a vertical drop at its cost, from the gradient at w = 0); gradient descent's count includes the power iterations that set its step"),
        convergence_chart(outcome),
    )?;
    report.figure(
        dir,
        "scaling_flops",
        &format!("Floating-point operations to solve least squares on n = {big_n} examples against the number of features p: the normal equations grow like np², gradient descent like np per iteration"),
        scaling_chart(outcome, false),
    )?;
    report.figure(
        dir,
        "scaling_time",
        &format!("Wall-clock time of the same solves (n = {big_n}), fastest of the repeats"),
        scaling_chart(outcome, true),
    )?;
    report.figure(
        dir,
        "logistic",
        &format!("Logistic regression on n = {} examples (no closed form): gradient norm per iteration of gradient descent and of Newton's method, both run to the same tolerance", outcome.logistic_examples),
        logistic_chart(outcome),
    )?;
    report.finding = finding(outcome);
    report.frame = Some(super::verdict::frame(outcome));
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

/// The series key of a method (one colour per method across the figures).
fn key(method: LinearMethod) -> &'static str {
    match method {
        LinearMethod::NormalEquations => "normal equations",
        LinearMethod::GradientDescent => "gradient descent",
        LinearMethod::Sgd => "SGD",
    }
}

fn convergence_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Least squares, n = {} examples, p = {} features + intercept",
            outcome.examples, outcome.features
        ),
        "floating-point operations",
        "‖∇L(w)‖",
    )
    .units("flop", "")
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    // ‖∇L(0)‖: every method starts from w = 0
    let start = outcome
        .solution(LinearMethod::GradientDescent)
        .and_then(|s| s.curve.first())
        .map_or(f64::NAN, |c| c.1);
    for s in &outcome.solutions {
        let series = match s.method {
            // One solve: from w = 0 to the solution at its whole cost.
            LinearMethod::NormalEquations => {
                let (flops, norm) = s.curve.last().copied().unwrap_or((f64::NAN, f64::NAN));
                Series::line(
                    "normal equations: one solve, ‖∇L‖ drops at its cost",
                    vec![(flops, start), (flops, norm)],
                )
                .style(SeriesStyle::LinePoints)
            }
            LinearMethod::GradientDescent => {
                Series::line("gradient descent (per iteration)", s.curve.clone())
            }
            LinearMethod::Sgd => Series::line(
                format!("SGD, batches of {} (per epoch)", outcome.sgd_batch),
                // the start (0 flops) has no place on a log axis
                s.curve.iter().copied().filter(|c| c.0 > 0.0).collect(),
            )
            .style(SeriesStyle::LinePoints),
        };
        chart = chart.with(series.key(key(s.method)));
    }
    chart.annotate(Annotation::hline(
        outcome.tolerance,
        format!("gradient descent stops at ‖∇L‖ ≤ {:.0e}", outcome.tolerance),
    ))
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
        format!(
            "Least squares on n = {} examples: {}",
            outcome.scaling_examples,
            if time {
                "wall-clock time"
            } else {
                "arithmetic"
            }
        ),
        "features p",
        if time {
            "time, fastest of the repeats"
        } else {
            "floating-point operations"
        },
    )
    .units("", if time { "s" } else { "flop" })
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(
        Series::line("normal equations (Cholesky), 2np² + p³/3", ne)
            .key(key(LinearMethod::NormalEquations))
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line(
            format!("gradient descent to ‖∇L‖ ≤ {:.0e}", outcome.tolerance),
            gd,
        )
        .key(key(LinearMethod::GradientDescent))
        .style(SeriesStyle::LinePoints),
    )
}

fn logistic_chart(outcome: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Logistic regression, n = {} examples: no closed form",
            outcome.logistic_examples
        ),
        "iteration (from 1)",
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
        let series = match fit.method {
            LogisticMethod::Newton => Series::line("Newton", points)
                .key("Newton")
                .style(SeriesStyle::LinePoints),
            LogisticMethod::GradientDescent => Series::line("gradient descent, step 1/L", points)
                .key(key(LinearMethod::GradientDescent)),
        };
        chart = chart.with(series);
    }
    chart.annotate(Annotation::hline(
        outcome.tolerance,
        format!("both stop at ‖∇L‖ ≤ {:.0e}", outcome.tolerance),
    ))
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
    let (gd, sgd) = (
        outcome.difference(LinearMethod::GradientDescent),
        outcome.difference(LinearMethod::Sgd),
    );
    let _ = writeln!(
        md,
        "\nGradient descent (step 1/L, with L estimated by 10 power iterations, which are counted) reproduces the normal equations to **{gd:.1e}**; SGD (batches of {}, cosine-annealed step) gets within **{sgd:.1e}**, {} the weights' own statistical uncertainty (median standard error **{:.1e}**){}.\n",
        outcome.sgd_batch,
        if sgd < outcome.standard_error {
            "less than"
        } else {
            "more than"
        },
        outcome.standard_error,
        if gd < super::verdict::SAME && sgd < outcome.standard_error {
            ": the three give the same answer at different costs"
        } else {
            ""
        }
    );
    if let (Some(first), Some(last)) = (outcome.scaling.first(), outcome.scaling.last()) {
        scaling_finding(outcome, first, last, &mut md);
    }
    if let (Some(gd), Some(newton)) = (
        outcome.fit(LogisticMethod::GradientDescent),
        outcome.fit(LogisticMethod::Newton),
    ) {
        let diff = super::max_abs_difference(&gd.w, &newton.w);
        let loss = |f: &super::LogisticFit| f.curve.last().map_or(f64::NAN, |c| c.1);
        let _ = writeln!(
            md,
            "Logistic regression (n = {}) has no closed form: gradient descent needed **{}** iterations ({}) and Newton's method **{}** ({}) to bring ‖∇L‖ to {:.0e}; their losses are {:.6} and {:.6}, their weights differ by at most {:.1e}.",
            outcome.logistic_examples,
            gd.iterations,
            seconds(gd.seconds),
            newton.iterations,
            seconds(newton.seconds),
            outcome.tolerance,
            loss(gd),
            loss(newton),
            diff
        );
    }
    md
}

/// Where the normal equations' arithmetic overtakes gradient descent's, and
/// whether wall-clock time agrees.
fn scaling_finding(
    outcome: &Outcome,
    first: &super::ScalingPoint,
    last: &super::ScalingPoint,
    md: &mut String,
) {
    let flops = |p: &super::ScalingPoint| p.gradient_descent.1 / p.normal_equations.1;
    let time = |p: &super::ScalingPoint| p.gradient_descent.0 / p.normal_equations.0;
    let _ = writeln!(
        md,
        "On n = {} examples:\n\n| p | gradient-descent iterations | GD flops / NE flops | GD time / NE time | max abs(w_GD − w_NE) |\n|---|---|---|---|---|",
        outcome.scaling_examples
    );
    for p in &outcome.scaling {
        let _ = writeln!(
            md,
            "| {} | {} | {:.2} | {:.2} | {:.1e} |",
            p.features,
            p.iterations,
            flops(p),
            time(p),
            p.difference
        );
    }
    let crossover = outcome.scaling.iter().find(|p| flops(p) < 1.0);
    let _ = write!(
        md,
        "\nThe normal equations cost 2np² + p³/3 flops, gradient descent 4np per iteration: "
    );
    match crossover {
        Some(p) if flops(first) >= 1.0 => {
            let _ = write!(
                md,
                "from p = **{}** on, the closed form did more arithmetic than gradient descent (at p = {}: **{:.2}×** gradient descent's flops). ",
                p.features,
                last.features,
                1.0 / flops(last)
            );
        }
        Some(_) => {
            let _ = write!(
                md,
                "the closed form did more arithmetic than gradient descent at every p measured. "
            );
        }
        None => {
            let _ = write!(
                md,
                "gradient descent did more arithmetic than the closed form at every p measured, up to p = {}. ",
                last.features
            );
        }
    }
    if flops(last) < 1.0 && time(last) > 1.0 {
        let _ = write!(
            md,
            "Yet at p = {} gradient descent still took **{:.2}×** the time: the normal equations (whose bulk is the matrix-matrix product XᵀX) ran at **{:.2}** GFLOP/s, gradient descent (matrix-vector products) at **{:.2}** GFLOP/s.",
            last.features,
            time(last),
            last.normal_equations.1 / last.normal_equations.0 / 1e9,
            last.gradient_descent.1 / last.gradient_descent.0 / 1e9
        );
    }
    md.push_str("\n\n");
}
