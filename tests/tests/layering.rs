//! The layering of DEVELOPERS.md holds: dependencies only point down, so
//! `optim` and `data` never depend on `autodiff` or `nn`, and `nn` depends on
//! `autodiff` and no other workspace crate.

use std::path::PathBuf;

fn manifest(krate: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../crates")
        .join(krate)
        .join("Cargo.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Workspace crates named in the `[dependencies]` table of `krate` (not dev-
/// or build-dependencies).
fn workspace_deps(krate: &str) -> Vec<&'static str> {
    let text = manifest(krate);
    let mut in_deps = false;
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        for name in ["autodiff", "nn", "optim", "data", "experiments"] {
            let key = line.split(['=', '.', ' ']).next().unwrap_or("");
            if key == name {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn optim_and_data_see_only_arrays() {
    assert_eq!(workspace_deps("optim"), Vec::<&str>::new());
    assert_eq!(workspace_deps("data"), Vec::<&str>::new());
}

#[test]
fn nn_builds_on_autodiff_only_and_autodiff_on_nothing() {
    assert_eq!(workspace_deps("nn"), vec!["autodiff"]);
    assert_eq!(workspace_deps("autodiff"), Vec::<&str>::new());
}

#[test]
fn only_the_download_feature_of_data_reaches_for_http() {
    let text = manifest("data");
    let ureq = text
        .lines()
        .find(|l| l.trim_start().starts_with("ureq"))
        .expect("data declares ureq");
    assert!(
        ureq.contains("optional = true"),
        "ureq must be optional in data: {ureq}"
    );
}
