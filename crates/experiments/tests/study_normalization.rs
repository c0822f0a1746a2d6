//! The normalization study in its tiny mode: normalized deep nets train
//! where the plain one stalls at ln 10, batch norm's eval mode uses running
//! statistics, the learning-rate sweep is complete; the verdict logic on
//! both outcomes; and its figures.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::normalization::{self, Config, Outcome};
use experiments::study::{Size, find, run_one};

/// The outcome with every claim contradicted.
fn contradicted(out: &Outcome) -> Outcome {
    let mut out = out.clone();
    for r in &mut out.runs {
        r.grad_norm = vec![1.0; r.grad_norm.len()];
        r.step_losses = vec![if r.norm == "layer" { 0.05 } else { 0.1 }; 20];
        r.diverged_at = None;
    }
    for p in &mut out.sweep {
        let plain = p.norm == "none";
        p.diverged_at = (!plain).then_some(3);
        p.final_loss = if plain { 0.5 } else { f64::INFINITY };
    }
    let n = out.modes.len();
    for (i, g) in out.modes.iter_mut().enumerate() {
        g.relative_difference = 0.01 * (1 + i) as f64 / n as f64;
    }
    out
}

#[test]
fn normalization_claims_hold_and_figures_are_written() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let config = Config::for_size(Size::Tiny);
    let out = normalization::run(&config, ctx.mnist().unwrap()).unwrap();

    let plain = out.get("none").unwrap();
    let summary: Vec<String> = out
        .runs
        .iter()
        .map(|r| format!("{} {:.3} {:?}", r.norm, r.final_loss(), r.diverged_at))
        .collect();
    eprintln!("{summary:?} {:?} {:?}", out.modes, out.sweep);
    let (stalled, deviation) = normalization::stall(&plain.step_losses);
    assert!(
        stalled,
        "the default-init plain net moved {deviation} from ln 10"
    );
    for n in ["batch", "layer", "group"] {
        let r = out.get(n).unwrap();
        assert!(r.diverged_at.is_none(), "{n} diverged");
        assert!(
            r.final_loss() < plain.final_loss(),
            "{n} {} vs none {}",
            r.final_loss(),
            plain.final_loss()
        );
        assert!(
            r.grad_norm[0] > 10.0 * plain.grad_norm[0],
            "{n}: gradient flow"
        );
    }
    assert_eq!(out.sweep.len(), 2 * config.sweep_lrs.len());

    let first = out.modes.first().unwrap();
    let last = out.modes.last().unwrap();
    assert!(first.relative_difference > 0.0 && last.relative_difference > 0.0);
    assert!(last.relative_difference < first.relative_difference);

    // the verdict follows the measurements, both ways
    let frame = normalization::checks(&config, &out);
    assert_eq!(frame.checks.len(), 5);
    assert!(frame.checks[0].passed && frame.checks[1].passed && frame.checks[3].passed);
    assert_ne!(frame.verdict(), Verdict::NotShownAtThisSize);
    let bad = normalization::checks(&config, &contradicted(&out));
    assert!(bad.checks.iter().all(|c| !c.passed), "{:#?}", bad.checks);
    assert_eq!(bad.verdict(), Verdict::NotShownAtThisSize);
    assert!(!normalization::stall(&[2.3, 1.0, 0.4]).0);

    let study = find("normalization").unwrap();
    let report = run_one(&*study, &ctx).unwrap();
    assert_eq!(report.outcome, experiments::report::Outcome::Completed);
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("normalization"));
    study_support::assert_registered(&report);
}
