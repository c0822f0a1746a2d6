//! §6: larger batches take fewer updates per epoch (and more memory), make
//! less progress per epoch but more per update; the capped scaling rule
//! lowers the large batches' loss after the same epochs; nothing diverges.

mod support_c;

use experiments::studies::minibatch::{BASE_BATCH, Config, finding, run};
use experiments::study::Size;

#[test]
fn larger_batches_take_fewer_updates_and_capped_scaling_helps_them() {
    let config = Config::for_size(Size::Tiny);
    let runs = run(&config, &support_c::mnist()).unwrap();
    let fixed: Vec<_> = runs.iter().filter(|r| !r.scaled).collect();
    let scaled: Vec<_> = runs.iter().filter(|r| r.scaled).collect();
    assert_eq!(fixed.len(), config.batches.len());
    assert_eq!(scaled.len(), config.batches.len());
    // No run diverged at these settings, every epoch completed and was timed.
    for r in &runs {
        assert!(!r.diverged, "b={} scaled={} diverged", r.batch, r.scaled);
        assert_eq!(r.epochs_completed, config.epochs);
        assert_eq!(r.loss.len(), config.epochs + 1);
        assert!(r.loss.iter().all(|l| l.is_finite()));
        assert!(r.seconds_per_epoch.is_finite() && r.seconds_per_epoch > 0.0);
        assert!(r.gap().is_finite());
    }
    // Larger batches: fewer updates per epoch, more activation memory.
    for w in fixed.windows(2) {
        assert!(w[1].updates_per_epoch < w[0].updates_per_epoch);
        assert!(w[1].activation_bytes > w[0].activation_bytes);
    }
    let (small, full) = (fixed[0], *fixed.last().unwrap());
    assert_eq!(full.updates_per_epoch, 1);
    // Per epoch the smallest batch beats the full batch at a fixed rate; per
    // update the full batch makes more progress.
    assert!(small.final_loss() < full.final_loss());
    assert!(full.decrease_per_update() > small.decrease_per_update());
    // The capped rule: above the base batch the rate grows (up to lr_max)
    // and the loss after the same epochs is lower than at the fixed rate.
    let mut compared = 0;
    for (f, s) in fixed.iter().zip(&scaled) {
        assert_eq!(f.batch, s.batch);
        assert!(s.lr <= config.lr_max);
        if f.batch > BASE_BATCH {
            compared += 1;
            assert!(s.lr > f.lr);
            assert!(
                s.final_loss() < f.final_loss(),
                "b={}: scaled {} vs fixed {}",
                f.batch,
                s.final_loss(),
                f.final_loss()
            );
        }
    }
    assert!(compared >= 2);
    // The full batch hits the cap.
    let s_full = scaled.last().unwrap();
    assert!(s_full.capped && s_full.lr == config.lr_max);
    // The text states what was measured.
    let text = finding(&config, &runs);
    assert!(text.contains("No run diverged"), "{text}");
    assert!(
        text.contains(&format!("capped at {}", config.lr_max)),
        "{text}"
    );
    assert!(
        text.contains("lower than at the fixed lr at all of the"),
        "{text}"
    );
    assert!(!text.contains("NaN"), "{text}");
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("minibatch");
    assert_eq!(report.figures.len(), 5);
    assert!(report.finding.contains("| batch |"));
    assert!(report.finding.contains("activation KiB (computed)"));
    assert!(report.finding.contains("generalization gap"));
}
