//! The whole tour at tiny size through the real binary: every study
//! completes, the index has a verdict for each, and `experiments
//! check-figures` finds nothing wrong with any figure it wrote.

mod study_support;

use std::process::Command;

#[test]
fn a_tiny_tour_passes_check_figures() {
    let out = study_support::out_dir();
    let bin = env!("CARGO_BIN_EXE_experiments");
    let tour = Command::new(bin)
        .args(["tour", "--size", "tiny", "--out"])
        .arg(out.path())
        .arg("--data-dir")
        .arg(study_support::data_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&tour.stderr);
    assert!(tour.status.success(), "tour failed: {stderr}");
    assert!(stderr.contains("(0 failed)"), "{stderr}");

    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let studies = experiments::study::all();
    for s in &studies {
        assert!(
            html.contains(&format!("<section id=\"{}\">", s.name())),
            "{} has no section",
            s.name()
        );
        let report: experiments::report::Report = serde_json::from_str(
            &std::fs::read_to_string(out.path().join(s.name()).join("report.json")).unwrap(),
        )
        .unwrap();
        assert!(
            report.frame.is_some(),
            "{} states no claim and verdict",
            s.name()
        );
    }
    assert!(html.contains("id=\"summary\""));

    let check = Command::new(bin)
        .arg("check-figures")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "check-figures found problems:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
