//! The precision study's teaching frame: the introduction's claim and the
//! checks, computed from the measurements, that decide its verdict.

use crate::report::{Frame, Source};
use crate::studies::format::short;

use super::{Dtype, Minimizer, Outcome};

/// A measured minimizer error "is of the order of √ε" when it lies within
/// this factor of √ε either way.
pub const ORDER: f64 = 10.0;

/// The slope of log(minimizer error) against log(ε) over the emulated
/// formats (theory: ½), or NaN with fewer than two formats.
///
/// ```
/// use experiments::studies::precision::{Config, run, verdict::slope};
/// let outcome = run(&Config { trials: 3, bits: vec![12, 24], steps_per_decade: 1, ..Config::default() }).unwrap();
/// assert!((slope(&outcome) - 0.5).abs() < 0.15);
/// ```
pub fn slope(outcome: &Outcome) -> f64 {
    match outcome.emulated.as_slice() {
        [first, .., last] => {
            (last.x_error / first.x_error).ln() / (last.epsilon / first.epsilon).ln()
        }
        _ => f64::NAN,
    }
}

/// Whether golden section in `dtype` located the minimizer to the order of
/// √ε (within [`ORDER`]) while the minimum's value is accurate to the order
/// of ε; with the evidence.
fn square_root_check(outcome: &Outcome, dtype: Dtype) -> (String, bool) {
    let Some(r) = outcome.minimizer(true, Minimizer::GoldenSection, dtype) else {
        return (format!("no golden-section run in {}", dtype.label()), false);
    };
    let (eps, root) = (dtype.epsilon(), dtype.epsilon().sqrt());
    let x_ratio = r.x_error / root;
    let near_root = (1.0 / ORDER..=ORDER).contains(&x_ratio);
    let value_near_eps = r.f_error <= ORDER * eps;
    let evidence = format!(
        "{}: golden section's minimizer error {:.2e} is {}× √ε = {:.2e} ({} ε = {:.1e} by a factor {:.1e}); the minimum's value is off by {:.1e} = {}× ε",
        dtype.label(),
        r.x_error,
        short(x_ratio),
        root,
        if r.x_error > eps {
            "worse than"
        } else {
            "not worse than"
        },
        eps,
        r.x_error / eps,
        r.f_error,
        short(r.f_error / eps),
    );
    (
        evidence,
        near_root && value_near_eps && r.x_error > ORDER * eps,
    )
}

/// The frame of `outcome`: claim, experiment, what to look at, and checks.
///
/// ```
/// use experiments::studies::precision::{Config, run, verdict::frame};
/// use experiments::report::Verdict;
/// let outcome = run(&Config { trials: 5, bits: vec![12, 24, 36], steps_per_decade: 1, ..Config::default() }).unwrap();
/// assert_eq!(frame(&outcome).verdict(), Verdict::Shown);
/// ```
pub fn frame(outcome: &Outcome) -> Frame {
    let mut frame = Frame::new(
        Source::Introduction,
        "Challenges due to machine precision",
        "if there is an error in the function value, the precision of solution value is constrained by the order of the square root of that error",
        format!(
            "minimize (x − a)² + 1 for {} random a by golden-section search, with f computed in f32, in f64 and rounded to emulated formats of {} to {} significand bits, and measure how far the result lands from the true minimizer",
            outcome.trials,
            outcome.emulated.first().map_or(0, |e| e.bits),
            outcome.emulated.last().map_or(0, |e| e.bits),
        ),
        "in the first figure the minimizer's error follows the √ε line, far above the ε line that the minimum's value follows; the flat bottom of the computed f is why",
    );
    for dtype in Dtype::ALL {
        let (evidence, passed) = square_root_check(outcome, dtype);
        frame = frame.check(evidence, passed);
    }
    let slope = slope(outcome);
    frame.check(
        format!(
            "over {} emulated formats the minimizer error grows like ε^{:.2} (the square root is ε^0.5; accepted: 0.4 to 0.6)",
            outcome.emulated.len(),
            slope
        ),
        (0.4..=0.6).contains(&slope),
    )
}
