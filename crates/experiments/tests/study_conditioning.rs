//! The conditioning study (lecture Section 4) in Tiny mode: momentum beats gradient
//! descent at κ = 100, both match their rates, and gradient descent diverges
//! just above η = 2/λmax.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::conditioning::{Config, Method, checks, report, run};
use experiments::study::Size;

#[test]
fn momentum_beats_gradient_descent_as_theory_predicts() {
    let config = Config::for_size(Size::Tiny);
    let outcome = run(&config).unwrap();

    let gd = outcome.result(100.0, Method::GdOptimal).unwrap();
    let hb = outcome.result(100.0, Method::HeavyBall).unwrap();
    let (gd_n, hb_n) = (gd.iterations.unwrap(), hb.iterations.unwrap());
    assert!(
        hb_n * 4 < gd_n,
        "momentum {hb_n} vs GD {gd_n} iterations at κ=100"
    );

    // Every measured count is within a factor 1.5 of ⌈ln tol / ln rate⌉:
    // GD at 2/(L+μ) contracts by exactly its rate, 1/L a little faster
    // (the steep direction is solved in one step), and heavy ball a little
    // slower (its error decays like k·ρᵏ).
    for k in &outcome.kappas {
        for m in &k.methods {
            let measured = m.iterations.unwrap() as f64;
            let predicted = m.predicted as f64;
            assert!(
                measured <= 1.5 * predicted && predicted <= 1.5 * measured,
                "κ={} {:?}: measured {measured}, predicted {predicted}",
                k.kappa,
                m.method
            );
        }
    }
    // GD at its best step matches its rate to the iteration.
    assert!(
        gd_n.abs_diff(gd.predicted) <= 1,
        "{gd_n} vs {}",
        gd.predicted
    );
}

#[test]
fn gradient_descent_is_stable_only_below_two_over_lambda_max() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    for s in &outcome.steps {
        if s.multiple < 2.0 {
            assert!(
                s.final_distance < 1.0,
                "η={}/L: {}",
                s.multiple,
                s.final_distance
            );
        } else {
            assert!(
                s.final_distance > 1e3,
                "η={}/L: {}",
                s.multiple,
                s.final_distance
            );
            assert!((s.measured_rate - s.predicted_rate).abs() < 1e-3);
        }
    }
    assert!(
        outcome
            .steps
            .iter()
            .any(|s| s.multiple > 2.0 && s.multiple < 2.1)
    );
    for sweep in &outcome.sweeps {
        for &(multiple, distance) in &sweep.points {
            assert_eq!(
                distance > 1.0,
                multiple > 2.0,
                "κ={} η·L={multiple}",
                sweep.kappa
            );
        }
    }
}

#[test]
fn report_has_every_figure() {
    let dir = study_support::out_dir();
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    let report = report(&outcome, dir.path()).unwrap();
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
    assert!(report.finding.contains("κ = 100"));
    assert_eq!(
        report.frame.as_ref().map(|f| f.verdict()),
        Some(Verdict::Shown)
    );
}

#[test]
fn the_verdict_follows_the_measurements() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    let frame = checks(&outcome);
    assert_eq!(frame.verdict(), Verdict::Shown, "{frame:?}");
    assert_eq!(frame.checks.len(), 4);

    // Momentum that needs as many iterations as gradient descent fails its check.
    let mut slow = outcome.clone();
    for k in &mut slow.kappas {
        let gd = k.methods[0].iterations;
        for m in &mut k.methods {
            if m.method == Method::HeavyBall {
                m.iterations = gd;
            }
        }
    }
    assert_eq!(checks(&slow).verdict(), Verdict::PartlyShown);

    // Trajectories without oscillations, counts that do not grow with κ,
    // and a sweep whose cliff is far from 2/λmax: nothing is shown.
    let mut none = slow;
    for k in &mut none.kappas {
        for m in &mut k.methods {
            m.iterations = Some(50);
        }
    }
    for case in &mut none.trajectories {
        for (_, path) in &mut case.paths {
            let start = path[0];
            path.iter_mut().for_each(|p| *p = start);
        }
    }
    for sweep in &mut none.sweeps {
        for p in &mut sweep.points {
            p.1 = if p.0 < 1.0 { 0.5 } else { 2.0 };
        }
    }
    assert_eq!(checks(&none).verdict(), Verdict::NotShownAtThisSize);
}
