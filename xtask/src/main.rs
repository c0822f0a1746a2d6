//! Project automation, run as `cargo xtask <task>`.
//!
//! - `cargo xtask test`: everything the test suite needs, then every test of
//!   the workspace. This is the README's test command.
//! - `cargo xtask fetch-mnist`: download and verify MNIST / Fashion-MNIST.
//! - `cargo xtask bench`: the benchmark protocol's workloads (and `--micro`).
//! - `cargo xtask screenshot`: the tour's report rendered by headless Chromium.
//! - `cargo xtask fuzz`: the IDX reader under libFuzzer for a fixed number of runs.

mod bench;
mod fetch_mnist;
mod fuzz;
mod screenshot;
mod test;

use std::process::ExitCode;

fn main() -> ExitCode {
    match try_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::from(2)
        }
    }
}

fn try_main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    match task.as_deref() {
        Some("test") => test::run(&rest),
        Some("fetch-mnist") => fetch_mnist::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("screenshot") => screenshot::run(&rest),
        Some("fuzz") => fuzz::run(&rest),
        Some(other) => Err(format!("unknown task `{other}`\n{USAGE}")),
        None => Err(USAGE.to_string()),
    }
}

const USAGE: &str = "usage: cargo xtask <task>\n\ntasks:\n  test           fetch the datasets, then run every test of the workspace\n  fetch-mnist    download and verify MNIST / Fashion-MNIST (--help for options)\n  bench          benchmark workloads W1-W3 (Q1, Q2 with --quality; --micro; --help)\n  screenshot     render results/index.html in headless Chromium, one PNG per section\n  fuzz           the IDX reader under libFuzzer, --runs N (default 200000; --help)";
