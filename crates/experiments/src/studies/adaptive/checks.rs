//! The checks of the lecture's claim, as a pure function of the outcome,
//! and the finding's table.

use super::{Config, Outcome};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// Steps at the start of the quadratic in which the zig-zag is counted.
pub const ZIGZAG_STEPS: usize = 20;
/// Step at which the effective rates of x and y are compared.
pub const RATE_STEP: usize = 10;
/// The smallest x/y ratio of effective rates that counts as "individual".
pub const RATE_RATIO: f64 = 5.0;

/// The frame with its checks, computed from `out`.
pub fn frame(config: &Config, out: &Outcome) -> Frame {
    let mut frame = Frame::new(
        Source::Lecture,
        "Section 7: Hyperparameter Tuning, Weight specific Learning Rate Tuning",
        "Adaptive Methods for Individual Learning Rates",
        format!(
            "Eleven optimizers on \u{bd}(x\u{b2} + {}y\u{b2}) at one common learning rate {} \
             (between 1/\u{3bb}max and 2/\u{3bb}max, where gradient descent overshoots along y), \
             on Rosenbrock's banana, and on MNIST from the same initialization and minibatches \
             for {} seeds.",
            config.kappa, config.quadratic_lr, config.seeds
        ),
        "The zig-zag of gradient descent across the quadratic's valley, the effective learning \
         rate lr/\u{221a}v\u{302} that Adagrad, RMSprop and Adam give each parameter, and the \
         MNIST loss bands.",
    );
    let find = |name: &str| out.quadratic.iter().find(|t| t.optimizer == name);
    if let Some(gd) = find("sgd") {
        let changes = gd.y_sign_changes(ZIGZAG_STEPS);
        let x0 = gd.points[0].0.abs();
        let xk = gd.points.get(ZIGZAG_STEPS).map_or(f64::NAN, |p| p.0.abs());
        frame = frame.check(
            format!(
                "gradient descent zig-zags across the valley and crawls along it: y changed \
                 sign in {changes} of the first {ZIGZAG_STEPS} steps while |x| only fell from \
                 {x0:.2} to {xk:.2}"
            ),
            changes * 4 >= ZIGZAG_STEPS * 3 && xk > 0.3 * x0,
        );
    }
    let rates: Vec<(String, f64)> = out
        .quadratic
        .iter()
        .filter_map(|t| {
            let r = t.effective_lr.get(RATE_STEP.saturating_sub(1))?;
            Some((t.optimizer.clone(), r[0] / r[1]))
        })
        .collect();
    frame = frame.check(
        if rates.is_empty() {
            "no adaptive optimizer's state was read".to_string()
        } else {
            format!(
                "individual learning rates: after {RATE_STEP} steps the effective rate of x was \
                 {} that of y (the gradient along y is up to {}\u{d7} larger)",
                rates
                    .iter()
                    .map(|(n, r)| format!("{r:.0}\u{d7} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                config.kappa
            )
        },
        !rates.is_empty() && rates.iter().all(|(_, r)| *r >= RATE_RATIO),
    );
    if let (Some(gd), Some(adam)) = (find("sgd"), find("adam")) {
        let (g, a) = (
            gd.y_sign_changes(ZIGZAG_STEPS),
            adam.y_sign_changes(ZIGZAG_STEPS),
        );
        frame = frame.check(
            format!(
                "with its own rate per parameter Adam did not zig-zag: y changed sign {a} times \
                 in the first {ZIGZAG_STEPS} steps, against {g} for gradient descent"
            ),
            2 * a < g,
        );
    }
    let mnist = |name: &str| out.mnist.iter().find(|r| r.optimizer == name);
    if let (Some(sgd), Some(adam)) = (mnist("sgd"), mnist("adam")) {
        let (sm, slo, shi) = sgd.spread(|s| s.final_train_loss());
        let (am, alo, ahi) = adam.spread(|s| s.final_train_loss());
        frame = frame.check(
            format!(
                "on MNIST Adam (lr {}) ended at a training loss of {am:.3} [{alo:.3}\u{2013}{ahi:.3} \
                 over {} seeds], plain SGD (lr {}) at {sm:.3} [{slo:.3}\u{2013}{shi:.3}]",
                short(adam.lr),
                adam.seeds.len(),
                short(sgd.lr)
            ),
            am < sm,
        );
    }
    frame
}

/// The finding: the setting and one table row per optimizer.
pub fn finding(config: &Config, out: &Outcome) -> String {
    let mut table = String::from(
        "| optimizer | lr (MNIST) | final training loss, mean [min\u{2013}max] | test accuracy, mean [min\u{2013}max] | MNIST | quadratic: steps to tol | Rosenbrock (lr): steps to tol |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (i, r) in out.mnist.iter().enumerate() {
        let (lm, llo, lhi) = r.spread(|s| s.final_train_loss());
        let (am, alo, ahi) = r.spread(|s| s.test_accuracy);
        let status = match r.diverged_at() {
            Some(k) => format!(
                "diverged at step {k} ({} of {} seeds)",
                r.seeds.iter().filter(|s| s.diverged_at.is_some()).count(),
                r.seeds.len()
            ),
            None => "trained".to_string(),
        };
        let q = &out.quadratic[i];
        let rb = &out.rosenbrock[i];
        table.push_str(&format!(
            "| {} | {} | {lm:.3} [{llo:.3}\u{2013}{lhi:.3}] | {:.2}% [{:.2}\u{2013}{:.2}] | {status} | {} | {} ({}) |\n",
            r.optimizer,
            short(r.lr),
            100.0 * am,
            100.0 * alo,
            100.0 * ahi,
            q.outcome_text(),
            rb.outcome_text(),
            short(rb.lr),
        ));
    }
    let best = out
        .mnist
        .iter()
        .map(|r| (r, r.spread(|s| s.final_train_loss()).0))
        .filter(|(_, l)| l.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let diverged: Vec<String> = out
        .rosenbrock
        .iter()
        .filter_map(|t| t.diverged_at.map(|k| format!("{} (step {k})", t.optimizer)))
        .collect();
    format!(
        "Every optimizer started from the same weights and saw the same minibatches ({} \
         epochs, {} examples, batch {}, {} seeds). Lowest mean final training loss: **{}**. \
         \"Steps to tol\" counts steps until f \u{2212} f* < {:e}; a run whose f \u{2212} f* \
         grew past {:e}\u{d7} its start diverged. {}\n\n{table}",
        config.train.epochs,
        config
            .train
            .subset
            .map_or("all".to_string(), |s| s.to_string()),
        config.train.batch,
        config.seeds,
        best.map_or("none (all diverged)".to_string(), |(r, l)| format!(
            "{} ({l:.3})",
            r.optimizer
        )),
        config.tolerance,
        super::functions::DIVERGENCE_FACTOR,
        if diverged.is_empty() {
            "No optimizer diverged on Rosenbrock.".to_string()
        } else {
            format!("Diverged on Rosenbrock: {}.", diverged.join(", "))
        },
    )
}
