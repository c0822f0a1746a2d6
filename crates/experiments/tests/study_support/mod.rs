//! Helpers shared by the study tests: where MNIST is, a folder for the
//! outputs, and the checks every report must pass.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use experiments::report::Report;
use experiments::study::{Size, StudyContext};

/// The data directory holding `mnist/`: `$OPTILAB_DATA_DIR`, else the shared
/// datasets next to the workspace (`<workspace>/../shared/datasets`).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("OPTILAB_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
    }
}

/// A temporary folder for a study's files, kept when `OPTILAB_KEEP_PLOTS`
/// names a folder (to look at the figures).
pub fn out_dir() -> tempfile::TempDir {
    match std::env::var("OPTILAB_KEEP_PLOTS") {
        Ok(keep) => {
            std::fs::create_dir_all(&keep).unwrap();
            let mut dir = tempfile::Builder::new().tempdir_in(&keep).unwrap();
            dir.disable_cleanup(true);
            dir
        }
        Err(_) => tempfile::tempdir().unwrap(),
    }
}

/// A Tiny context writing into `results`, reading MNIST from [`data_dir`].
pub fn tiny_context(results: &Path) -> StudyContext {
    StudyContext::new(results, Size::Tiny, data_dir())
}

/// Every figure of `report` exists in `dir` as a valid PNG and SVG, the
/// report's Markdown shows each one, every data file exists, and the finding
/// states measured numbers.
pub fn assert_report_complete(report: &Report, dir: &Path) {
    assert!(!report.figures.is_empty(), "{} has no figures", report.name);
    let readme = std::fs::read_to_string(report.write(dir).unwrap()).unwrap();
    for figure in &report.figures {
        let png = std::fs::read(dir.join(format!("{}.png", figure.stem))).unwrap();
        assert_eq!(
            &png[..8],
            b"\x89PNG\r\n\x1a\n",
            "{}.png is not a PNG",
            figure.stem
        );
        assert!(
            png.len() > 2000,
            "{}.png is suspiciously small",
            figure.stem
        );
        let svg = std::fs::read_to_string(dir.join(format!("{}.svg", figure.stem))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{}.svg is not an SVG",
            figure.stem
        );
        assert!(
            readme.contains(&format!("]({}.png)", figure.stem)),
            "README.md does not show {}.png",
            figure.stem
        );
        assert!(
            readme.contains(&format!("({}.svg)", figure.stem)),
            "README.md does not link {}.svg",
            figure.stem
        );
    }
    for file in &report.data_files {
        assert!(dir.join(file).is_file(), "data file {file} is missing");
    }
    assert!(
        report.finding.contains("**") && report.finding.chars().any(|c| c.is_ascii_digit()),
        "the finding states no measured numbers: {}",
        report.finding
    );
}

/// The study of `report` is registered under the same title and section.
pub fn assert_registered(report: &Report) {
    let study = experiments::study::find(&report.name)
        .unwrap_or_else(|| panic!("{} is not in study::all()", report.name));
    assert_eq!(study.title(), report.title);
    assert_eq!(study.section(), report.section);
}
