//! The normalization study in its tiny mode: normalized deep nets train at a
//! high learning rate where the plain one does worse, and batch norm's eval
//! mode uses running statistics; and its figures.

use std::path::{Path, PathBuf};

use experiments::studies::normalization::{self, Config};
use experiments::study::{Size, StudyContext, find, run_one};

fn data_dir() -> PathBuf {
    match std::env::var_os("OPTILAB_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
    }
}

fn check_figures(dir: &Path, report: &experiments::report::Report) {
    let md = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(!report.figures.is_empty());
    for f in &report.figures {
        let png = std::fs::read(dir.join(format!("{}.png", f.stem))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", f.stem);
        let svg = std::fs::read_to_string(dir.join(format!("{}.svg", f.stem))).unwrap();
        assert!(svg.contains("<svg"), "{} is not an SVG", f.stem);
        assert!(
            md.contains(&format!("({}.png)", f.stem)),
            "README misses {}",
            f.stem
        );
    }
}

#[test]
fn normalization_claims_hold_and_figures_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, data_dir());
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
    check_figures(&ctx.dir("normalization"), &report);
}
