//! §7: too low crawls, too high diverges, the middle is best; the range
//! test points into the good region.

mod support_c;

use experiments::studies::learning_rate::{Config, run};
use experiments::study::Size;

#[test]
fn the_sweep_has_a_sweet_spot_and_the_range_test_finds_it() {
    let config = Config::for_size(Size::Tiny);
    let out = run(&config, &support_c::mnist()).unwrap();
    let low = &out.sweep[0];
    let high = out.sweep.last().unwrap();
    assert!(high.diverged, "lr {} did not diverge", high.lr);
    assert!(!high.final_loss.is_finite());
    assert!(
        low.final_loss > 0.85 * low.initial_loss,
        "lr {} moved the loss from {} to {}",
        low.lr,
        low.initial_loss,
        low.final_loss
    );
    let best = out.best();
    assert!(best.lr > low.lr && best.lr < high.lr);
    assert!(best.final_loss < 0.5 * low.final_loss);
    let (lo, hi) = out.good_region();
    let s = out.finding.suggested_lr;
    eprintln!(
        "good region [{lo}, {hi}], suggested {s}, min {}",
        out.finding.min_loss_lr
    );
    assert!(
        s >= lo / 10.0 && s <= hi,
        "suggested {s} outside [{lo}/10, {hi}]"
    );
    assert_eq!(out.schedules.len(), 5);
    assert!(out.schedules.iter().all(|r| r.final_loss.is_finite()));
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("learning-rate");
    assert_eq!(report.figures.len(), 6);
    assert!(report.finding.contains("bold driver"));
}
