//! `experiments bench --workload ID`: one protocol workload in this process,
//! one JSON line on stdout (what `cargo xtask bench` collects).

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use experiments::bench::{Workload, run};
use experiments::study::load_or_fetch;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// W1, W2, W3, Q1 or Q2 (see ../shared/BENCHMARKS.md).
    #[arg(long)]
    workload: String,
    /// Timed repetitions (epochs for Q1/Q2); default: the protocol's.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    reps: Option<u32>,
    /// Data directory (default: $OPTILAB_DATA_DIR, else ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchPlotArgs {
    /// JSON lines written by `cargo xtask bench --out FILE`.
    #[arg(long)]
    input: PathBuf,
    /// Output file stem (`.png` and `.svg` are added).
    #[arg(long)]
    out: PathBuf,
}

pub fn bench_plot(args: &BenchPlotArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| format!("{}: {e}", args.input.display()))?;
    let mut lines = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", args.input.display(), i + 1))?;
        lines.push(value);
    }
    let [png, svg, _] =
        experiments::plot::save(&experiments::bench::chart(&lines).into(), &args.out)
            .map_err(|e| e.to_string())?;
    eprintln!("wrote {} and {}", png.display(), svg.display());
    Ok(())
}

pub fn bench(args: &BenchArgs) -> Result<(), String> {
    let workload = Workload::parse(&args.workload).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let dir = data::data_dir(args.data_dir.as_deref());
    let splits = load_or_fetch(data::Dataset::Mnist, &dir).map_err(|e| e.to_string())?;
    let load_s = start.elapsed().as_secs_f64();
    let reps = args.reps.map(|r| r as usize);
    let result = run(&workload, &splits, reps, load_s).map_err(|e| e.to_string())?;
    println!("{result}");
    Ok(())
}
