//! Downloads that take too long, trickle, or were killed: a deadline and a
//! minimum throughput per file and mirror, and the stale temporaries of
//! killed downloads removed by the next fetch. Loopback only; each test
//! finishes in about a second.
#![cfg(feature = "download")]

mod common;
#[path = "common/server.rs"]
mod server;

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use data::{
    DEADLINE_ENV, DataError, Dataset, FetchedFile, Fetcher, FileKind, MIN_RATE_ENV, Mirror,
    Outcome, Progress,
};
use server::{Behavior, TestServer};

/// A fetcher with test-sized limits: 600 ms deadline, 1000 bytes/s over 200 ms.
fn fetcher(urls: &[String]) -> Fetcher {
    let mirrors = urls.iter().map(|u| Mirror::parse(u).unwrap()).collect();
    Fetcher::new(mirrors)
        .retries(2)
        .backoff(Duration::from_millis(1))
        .stall_timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(600))
        .min_throughput(1000, Duration::from_millis(200))
        .progress(Progress::Hidden)
}

fn fetch_labels(fetcher: &Fetcher, dir: &Path) -> data::Result<FetchedFile> {
    fetcher.fetch_file(Dataset::Mnist, FileKind::TestLabels, dir)
}

fn only_failure(result: data::Result<FetchedFile>) -> DataError {
    match result {
        Err(DataError::AllMirrorsFailed { mut failures, .. }) if failures.len() == 1 => {
            failures.remove(0).error
        }
        other => panic!("expected one mirror failure, got {other:?}"),
    }
}

fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_trickling_mirror_is_too_slow_and_not_retried() {
    // One byte every 20 ms: 50 bytes/s against a minimum of 1000.
    let trickle = TestServer::start(Behavior::Trickle {
        len: 10_008,
        chunk: 1,
        every: Duration::from_millis(20),
    });
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let err = only_failure(fetch_labels(&fetcher(&[trickle.url()]), dir.path()));
    assert!(
        matches!(err, DataError::TooSlow { rate, minimum: 1000, .. } if rate < 1000),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(trickle.requests(), 1, "too slow is not retried");
    assert!(names(&dir.path().join("mnist")).is_empty());
}

#[test]
fn a_mirror_fast_enough_but_too_long_hits_the_deadline_then_the_next_is_used() {
    // 200 bytes every 20 ms (10 kB/s) for 60 kB: 6 s, past the 600 ms deadline.
    let slow = TestServer::start(Behavior::Trickle {
        len: 60_000,
        chunk: 200,
        every: Duration::from_millis(20),
    });
    let good = TestServer::start(Behavior::Serve(common::real_data_dir()));
    let dir = tempfile::tempdir().unwrap();
    let err = only_failure(fetch_labels(&fetcher(&[slow.url()]), dir.path()));
    assert!(
        matches!(err, DataError::DeadlineExceeded { received, .. } if received > 0),
        "{err}"
    );
    let file = fetch_labels(&fetcher(&[slow.url(), good.url()]), dir.path()).unwrap();
    assert!(matches!(file.outcome, Outcome::Downloaded { url } if url.starts_with(&good.url())));
    assert_eq!(slow.requests(), 2, "once per fetch, never retried");
}

#[test]
fn a_server_that_never_answers_hits_the_deadline() {
    let silent = TestServer::start(Behavior::Silent);
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let err = only_failure(fetch_labels(&fetcher(&[silent.url()]), dir.path()));
    assert!(
        matches!(err, DataError::DeadlineExceeded { received: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("not complete after 0.6s"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn limits_come_from_the_environment_variables() {
    let vars = |deadline: &'static str, rate: &'static str| {
        move |name: &str| match name {
            DEADLINE_ENV => Some(deadline.to_string()),
            MIN_RATE_ENV => Some(rate.to_string()),
            _ => None,
        }
    };
    let silent = TestServer::start(Behavior::Silent);
    let dir = tempfile::tempdir().unwrap();
    let from_env = fetcher(&[silent.url()])
        .deadline(Duration::from_secs(30))
        .limits_from(vars("1", "0"))
        .unwrap();
    let err = only_failure(fetch_labels(&from_env, dir.path()));
    assert!(
        matches!(err, DataError::DeadlineExceeded { deadline, .. } if deadline == Duration::from_secs(1)),
        "{err}"
    );
    for (deadline, rate, bad) in [
        ("0", "", DEADLINE_ENV),
        ("1.5", "", DEADLINE_ENV),
        ("", "fast", MIN_RATE_ENV),
    ] {
        let err = Fetcher::new(Vec::new())
            .limits_from(vars(deadline, rate))
            .unwrap_err();
        assert!(
            matches!(err, DataError::InvalidArgument { name, .. } if name == bad),
            "{err}"
        );
    }
    assert!(Fetcher::new(Vec::new()).limits_from(vars(" ", "")).is_ok());
}

#[test]
fn stale_temporaries_of_killed_downloads_are_removed_by_the_next_fetch() {
    let good = TestServer::start(Behavior::Serve(common::real_data_dir()));
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    std::fs::create_dir_all(&folder).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let make = |name: &str, modified: Option<SystemTime>| {
        let file = File::create(folder.join(name)).unwrap();
        if let Some(t) = modified {
            file.set_modified(t).unwrap();
        }
    };
    // What a killed download of another file leaves, an hour ago...
    make(".train-images-idx3-ubyte.Ab12Cd.part", Some(hour_ago));
    // ...one of a download running right now in another process...
    make(".train-labels-idx1-ubyte.Xy34Zw.part", None);
    // ...and files that are not ours, however old.
    make("notes.part", Some(hour_ago));
    make(".train-images-idx3-ubyte.keep", Some(hour_ago));

    let file = fetch_labels(&fetcher(&[good.url()]), dir.path()).unwrap();
    assert!(matches!(file.outcome, Outcome::Downloaded { .. }));
    assert_eq!(
        names(&folder),
        [
            ".train-images-idx3-ubyte.keep",
            ".train-labels-idx1-ubyte.Xy34Zw.part",
            "notes.part",
            "t10k-labels-idx1-ubyte.gz",
        ]
    );
    // A fetch that finds the file present sweeps too.
    make(".t10k-labels-idx1-ubyte.Qq77Rr.part", Some(hour_ago));
    let kept = fetch_labels(&fetcher(&[good.url()]), dir.path()).unwrap();
    assert_eq!(kept.outcome, Outcome::AlreadyPresent);
    assert!(!names(&folder).iter().any(|n| n.starts_with(".t10k")));
}

#[test]
fn a_directory_where_the_file_goes_is_named_before_downloading() {
    let good = TestServer::start(Behavior::Serve(common::real_data_dir()));
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("mnist/t10k-labels-idx1-ubyte.gz");
    std::fs::create_dir_all(&gz).unwrap();
    let err = fetch_labels(&fetcher(&[good.url()]), dir.path()).unwrap_err();
    assert!(
        matches!(&err, DataError::NotAFile { path, found: "a directory" } if path == &gz),
        "{err}"
    );
    assert_eq!(good.requests(), 0);
}
