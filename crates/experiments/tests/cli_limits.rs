//! Sizes from the command line never crash the process: a configuration
//! that needs more memory than there is ends with one line naming the
//! estimate and what is available (exit 2); huge epoch counts with a time
//! limit simply run until the limit. Every flag that sizes something is
//! tried at its type's maximum and at absurd-but-valid values, under an
//! address-space limit, with a timeout: exit 2 or a normal run, never a
//! panic (101) or an abort (134).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MAX: &str = "18446744073709551615";

/// Runs the binary under `ulimit -v` (KiB) and a wall-clock timeout.
fn run_limited(args: &[&str], cwd: &Path, vmem_kib: u64, timeout: Duration) -> Output {
    let bin = env!("CARGO_BIN_EXE_experiments");
    let script = format!("ulimit -v {vmem_kib} && exec \"$0\" \"$@\"");
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(bin)
        .args(args)
        .current_dir(cwd)
        .env("OPTILAB_DATA_MIRROR", "file:///nonexistent/optilab-mirror")
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "{args:?} still running after {timeout:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `train`/`lr-find` with the shared data, in a fresh directory, limited
/// to 4 GB of address space and 90 s.
fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let data = common::data_dir();
    let out = dir.path().join("out");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data-dir", data.to_str().unwrap()]);
    if args[0] == "train" {
        all.push("--quiet");
    }
    all.extend(["--out", out.to_str().unwrap()]);
    run_limited(&all, dir.path(), 4_000_000, Duration::from_secs(90))
}

/// Exit 2 with one line, or success; never a crash.
fn refused_or_ran(args: &[&str]) -> Option<String> {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "{args:?}: {stderr}"
    );
    match out.status.code() {
        Some(0) => None,
        Some(2) => {
            assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
            Some(stderr)
        }
        other => panic!("{args:?} exited with {other:?}: {stderr}"),
    }
}

/// Refused with the memory estimate and what is available.
fn refused_for_memory(args: &[&str]) {
    let stderr = refused_or_ran(args).unwrap_or_else(|| panic!("{args:?} ran"));
    assert!(
        stderr.contains("of memory (estimated") && stderr.contains("is available (by"),
        "{args:?}: {stderr}"
    );
}

#[test]
fn huge_epoch_counts_are_refused_before_allocating() {
    refused_for_memory(&["train", "--epochs", "1000000000"]);
    refused_for_memory(&["train", "--subset", "200", "--epochs", MAX]);
    refused_for_memory(&["train", "--batch", "1", "--epochs", "100000"]);
}

#[test]
fn huge_models_are_refused_before_allocating() {
    refused_for_memory(&["train", "--model", "784-99999999999-10"]);
    refused_for_memory(&["train", "--model", "784-100000-100000-10"]);
    refused_for_memory(&["lr-find", "--model", "784-100000-100000-10"]);
    let err = refused_or_ran(&["train", "--model", &format!("784-{MAX}-10")]).unwrap();
    assert!(
        err.contains("more weights than memory can address"),
        "{err}"
    );
}

#[test]
fn huge_sweeps_are_refused_before_allocating() {
    refused_for_memory(&["lr-find", "--steps", "100000000000"]);
    refused_for_memory(&["lr-find", "--steps", MAX]);
}

#[test]
fn huge_epoch_counts_with_a_time_limit_run_until_the_limit() {
    let start = Instant::now();
    let out = run(&[
        "train",
        "--subset",
        "200",
        "--epochs",
        MAX,
        "--time-limit",
        "1.5",
        "--checkpoint-every",
        "0",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("time budget"), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn every_sizing_flag_at_its_maximum_and_absurd_values() {
    let quick = ["--subset", "100", "--epochs", "1"];
    let cases: Vec<Vec<&str>> = vec![
        vec!["--epochs", MAX],
        vec!["--epochs", "4294967296"],
        vec!["--epochs", MAX, "--time-limit", "1"],
        vec!["--batch", MAX],
        vec!["--batch", "1000000000"],
        vec!["--subset", MAX],
        vec!["--subset", "59999", "--validation", "1"],
        vec!["--validation", MAX],
        vec!["--step-size", MAX, "--schedule", "step"],
        vec!["--schedule", "cosine", "--epochs", MAX, "--time-limit", "1"],
        vec![
            "--schedule",
            "one-cycle",
            "--epochs",
            MAX,
            "--time-limit",
            "1",
        ],
        vec!["--patience", MAX, "--schedule", "plateau"],
        vec!["--checkpoint-every", MAX],
        vec!["--time-limit", "1e300"],
        vec!["--time-limit", "1e-300"],
        vec!["--seed", MAX],
        vec!["--model", "784-10-10", "--norm", "group:1"],
        vec!["--model", "784-1000000-10"],
        vec!["--model", "784-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-10"],
        vec![
            "--norm",
            "group:18446744073709551615",
            "--model",
            "784-16-10",
        ],
    ];
    for case in cases {
        let mut args = vec!["train"];
        args.extend(&case);
        for (flag, value) in quick.chunks(2).map(|c| (c[0], c[1])) {
            if !case.contains(&flag) {
                args.extend([flag, value]);
            }
        }
        refused_or_ran(&args);
    }
    for steps in [MAX, "4294967296", "100000000"] {
        refused_or_ran(&["lr-find", "--steps", steps, "--subset", "100"]);
    }
    for batch in [MAX, "100000000"] {
        refused_or_ran(&[
            "lr-find", "--batch", batch, "--steps", "5", "--subset", "100",
        ]);
    }
}
