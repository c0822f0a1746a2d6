//! `train --resume` checks everything before it writes anything: a corrupt
//! checkpoint (hash mismatch, NaN, infinity) is one line naming the file and
//! exit 2 with every file unchanged; a resume with nothing left to run
//! changes no file at all; and every file of a run has the same mode.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use sha2::{Digest, Sha256};

fn experiments(args: &[&str], cwd: &Path) -> Output {
    let data = common::data_dir();
    std::process::Command::new(env!("CARGO_BIN_EXE_experiments"))
        .args(args)
        .args(["--data-dir", data.to_str().unwrap(), "--quiet"])
        .current_dir(cwd)
        .env("OPTILAB_DATA_MIRROR", "file:///nonexistent/optilab-mirror")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

/// A finished two-epoch run in a fresh directory.
fn finished_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let out = experiments(
        &[
            "train",
            "--model",
            "784-16-10",
            "--subset",
            "1000",
            "--epochs",
            "2",
            "--out",
            run.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, run)
}

/// Every file under `dir` with the SHA-256 of its bytes.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path, Sha256::digest(&bytes).to_vec());
            }
        }
    }
    out
}

fn resume(run: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["train", "--resume", run.to_str().unwrap()];
    args.extend(extra);
    experiments(&args, run.parent().unwrap())
}

/// Exit 2, one line containing every `expected` piece, and no file changed.
fn refused(run: &Path, extra: &[&str], expected: &[&str]) {
    let before = hashes(run);
    let out = resume(run, extra);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    for piece in expected {
        assert!(stderr.contains(piece), "expected `{piece}` in {stderr}");
    }
    assert_eq!(hashes(run), before, "a refused resume changed files");
}

const MODEL: &str = "checkpoint/model.safetensors";

/// Rewrites the first f32 of the model's first tensor and, if `rehash`,
/// records the new hash in the manifest (a "valid" checkpoint with a bad value).
fn poison_model(run: &Path, value: [u8; 4], rehash: bool) {
    let path = run.join(MODEL);
    let mut bytes = std::fs::read(&path).unwrap();
    let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let at = 8 + header;
    bytes[at..at + 4].copy_from_slice(&value);
    std::fs::write(&path, &bytes).unwrap();
    if rehash {
        let manifest = run.join("checkpoint/manifest.json");
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        json["sha256"]["model.safetensors"] = hex.into();
        std::fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    }
}

#[test]
fn a_resume_with_nothing_to_run_changes_no_file() {
    let (_dir, run) = finished_run();
    let before = hashes(&run);
    for extra in [&[][..], &["--epochs", "1"], &["--epochs", "2"]] {
        let out = resume(&run, extra);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(hashes(&run), before, "resume {extra:?} changed files");
    }
}

#[test]
fn a_truncated_model_is_refused_and_the_config_kept() {
    let (_dir, run) = finished_run();
    let path = run.join(MODEL);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &run,
        &["--epochs", "3"],
        &["model.safetensors", "is corrupt", "SHA-256"],
    );
    let config = std::fs::read_to_string(run.join("config.json")).unwrap();
    assert!(
        config.contains("\"epochs\": 2") || config.contains("\"epochs\":2"),
        "{config}"
    );
}

#[test]
fn non_finite_and_flipped_values_are_refused_naming_the_file() {
    for (value, rehash, expected) in [
        (f32::NAN.to_le_bytes(), true, "holds NaN or infinite values"),
        (
            f32::INFINITY.to_le_bytes(),
            true,
            "holds NaN or infinite values",
        ),
        (1.97e36f32.to_le_bytes(), false, "is corrupt"),
    ] {
        let (_dir, run) = finished_run();
        poison_model(&run, value, rehash);
        refused(&run, &["--epochs", "3"], &["model.safetensors", expected]);
    }
}

#[test]
fn a_missing_manifest_or_a_changed_state_is_refused() {
    let (_dir, run) = finished_run();
    let state = run.join("checkpoint/state.json");
    let text = std::fs::read_to_string(&state).unwrap();
    std::fs::write(&state, text.replacen("\"epoch\":2", "\"epoch\":1", 1)).unwrap();
    refused(&run, &["--epochs", "3"], &["state.json", "is corrupt"]);
    std::fs::remove_file(run.join("checkpoint/manifest.json")).unwrap();
    refused(&run, &["--epochs", "3"], &["manifest"]);
}

#[test]
fn a_checkpoint_holding_a_huge_model_is_refused_before_allocating() {
    let (_dir, run) = finished_run();
    let state = run.join("checkpoint/state.json");
    let text = std::fs::read_to_string(&state).unwrap();
    let bytes = text
        .replacen("784-16-10", "784-100000-100000-10", 1)
        .into_bytes();
    std::fs::write(&state, &bytes).unwrap();
    let manifest = run.join("checkpoint/manifest.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    json["sha256"]["state.json"] = hex.into();
    std::fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    refused(
        &run,
        &["--epochs", "3"],
        &["of memory (estimated", "is available"],
    );
}

#[test]
fn an_extended_resume_records_its_epochs_once_it_has_run() {
    let (_dir, run) = finished_run();
    let out = resume(&run, &["--epochs", "3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["epochs"], 3);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["epochs"], 3);
}

#[cfg(unix)]
#[test]
fn every_file_of_a_run_has_the_same_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, run) = finished_run();
    let modes: BTreeMap<PathBuf, u32> = hashes(&run)
        .into_keys()
        .map(|p| {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            (p, mode)
        })
        .collect();
    let config = modes[&run.join("config.json")];
    for (path, mode) in &modes {
        assert_eq!(
            *mode, config,
            "{path:?} has mode {mode:o}, config.json {config:o}"
        );
    }
    assert!(modes.contains_key(&run.join(MODEL)));
}
