//! Lecture Section 5: on a small training set the widest networks
//! interpolate, wider nets end lower with less spread across seeds, and the
//! loss barrier between two seeds' solutions is lowest for the widest; the
//! verdict follows the measurements both ways.

mod study_support;

use experiments::report::{Outcome as Completion, Verdict};
use experiments::studies::overparameterization::{
    Config, LinePath, Outcome, SeedRun, WidthResult, finding, frame, run,
};
use experiments::study::{Size, StudyContext, find, run_one};

#[test]
fn the_widest_nets_interpolate_and_have_the_lowest_barrier() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, study_support::data_dir());
    let config = Config::for_size(Size::Tiny);
    let outcome = run(&config, ctx.mnist().unwrap()).unwrap();
    assert_eq!(outcome.widths.len(), config.widths.len());
    let (narrow, wide) = outcome.ends().unwrap();
    for w in &outcome.widths {
        assert_eq!(w.runs.len(), config.seeds.len());
        assert_eq!(w.paths.len(), 1, "two seeds make one pair");
        for p in &w.paths {
            assert_eq!(p.points.len(), config.alphas.len());
            // the ends of the line are the two solutions themselves
            let at = |a: f64| p.points.iter().find(|q| q.0 == a).unwrap().1;
            assert!((at(0.0) - w.runs[0].final_loss).abs() < 1e-5);
            assert!((at(1.0) - w.runs[1].final_loss).abs() < 1e-5);
            assert!(p.barrier() >= 0.0);
        }
    }
    assert!(
        wide.interpolates(config.interpolation_loss),
        "{:?}",
        wide.loss()
    );
    assert!(!narrow.interpolates(config.interpolation_loss));
    assert!(wide.loss().below(&narrow.loss()));
    assert!(wide.test_accuracy().mean > narrow.test_accuracy().mean);
    assert!(wide.barrier().mean < narrow.barrier().mean);
    let f = frame(&outcome);
    assert_eq!(f.checks.len(), 4);
    assert!(f.checks[0].passed && f.checks[1].passed, "{f:?}");
}

fn width(width: usize, losses: &[f64], barrier: f64) -> WidthResult {
    let runs: Vec<SeedRun> = losses
        .iter()
        .enumerate()
        .map(|(i, &l)| SeedRun {
            seed: i as u64,
            epoch_loss: vec![2.0, l],
            final_loss: l,
            train_accuracy: 1.0 - l.min(1.0),
            test_accuracy: 0.5,
            diverged_at: None,
        })
        .collect();
    let (a, b) = (losses[0], losses[1]);
    WidthResult {
        width,
        parameters: 795 * width + 10,
        paths: vec![LinePath {
            seeds: (0, 1),
            points: vec![(0.0, a), (0.5, a.max(b) + barrier), (1.0, b)],
        }],
        runs,
    }
}

fn outcome(widths: Vec<WidthResult>) -> Outcome {
    Outcome {
        config: Config::for_size(Size::Tiny),
        widths,
    }
}

#[test]
fn the_verdict_follows_the_measurements() {
    let shown = outcome(vec![
        width(2, &[1.2, 1.6], 0.3),
        width(64, &[0.002, 0.003], 0.05),
    ]);
    let f = frame(&shown);
    assert_eq!(f.verdict(), Verdict::Shown, "{f:?}");
    assert!(finding(&shown).contains("From width 64 on, every seed interpolates"));
    assert!(finding(&shown).contains("the widest nets have the lowest barrier"));

    // the wide nets neither interpolate nor beat the narrow ones, their
    // seeds disagree more and their barrier is higher
    let not_shown = outcome(vec![
        width(2, &[0.5, 0.6], 0.1),
        width(64, &[0.4, 0.9], 0.4),
    ]);
    let f = frame(&not_shown);
    assert_eq!(f.verdict(), Verdict::NotShownAtThisSize, "{f:?}");
    assert!(f.checks.iter().all(|c| !c.passed));
    assert!(finding(&not_shown).contains("No width interpolates"));
    assert!(finding(&not_shown).contains("do not have the lowest barrier"));

    // interpolating but with a higher barrier than a middle width
    let partly = outcome(vec![
        width(2, &[1.2, 1.6], 0.3),
        width(16, &[0.02, 0.03], 0.01),
        width(64, &[0.002, 0.003], 0.05),
    ]);
    assert_eq!(frame(&partly).verdict(), Verdict::PartlyShown);
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let report = run_one(&*find("overparameterization").unwrap(), &ctx).unwrap();
    assert_eq!(report.outcome, Completion::Completed);
    assert_eq!(report.figures.len(), 5);
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("overparameterization"));
    study_support::assert_registered(&report);
}
