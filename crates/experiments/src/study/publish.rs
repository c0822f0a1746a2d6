//! Publishing a study's folder atomically: the study writes into a hidden
//! sibling (`.<name>.partial`), which replaces `<name>/` by rename only once
//! everything is written, so a failed or killed run never leaves a folder
//! that mixes two runs or loses the last good result.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{ExperimentsError, Result};
use crate::report::{Outcome, Report};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExperimentsError + '_ {
    move |e| ExperimentsError::io(path, e)
}

fn sibling(results: &Path, name: &str, what: &str) -> PathBuf {
    results.join(format!(".{name}.{what}"))
}

/// Repairs what a kill can leave (a folder moved aside but not replaced,
/// a half-written staging folder), then returns a fresh, empty staging
/// folder for study `name`.
///
/// **Errors**: the folders cannot be created, renamed or removed.
pub(crate) fn begin(results: &Path, name: &str) -> Result<PathBuf> {
    let (dir, old) = (results.join(name), sibling(results, name, "old"));
    if old.exists() {
        if dir.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        } else {
            fs::rename(&old, &dir).map_err(io(&old))?;
        }
    }
    let staging = sibling(results, name, "partial");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    Ok(staging)
}

/// Makes `staging` the study's folder `results/<name>`: the old folder is
/// renamed aside, the staging folder renamed into place, then the old one
/// removed. A kill between the two renames leaves `.<name>.old`, which
/// [`begin`] puts back.
///
/// **Errors**: a rename or removal fails.
pub(crate) fn commit(staging: &Path, results: &Path, name: &str) -> Result<()> {
    let (dir, old) = (results.join(name), sibling(results, name, "old"));
    if dir.exists() {
        fs::rename(&dir, &old).map_err(io(&dir))?;
    }
    fs::rename(staging, &dir).map_err(io(staging))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    if let Ok(d) = fs::File::open(results) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes a staging folder that will not be published.
pub(crate) fn abandon(staging: &Path) {
    let _ = fs::remove_dir_all(staging);
}

/// The completed report published in `dir`, if there is one.
pub(crate) fn published(dir: &Path) -> Option<Report> {
    let bytes = fs::read(dir.join("report.json")).ok()?;
    let report: Report = serde_json::from_slice(&bytes).ok()?;
    (report.outcome == Outcome::Completed).then_some(report)
}

/// An id for this run: the UTC time, `2025-05-01T12:00:00Z`.
pub(crate) fn run_id() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_replaces_the_folder_and_a_kill_midway_is_repaired() {
        let results = tempfile::tempdir().unwrap();
        let r = results.path();
        let staging = begin(r, "s").unwrap();
        fs::write(staging.join("a"), "1").unwrap();
        commit(&staging, r, "s").unwrap();
        assert_eq!(fs::read_to_string(r.join("s/a")).unwrap(), "1");
        // killed between the renames: the old folder is aside, none in place
        fs::rename(r.join("s"), r.join(".s.old")).unwrap();
        let staging = begin(r, "s").unwrap();
        assert_eq!(fs::read_to_string(r.join("s/a")).unwrap(), "1");
        assert_eq!(fs::read_dir(&staging).unwrap().count(), 0);
        abandon(&staging);
        assert!(!staging.exists());
    }

    #[test]
    fn run_ids_are_utc_timestamps() {
        let id = run_id();
        assert_eq!(id.len(), 20, "{id}");
        assert!(id.starts_with("20") && id.ends_with('Z'), "{id}");
    }
}
