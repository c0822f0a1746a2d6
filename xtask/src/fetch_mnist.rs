//! `cargo xtask fetch-mnist`: download MNIST and/or Fashion-MNIST, verified.

use std::path::{Path, PathBuf};

use data::{Dataset, Fetcher, Mirror, Outcome};

const USAGE: &str =
    "usage: cargo xtask fetch-mnist [--dataset mnist|fashion-mnist|all] [--dir DIR] [--mirror URL]

  --dataset   which dataset (default: all)
  --dir       data directory (default: $OPTILAB_DATA_DIR, else ./data)
  --mirror    one base URL with layout <base>/<dataset>/<file>.gz, http(s):// or file://
              (default: $OPTILAB_DATA_MIRROR, else well-known public mirrors)

Each file gives up on a mirror (and tries the next) after
$OPTILAB_DOWNLOAD_DEADLINE_SECS seconds (default 600) or when slower than
$OPTILAB_DOWNLOAD_MIN_BYTES_PER_SEC over 20 s (default 10000; 0 disables).
Temporaries of killed downloads (.<file>.<random>.part) are removed by the
next fetch once 5 minutes old.";

/// Parses the arguments, then fetches.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut datasets = Dataset::ALL.to_vec();
    let mut dir: Option<PathBuf> = None;
    let mut mirror: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--dataset" => datasets = parse_datasets(&value()?)?,
            "--dir" => dir = Some(PathBuf::from(value()?)),
            "--mirror" => mirror = Some(value()?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    fetch(
        &datasets,
        &data::data_dir(dir.as_deref()),
        mirror.as_deref(),
    )
}

fn parse_datasets(name: &str) -> Result<Vec<Dataset>, String> {
    if name == "all" {
        return Ok(Dataset::ALL.to_vec());
    }
    name.parse::<Dataset>()
        .map(|d| vec![d])
        .map_err(|e| format!("{e}, or `all`"))
}

/// Makes sure every file of `datasets` is in `dir`, valid, and prints where.
pub fn fetch(datasets: &[Dataset], dir: &Path, mirror: Option<&str>) -> Result<(), String> {
    let mirrors = Mirror::resolve(mirror).map_err(|e| e.to_string())?;
    let fetcher = Fetcher::new(mirrors)
        .limits_from_env()
        .map_err(|e| e.to_string())?;
    let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for &dataset in datasets {
        let files = fetcher.fetch(dataset, dir).map_err(|e| e.to_string())?;
        for file in files {
            let how = match file.outcome {
                Outcome::AlreadyPresent => "already present, verified".to_string(),
                Outcome::Downloaded { url } => format!("downloaded from {url}, verified"),
            };
            println!("{}: {} ({how})", dataset, file.path.display());
        }
    }
    println!("data directory: {}", shown.display());
    Ok(())
}
