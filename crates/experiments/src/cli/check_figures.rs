//! `check-figures DIR`: every figure under DIR checked against the figure
//! rules (`experiments::plot::check`), and each folder's figures together
//! (one colour per method across a study).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use experiments::plot::{Figure, check, check_study};

#[derive(Debug, Args)]
pub struct CheckFiguresArgs {
    /// Folder to search recursively for figures: `<stem>.json` files with a
    /// `<stem>.png` beside them (other JSON files are skipped).
    dir: PathBuf,
}

/// Figure types, as the JSON's `type` tag spells them.
const TYPES: [&str; 4] = ["line", "contour", "heatmap", "images"];

/// Prints one line `path: problem` per problem; `Ok(true)` if there were
/// none.
///
/// **Errors**: one line naming the folder or file that cannot be read or
/// is not a valid figure.
pub fn check_figures(args: &CheckFiguresArgs) -> Result<bool, String> {
    if !args.dir.is_dir() {
        return Err(format!("{}: not a directory", args.dir.display()));
    }
    let mut files = Vec::new();
    walk(&args.dir, &mut files)?;
    files.sort();
    let mut by_folder: BTreeMap<PathBuf, Vec<Figure>> = BTreeMap::new();
    let mut clean = true;
    let mut count = 0;
    for path in files {
        let Some(figure) = load(&path)? else { continue };
        count += 1;
        for problem in check(&figure) {
            println!("{}: {problem}", path.display());
            clean = false;
        }
        let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        by_folder.entry(folder).or_default().push(figure);
    }
    for (folder, figures) in &by_folder {
        for problem in check_study(figures) {
            println!("{}: {problem}", folder.display());
            clean = false;
        }
    }
    eprintln!(
        "checked {count} figure(s) in {} folder(s): {}",
        by_folder.len(),
        if clean {
            "no problems"
        } else {
            "problems found"
        }
    );
    Ok(clean)
}

/// Collects every `.json` file with a `.png` sibling under `dir`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json")
            && path.with_extension("png").is_file()
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The figure in `path`, or `None` if it is JSON of another kind.
fn load(path: &Path) -> Result<Option<Figure>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: malformed JSON: {e}", path.display()))?;
    let tagged = value
        .get("type")
        .and_then(|t| t.as_str())
        .is_some_and(|t| TYPES.contains(&t));
    if !tagged {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| format!("{}: not a valid figure: {e}", path.display()))
}
