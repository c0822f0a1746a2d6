//! `list`, `tour` and `study`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use experiments::report::{Outcome, write_index};
use experiments::study::{self, Size, StudyContext};

/// How large a tour's runs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TourSize {
    /// Seconds in all: for tests (too small to show most effects).
    Tiny,
    /// The tour's setting: under a minute on two cores.
    Quick,
    /// The lecture's full settings.
    Full,
}

#[derive(Debug, Args)]
pub struct TourArgs {
    /// Where to write the results.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Run size of every study.
    #[arg(long, value_enum, default_value = "quick")]
    size: TourSize,
    /// Shorthand for `--size full`.
    #[arg(long, conflicts_with = "size")]
    full: bool,
    /// Data directory (default: $OPTILAB_DATA_DIR, else ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Base seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct StudyArgs {
    /// The study's name (see `experiments list`).
    name: String,
    /// Run at the lecture's full size instead of the quick one.
    #[arg(long)]
    full: bool,
    /// Where to write the results.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Data directory (default: $OPTILAB_DATA_DIR, else ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Base seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

pub fn list() -> Result<(), String> {
    for s in study::all() {
        println!("{:<26} {:<5} {}", s.name(), s.section(), s.summary());
    }
    Ok(())
}

fn context(out: &PathBuf, size: Size, data_dir: &Option<PathBuf>, seed: u64) -> StudyContext {
    let mut ctx = StudyContext::new(out, size, data::data_dir(data_dir.as_deref()));
    ctx.seed = seed;
    ctx
}

pub fn tour(args: &TourArgs) -> Result<(), String> {
    let size = match (args.full, args.size) {
        (true, _) | (_, TourSize::Full) => Size::Full,
        (_, TourSize::Quick) => Size::Quick,
        (_, TourSize::Tiny) => Size::Tiny,
    };
    let ctx = context(&args.out, size, &args.data_dir, args.seed);
    let start = Instant::now();
    let studies = study::all();
    let mut reports = Vec::new();
    for (i, s) in studies.iter().enumerate() {
        eprintln!(
            "[{}/{}] {} ({}) ...",
            i + 1,
            studies.len(),
            s.name(),
            s.section()
        );
        let report = study::run_one(s.as_ref(), &ctx).map_err(|e| e.to_string())?;
        let status = match &report.outcome {
            Outcome::Completed => "done".to_string(),
            Outcome::Failed(e) => format!("FAILED: {e}"),
        };
        eprintln!(
            "[{}/{}] {} {status} in {:.1} s",
            i + 1,
            studies.len(),
            s.name(),
            report.seconds
        );
        reports.push(report);
    }
    write_index(&args.out, &reports).map_err(|e| e.to_string())?;
    let failed = reports
        .iter()
        .filter(|r| r.outcome != Outcome::Completed)
        .count();
    eprintln!(
        "tour: {} studies ({} failed) in {:.1} s; open {}",
        reports.len(),
        failed,
        start.elapsed().as_secs_f64(),
        args.out.join("index.html").display()
    );
    Ok(())
}

pub fn study(args: &StudyArgs) -> Result<(), String> {
    let Some(s) = study::find(&args.name) else {
        let names: Vec<&str> = study::all().iter().map(|s| s.name()).collect();
        return Err(format!(
            "unknown study `{}` (known: {})",
            args.name,
            names.join(", ")
        ));
    };
    let size = if args.full { Size::Full } else { Size::Quick };
    let ctx = context(&args.out, size, &args.data_dir, args.seed);
    let report = study::run_one(s.as_ref(), &ctx).map_err(|e| e.to_string())?;
    match &report.outcome {
        Outcome::Completed => {
            eprintln!(
                "{}: done in {:.1} s; see {}",
                s.name(),
                report.seconds,
                ctx.dir(s.name()).join("README.md").display()
            );
            Ok(())
        }
        Outcome::Failed(e) => Err(match &report.run {
            Some(run) => format!(
                "study {} failed: {e}; {} still holds the results of run {run}",
                s.name(),
                ctx.dir(s.name()).display()
            ),
            None => format!("study {} failed: {e}", s.name()),
        }),
    }
}
