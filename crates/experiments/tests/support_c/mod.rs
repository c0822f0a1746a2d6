//! Shared by the study tests: a Tiny context on the local MNIST, and the
//! check that every figure of a report exists as a valid PNG and SVG and is
//! referenced by its Markdown.

use experiments::report::{Outcome, Report};
use experiments::study::{self, Size, StudyContext};

/// Runs study `name` in Tiny mode into a temporary folder.
pub fn run_tiny(name: &str) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(dir.path(), Size::Tiny, data_dir());
    let s = study::find(name).unwrap_or_else(|| panic!("study {name} is not registered"));
    let report = study::run_one(&*s, &ctx).unwrap();
    assert_eq!(report.outcome, Outcome::Completed, "{name} failed");
    check_figures(&ctx.dir(name), &report);
    (dir, report)
}

/// Every figure is a valid PNG and SVG, referenced by the report's Markdown;
/// every data file exists.
pub fn check_figures(dir: &std::path::Path, report: &Report) {
    assert!(!report.figures.is_empty(), "no figures");
    let md = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for f in &report.figures {
        let png = std::fs::read(dir.join(format!("{}.png", f.stem))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", f.stem);
        assert!(png.len() > 2000, "{}.png is suspiciously small", f.stem);
        let svg = std::fs::read_to_string(dir.join(format!("{}.svg", f.stem))).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            md.contains(&format!("({}.png)", f.stem)),
            "{} not in the report",
            f.stem
        );
        assert!(md.contains(&format!("({}.svg)", f.stem)));
    }
    for d in &report.data_files {
        assert!(dir.join(d).exists(), "{d} missing");
    }
    assert!(!report.finding.is_empty() && md.contains(report.finding.trim_end()));
}

/// MNIST from the local data directory.
pub fn mnist() -> data::Splits {
    study::load_or_fetch(data::Dataset::Mnist, &data_dir()).unwrap()
}

/// `$OPTILAB_DATA_DIR`, else the workspace's sibling `shared/datasets`.
pub fn data_dir() -> std::path::PathBuf {
    match std::env::var_os("OPTILAB_DATA_DIR") {
        Some(d) => d.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
    }
}
