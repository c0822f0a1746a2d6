//! The `experiments` command line: train a network, or run the lecture's
//! studies. Every invalid flag or value ends with one line on stderr and exit
//! code 2.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
