//! `cargo xtask bench`: the workloads of `../shared/BENCHMARKS.md` on real
//! MNIST, one process per workload, optionally beside the PyTorch / NumPy
//! peers from `../shared/peers` run in the same session for ratios; and the
//! criterion micro-benchmarks with `--micro`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::test::workspace_root;

const USAGE: &str = "usage: cargo xtask bench [--workload ID]... [--quality] [--micro] [--json]
                         [--reps N] [--dir DATA_DIR] [--peers PYTHON] [--out FILE]

  --workload ID   W1, W2, W3, Q1 or Q2 (repeatable; default W1 W2 W3)
  --quality       also run Q1 and Q2 (10-epoch test accuracy)
  --micro         run the criterion micro-benchmarks instead
  --json          print one JSON object per workload and peer
  --reps N        timed repetitions (default: the protocol's per workload)
  --dir DIR       data directory (default: $OPTILAB_DATA_DIR, else ./data)
  --peers PYTHON  also run ../shared/peers/{torch,numpy}_mlp.py with this python
  --out FILE      also append every JSON line to FILE";

/// Threads for everything, as the protocol says.
const THREADS: &str = "2";

#[derive(Debug, Default)]
struct Options {
    workloads: Vec<String>,
    quality: bool,
    micro: bool,
    json: bool,
    reps: Option<u32>,
    dir: Option<PathBuf>,
    python: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut o = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--workload" => {
                let w = value()?.to_uppercase();
                if !["W1", "W2", "W3", "Q1", "Q2"].contains(&w.as_str()) {
                    return Err(format!("unknown workload `{w}` (W1, W2, W3, Q1, Q2)"));
                }
                o.workloads.push(w);
            }
            "--quality" => o.quality = true,
            "--micro" => o.micro = true,
            "--json" => o.json = true,
            "--reps" => {
                let v = value()?;
                let n: u32 = v
                    .parse()
                    .map_err(|_| format!("--reps needs a positive integer, got `{v}`"))?;
                if n == 0 {
                    return Err("--reps needs a positive integer, got `0`".into());
                }
                o.reps = Some(n);
            }
            "--dir" => o.dir = Some(PathBuf::from(value()?)),
            "--peers" => o.python = Some(PathBuf::from(value()?)),
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if o.workloads.is_empty() {
        o.workloads = vec!["W1".into(), "W2".into(), "W3".into()];
    }
    if o.quality {
        for q in ["Q1", "Q2"] {
            if !o.workloads.iter().any(|w| w == q) {
                o.workloads.push(q.into());
            }
        }
    }
    Ok(Some(o))
}

/// Parses the arguments and runs the benchmarks.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(o) = parse(args)? else { return Ok(()) };
    let root = workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    if o.micro {
        return micro(&cargo, &root);
    }
    let dir = data::data_dir(o.dir.as_deref());
    crate::fetch_mnist::fetch(&[data::Dataset::Mnist], &dir, None)?;
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--release", "--quiet", "-p", "experiments"])
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building experiments failed ({status})"));
    }
    let exe = target_dir(&root).join("release").join("experiments");
    let mut rows: Vec<Value> = Vec::new();
    for w in &o.workloads {
        let mut cmd = Command::new(&exe);
        cmd.args(["bench", "--workload", w, "--data-dir"]).arg(&dir);
        if let Some(r) = o.reps {
            cmd.args(["--reps", &r.to_string()]);
        }
        rows.push(run_json(cmd, &format!("optilab {w}"))?);
        if let Some(py) = &o.python {
            let peers = root.join("..").join("shared").join("peers");
            for peer in ["torch_mlp.py", "numpy_mlp.py"] {
                let mut cmd = Command::new(py);
                cmd.arg(peers.join(peer))
                    .args(["--workload", w, "--data"])
                    .arg(dir.join("mnist"));
                if let Some(r) = o.reps {
                    cmd.args(["--reps", &r.to_string()]);
                }
                match run_json(cmd, &format!("{peer} {w}")) {
                    Ok(v) => rows.push(v),
                    Err(e) => eprintln!("xtask bench: peer skipped: {e}"),
                }
            }
        }
    }
    if let Some(out) = &o.out {
        let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
        let mut previous = std::fs::read_to_string(out).unwrap_or_default();
        previous.push_str(&text);
        std::fs::write(out, previous).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    if o.json {
        for r in &rows {
            println!("{r}");
        }
    } else {
        print_table(&rows);
    }
    Ok(())
}

