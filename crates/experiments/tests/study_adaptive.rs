//! The adaptive-learning-rate study in its tiny mode: its claims on the
//! numbers, the verdict logic on both outcomes, and its figures.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::adaptive::{self, Config, Function, frame};
use experiments::study::{Size, StudyContext, find, run_one};
use experiments::train::OptimizerChoice;

fn quadratic(config: &Config, choice: OptimizerChoice) -> adaptive::Trajectory {
    let f = Function::Quadratic {
        kappa: config.kappa,
    };
    adaptive::trajectory(
        f,
        choice,
        config.quadratic_lr,
        config.quadratic_start,
        config.quadratic_steps,
        config.tolerance,
    )
    .unwrap()
}

#[test]
fn gradient_descent_zigzags_and_adaptive_rates_are_per_parameter() {
    let config = Config::for_size(Size::Tiny);
    // the common rate lies between 1/λmax and 2/λmax: GD overshoots along y
    assert!(config.quadratic_lr * config.kappa > 1.0 && config.quadratic_lr * config.kappa < 2.0);
    let gd = quadratic(&config, OptimizerChoice::Sgd);
    assert_eq!(gd.y_sign_changes(20), 20, "GD flips y every step");
    assert!(gd.steps_to_tolerance.is_some() && gd.diverged_at.is_none());
    let adam = quadratic(&config, OptimizerChoice::Adam);
    assert!(adam.y_sign_changes(20) < 5);
    let r = adam.effective_lr[9];
    assert!(r[0] > 5.0 * r[1], "x's rate {} vs y's {}", r[0], r[1]);
    assert!(gd.effective_lr.is_empty());
}

#[test]
fn a_divergence_is_detected_and_reported() {
    // far past 2/λmax gradient descent explodes
    let t = adaptive::trajectory(
        Function::Quadratic { kappa: 50.0 },
        OptimizerChoice::Sgd,
        0.1,
        (-2.0, 1.0),
        1000,
        1e-6,
    )
    .unwrap();
    let k = t.diverged_at.expect("lr 0.1 = 5/λmax diverges");
    assert!(k < 100);
    assert_eq!(t.points.len(), k, "the path stops at the divergence");
    assert_eq!(t.outcome_text(), format!("diverged at step {k}"));
    assert!(t.values.iter().all(|v| v.is_finite()));
}

#[test]
fn every_optimizer_lowers_the_mnist_loss_and_the_verdict_follows_the_numbers() {
    let dir = study_support::out_dir();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    let config = Config::for_size(Size::Tiny);
    let out = adaptive::run(&config, ctx.mnist().unwrap()).unwrap();
    assert_eq!(out.mnist.len(), config.optimizers.len());
    for r in &out.mnist {
        assert_eq!(r.seeds.len(), config.seeds);
        for s in &r.seeds {
            assert!(
                s.test_loss < s.initial_test_loss,
                "{} seed {}: test loss {} not below {}",
                r.optimizer,
                s.seed,
                s.test_loss,
                s.initial_test_loss
            );
        }
    }
    let adam = out.mnist.iter().find(|r| r.optimizer == "adam").unwrap();
    assert_eq!(adam.effective_lr.len(), 2, "one curve per weight matrix");
    let shown = frame(&config, &out);
    assert_ne!(shown.verdict(), Verdict::NotShownAtThisSize, "{shown:?}");
    // the same measurements with the zig-zag, the per-parameter rates and
    // Adam's advantage removed show nothing
    let mut flat = out.clone();
    for t in &mut flat.quadratic {
        for p in &mut t.points {
            p.1 = p.1.abs();
            p.0 = 0.0;
        }
        for r in &mut t.effective_lr {
            r[0] = r[1];
        }
    }
    let sgd = flat
        .mnist
        .iter()
        .position(|r| r.optimizer == "sgd")
        .unwrap();
    let adam = flat
        .mnist
        .iter()
        .position(|r| r.optimizer == "adam")
        .unwrap();
    flat.mnist[adam] = flat.mnist[sgd].clone();
    flat.mnist[adam].optimizer = "adam".into();
    let f = frame(&config, &flat);
    assert!(f.checks.iter().all(|c| !c.passed), "{f:?}");
    assert_eq!(f.verdict(), Verdict::NotShownAtThisSize);

    let study = find("adaptive").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("adaptive"));
    study_support::assert_registered(&report);
}
