//! The precision study's files: data, figures and the finding.

use std::fmt::Write;
use std::path::Path;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};

use super::{Dtype, Minimizer, NAME, Outcome, Scheme};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, "The limits of machine precision", "§9");
    write_data(outcome, dir, &mut report)?;
    report.figure(
        dir,
        "minimizer_error",
        "Error of the minimizer and of the minimum against the precision of the function value: slopes ½ and 1",
        error_chart(outcome),
    )?;
    report.figure(
        dir,
        "flat_bottom",
        "The computed (x − 1.3)² + 1 near its minimizer, in units of √ε and ε: a flat bottom about √ε wide (f32 and f64 draw the same staircase in these units)",
        flat_chart(outcome),
    )?;
    report.figure(
        dir,
        "finite_differences",
        "Error of finite-difference gradients against the step h: the V, with its bottom near √ε (forward) and ε^(1/3) (central)",
        difference_chart(outcome, true),
    )?;
    report.figure(
        dir,
        "gradcheck",
        "autodiff::GradCheck (differences in f64) against an f32 and an f64 tape",
        difference_chart(outcome, false),
    )?;
    report.finding = finding(outcome);
    Ok(report)
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let rows: Vec<Vec<f64>> = outcome
        .emulated
        .iter()
        .map(|e| vec![e.bits as f64, e.epsilon, e.x_error, e.f_error])
        .collect();
    write_csv(
        &dir.join("emulated.csv"),
        &["bits", "epsilon", "median_x_error", "median_f_error"],
        &rows,
    )?;
    report.data("emulated.csv");
    let rows: Vec<Vec<f64>> = outcome
        .differences
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.points.iter().map(move |&(h, e)| vec![i as f64, h, e]))
        .collect();
    write_csv(
        &dir.join("differences.csv"),
        &["curve", "step", "relative_error"],
        &rows,
    )?;
    report.data("differences.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}

fn error_chart(outcome: &Outcome) -> LineChart {
    // Significand bits p on the x axis (ε = 2^(1−p)): errors fall to the right.
    let bits = |eps: f64| 1.0 - eps.log2();
    let emulated = |pick: fn(&super::EmulatedResult) -> f64| {
        outcome
            .emulated
            .iter()
            .map(|e| (e.bits as f64, pick(e)))
            .collect()
    };
    let reference = |power: f64| {
        outcome
            .emulated
            .iter()
            .map(|e| (e.bits as f64, e.epsilon.powf(power)))
            .collect()
    };
    let mut chart = LineChart::new(
        "Minimizing (x − a)² + 1 with f rounded to p significand bits",
        "significand bits p of the computed f (ε = 2^(1−p); f32: 24, f64: 53)",
        "median error",
    )
    .y_scale(Scale::Log)
    .with(
        Series::line("minimizer error, golden section", emulated(|e| e.x_error))
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line(
            "minimum error f(x)−f*, golden section",
            emulated(|e| e.f_error),
        )
        .style(SeriesStyle::LinePoints),
    )
    .with(Series::line("√ε", reference(0.5)))
    .with(Series::line("ε", reference(1.0)));
    for minimizer in [Minimizer::GoldenSection, Minimizer::GdUntilNoDecrease] {
        let points = Dtype::ALL
            .iter()
            .filter_map(|&d| {
                Some((
                    bits(d.epsilon()),
                    outcome.minimizer(true, minimizer, d)?.x_error,
                ))
            })
            .collect();
        chart = chart.with(Series::points(
            format!("minimizer error, {}, real f32 / f64", minimizer.label()),
            points,
        ));
    }
    chart
}

fn flat_chart(outcome: &Outcome) -> LineChart {
    let exact = (-300..=300)
        .map(|i| {
            let u = 3.0 * i as f64 / 300.0;
            (u, u * u)
        })
        .collect();
    let mut chart = LineChart::new(
        "Computed f(x) − f(x*) near x* = 1.3",
        "(x − x*) / √ε",
        "(f(x) − f(x*)) / ε",
    )
    .with(Series::line("exact (x − x*)²", exact));
    // In these units both precisions draw the same staircase: f64 as a
    // line, f32 as markers on it.
    for fb in &outcome.flat_bottoms {
        let label = format!("computed in {}", fb.dtype.label());
        let series = match fb.dtype {
            Dtype::F32 => Series::points(label, fb.points.clone()),
            Dtype::F64 => Series::line(label, fb.points.clone()),
        };
        chart = chart.with(series);
    }
    chart
}

fn curve_label(dtype: Dtype, scheme: Option<Scheme>) -> String {
    match scheme {
        Some(Scheme::Central) => format!("central, {}", dtype.label()),
        Some(Scheme::Forward) => format!("forward, {}", dtype.label()),
        None => format!("GradCheck on an {} tape", dtype.label()),
    }
}

fn difference_chart(outcome: &Outcome, own: bool) -> LineChart {
    let title = if own {
        "Finite-difference gradient of a logistic loss, evaluated in f32 and f64"
    } else {
        "autodiff::GradCheck: central differences in f64 versus the tape's gradient"
    };
    let mut chart = LineChart::new(title, "step h", "relative error of the gradient")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log);
    for c in outcome
        .differences
        .iter()
        .filter(|c| c.scheme.is_some() == own)
    {
        chart = chart.with(
            Series::line(curve_label(c.dtype, c.scheme), c.points.clone())
                .style(SeriesStyle::LinePoints),
        );
    }
    chart
}

