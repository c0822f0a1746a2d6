//! The `experiments` command line.

fn main() {
    eprintln!("experiments: the training command and the studies are not implemented yet");
    std::process::exit(2);
}
