//! §6: larger batches take fewer updates per epoch; the scaling rule helps
//! large batches per epoch.

mod support_c;

use experiments::studies::minibatch::{Config, run};
use experiments::study::Size;

#[test]
fn larger_batches_take_fewer_updates_and_scaling_helps_them() {
    let config = Config::for_size(Size::Tiny);
    let runs = run(&config, &support_c::mnist()).unwrap();
    let fixed: Vec<_> = runs.iter().filter(|r| !r.scaled).collect();
    let scaled: Vec<_> = runs.iter().filter(|r| r.scaled).collect();
    assert_eq!(fixed.len(), config.batches.len());
    for w in fixed.windows(2) {
        assert!(w[1].updates_per_epoch < w[0].updates_per_epoch);
        assert!(w[1].activation_bytes > w[0].activation_bytes);
    }
    assert_eq!(fixed.last().unwrap().updates_per_epoch, 1);
    // A large batch (256) at the batch-32 rate gets 8x the rate with the rule:
    // lower loss after the same epochs.
    let large = fixed.iter().position(|r| r.batch == 256).unwrap();
    assert!(scaled[large].lr > fixed[large].lr);
    assert!(
        scaled[large].final_loss() < fixed[large].final_loss(),
        "scaled {} vs fixed {}",
        scaled[large].final_loss(),
        fixed[large].final_loss()
    );
    // Per epoch, the smallest batch beats the full batch at a fixed rate.
    assert!(fixed[0].final_loss() < fixed.last().unwrap().final_loss());
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("minibatch");
    assert_eq!(report.figures.len(), 5);
    assert!(report.finding.contains("| batch |"));
}
