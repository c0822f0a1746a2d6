//! Lecture Section 6 and the notes' batch-size rules: larger batches take
//! fewer updates per epoch and more memory per step (measured), make less
//! progress per epoch but more per update; the capped scaling rule lowers
//! the large batches' loss; the verdict follows the measurements both ways.

mod study_support;

use experiments::report::{Outcome as Completion, Verdict};
use experiments::studies::minibatch::{BASE_BATCH, Config, Outcome, finding, frame, run};
use experiments::study::{Size, StudyContext, find, run_one};

fn tiny() -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    run(&Config::for_size(Size::Tiny), ctx.mnist().unwrap()).unwrap()
}

/// `outcome` with every measurement a check reads set so that the claim
/// holds (`holds`) or fails on all counts.
fn forced(outcome: &Outcome, holds: bool) -> Outcome {
    let mut o = outcome.clone();
    let (smallest, full) = (o.runs[0].batch, o.train_examples);
    let n = o.memory.len();
    for (i, m) in o.memory.iter_mut().enumerate() {
        m.measured_bytes = 1000 * if holds { i + 1 } else { n - i };
    }
    for r in &mut o.runs {
        let (small, large) = (r.batch == smallest, r.batch == full);
        if small || large {
            let fast = small != holds; // the claim: a full-batch epoch is faster
            r.seconds_per_epoch = if fast { 0.1 } else { 1.0 };
            // and a small-batch update is cheaper, whatever the epoch time
            if !holds {
                r.seconds_per_epoch = if small { 0.001 } else { 1.0 };
            }
            let low = small == holds; // the claim: small batches end lower
            *r.loss.last_mut().unwrap() = if low { 0.5 } else { 2.0 };
            r.train_accuracy = 0.9;
            r.test_accuracy = if small == holds { 0.9 } else { 0.8 };
        }
        if r.batch > BASE_BATCH {
            // the claim: the scaled rate ends lower
            *r.loss.last_mut().unwrap() = if r.scaled == holds { 0.3 } else { 3.0 };
        }
    }
    o
}

#[test]
fn batch_size_trades_memory_and_updates_and_the_verdict_follows() {
    let config = Config::for_size(Size::Tiny);
    let outcome = tiny();
    let (fixed, scaled) = (outcome.groups(false), outcome.groups(true));
    assert_eq!(fixed.len(), config.batches.len());
    assert_eq!(scaled.len(), config.batches.len());
    for r in &outcome.runs {
        assert!(r.diverged_at.is_none(), "b={} diverged", r.batch);
        assert_eq!(r.epochs_completed, config.epochs);
        assert!(r.loss.iter().all(|l| l.is_finite()));
        assert!(r.seconds_per_epoch.is_finite() && r.seconds_per_epoch > 0.0);
    }
    for g in fixed.iter().chain(&scaled) {
        assert_eq!(g.runs.len(), config.seeds.len());
    }
    // Larger batches: fewer updates per epoch, more measured memory per step
    // (parameters and their gradients are a floor, the rest grows with b).
    for w in fixed.windows(2) {
        assert!(w[1].updates_per_epoch() < w[0].updates_per_epoch());
    }
    assert_eq!(fixed.last().unwrap().updates_per_epoch(), 1);
    for w in outcome.memory.windows(2) {
        assert!(w[1].measured_bytes > w[0].measured_bytes, "{w:?}");
    }
    let (m0, m1) = (&outcome.memory[0], outcome.memory.last().unwrap());
    let params = 4 * (784 * 32 + 32 + 32 * 10 + 10);
    assert!(m0.measured_bytes >= 2 * params, "parameters and gradients");
    assert!(m1.measured_bytes > 10 * m0.measured_bytes);
    // Per epoch the smallest batch beats the full batch at a fixed rate, on
    // every seed; per update the full batch makes more progress.
    let (small, full) = (&fixed[0], fixed.last().unwrap());
    assert!(small.final_loss().below(&full.final_loss()));
    for (s, f) in small.runs.iter().zip(&full.runs) {
        assert!(f.decrease_per_update() > s.decrease_per_update());
    }
    // The capped rule lowers the loss of every batch above the base.
    for (f, s) in fixed.iter().zip(&scaled) {
        assert!(s.lr() <= config.lr_max);
        if f.batch > BASE_BATCH {
            assert!(s.lr() > f.lr());
            assert!(s.final_loss().mean < f.final_loss().mean, "b={}", f.batch);
        }
    }
    let f = frame(&outcome);
    assert_eq!(f.checks.len(), 5);
    assert!(f.checks[..4].iter().all(|c| c.passed), "{f:?}");

    // The verdict and the generalization sentence follow the numbers.
    let good = forced(&outcome, true);
    assert_eq!(frame(&good).verdict(), Verdict::Shown, "{:?}", frame(&good));
    assert!(finding(&good).contains("the small batch generalizes better"));
    let bad = forced(&outcome, false);
    assert_eq!(
        frame(&bad).verdict(),
        Verdict::NotShownAtThisSize,
        "{:?}",
        frame(&bad)
    );
    assert!(finding(&bad).contains("does not generalize better"));
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let report = run_one(&*find("minibatch").unwrap(), &ctx).unwrap();
    assert_eq!(report.outcome, Completion::Completed);
    assert_eq!(report.figures.len(), 7);
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("minibatch"));
    study_support::assert_registered(&report);
}
