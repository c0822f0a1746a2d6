//! The precision study in Tiny mode: the minimizer found by comparing
//! function values is accurate to about √ε, in f32 and in f64.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::precision::{Config, Dtype, Minimizer, Scheme, report, run, verdict};
use experiments::study::Size;

#[test]
fn minimizer_precision_is_the_square_root_of_the_value_precision() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    let golden = |d| {
        outcome
            .minimizer(true, Minimizer::GoldenSection, d)
            .unwrap()
    };
    let (single, double) = (golden(Dtype::F32), golden(Dtype::F64));
    let sqrt_eps = f64::from(f32::EPSILON).sqrt();
    // Within an order of magnitude of √ε(f32) = 3.45e-4 ...
    assert!(
        single.x_error > sqrt_eps / 10.0 && single.x_error < sqrt_eps * 10.0,
        "f32 minimizer error {:e}",
        single.x_error
    );
    // ... and far above the f64 one (√ε(f64) = 1.5e-8).
    assert!(
        single.x_error > 1e3 * double.x_error,
        "{single:?} vs {double:?}"
    );
    assert!(double.x_error < 10.0 * f64::EPSILON.sqrt());
    // The minimum's value is accurate to about ε, the square of that.
    assert!(single.f_error < 10.0 * f64::from(f32::EPSILON));
    // Stopping gradient descent when the loss stops decreasing gives the same limit.
    let gd = outcome
        .minimizer(true, Minimizer::GdUntilNoDecrease, Dtype::F32)
        .unwrap();
    assert!(gd.x_error > sqrt_eps / 10.0 && gd.x_error < sqrt_eps * 10.0);

    // Emulated formats: the error grows like ε^(1/2) (slope between 0.4 and 0.6).
    let (first, last) = (&outcome.emulated[0], outcome.emulated.last().unwrap());
    let slope = (last.x_error / first.x_error).ln() / (last.epsilon / first.epsilon).ln();
    assert!((0.4..0.6).contains(&slope), "slope {slope}");

    // The flat bottom of (x − 1.3)² + 1 is √(ε/2) wide, to 5%.
    for fb in &outcome.flat_bottoms {
        let theory = (fb.dtype.epsilon() / 2.0).sqrt();
        assert!(
            (fb.half_width / theory - 1.0).abs() < 0.05,
            "{:?}: {}",
            fb.dtype,
            fb.half_width
        );
    }
}

#[test]
fn finite_difference_error_is_v_shaped_with_the_bottom_near_the_theory() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    for dtype in Dtype::ALL {
        for scheme in [Scheme::Central, Scheme::Forward] {
            let c = outcome.difference(dtype, Some(scheme)).unwrap();
            let theory = scheme.best_step(dtype.epsilon());
            assert!(
                c.best_step > theory / 30.0 && c.best_step < theory * 30.0,
                "{dtype:?} {scheme:?}: best h {:e}, theory {theory:e}",
                c.best_step
            );
            // Both arms of the V rise well above its bottom.
            let (largest, smallest) = (c.points[0].1, c.points.last().unwrap().1);
            assert!(largest > 100.0 * c.best_error && smallest > 100.0 * c.best_error);
        }
    }
    let f32_central = outcome
        .difference(Dtype::F32, Some(Scheme::Central))
        .unwrap();
    let f64_central = outcome
        .difference(Dtype::F64, Some(Scheme::Central))
        .unwrap();
    assert!(f32_central.best_error > 1e4 * f64_central.best_error);
}

#[test]
fn report_has_every_figure() {
    let dir = study_support::out_dir();
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    let report = report(&outcome, dir.path()).unwrap();
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
}

#[test]
fn the_verdict_follows_the_measurements() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    assert_eq!(verdict::frame(&outcome).verdict(), Verdict::Shown);

    // Had golden section found the minimizer to ε in f64 (as precise as the
    // value), the claim would only be partly shown ...
    let mut partly = outcome.clone();
    for r in &mut partly.minimizers {
        if r.minimizer == Minimizer::GoldenSection && r.dtype == Dtype::F64 {
            r.x_error = Dtype::F64.epsilon();
        }
    }
    assert_eq!(verdict::frame(&partly).verdict(), Verdict::PartlyShown);

    // ... and had the error tracked ε everywhere, not at all.
    let mut not_shown = partly;
    for r in &mut not_shown.minimizers {
        r.x_error = r.dtype.epsilon();
    }
    for e in &mut not_shown.emulated {
        e.x_error = e.epsilon;
    }
    assert!((verdict::slope(&not_shown) - 1.0).abs() < 1e-9);
    assert_eq!(
        verdict::frame(&not_shown).verdict(),
        Verdict::NotShownAtThisSize
    );
}
