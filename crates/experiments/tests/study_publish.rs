//! A study's folder is replaced only by a run that completed: a failed run
//! keeps the last good result intact (no mix of two runs), says which run
//! that result comes from, and leaves no staging folder behind.

use std::cell::Cell;
use std::path::Path;

use experiments::report::{Outcome, Report, write_index};
use experiments::study::{Size, Study, StudyContext, run_one};

/// Writes `figure.txt` and `outcome.json` with its generation, or fails
/// after writing half of them.
struct Fake {
    generation: Cell<u32>,
    fail: Cell<bool>,
}

impl Study for Fake {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn title(&self) -> &'static str {
        "Fake"
    }
    fn section(&self) -> &'static str {
        "§0"
    }
    fn summary(&self) -> &'static str {
        "writes two files"
    }
    fn run(&self, ctx: &StudyContext) -> experiments::Result<Report> {
        let dir = ctx.dir(self.name());
        std::fs::create_dir_all(&dir).unwrap();
        let g = self.generation.get();
        std::fs::write(dir.join("figure.txt"), format!("figure {g}")).unwrap();
        if self.fail.get() {
            return Err(experiments::ExperimentsError::Invalid(
                "labels hold a 10".into(),
            ));
        }
        std::fs::write(dir.join("outcome.json"), format!("{{\"g\":{g}}}")).unwrap();
        let mut r = Report::new(self.name(), self.title(), self.section());
        r.finding = format!("generation {g}");
        r.data_files.push("outcome.json".into());
        Ok(r)
    }
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn a_failed_run_keeps_the_last_good_result() {
    let results = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(results.path(), Size::Tiny, "unused-data");
    let study = Fake {
        generation: Cell::new(1),
        fail: Cell::new(false),
    };
    let good = run_one(&study, &ctx).unwrap();
    assert_eq!(good.outcome, Outcome::Completed);
    let run = good.run.clone().expect("a run id");
    let dir = results.path().join("fake");
    assert_eq!(read(&dir, "figure.txt"), "figure 1");
    let before: Vec<String> = ["figure.txt", "outcome.json", "README.md", "report.json"]
        .iter()
        .map(|f| read(&dir, f))
        .collect();

    study.generation.set(2);
    study.fail.set(true);
    let failed = run_one(&study, &ctx).unwrap();
    assert!(matches!(&failed.outcome, Outcome::Failed(e) if e.contains("labels hold a 10")));
    assert_eq!(failed.run.as_deref(), Some(run.as_str()));
    let after: Vec<String> = ["figure.txt", "outcome.json", "README.md", "report.json"]
        .iter()
        .map(|f| read(&dir, f))
        .collect();
    assert_eq!(before, after, "the failed run changed the published folder");
    assert!(!read(&dir, "README.md").contains("failed"));
    let names: Vec<String> = std::fs::read_dir(results.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["fake"], "staging folders left behind");

    // the index says the folder holds the earlier run
    write_index(results.path(), &[failed]).unwrap();
    let index = read(results.path(), "index.md");
    assert!(
        index.contains(&format!("keeps the results of run {run}")),
        "{index}"
    );

    // a later success replaces the folder as a whole
    study.generation.set(3);
    study.fail.set(false);
    run_one(&study, &ctx).unwrap();
    assert_eq!(read(&dir, "figure.txt"), "figure 3");
    assert_eq!(read(&dir, "outcome.json"), "{\"g\":3}");
}

#[test]
fn a_first_run_that_fails_publishes_its_failure() {
    let results = tempfile::tempdir().unwrap();
    let ctx = StudyContext::new(results.path(), Size::Tiny, "unused-data");
    let study = Fake {
        generation: Cell::new(1),
        fail: Cell::new(true),
    };
    let failed = run_one(&study, &ctx).unwrap();
    assert!(failed.run.is_some());
    let dir = results.path().join("fake");
    assert!(read(&dir, "README.md").contains("labels hold a 10"));
    // nothing half-written from the failed attempt besides its own report
    assert!(!dir.join("outcome.json").exists());
    assert!(!dir.join("figure.txt").exists());
}
