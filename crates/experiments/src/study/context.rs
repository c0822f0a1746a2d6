//! What every study gets: where to write, how big to run, and MNIST loaded
//! once for the whole tour.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use data::{Dataset, Splits};

use crate::error::{ExperimentsError, Result};

/// How large a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Seconds: for tests, which assert on the numbers.
    Tiny,
    /// The tour's setting: every study in a few minutes in total.
    Quick,
    /// The lecture's full setting (`experiments study NAME --full`).
    Full,
}

impl Size {
    /// Picks the value for this size.
    ///
    /// ```
    /// use experiments::study::Size;
    /// assert_eq!(Size::Quick.pick(1, 10, 100), 10);
    /// ```
    pub fn pick<T>(self, tiny: T, quick: T, full: T) -> T {
        match self {
            Size::Tiny => tiny,
            Size::Quick => quick,
            Size::Full => full,
        }
    }
}

/// The environment of a study run.
///
/// ```
/// use experiments::study::{Size, StudyContext};
/// let dir = tempfile::tempdir().unwrap();
/// let ctx = StudyContext::new(dir.path(), Size::Tiny, data::data_dir(None));
/// assert!(ctx.dir("conditioning").ends_with("conditioning"));
/// ```
#[derive(Debug)]
pub struct StudyContext {
    /// Where `results/` goes; each study writes into `<results>/<name>/`.
    pub results: PathBuf,
    /// How large to run.
    pub size: Size,
    /// The data directory holding (or receiving) MNIST.
    pub data_dir: PathBuf,
    /// Base seed; studies derive theirs from it.
    pub seed: u64,
    mnist: OnceLock<Splits>,
    /// Studies being run, and the staging folder each writes into.
    staged: Mutex<HashMap<String, PathBuf>>,
}

impl StudyContext {
    /// A context with seed 0.
    ///
    /// ```
    /// let ctx = experiments::study::StudyContext::new("results", experiments::study::Size::Quick, "data");
    /// assert_eq!(ctx.seed, 0);
    /// ```
    pub fn new(results: impl Into<PathBuf>, size: Size, data_dir: impl Into<PathBuf>) -> Self {
        StudyContext {
            results: results.into(),
            size,
            data_dir: data_dir.into(),
            seed: 0,
            mnist: OnceLock::new(),
            staged: Mutex::new(HashMap::new()),
        }
    }

    /// The folder of study `name` (created on demand by the writers); while
    /// [`run_one`](crate::study::run_one) runs it, its staging folder.
    ///
    /// ```
    /// let ctx = experiments::study::StudyContext::new("results", experiments::study::Size::Quick, "data");
    /// assert_eq!(ctx.dir("landscape"), std::path::Path::new("results/landscape"));
    /// ```
    pub fn dir(&self, name: &str) -> PathBuf {
        let staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        match staged.get(name) {
            Some(dir) => dir.clone(),
            None => self.results.join(name),
        }
    }

    /// While `study` runs, [`dir`](Self::dir) answers `staging` for it.
    pub(crate) fn stage(&self, study: &str, staging: Option<PathBuf>) {
        let mut staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        match staging {
            Some(dir) => staged.insert(study.to_string(), dir),
            None => staged.remove(study),
        };
    }

    /// MNIST, fetched into the data directory on first use (from
    /// `$OPTILAB_DATA_MIRROR` or the default mirrors) and loaded once.
    ///
    /// **Errors**: the download or the files failed.
    pub fn mnist(&self) -> Result<&Splits> {
        if let Some(s) = self.mnist.get() {
            return Ok(s);
        }
        let splits = load_or_fetch(Dataset::Mnist, &self.data_dir)?;
        Ok(self.mnist.get_or_init(|| splits))
    }
}

/// Loads `dataset` from `dir`, downloading it first if a file is missing.
///
/// **Errors**: the download failed or the files are invalid.
pub fn load_or_fetch(dataset: Dataset, dir: &Path) -> Result<Splits> {
    match data::load(dataset, dir) {
        Ok(s) => Ok(s),
        Err(e) if matches!(e.root(), data::DataError::MissingFile { .. }) => {
            let mirrors = data::Mirror::resolve(None)?;
            data::Fetcher::new(mirrors)
                .limits_from_env()?
                .fetch(dataset, dir)?;
            Ok(data::load(dataset, dir)?)
        }
        Err(e) => Err(ExperimentsError::Data(e)),
    }
}
