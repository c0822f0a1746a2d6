//! `cargo xtask fuzz`: the IDX reader under libFuzzer for a fixed number of
//! runs, seeded with small IDX files cut from the real datasets at run time
//! (nothing from the datasets is committed).
//!
//! Needs `cargo-fuzz` (`cargo install cargo-fuzz`). libFuzzer's
//! instrumentation uses `-Z` flags; on a stable toolchain they are allowed
//! with `RUSTC_BOOTSTRAP=1`, which this task sets for the fuzz build only.

use std::path::{Path, PathBuf};
use std::process::Command;

use data::{Compression, Dataset, FileKind, find_file, read_idx_file, write_idx};

use crate::test::workspace_root;

const USAGE: &str = "usage: cargo xtask fuzz [--runs N] [--dir DATA_DIR]

  --runs N   inputs to try (default 200000)
  --dir DIR  where the real MNIST files are, for the seeds (default:
             $OPTILAB_DATA_DIR, else ./data, else ../shared/datasets)

Crashes are saved under crates/data/fuzz/artifacts/idx/.";

/// Parses the arguments, writes the seeds and runs the fuzzer.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut runs: u64 = 200_000;
    let mut dir: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--runs" => {
                let v = value()?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--runs needs a positive integer, got `{v}`"))?;
            }
            "--dir" => dir = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let data_dir = seed_source(&root, dir.as_deref())?;
    let work = root.join("target").join("fuzz");
    let seeds = work.join("seeds-idx");
    let corpus = work.join("corpus-idx");
    write_seeds(&data_dir, &seeds)?;
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .current_dir(&root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--fuzz-dir", "crates/data/fuzz", "idx"])
        .args([&corpus, &seeds])
        .arg("--")
        .arg(format!("-runs={runs}"))
        .status()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    if status.success() {
        println!("fuzz: {runs} runs of the IDX reader, no crash");
        Ok(())
    } else {
        Err(format!(
            "cargo fuzz failed ({status}): a crash is saved under crates/data/fuzz/artifacts/idx/, \
             or cargo-fuzz is missing (`cargo install cargo-fuzz`)"
        ))
    }
}

/// The first data directory holding the MNIST test files.
fn seed_source(root: &Path, explicit: Option<&Path>) -> Result<PathBuf, String> {
    let mut candidates = vec![data::data_dir(explicit)];
    if explicit.is_none() {
        candidates.push(root.join("..").join("shared").join("datasets"));
    }
    let has_files = |d: &Path| {
        FileKind::ALL
            .iter()
            .all(|&k| find_file(d, Dataset::Mnist, k).is_ok())
    };
    candidates.iter().find(|d| has_files(d)).cloned().ok_or_else(|| {
        format!("no MNIST files for the seeds in {candidates:?}: run `cargo xtask fetch-mnist` or pass --dir")
    })
}

/// Writes small raw and gzip IDX files cut from the real ones, each behind
/// the target's selector byte (expected dimensions, payload limit).
fn write_seeds(data_dir: &Path, seeds: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(seeds);
    std::fs::create_dir_all(seeds).map_err(|e| format!("{}: {e}", seeds.display()))?;
    let read = |kind| {
        let path = find_file(data_dir, Dataset::Mnist, kind).map_err(|e| e.to_string())?;
        read_idx_file(&path, kind.ndims()).map_err(|e| e.to_string())
    };
    let labels = read(FileKind::TestLabels)?;
    let images = read(FileKind::TestImages)?;
    let arrays: [(&str, Vec<usize>, &[u8]); 3] = [
        ("labels-100", vec![100], &labels.data()[..100]),
        ("images-2", vec![2, 28, 28], &images.data()[..2 * 784]),
        ("images-1-row", vec![1, 1, 28], &images.data()[..28]),
    ];
    for (name, dims, bytes) in arrays {
        for (suffix, compression) in [("raw", Compression::None), ("gz", Compression::Gzip)] {
            let mut file = Vec::new();
            write_idx(&mut file, &dims, bytes, compression).map_err(|e| e.to_string())?;
            for selector in [dims.len() as u8, 0x80 | dims.len() as u8] {
                let mut input = vec![selector];
                input.extend_from_slice(&file);
                let path = seeds.join(format!("{name}-{suffix}-{selector:02x}"));
                std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    // The start of a real compressed file: a gzip stream cut short.
    let gz =
        find_file(data_dir, Dataset::Mnist, FileKind::TrainLabels).map_err(|e| e.to_string())?;
    let head: Vec<u8> = std::fs::read(&gz)
        .map_err(|e| format!("{}: {e}", gz.display()))?
        .into_iter()
        .take(2048)
        .collect();
    let path = seeds.join("train-labels-head");
    std::fs::write(&path, [&[1u8][..], &head].concat())
        .map_err(|e| format!("{}: {e}", path.display()))
}
