//! The landscape study in Tiny mode: several minima of x·cos(πx), gradient
//! descent escapes the saddle of x² − y² where Newton converges to it, and
//! the trained MNIST network sits at the bottom of its loss slice.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::landscape::{Config, Outcome, checks, report, run};
use experiments::study::Size;

fn tiny_outcome() -> Outcome {
    // Loaded from disk only: tests never download.
    let dir = study_support::data_dir();
    let mnist = data::load(data::Dataset::Mnist, &dir).unwrap_or_else(|e| {
        panic!(
            "MNIST not found in {} ({e}): set OPTILAB_DATA_DIR or run `cargo xtask fetch-mnist`",
            dir.display()
        )
    });
    run(&Config::for_size(Size::Tiny), &mnist).unwrap()
}

#[test]
fn landscape_claims_hold_and_report_is_complete() {
    let outcome = tiny_outcome();

    // x·cos(πx) on [−1, 2]: starts end in at least two distinct minima, one
    // of them the global one near 1.09 and one the local one near −0.27.
    let basins = &outcome.multistart.basins;
    assert!(basins.len() >= 2, "{basins:?}");
    assert!(basins.iter().any(|b| b.global && (b.x - 1.09).abs() < 0.01));
    assert!(
        basins
            .iter()
            .any(|b| !b.global && (b.x + 0.27).abs() < 0.01)
    );
    assert_eq!(
        basins.iter().map(|b| b.starts).sum::<usize>(),
        outcome.multistart.runs.len()
    );

    // x² − y² from (1, 0.1): gradient descent escapes (|y| grows past 3),
    // Newton converges to the saddle (0, 0).
    let s = &outcome.saddles;
    let (start, gd_end) = (s.gd[0], *s.gd.last().unwrap());
    assert!(
        gd_end.1.abs() > 3.0 && gd_end.1.abs() > 10.0 * start.1.abs(),
        "{gd_end:?}"
    );
    let newton_end = *s.newton.last().unwrap();
    assert!(
        newton_end.0.abs() < 1e-8 && newton_end.1.abs() < 1e-8,
        "{newton_end:?}"
    );
    // x³: Newton goes to the saddle at 0; GD from the left runs away.
    let cube_end = |i: usize| *s.cube[i].2.last().unwrap();
    assert!(cube_end(2).abs() < 1e-5);
    assert!(cube_end(1) < -100.0);
    assert!(cube_end(0) > 0.0 && cube_end(0) < 0.1);

    // The trained network sits at (or next to) the minimum of its 1-D slice,
    // which rises on both sides.
    let sl = &outcome.slices;
    let (alpha_min, loss_min) = sl.line_minimum();
    assert!(alpha_min.abs() <= 0.2, "slice minimum at α = {alpha_min}");
    let (left, right) = (sl.line[0].1, sl.line.last().unwrap().1);
    assert!(
        left > 1.5 * loss_min && right > 1.5 * loss_min,
        "{:?}",
        sl.line
    );
    assert!(
        sl.trained.0 < 2.0,
        "training did not lower the loss: {:?}",
        sl.trained
    );
    let (a, b, _) = sl.surface_minimum();
    assert!(
        a.abs() <= 0.35 && b.abs() <= 0.35,
        "2-D minimum at ({a}, {b})"
    );

    assert_eq!(
        checks(&outcome).verdict(),
        Verdict::Shown,
        "{:?}",
        checks(&outcome)
    );
    verdict_follows_the_measurements(outcome.clone());

    let dir = study_support::out_dir();
    let report = report(&outcome, dir.path()).unwrap();
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
}

/// The checks on modified outcomes: one basin only, then also Newton
/// kept away from both saddles.
fn verdict_follows_the_measurements(mut outcome: Outcome) {
    let m = &mut outcome.multistart;
    let total = m.runs.len();
    m.basins.retain(|b| b.global);
    m.basins.iter_mut().for_each(|b| b.starts = total);
    assert_eq!(checks(&outcome).verdict(), Verdict::PartlyShown);
    let s = &mut outcome.saddles;
    s.newton.push((1.0, 1.0));
    for (_, _, path) in &mut s.cube {
        path.push(0.5);
    }
    assert_eq!(checks(&outcome).verdict(), Verdict::NotShownAtThisSize);
}