/// Where cargo puts build output (`$CARGO_TARGET_DIR` or `<root>/target`).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Runs `cmd` with the protocol's thread limits and parses its last stdout
/// line as JSON.
fn run_json(mut cmd: Command, what: &str) -> Result<Value, String> {
    for var in [
        "RAYON_NUM_THREADS",
        "MATMUL_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
    ] {
        cmd.env(var, THREADS);
    }
    eprintln!("xtask bench: running {what} ...");
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("{what} failed ({}): {}", out.status, err.trim()));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(line).map_err(|e| format!("{what}: no JSON result line ({e})"))
}

fn print_table(rows: &[Value]) {
    println!(
        "{:<14} {:<9} {:>10} {:>10} {:>10} {:>8} {:>9} {:>9} {:>9}",
        "runner",
        "workload",
        "median_s",
        "min_s",
        "max_s",
        "GFLOP/s",
        "RSS MB",
        "test acc",
        "vs torch"
    );
    let mut torch: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows {
        if r["peer"].as_str() == Some("torch-eager") {
            torch.insert(
                r["workload"].as_str().unwrap_or("").to_string(),
                r["median_s"].as_f64().unwrap_or(f64::NAN),
            );
        }
    }
    for r in rows {
        let f = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
        let workload = r["workload"].as_str().unwrap_or("?");
        let ratio = match (r["peer"].as_str(), torch.get(workload)) {
            (Some("optilab"), Some(t)) => format!("{:.2}x", f("median_s") / t),
            _ => String::new(),
        };
        let acc = r["test_accuracy"]
            .as_f64()
            .map(|a| format!("{:.2}%", a * 100.0))
            .unwrap_or_default();
        println!(
            "{:<14} {:<9} {:>10.4} {:>10.4} {:>10.4} {:>8.1} {:>9.0} {:>9} {:>9}",
            r["peer"].as_str().unwrap_or("?"),
            workload,
            f("median_s"),
            f("min_s"),
            f("max_s"),
            f("gflops"),
            f("peak_rss_mb"),
            acc,
            ratio
        );
    }
}

/// The criterion micro-benchmarks: tape forward/backward, each optimizer's
/// step on 1M parameters, IDX decode.
fn micro(cargo: &str, root: &Path) -> Result<(), String> {
    let status = Command::new(cargo)
        .current_dir(root)
        .env("RAYON_NUM_THREADS", THREADS)
        .env("MATMUL_NUM_THREADS", THREADS)
        .args([
            "bench",
            "-p",
            "autodiff",
            "--bench",
            "tape_mlp",
            "-p",
            "optim",
            "--bench",
            "optim_step",
            "-p",
            "data",
            "--bench",
            "idx_decode",
        ])
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo bench failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_to_the_three_timing_workloads() {
        let o = parse(&args(&[])).unwrap().unwrap();
        assert_eq!(o.workloads, ["W1", "W2", "W3"]);
        let o = parse(&args(&["--quality"])).unwrap().unwrap();
        assert_eq!(o.workloads, ["W1", "W2", "W3", "Q1", "Q2"]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&args(&["--workload", "W9"])).is_err());
        assert!(parse(&args(&["--reps", "0"])).is_err());
        assert!(parse(&args(&["--reps", "x"])).is_err());
        assert!(parse(&args(&["--frobnicate"])).is_err());
        assert!(parse(&args(&["--workload"])).is_err());
    }

    #[test]
    fn workload_names_are_case_insensitive_and_repeatable() {
        let o = parse(&args(&["--workload", "w2", "--workload", "Q1"]))
            .unwrap()
            .unwrap();
        assert_eq!(o.workloads, ["W2", "Q1"]);
    }
}
