//! The initialization study in its tiny mode: vanishing signals with a
//! too-small init, steady ones with the gain-scaled inits, exploding ones
//! with a too-large init, zero init's symmetry; the verdict logic on both
//! outcomes; and its figures.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::initialization::{self, Config, Outcome, Scheme};
use experiments::study::{Size, find, run_one};

/// The outcome with every claim contradicted: no scheme's signals differ
/// from Kaiming's, the gain-scaled signals swing across layers, zero init's
/// units differ and it learns, and too small trains best.
fn contradicted(out: &Outcome) -> Outcome {
    let mut out = out.clone();
    let swinging: Vec<f64> = (0..10).map(|i| 10f64.powi(i)).collect();
    for act in out
        .activations()
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
    {
        let grads = out.get(&act, Scheme::Kaiming).unwrap().grad_norm.clone();
        for r in out.runs.iter_mut().filter(|r| r.activation == act) {
            r.activation_std = swinging.clone();
            r.grad_norm = grads.clone();
            for s in &mut r.seeds {
                s.end = None;
                s.step_losses = vec![if r.scheme == Scheme::TooSmall {
                    0.1
                } else {
                    1.0
                }];
                s.unit_spread = 1.0;
                s.test_accuracy = 0.9;
            }
        }
    }
    out
}

#[test]
fn initialization_claims_hold_and_figures_are_written() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let config = Config::for_size(Size::Tiny);
    let out = initialization::run(&config, ctx.mnist().unwrap()).unwrap();
    assert_eq!(out.activations(), ["tanh", "relu", "sigmoid", "linear"]);

    for act in ["tanh", "relu", "linear"] {
        let small = out.get(act, Scheme::TooSmall).unwrap();
        let (first, last) = (
            small.activation_std[0],
            *small.activation_std.last().unwrap(),
        );
        assert_eq!(small.activation_std.len(), 10);
        assert!(
            last < 1e-3 * first,
            "{act}: too-small std {first} -> {last}"
        );
    }
    for act in out.activations() {
        let zero = out.get(act, Scheme::Zero).unwrap();
        assert_eq!(zero.seeds.len(), 2, "{act}: seeds");
        assert!(
            zero.seeds.iter().all(|s| s.unit_spread == 0.0),
            "{act}: zero init units differ"
        );
    }
    let kaiming = out.get("relu", Scheme::Kaiming).unwrap();
    let max = kaiming.activation_std.iter().copied().fold(0.0, f64::max);
    let min = kaiming
        .activation_std
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    assert!(max / min < 3.0, "Kaiming ReLU std range {min}..{max}");
    assert!(kaiming.seeds.iter().all(|s| s.unit_spread > 0.0));
    assert!((kaiming.gain - 2f64.sqrt()).abs() < 1e-12);
    let large = out.get("relu", Scheme::TooLarge).unwrap();
    assert!(*large.activation_std.last().unwrap() > 1e3 * large.activation_std[0]);
    assert!(
        large.first_end().is_some(),
        "the too-large ReLU run should diverge"
    );

    // the verdict follows the measurements, both ways
    let frame = initialization::checks(&config, &out);
    let passed: Vec<bool> = frame.checks.iter().map(|c| c.passed).collect();
    assert_eq!(passed.len(), 6);
    assert!(passed[0], "vanishing: {}", frame.checks[0].evidence);
    assert!(passed[3], "zero symmetry: {}", frame.checks[3].evidence);
    assert_ne!(frame.verdict(), Verdict::NotShownAtThisSize);
    let bad = initialization::checks(&config, &contradicted(&out));
    assert!(bad.checks.iter().all(|c| !c.passed), "{:#?}", bad.checks);
    assert_eq!(bad.verdict(), Verdict::NotShownAtThisSize);

    let study = find("initialization").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("initialization"));
    study_support::assert_registered(&report);
}
