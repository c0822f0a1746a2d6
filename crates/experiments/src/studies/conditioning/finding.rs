//! The conditioning study's verdict and finding, computed from the measurements.

use std::fmt::Write;

use super::{Method, Outcome, Trajectories};
use crate::report::{Frame, Source};
use crate::studies::power_law::log_slope;

fn count(v: Option<usize>) -> String {
    v.map_or("not reached".into(), |n| n.to_string())
}

/// `(κ, iterations)` of `method` for κ ≥ 10 (κ = 1 is solved in one step).
fn iterations(outcome: &Outcome, method: Method) -> Vec<(f64, f64)> {
    outcome
        .kappas
        .iter()
        .filter(|k| k.kappa >= 10.0)
        .filter_map(|k| {
            let m = k.methods.iter().find(|m| m.method == method)?;
            Some((k.kappa, m.iterations? as f64))
        })
        .collect()
}

/// What one trajectory did along the valley and across it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Motion {
    /// Steps taken.
    pub steps: usize,
    /// Steps in which the error across the valley (eigenvector of L) changed sign.
    pub flips: usize,
    /// `|error along the valley|` at the end over at the start.
    pub flat_left: f64,
}

/// The motion of `method` in contour case `case`.
pub(super) fn motion(case: &Trajectories, method: Method) -> Option<Motion> {
    let (_, path) = case.paths.iter().find(|(m, _)| *m == method)?;
    let [m0, m1] = case.minimizer;
    let [flat, sharp] = case.eigenvectors;
    let along = |v: [f64; 2], p: &(f64, f64)| (p.0 - m0) * v[0] + (p.1 - m1) * v[1];
    let across: Vec<f64> = path.iter().map(|p| along(sharp, p)).collect();
    let flips = across.windows(2).filter(|w| w[0] * w[1] < 0.0).count();
    let start = along(flat, path.first()?).abs();
    let end = along(flat, path.last()?).abs();
    Some(Motion {
        steps: path.len() - 1,
        flips,
        flat_left: end / start,
    })
}

/// The contour case the oscillation check reads: κ of the step-size
/// comparison if drawn, else the largest κ drawn.
fn oscillation_case(outcome: &Outcome) -> Option<&Trajectories> {
    outcome
        .trajectories
        .iter()
        .find(|t| t.kappa == outcome.step_kappa)
        .or_else(|| {
            outcome
                .trajectories
                .iter()
                .max_by(|a, b| a.kappa.total_cmp(&b.kappa))
        })
}

