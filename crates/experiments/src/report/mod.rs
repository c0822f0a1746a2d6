//! Study reports: the finding in words and numbers, figures, data files, and
//! the `results/index.md` / `index.html` that link them.
//!
//! ```
//! use experiments::report::{write_index, Report};
//! let dir = tempfile::tempdir().unwrap();
//! let mut report = Report::new("demo", "A demo study", "§0");
//! report.finding = "Momentum needed **42** iterations, gradient descent **420**.".into();
//! report.write(dir.path()).unwrap();
//! write_index(dir.path(), &[report]).unwrap();
//! assert!(dir.path().join("index.html").exists());
//! ```

mod data;
mod frame;
mod index;
mod markdown;
mod study;

pub use data::{write_csv, write_json};
pub use frame::{Check, Frame, Source, Verdict};
pub use index::write_index;
pub use study::{FigureRef, Outcome, Report};
