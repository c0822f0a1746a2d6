//! §2: the seed MLP learns MNIST; its hidden units and their contributions.

mod support_c;

use experiments::studies::case_study::{Config, run};
use experiments::study::Size;

#[test]
fn the_seed_mlp_learns_and_its_units_are_readable() {
    let config = Config::for_size(Size::Tiny);
    let out = run(&config, &support_c::mnist()).unwrap();
    let first = out.epochs[0];
    let last = *out.epochs.last().unwrap();
    assert_eq!(out.epochs.len(), config.epochs + 1);
    assert!(
        last.test_accuracy >= 0.85,
        "test accuracy {}",
        last.test_accuracy
    );
    for w in out.epochs.windows(2) {
        assert!(
            w[1].train_loss < w[0].train_loss,
            "training loss rose: {w:?}"
        );
    }
    assert!(last.train_loss < 0.6 * first.train_loss);
    assert_eq!(out.unit_weights.len(), 10);
    assert!(out.unit_weights.iter().all(|w| w.dim() == (28, 28)));
    assert_eq!(out.contribution.dim(), (10, 10));
    assert!(out.contribution.iter().all(|v| v.is_finite()));
    assert!(out.mean_activation.iter().all(|&v| v >= 0.0));
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("case-study");
    let stems: Vec<&str> = report.figures.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(stems, ["loss", "hidden-weights", "contribution"]);
    assert!(report.finding.contains('%'));
}
