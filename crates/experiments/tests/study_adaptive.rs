//! The adaptive-learning-rate study in its tiny mode: its claims on the
//! numbers, and its figures.

mod study_support;

use experiments::studies::adaptive::{self, Config, Function};
use experiments::study::{Size, StudyContext, find, run_one};
use experiments::train::OptimizerChoice;

#[test]
fn momentum_and_adam_beat_gradient_descent_on_the_quadratic() {
    let config = Config::for_size(Size::Tiny);
    let f = Function::Quadratic {
        kappa: config.kappa,
    };
    let steps = |choice| {
        adaptive::trajectory(
            f,
            choice,
            config.quadratic_lr,
            config.quadratic_start,
            config.quadratic_steps,
            config.tolerance,
        )
        .unwrap()
        .steps_to_tolerance
        .unwrap_or(usize::MAX)
    };
    let gd = steps(OptimizerChoice::Sgd);
    let momentum = steps(OptimizerChoice::Momentum);
    let adam = steps(OptimizerChoice::Adam);
    assert!(gd < usize::MAX, "GD should converge within the budget");
    assert!(momentum < gd, "momentum {momentum} vs GD {gd}");
    assert!(adam < gd, "Adam {adam} vs GD {gd}");
}

#[test]
fn every_optimizer_lowers_the_mnist_loss_and_figures_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    let config = Config::for_size(Size::Tiny);
    let runs = adaptive::run_mnist(&config, ctx.mnist().unwrap()).unwrap();
    assert_eq!(runs.len(), config.optimizers.len());
    for r in &runs {
        assert!(
            r.test_loss < r.initial_test_loss,
            "{}: test loss {} not below {}",
            r.optimizer,
            r.test_loss,
            r.initial_test_loss
        );
    }
    let study = find("adaptive").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    assert!(report.finding.contains("momentum"));
    study_support::assert_report_complete(&report, &ctx.dir("adaptive"));
    study_support::assert_registered(&report);
}
