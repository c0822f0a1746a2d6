//! Argument parsing and dispatch. Errors are one line and exit code 2.

mod bench;
mod check_figures;
mod progress;
mod studies;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// optilab: train neural networks and study how they are optimized.
#[derive(Debug, Parser)]
#[command(name = "experiments", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the studies.
    List,
    /// Run every study in quick mode and write results/ with an index.
    Tour(studies::TourArgs),
    /// Run one study (at full size with --full).
    Study(studies::StudyArgs),
    /// Train a network, e.g. `train --model 784-512-512-10 --optimizer adam --lr 1e-3`.
    Train(Box<train::TrainArgs>),
    /// The learning-rate range test: sweep the lr exponentially, plot loss against it, suggest one.
    LrFind(Box<train::LrFindArgs>),
    /// Check every figure under DIR (its <stem>.json beside <stem>.png): series visible,
    /// colours distinct and one per method across a folder, axes labelled and not stretched,
    /// colour bars labelled. Prints `path: problem` per problem; exits 0 if clean, 1 if
    /// problems were found, 2 if DIR or a figure cannot be read.
    CheckFigures(check_figures::CheckFiguresArgs),
    /// Run one benchmark workload and print its JSON line (used by `cargo xtask bench`).
    #[command(hide = true)]
    Bench(bench::BenchArgs),
    /// Plot result lines of `cargo xtask bench --out FILE` as PNG and SVG.
    #[command(hide = true)]
    BenchPlot(bench::BenchPlotArgs),
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                print!("{e}");
                return ExitCode::SUCCESS;
            }
            return fail(first_line(&e.to_string()));
        }
    };
    let outcome = match cli.command {
        Command::List => studies::list(),
        Command::Tour(args) => studies::tour(&args),
        Command::Study(args) => studies::study(&args),
        Command::Train(args) => train::train(&args),
        Command::LrFind(args) => train::lr_find(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::BenchPlot(args) => bench::bench_plot(&args),
        Command::CheckFigures(args) => match check_figures::check_figures(&args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// clap's messages span several lines (usage, tips); keep the error line.
fn first_line(message: &str) -> &str {
    message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
}

fn fail(message: &str) -> ExitCode {
    let line = message.replace('\n', " ");
    eprintln!("experiments: {}", line.trim_start_matches("error: "));
    ExitCode::from(2)
}