/// The finding: minimizer precision, then finite differences.
fn finding(outcome: &Outcome) -> String {
    let mut md = String::new();
    let golden = |d| outcome.minimizer(true, Minimizer::GoldenSection, d);
    if let (Some(s), Some(d)) = (golden(Dtype::F32), golden(Dtype::F64)) {
        let _ = write!(
            md,
            "Golden-section search on (x − a)² + 1 (median of {} values of a) located the minimizer to **{:.2e}** in f32 and **{:.2e}** in f64, against √ε = {:.2e} and {:.2e}; the minimum itself was off by only {:.1e} and {:.1e} (≈ ε). ",
            outcome.trials,
            s.x_error,
            d.x_error,
            Dtype::F32.epsilon().sqrt(),
            Dtype::F64.epsilon().sqrt(),
            s.f_error,
            d.f_error
        );
    }
    if let [first, .., last] = outcome.emulated.as_slice() {
        let slope = (last.x_error / first.x_error).ln() / (last.epsilon / first.epsilon).ln();
        let _ = write!(
            md,
            "Over emulated formats from {} to {} bits the minimizer error follows ε to the power **{:.2}** (theory ½). ",
            first.bits, last.bits, slope
        );
    }
    for fb in &outcome.flat_bottoms {
        let _ = write!(
            md,
            "In {} every x within **{:.2e}** of x* = 1.3 gives exactly the computed f(x*) (√(ε/2) = {:.2e}). ",
            fb.dtype.label(),
            fb.half_width,
            (fb.dtype.epsilon() / 2.0).sqrt()
        );
    }
    md.push_str(
        "\n\n| function | method | f32: abs(x̂ − x*) | f64: abs(x̂ − x*) |\n|---|---|---|---|\n",
    );
    for quadratic in [true, false] {
        for m in Minimizer::ALL {
            let (Some(s), Some(d)) = (
                outcome.minimizer(quadratic, m, Dtype::F32),
                outcome.minimizer(quadratic, m, Dtype::F64),
            ) else {
                continue;
            };
            let _ = writeln!(
                md,
                "| {} | {} | {:.2e} | {:.2e} |",
                s.function.label(),
                m.label(),
                s.x_error,
                d.x_error
            );
        }
    }
    let ln2 = std::f64::consts::LN_2;
    let _ = write!(
        md,
        "\nMethods that compare function values (golden section, or gradient descent stopped when the loss no longer decreases) stop anywhere on the flat bottom, so their error is ≈ √ε. Newton's method solving f′ = 0 with an accurate derivative does not compare values: it lands on (or next to) the representable number nearest x* (an error of 0 means exactly that; {:.1e} is the distance from ln 2 to the nearest f32), far below √ε.\n\n",
        ((ln2 as f32) as f64 - ln2).abs()
    );
    md.push_str(&differences_finding(outcome));
    md
}

/// The finite-difference part of the finding.
fn differences_finding(outcome: &Outcome) -> String {
    let mut md = String::new();
    for dtype in Dtype::ALL {
        for scheme in [Scheme::Forward, Scheme::Central] {
            if let Some(c) = outcome.difference(dtype, Some(scheme)) {
                let _ = writeln!(
                    md,
                    "- {} differences in {}: smallest error **{:.1e}** at h = **{:.1e}** (theory: h ≈ {:.1e}).",
                    if scheme == Scheme::Central {
                        "Central"
                    } else {
                        "Forward"
                    },
                    dtype.label(),
                    c.best_error,
                    c.best_step,
                    scheme.best_step(dtype.epsilon())
                );
            }
        }
    }
    if let (Some(s), Some(d)) = (
        outcome.difference(Dtype::F32, None),
        outcome.difference(Dtype::F64, None),
    ) {
        let plateau: Vec<f64> = s
            .points
            .iter()
            .filter(|p| (1e-8..=1e-4).contains(&p.0))
            .map(|p| p.1)
            .collect();
        let _ = writeln!(
            md,
            "- `autodiff::GradCheck` takes its differences in f64: on an f64 tape its error has the same V (best **{:.1e}** at h = {:.1e}), but on an f32 tape it stays at ≈ **{:.1e}** for every h from 1e-8 to 1e-4, the f32 gradient's own rounding, which no step can reveal or remove. Check gradients in f64.",
            d.best_error,
            d.best_step,
            super::median(plateau)
        );
    }
    md
}
