//! The `train` and `lr-find` commands: every invalid flag or value is one
//! line on stderr and exit code 2; a short run prints its JSON summary and
//! writes its run directory.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn experiments(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_experiments"))
        .args(args)
        .current_dir(cwd)
        // never reach for the network, even when a test gets the data dir wrong
        .env("OPTILAB_DATA_MIRROR", "file:///nonexistent/optilab-mirror")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

/// Runs `train` (or `lr-find`) with `args`, expecting the one-line error
/// containing `expected` and exit code 2.
fn fails(args: &[&str], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let data = common::data_dir();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data-dir", data.to_str().unwrap()]);
    let out = experiments(&all, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: not one line:\n{stderr}"
    );
    assert!(stderr.starts_with("experiments: "), "{stderr}");
    assert!(
        stderr.contains(expected),
        "{args:?}: expected `{expected}` in {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
    assert!(
        !dir.path().join("runs").exists(),
        "{args:?} created a run directory"
    );
}

#[test]
fn unknown_optimizer() {
    fails(
        &["train", "--optimizer", "adamm"],
        "unknown optimizer `adamm`",
    );
}

#[test]
fn negative_learning_rate() {
    fails(&["train", "--lr", "-0.1"], "invalid lr -0.1");
    fails(&["train", "--lr=-1"], "invalid lr -1");
    fails(&["train", "--lr", "nan"], "invalid lr NaN");
    fails(&["train", "--lr", "fast"], "--lr");
}

#[test]
fn batch_of_zero() {
    fails(&["train", "--batch", "0"], "invalid batch 0");
    fails(
        &["train", "--batch", "-5"],
        "invalid value '-5' for '--batch <BATCH>'",
    );
}

#[test]
fn malformed_model_spec() {
    fails(
        &["train", "--model", "784-x-10"],
        "invalid model `784-x-10`",
    );
    fails(&["train", "--model", "784"], "invalid model `784`");
    fails(
        &["train", "--model", "100-10"],
        "needs 784 inputs and 10 outputs",
    );
}

#[test]
fn unreadable_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = experiments(&["train", "--data-dir", file.to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a directory"), "{stderr}");
    // an empty directory: the download fails (no network here), one line too
    let empty = dir.path().join("empty");
    let out = experiments(
        &["train", "--data-dir", empty.to_str().unwrap()],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot load mnist"), "{stderr}");
}

#[test]
fn other_invalid_values() {
    fails(
        &["train", "--schedule", "sometimes"],
        "unknown schedule `sometimes`",
    );
    fails(
        &["train", "--activation", "swish"],
        "unknown activation `swish`",
    );
    fails(&["train", "--init", "random"], "unknown init `random`");
    fails(&["train", "--norm", "group:0"], "unknown norm `group:0`");
    fails(&["train", "--dataset", "cifar"], "unknown dataset `cifar`");
    fails(&["train", "--dropout", "1.5"], "invalid dropout 1.5");
    fails(&["train", "--epochs", "0"], "invalid epochs 0");
    fails(
        &["train", "--optimizer", "adam", "--momentum", "0.9"],
        "--momentum does not apply to adam",
    );
    fails(
        &["train", "--optimizer", "momentum", "--momentum", "1.2"],
        "invalid momentum 1.2",
    );
    fails(&["train", "--gamma", "2"], "invalid gamma 2");
    fails(
        &["train", "--clip-grad-norm", "0"],
        "invalid clip-grad-norm 0",
    );
    fails(
        &["train", "--divergence-factor", "1"],
        "invalid divergence-factor 1",
    );
    fails(
        &["train", "--on-divergence", "pray"],
        "unknown divergence policy `pray`",
    );
    fails(
        &["train", "--validation", "60000"],
        "invalid validation 60000",
    );
    fails(&["train", "--frobnicate"], "--frobnicate");
    fails(
        &["lr-find", "--start-lr", "1", "--end-lr", "0.1"],
        "--end-lr 0.1 must be above --start-lr 1",
    );
    fails(&["lr-find", "--steps", "2"], "invalid steps 2");
    fails(
        &["lr-find", "--optimizer", "lion"],
        "unknown optimizer `lion`",
    );
}

#[test]
fn resume_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-run");
    fails(
        &["train", "--resume", missing.to_str().unwrap()],
        "no checkpoint found",
    );
    fails(
        &[
            "train",
            "--resume",
            missing.to_str().unwrap(),
            "--lr",
            "0.5",
        ],
        "only --epochs, --data-dir, --json and --quiet may be given (found --lr)",
    );
}

#[test]
fn train_json_and_the_run_directory_then_resume() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::data_dir();
    let run = dir.path().join("run");
    let args = [
        "train",
        "--model",
        "784-16-10",
        "--subset",
        "3000",
        "--epochs",
        "1",
        "--data-dir",
        data.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "--json",
    ];
    let out = experiments(&args, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for key in [
        "test_accuracy",
        "test_loss",
        "train_loss",
        "epochs",
        "seconds",
    ] {
        assert!(json[key].is_number(), "{key} missing in {json}");
    }
    assert_eq!(json["epochs"], 1);
    assert!(json["test_accuracy"].as_f64().unwrap() > 0.7, "{json}");
    assert!(
        stderr.contains("epoch   1"),
        "one summary line per epoch: {stderr}"
    );
    for file in [
        "config.json",
        "metrics.csv",
        "metrics.jsonl",
        "steps.csv",
        "summary.json",
        "loss.png",
        "loss.svg",
        "accuracy.png",
        "accuracy.svg",
        "lr.png",
        "lr.svg",
        "checkpoint/model.safetensors",
        "checkpoint/optimizer.json",
        "checkpoint/state.json",
    ] {
        assert!(run.join(file).is_file(), "{file} missing");
    }
    let csv = std::fs::read_to_string(run.join("metrics.csv")).unwrap();
    assert!(
        csv.starts_with(
            "epoch,steps,train_loss,train_accuracy,eval_loss,eval_accuracy,lr,grad_norm"
        )
    );
    assert_eq!(csv.lines().count(), 2);

    // the same --out again is refused; --resume continues it
    let again = experiments(&args, dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a run"));
    let resumed = experiments(
        &[
            "train",
            "--resume",
            run.to_str().unwrap(),
            "--epochs",
            "2",
            "--json",
            "--data-dir",
            data.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&resumed.stdout).unwrap();
    assert_eq!(json["epochs"], 2);
    assert_eq!(
        std::fs::read_to_string(run.join("metrics.csv"))
            .unwrap()
            .lines()
            .count(),
        3
    );
}

#[test]
fn lr_find_writes_its_curve_and_suggests_a_rate() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::data_dir();
    let out_dir = dir.path().join("lr");
    let out = experiments(
        &[
            "lr-find",
            "--model",
            "784-16-10",
            "--steps",
            "60",
            "--start-lr",
            "1e-5",
            "--end-lr",
            "10",
            "--data-dir",
            data.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--json",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let suggested = json["suggested_lr"].as_f64().unwrap();
    assert!((1e-4..2.0).contains(&suggested), "{json}");
    for file in ["lr_find.csv", "lr_find.json", "lr_find.png", "lr_find.svg"] {
        assert!(out_dir.join(file).is_file(), "{file} missing");
    }
    let csv = std::fs::read_to_string(out_dir.join("lr_find.csv")).unwrap();
    assert!(csv.starts_with("lr,loss,smoothed\n"));
}
