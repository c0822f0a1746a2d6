//! The lecture's studies: a registry in lecture order, each study a module
//! with a `Config` (whose `Default` is the lecture's setting) and a `run`
//! that returns a [`Report`](crate::report::Report).
//!
//! ```
//! let names: Vec<&str> = experiments::study::all().iter().map(|s| s.name()).collect();
//! assert!(names.len() >= 1);
//! ```

mod context;
mod publish;

pub use context::load_or_fetch;

pub use context::{Size, StudyContext};

use crate::error::Result;
use crate::report::Report;
use crate::studies;

/// A runnable study.
pub trait Study {
    /// Short name used on the command line and as the results folder.
    fn name(&self) -> &'static str;
    /// Human title.
    fn title(&self) -> &'static str;
    /// The lecture section it reproduces (e.g. `"§4"`).
    fn section(&self) -> &'static str;
    /// One line on what it shows (for `experiments list`).
    fn summary(&self) -> &'static str;
    /// Runs at `ctx.size`, writing figures and data into `ctx.dir(self.name())`.
    ///
    /// **Errors**: whatever the study's algorithms or files report; the tour
    /// turns an error into a failed report rather than dropping the study.
    fn run(&self, ctx: &StudyContext) -> Result<Report>;
}

/// Every study, in the lecture's order.
///
/// ```
/// assert!(experiments::study::all().iter().all(|s| !s.title().is_empty()));
/// ```
pub fn all() -> Vec<Box<dyn Study>> {
    vec![
        Box::new(studies::case_study::CaseStudy),
        Box::new(studies::random_search::RandomSearchStudy),
        Box::new(studies::conditioning::Conditioning),
        Box::new(studies::overparameterization::Overparameterization),
        Box::new(studies::minibatch::Minibatch),
        Box::new(studies::learning_rate::LearningRate),
        Box::new(studies::adaptive::Adaptive),
        Box::new(studies::initialization::Initialization),
        Box::new(studies::normalization::Normalization),
        Box::new(studies::landscape::Landscape),
        Box::new(studies::precision::Precision),
        Box::new(studies::analytic_vs_numeric::AnalyticVsNumeric),
        Box::new(studies::standardization::Standardization),
        Box::new(studies::constraints_and_stopping::ConstraintsAndStopping),
    ]
}

/// The study called `name`.
///
/// ```
/// assert!(experiments::study::find("no-such-study").is_none());
/// ```
pub fn find(name: &str) -> Option<Box<dyn Study>> {
    all().into_iter().find(|s| s.name() == name)
}

/// Runs `study`, timing it and turning an error into a failed report.
///
/// The study writes into a staging folder that replaces `results/<name>/`
/// only once its report is written (see `publish.rs`), and `report.run`
/// names the run. A failed run leaves the last completed result in place
/// (the failed report returned then carries that result's `run`); with no
/// completed result to keep, the failure report is published instead.
///
/// **Errors**: only if the folders or the report cannot be written.
pub fn run_one(study: &dyn Study, ctx: &StudyContext) -> Result<Report> {
    let name = study.name();
    let dir = ctx.results.join(name);
    let staging = publish::begin(&ctx.results, name)?;
    ctx.stage(name, Some(staging.clone()));
    let start = std::time::Instant::now();
    let outcome = study.run(ctx);
    ctx.stage(name, None);
    let (mut report, staging) = match outcome {
        Ok(r) => (r, staging),
        Err(e) => {
            // nothing the failed attempt wrote is kept
            publish::abandon(&staging);
            let report = Report::failed(name, study.title(), study.section(), e.to_string());
            if let Some(kept) = publish::published(&dir) {
                // the last good result stays; say which run it comes from
                return Ok(Report {
                    seconds: start.elapsed().as_secs_f64(),
                    run: kept.run,
                    ..report
                });
            }
            (report, publish::begin(&ctx.results, name)?)
        }
    };
    report.seconds = start.elapsed().as_secs_f64();
    report.full = ctx.size == Size::Full;
    report.run = Some(publish::run_id());
    let written = report
        .write(&staging)
        .and_then(|_| publish::commit(&staging, &ctx.results, name));
    if written.is_err() {
        publish::abandon(&staging);
    }
    written.map(|()| report)
}
