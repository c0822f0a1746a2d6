//! Section 7, the learning rate: runs labelled by their measured behaviour,
//! divergence, the unguarded run's NaN and huge weights, and the verdict
//! logic on both outcomes.

mod support_c;

use experiments::report::Verdict;
use experiments::studies::learning_rate::{Config, Regime, between, frame, roughness, run};
use experiments::study::Size;

#[test]
fn the_sweep_shows_the_regimes_and_the_unguarded_run_reaches_nan() {
    let config = Config::for_size(Size::Tiny);
    let out = run(&config, &support_c::mnist()).unwrap();
    let regimes = out.regimes();
    let table: Vec<_> = out
        .sweep
        .iter()
        .zip(&regimes)
        .map(|(r, g)| (r.lr, r.final_loss, *g, r.diverged_at, r.roughness))
        .collect();
    eprintln!("{table:?}");
    let high = out.sweep.last().unwrap();
    assert!(high.diverged(), "lr {} did not diverge", high.lr);
    assert_eq!(*regimes.last().unwrap(), Regime::Diverged);
    // a diverged run's last recorded loss is the exploding step's
    let k = high.diverged_at.unwrap();
    assert_eq!(high.step_loss.len(), k);
    assert_eq!(
        regimes[0],
        Regime::TooLow,
        "lr {} should crawl",
        out.sweep[0].lr
    );
    let best = out.best();
    assert!(best.lr > out.sweep[0].lr && best.lr < high.lr);
    assert!(out.sweep.iter().any(|r| r.fine), "no finer grid");
    let u = &out.unguarded;
    let k = u
        .non_finite_at
        .expect("the unguarded run reached a non-finite loss");
    assert!(!u.step_loss[k - 1].is_finite());
    assert!(u.weight_norm.iter().copied().fold(0.0, f64::max) > 100.0 * u.weight_norm[0]);
    assert_eq!(out.schedules.len(), 5);
    assert!(out.schedules.iter().all(|r| r.final_loss.is_finite()));

    // the verdict logic on both outcomes: the run shows at least part of the
    // claim; a sweep where nothing crawls, stalls, diverges or looks noisy
    // shows none of it
    let shown = frame(&out);
    assert_ne!(shown.verdict(), Verdict::NotShownAtThisSize, "{shown:?}");
    let mut flat = out.clone();
    let level = best.final_loss;
    for r in &mut flat.sweep {
        r.final_loss = level;
        r.diverged_at = None;
        r.roughness = 0.5;
        r.step_loss = vec![2.0; 20];
    }
    flat.unguarded.non_finite_at = None;
    let f = frame(&flat);
    assert!(f.checks.iter().all(|c| !c.passed), "{f:?}");
    assert_eq!(f.verdict(), Verdict::NotShownAtThisSize);
    assert!(flat.regimes().iter().all(|g| *g == Regime::Good));
}

#[test]
fn roughness_and_the_finer_grid() {
    let smooth = ndarray::Array2::from_shape_fn((28, 28), |(r, c)| ((r + c) as f64 / 9.0).sin());
    let noise = ndarray::Array2::from_shape_fn((28, 28), |(r, c)| {
        (((r * 31 + c * 17) * 2654435761usize) % 1000) as f64
    });
    assert!(roughness(&smooth) < 0.1, "{}", roughness(&smooth));
    assert!(roughness(&noise) > 0.7, "{}", roughness(&noise));
    let fine = between(0.3, 3.0, 4);
    assert_eq!(fine.len(), 4);
    assert!(fine.windows(2).all(|w| w[0] < w[1]) && fine[0] > 0.3 && fine[3] < 3.0);
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("learning-rate");
    let stems: Vec<&str> = report.figures.iter().map(|f| f.stem.as_str()).collect();
    for stem in [
        "four-curves",
        "sweep-final",
        "unguarded-loss",
        "unguarded-weights",
        "features",
    ] {
        assert!(stems.contains(&stem), "{stem} missing from {stems:?}");
    }
    assert!(report.frame.is_some());
}
