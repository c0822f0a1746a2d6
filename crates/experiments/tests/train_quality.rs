//! Real accuracy on real data (reduced versions of the protocol's Q1 and Q2
//! that CI can afford; the full runs are `cargo xtask bench --quality`),
//! with the protocol's seed, 42.
//!
//! Measured (release build): Q2 reaches 93.50 % with seed 42 (seeds 0-5:
//! 92.4-93.8 %, mean 93.05 %); Q1 97.00 / 97.29 / 97.76 % after 1 / 2 / 3
//! epochs and 98.30 % after 10; Fashion-MNIST 84.0 % after 5 epochs.

mod common;

use data::Dataset;
use experiments::train::{OptimizerChoice, Silent, StopKind, TrainConfig, train};

#[test]
fn q2_seed_mlp_with_sgd_reaches_91_5_percent_in_10_epochs() {
    // Q2 in full: 784-10-10, ReLU, SGD lr 0.1, batch 128, 10 epochs. The bar
    // sits below the spread over seeds 0-5 (92.4-93.8 %), so an innocent change
    // that moves seed 42 within that spread does not fail it; the protocol's
    // own quality number (≥ 93.0 %) is checked by `cargo xtask bench --quality`.
    let config = TrainConfig {
        seed: 42,
        ..TrainConfig::default()
    };
    let summary = train(&config, common::mnist(), None, Box::new(Silent)).unwrap();
    assert_eq!(summary.stop.kind, StopKind::Completed);
    assert_eq!(summary.epochs, 10);
    assert_eq!(summary.steps, 10 * 469);
    assert!(
        summary.test_accuracy >= 0.915,
        "Q2 test accuracy {:.4} < 0.915",
        summary.test_accuracy
    );
    assert!(
        summary.train_loss < 0.3,
        "train loss {}",
        summary.train_loss
    );
}

#[test]
fn q1_wide_mlp_with_adam_reaches_97_percent_in_3_epochs() {
    // Q1 reduced from 10 epochs to 3: 784-512-512-10, Adam lr 1e-3, batch 128
    let config = TrainConfig {
        model: "784-512-512-10".into(),
        optimizer: OptimizerChoice::Adam,
        lr: 1e-3,
        epochs: 3,
        seed: 42,
        ..TrainConfig::default()
    };
    let summary = train(&config, common::mnist(), None, Box::new(Silent)).unwrap();
    assert!(
        summary.test_accuracy >= 0.97,
        "reduced Q1 test accuracy {:.4} < 0.97",
        summary.test_accuracy
    );
}

#[test]
fn fashion_mnist_trains_to_a_sensible_accuracy() {
    let config = TrainConfig {
        dataset: experiments::train::DatasetChoice::FashionMnist,
        epochs: 5,
        seed: 42,
        ..TrainConfig::default()
    };
    let summary = train(
        &config,
        common::splits(Dataset::FashionMnist),
        None,
        Box::new(Silent),
    )
    .unwrap();
    assert_eq!(summary.stop.kind, StopKind::Completed);
    assert!(
        summary.test_accuracy >= 0.80,
        "Fashion-MNIST test accuracy {:.4} < 0.80",
        summary.test_accuracy
    );
}
