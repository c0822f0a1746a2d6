//! The precision study's files: data, figures and the finding.

use std::path::Path;

use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};

use super::{Dtype, Minimizer, NAME, Outcome, SECTION, Scheme};

/// Writes the data, figures and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, "The limits of machine precision", SECTION);
    write_data(outcome, dir, &mut report)?;
    let (chart, floor) = error_chart(outcome);
    report.figure(
        dir,
        "minimizer_error",
        &format!(
            "Median error of the minimizer and of the minimum's value when f is rounded to p significand bits, against the predictions √ε (dashed) and ε (dotted); the lone markers at p = 24 and 53 are real f32 and f64 runs of three methods. Errors of exactly 0 have no place on a log axis and are drawn at the floor {floor:.0e} (horizontal line)"
        ),
        chart,
    )?;
    report.figure(
        dir,
        "flat_bottom",
        "The computed (x − 1.3)² + 1 near its minimizer in f32 (solid) and f64 (dashed), in units of √ε (across) and ε (up), against the exact parabola (dotted); the vertical lines mark the measured edges of the f32 flat bottom, where the computed value first differs from f(x*)",
        flat_chart(outcome),
    )?;
    report.figure(
        dir,
        "finite_differences",
        "Relative error of finite-difference gradients of a logistic loss against the step h, f32 dashed and f64 solid; the vertical lines mark √ε and ∛ε of each precision, where theory puts the bottom of the forward and central V",
        difference_chart(outcome, true),
    )?;
    report.figure(
        dir,
        "gradcheck",
        "autodiff::GradCheck (central differences in f64) against the gradient of an f32 tape (dashed) and of an f64 tape (solid); the horizontal line is ε of f32",
        difference_chart(outcome, false),
    )?;
    report.finding = super::finding::finding(outcome);
    report.frame = Some(super::verdict::frame(outcome));
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

/// The decade below the smallest positive value of `values`: where values
/// of exactly 0 are drawn on a log axis (instead of at 1e-300 or nowhere).
fn zero_floor(values: impl IntoIterator<Item = f64>) -> f64 {
    let smallest = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    if smallest.is_finite() {
        10f64.powf(smallest.log10().floor() - 1.0)
    } else {
        1e-17
    }
}

/// The minimizer-error chart and the floor at which errors of 0 are drawn.
fn error_chart(outcome: &Outcome) -> (LineChart, f64) {
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
    let real = |minimizer: Minimizer| -> Vec<(f64, f64)> {
        Dtype::ALL
            .iter()
            .filter_map(|&d| {
                let r = outcome.minimizer(true, minimizer, d)?;
                Some((bits(d.epsilon()), r.x_error))
            })
            .collect()
    };
    let floor = zero_floor(
        outcome
            .emulated
            .iter()
            .flat_map(|e| [e.x_error, e.f_error])
            .chain(Minimizer::ALL.iter().flat_map(|&m| real(m)).map(|p| p.1)),
    );
    let mut chart = LineChart::new(
        "Minimizing (x − a)² + 1 with f rounded to p significand bits",
        "significand bits p of the computed f (ε = 2^(1−p); f32: 24, f64: 53)",
        "median error",
    )
    .y_scale(Scale::Log)
    .with(
        Series::line("golden section: abs(x̂ − x*)", emulated(|e| e.x_error))
            .key("golden section")
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line("golden section: f(x̂) − f*", emulated(|e| e.f_error))
            .key("value error")
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line("√ε (predicted abs(x̂ − x*))", reference(0.5))
            .key("√ε")
            .dash(Dash::Dashed),
    )
    .with(
        Series::line("ε (predicted f(x̂) − f*)", reference(1.0))
            .key("ε")
            .dash(Dash::Dotted),
    );
    for (minimizer, key) in [
        (Minimizer::GoldenSection, "golden section, real f32 / f64"),
        (Minimizer::GdUntilNoDecrease, "GD until f stops decreasing"),
        (Minimizer::NewtonOnDerivative, "Newton on f′"),
    ] {
        let points: Vec<(f64, f64)> = real(minimizer)
            .into_iter()
            .map(|(x, e)| (x, if e > 0.0 { e } else { floor }))
            .collect();
        chart = chart.with(
            Series::points(format!("real f32 / f64: {}", minimizer.label()), points).key(key),
        );
    }
    let chart = chart.annotate(Annotation::hline(
        floor,
        format!("floor {floor:.0e}: errors of exactly 0 are drawn here"),
    ));
    (chart, floor)
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
    .with(
        Series::line("exact (x − x*)²", exact)
            .key("exact")
            .dash(Dash::Dotted),
    );
    for fb in &outcome.flat_bottoms {
        let label = format!("computed in {}", fb.dtype.label());
        let series = match fb.dtype {
            Dtype::F32 => Series::line(label, fb.points.clone()),
            Dtype::F64 => Series::line(label, fb.points.clone()).dash(Dash::Dashed),
        };
        chart = chart.with(series.key(fb.dtype.label()));
    }
    if let Some(fb) = outcome.flat_bottoms.first() {
        let edge = fb.half_width / fb.dtype.epsilon().sqrt();
        chart = chart
            .annotate(Annotation::vline(-edge, format!("edge −{edge:.2}√ε")))
            .annotate(Annotation::vline(edge, format!("edge +{edge:.2}√ε")));
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
        let series = Series::line(curve_label(c.dtype, c.scheme), c.points.clone())
            .style(SeriesStyle::LinePoints);
        chart = chart.with(match c.dtype {
            Dtype::F32 => series.dash(Dash::Dashed),
            Dtype::F64 => series,
        });
    }
    if own {
        // a relative error of 1 is an estimate of exactly 0
        let zero = outcome
            .differences
            .iter()
            .flat_map(|c| &c.points)
            .find(|p| p.1 == 1.0);
        if let Some(&(h, _)) = zero {
            chart = chart.annotate(Annotation::text(
                h,
                0.3,
                "error 1: f(x ± h) rounded to f(x), the difference is 0",
            ));
        }
        for dtype in Dtype::ALL {
            let bits = if dtype == Dtype::F32 { "32" } else { "64" };
            chart = chart
                .annotate(Annotation::vline(
                    Scheme::Forward.best_step(dtype.epsilon()),
                    format!("√ε{bits}"),
                ))
                .annotate(Annotation::vline(
                    Scheme::Central.best_step(dtype.epsilon()),
                    format!("∛ε{bits}"),
                ));
        }
    } else {
        chart = chart.annotate(Annotation::hline(
            Dtype::F32.epsilon(),
            format!("ε of f32 = {:.1e}", Dtype::F32.epsilon()),
        ));
    }
    chart
}

#[cfg(test)]
mod tests {
    #[test]
    fn zeros_are_drawn_a_decade_below_the_smallest_positive_value() {
        let floor = super::zero_floor([3e-16, 0.0, 1e-3]);
        assert!((floor / 1e-17 - 1.0).abs() < 1e-9, "{floor}");
        assert_eq!(super::zero_floor([0.0]), 1e-17);
    }
}
