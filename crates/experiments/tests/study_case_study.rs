//! Lecture Section 2: the seed MLP learns MNIST, its empirical risk
//! approximates the risk with many training images and not with few, and
//! its units and their contributions are readable.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::case_study::{
    Config, EpochPoint, Fit, Outcome, checks, fit, report, run, weights,
};
use experiments::study::Size;
use ndarray::Array2;

fn tiny() -> (Config, Outcome) {
    // Loaded from disk only: tests never download.
    let dir = study_support::data_dir();
    let mnist = data::load(data::Dataset::Mnist, &dir).unwrap_or_else(|e| {
        panic!(
            "MNIST not found in {} ({e}): set OPTILAB_DATA_DIR or run `cargo xtask fetch-mnist`",
            dir.display()
        )
    });
    let config = Config::for_size(Size::Tiny);
    let out = run(&config, &mnist).unwrap();
    (config, out)
}

#[test]
fn the_seed_mlp_learns_and_generalizes_only_with_many_images() {
    let (config, out) = tiny();
    let first = out.epochs[0];
    let last = *out.epochs.last().unwrap();
    assert_eq!(out.epochs.len(), config.epochs + 1);
    assert_eq!(out.train_images, config.train);
    assert_eq!(out.small_images, config.small_train);
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
    // The claim: small gap with many images, a wide one with few.
    let small = *out.small.last().unwrap();
    assert_eq!(small.epoch, config.small_epochs);
    let (gap, small_gap) = (
        last.test_loss - last.train_loss,
        small.test_loss - small.train_loss,
    );
    assert!(small_gap > 3.0 * gap.max(0.0), "{small_gap} vs {gap}");
    assert_eq!(fit(&small), Fit::Overfits, "{small:?}");
    // Tiny's "many" images (10,000 for 3 epochs) still leave a gap of about
    // 30% of the test loss, so only the third check is asserted here.
    assert!(checks(&out).checks[2].passed, "{:?}", checks(&out));

    assert_eq!(out.unit_weights.len(), 10);
    assert!(out.unit_weights.iter().all(|w| w.dim() == (28, 28)));
    assert_eq!(out.contribution.dim(), (10, 10));
    assert!(out.contribution.iter().all(|v| v.is_finite()));
    assert!(out.mean_activation.iter().all(|&v| v >= 0.0));
    assert_eq!(weights(config.hidden), 7960);

    let dir = study_support::out_dir();
    let report = report(&config, &out, dir.path()).unwrap();
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
    // The finding's verdict on fitting follows the measured gap.
    assert!(report.finding.contains("**overfits**"));
    let stems: Vec<&str> = report.figures.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            "loss",
            "accuracy",
            "loss_small_n",
            "hidden-weights",
            "contribution"
        ]
    );
}

fn point(epoch: usize, train_loss: f64, test_loss: f64) -> EpochPoint {
    EpochPoint {
        epoch,
        train_loss,
        test_loss,
        train_accuracy: 1.0 - train_loss / 3.0,
        test_accuracy: 1.0 - test_loss / 3.0,
    }
}

/// An outcome with the given final losses of the large and the small run.
fn constructed(big: (f64, f64), small: (f64, f64)) -> Outcome {
    Outcome {
        train_images: 60_000,
        epochs: vec![point(0, 2.3, 2.3), point(10, big.0, big.1)],
        small_images: 1000,
        small: vec![point(0, 2.3, 2.3), point(40, small.0, small.1)],
        unit_weights: vec![Array2::zeros((28, 28)); 10],
        contribution: Array2::zeros((10, 10)),
        mean_activation: Array2::zeros((10, 10)),
    }
}

#[test]
fn the_verdict_follows_the_measurements() {
    // As measured: a small gap with many images, a wide one with few.
    let shown = constructed((0.25, 0.28), (0.1, 0.45));
    assert_eq!(checks(&shown).verdict(), Verdict::Shown);
    // A small-n run that generalizes as well as the large one.
    let same = constructed((0.25, 0.28), (0.25, 0.28));
    assert_eq!(checks(&same).verdict(), Verdict::PartlyShown);
    // A network that barely learned and overfits at both sizes alike.
    let nothing = constructed((1.0, 2.3), (1.0, 2.3));
    assert_eq!(checks(&nothing).verdict(), Verdict::NotShownAtThisSize);
    // The fitting words follow the gap and the training accuracy.
    assert_eq!(fit(&point(10, 0.1, 0.45)), Fit::Overfits);
    assert_eq!(fit(&point(10, 0.25, 0.28)), Fit::Underfits);
    assert_eq!(fit(&point(10, 0.03, 0.035)), Fit::Fits);
}