/// The teaching frame with its checks, a pure function of the outcome.
pub fn checks(outcome: &Outcome) -> Frame {
    let frame = Frame::new(
        Source::Lecture,
        "Section 4: Poor conditioning",
        "Violent oscillations on the \u{2018}sharper\u{2019} (high curvature) directions, and slow movement along the \u{2018}flatter\u{2019} (low curvature) directions. [\u{2026}] Momentum fixes this",
        "gradient descent and heavy-ball momentum on 2-D quadratics of condition number κ = λmax/λmin, counting the iterations each needs and sweeping gradient descent's step size",
        "the zig-zag of gradient descent across the valley in the contour plots, and the slopes in the iterations-versus-κ plot (κ for gradient descent, √κ for momentum)",
    );
    let frame = oscillation_check(outcome, frame);
    let (gd, hb) = (
        iterations(outcome, Method::GdOptimal),
        iterations(outcome, Method::HeavyBall),
    );
    let (gd_slope, hb_slope) = (log_slope(&gd), log_slope(&hb));
    let slope = |s: Option<f64>| s.map_or("n/a".into(), |s| format!("{s:.2}"));
    let frame = frame.check(
        format!(
            "gradient descent's iterations grow like κ^{} over κ = {} (theory: κ¹)",
            slope(gd_slope),
            kappas(&gd)
        ),
        gd_slope.is_some_and(|s| (0.8..=1.2).contains(&s)),
    );
    let (gd_last, hb_last) = (gd.last().map(|p| p.1), hb.last().map(|p| p.1));
    let frame = frame.check(
        format!(
            "momentum's grow like κ^{} (theory: κ^0.5); at the largest κ it needs {} iterations against gradient descent's {}",
            slope(hb_slope),
            hb_last.map_or("n/a".into(), |n| n.to_string()),
            gd_last.map_or("n/a".into(), |n| n.to_string())
        ),
        hb_slope.is_some_and(|s| (0.3..=0.7).contains(&s))
            && matches!((hb_last, gd_last), (Some(h), Some(g)) if 3.0 * h <= g),
    );
    let edges: Vec<(f64, f64, f64)> = outcome.sweeps.iter().map(cliff).collect();
    frame.check(
        format!(
            "gradient descent is stable only for η < 2/λmax: the distance stays below 1 up to η·λmax = {} and grows from {} on (κ = {})",
            edges
                .iter()
                .map(|e| format!("{:.3}", e.0))
                .collect::<Vec<_>>()
                .join(", "),
            edges
                .iter()
                .map(|e| format!("{:.3}", e.1))
                .collect::<Vec<_>>()
                .join(", "),
            outcome
                .sweeps
                .iter()
                .map(|s| s.kappa.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        !edges.is_empty()
            && edges
                .iter()
                .all(|&(stable, divergent, step)| stable <= 2.0 && divergent > 2.0 && divergent - stable <= step + 1e-9),
    )
}

fn kappas(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|p| p.0.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn oscillation_check(outcome: &Outcome, frame: Frame) -> Frame {
    let case = oscillation_case(outcome);
    let gd = case.and_then(|c| motion(c, Method::GdOptimal));
    let hb = case.and_then(|c| motion(c, Method::HeavyBall));
    match (case, gd, hb) {
        (Some(case), Some(gd), Some(hb)) => frame.check(
            format!(
                "at κ = {}, over {} steps, gradient descent at 2/(L+μ) flipped the sign of its error across the valley in {} steps and kept {:.1}% of its error along it; heavy ball kept {:.1e}%",
                case.kappa,
                gd.steps,
                gd.flips,
                100.0 * gd.flat_left,
                100.0 * hb.flat_left
            ),
            gd.flips * 10 >= gd.steps * 9
                && gd.flat_left >= 0.01
                && hb.flat_left <= gd.flat_left / 100.0,
        ),
        _ => frame.check("no contour case was run to look for oscillations", false),
    }
}

/// `(largest stable η·λmax, smallest divergent η·λmax, sweep spacing)`.
fn cliff(s: &super::Sweep) -> (f64, f64, f64) {
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
    let step = s.points.get(1).map_or(f64::NAN, |p| p.0) - s.points[0].0;
    (stable, divergent, step)
}

/// The finding in Markdown.
pub(super) fn finding(outcome: &Outcome) -> String {
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
    if let (Some(gd), Some(hb)) = (
        outcome.result(outcome.step_kappa, Method::GdOptimal),
        outcome.result(outcome.step_kappa, Method::HeavyBall),
    ) {
        let _ = write!(
            md,
            "At κ = {} gradient descent at its best step needed **{}** iterations and heavy-ball momentum (η = {:.4}, β = {:.4}) **{}**; the rates (κ−1)/(κ+1) = {:.4} and (√κ−1)/(√κ+1) = {:.4} predict {} and {}. ",
            outcome.step_kappa,
            count(gd.iterations),
            hb.lr,
            hb.beta,
            count(hb.iterations),
            gd.rate,
            hb.rate,
            gd.predicted,
            hb.predicted
        );
        md.push_str(&prediction_words(
            gd.iterations,
            gd.predicted,
            hb.iterations,
            hb.predicted,
        ));
        md.push_str("\n\n");
    }
    md.push_str(&step_finding(outcome));
    md
}

/// How the measured counts compare with the predicted ones, in words.
fn prediction_words(
    gd: Option<usize>,
    gd_predicted: usize,
    hb: Option<usize>,
    hb_predicted: usize,
) -> String {
    let gd_words = match gd {
        Some(n) if n.abs_diff(gd_predicted) <= 1 => {
            "Gradient descent matches its prediction to the iteration (along both eigenvectors its error contracts by exactly the rate)".to_string()
        }
        Some(n) => format!(
            "Gradient descent differs from its prediction by {:+.0}%",
            100.0 * (n as f64 / gd_predicted as f64 - 1.0)
        ),
        None => "Gradient descent did not reach the tolerance".to_string(),
    };
    let hb_words = match hb {
        Some(n) if n > hb_predicted => format!(
            "momentum needs {:.0}% more than predicted: its optimal β gives the iteration a double root, so its error decays like k·ρᵏ rather than ρᵏ",
            100.0 * (n as f64 / hb_predicted as f64 - 1.0)
        ),
        Some(_) => "momentum needs no more than predicted".to_string(),
        None => "momentum did not reach the tolerance".to_string(),
    };
    format!("{gd_words}; {hb_words}.")
}

/// The step-size part of the finding: divergence above 2/λmax, as tables.
fn step_finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "Gradient descent at κ = {} for {} iterations:\n\n| η·λmax | outcome | distance at the end | change per iteration | theory max\\|1−ηλ\\| |\n|---|---|---|---|---|\n",
        outcome.step_kappa, outcome.step_iterations
    );
    for s in &outcome.steps {
        let verdict = if s.final_distance > 1.0 {
            "**diverged**"
        } else {
            "converged"
        };
        let _ = writeln!(
            md,
            "| {} | {verdict} | {:.3e} | ×{:.4} | {:.4} |",
            s.multiple, s.final_distance, s.measured_rate, s.predicted_rate,
        );
    }
    md.push_str(
        "\n| κ | distance below 1 up to η·λmax | grows from η·λmax | theory |\n|---|---|---|---|\n",
    );
    for s in &outcome.sweeps {
        let (stable, divergent, _) = cliff(s);
        let _ = writeln!(
            md,
            "| {} | **{stable:.3}** | **{divergent:.3}** | 2 |",
            s.kappa
        );
    }
    md
}
