//! The normalization study in its tiny mode: normalized deep nets train at a
//! high learning rate where the plain one does worse, and batch norm's eval
//! mode uses running statistics; and its figures.

mod study_support;

use experiments::studies::normalization::{self, Config};
use experiments::study::{Size, StudyContext, find, run_one};

#[test]
fn normalization_claims_hold_and_figures_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    let out = normalization::run(&Config::for_size(Size::Tiny), ctx.mnist().unwrap()).unwrap();

    let get = |n: &str| out.runs.iter().find(|r| r.norm.starts_with(n)).unwrap();
    let plain = get("none");
    let summary: Vec<String> = out
        .runs
        .iter()
        .map(|r| format!("{} {:.3} {}", r.norm, r.final_loss, r.diverged))
        .collect();
    eprintln!("{summary:?} {:?}", out.modes);
    for n in ["batch", "layer", "group"] {
        let r = get(n);
        assert!(!r.diverged, "{n} diverged");
        assert!(
            r.final_loss < plain.final_loss,
            "{n} {} vs none {}",
            r.final_loss,
            plain.final_loss
        );
    }

    let first = out.modes.first().unwrap();
    let last = out.modes.last().unwrap();
    assert!(first.relative_difference > 0.0 && last.relative_difference > 0.0);
    assert!(last.relative_difference < first.relative_difference);

    let study = find("normalization").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    study_support::assert_report_complete(&report, &ctx.dir("normalization"));
    study_support::assert_registered(&report);
}
