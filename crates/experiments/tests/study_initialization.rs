//! The initialization study in its tiny mode: vanishing activations with a
//! too-small init, steady ones with Kaiming in ReLU, and zero init's
//! symmetry; and its figures.

mod study_support;

use experiments::studies::initialization::{self, Config, Scheme};
use experiments::study::{Size, StudyContext, find, run_one};

#[test]
fn initialization_claims_hold_and_figures_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    let out = initialization::run(&Config::for_size(Size::Tiny), ctx.mnist().unwrap()).unwrap();

    for act in ["tanh", "relu"] {
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
        let zero = out.get(act, Scheme::Zero).unwrap();
        assert_eq!(zero.unit_spread, 0.0, "{act}: zero init units differ");
    }
    let kaiming = out.get("relu", Scheme::Kaiming).unwrap();
    let max = kaiming.activation_std.iter().copied().fold(0.0, f64::max);
    let min = kaiming
        .activation_std
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    assert!(max / min < 3.0, "Kaiming ReLU std range {min}..{max}");
    assert!(kaiming.unit_spread > 0.0);
    let large = out.get("relu", Scheme::TooLarge).unwrap();
    assert!(*large.activation_std.last().unwrap() > 1e3 * large.activation_std[0]);

    let study = find("initialization").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    study_support::assert_report_complete(&report, &ctx.dir("initialization"));
    study_support::assert_registered(&report);
}
