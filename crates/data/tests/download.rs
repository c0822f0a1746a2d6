//! Downloads from loopback mirrors: the real files, and every way a mirror
//! can fail. No test leaves the machine, and no failure leaves a file behind.
#![cfg(feature = "download")]

mod common;
#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::time::Duration;

use data::{
    Compression, DataError, Dataset, FetchedFile, Fetcher, FileKind, Mirror, Outcome, Progress,
    load, read_idx_file, verify_file, write_idx,
};
use server::{Behavior, TestServer, refused_url};

fn fetcher(urls: &[String], retries: u32) -> Fetcher {
    let mirrors = urls.iter().map(|u| Mirror::parse(u).unwrap()).collect();
    Fetcher::new(mirrors)
        .retries(retries)
        .backoff(Duration::from_millis(1))
        .stall_timeout(Duration::from_secs(10))
        .progress(Progress::Hidden)
}

fn serve_real() -> TestServer {
    TestServer::start(Behavior::Serve(common::real_data_dir()))
}

/// Names in `<dir>/mnist`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let folder = dir.join("mnist");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn fetch_labels(fetcher: &Fetcher, dir: &Path) -> data::Result<FetchedFile> {
    fetcher.fetch_file(Dataset::Mnist, FileKind::TestLabels, dir)
}

/// The last error of each mirror, for a fetch that must fail.
fn failures(result: data::Result<FetchedFile>) -> Vec<DataError> {
    match result {
        Err(DataError::AllMirrorsFailed { failures, file }) => {
            assert_eq!(file, "t10k-labels-idx1-ubyte");
            failures.into_iter().map(|f| f.error).collect()
        }
        other => panic!("expected AllMirrorsFailed, got {other:?}"),
    }
}

#[test]
fn fetches_a_whole_dataset_then_skips_valid_files() {
    let server = serve_real();
    let dir = tempfile::tempdir().unwrap();
    let fetcher = fetcher(&[server.url()], 0);
    let files = fetcher.fetch(Dataset::Mnist, dir.path()).unwrap();
    assert_eq!(files.len(), 4);
    for file in &files {
        assert!(
            matches!(&file.outcome, Outcome::Downloaded { url } if url.starts_with(&server.url()))
        );
        verify_file(&file.path, Dataset::Mnist, file.kind).unwrap();
    }
    assert_eq!(server.requests(), 4);
    assert_eq!(
        load(Dataset::Mnist, dir.path()).unwrap().train.labels()[0],
        5
    );
    let again = fetcher.fetch(Dataset::Mnist, dir.path()).unwrap();
    assert!(again.iter().all(|f| f.outcome == Outcome::AlreadyPresent));
    assert_eq!(server.requests(), 4, "valid files are not downloaded again");
    assert_eq!(
        listing(dir.path()).len(),
        4,
        "no temporary file left: {:?}",
        listing(dir.path())
    );
}

#[test]
fn not_found_is_not_retried_and_the_next_mirror_is_used() {
    let missing = TestServer::start(Behavior::Status(404));
    let good = serve_real();
    let dir = tempfile::tempdir().unwrap();
    let file = fetch_labels(&fetcher(&[missing.url(), good.url()], 3), dir.path()).unwrap();
    assert!(matches!(file.outcome, Outcome::Downloaded { url } if url.starts_with(&good.url())));
    assert_eq!(missing.requests(), 1);

    let alone = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(&fetcher(&[missing.url()], 3), alone.path()));
    assert!(
        matches!(errors[..], [DataError::HttpStatus { status: 404, .. }]),
        "{errors:?}"
    );
    assert!(listing(alone.path()).is_empty());
}

#[test]
fn server_errors_are_retried_with_backoff_then_reported() {
    let broken = TestServer::start(Behavior::Status(500));
    let dir = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(&fetcher(&[broken.url()], 2), dir.path()));
    assert!(
        matches!(errors[..], [DataError::HttpStatus { status: 500, .. }]),
        "{errors:?}"
    );
    assert_eq!(broken.requests(), 3, "one try and two retries");
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn truncated_bodies_are_retried_and_leave_no_partial_file() {
    let cut = TestServer::start(Behavior::Truncate(common::real_data_dir()));
    let dir = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(&fetcher(&[cut.url()], 1), dir.path()));
    assert!(
        matches!(errors[..], [DataError::Transport { .. }]),
        "{errors:?}"
    );
    assert_eq!(cut.requests(), 2);
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn wrong_bytes_fail_the_checksum_and_the_next_mirror_is_used() {
    // A well-formed labels file of the right size, but not the real one.
    let mut fake = Vec::new();
    write_idx(&mut fake, &[10_000], &[3; 10_000], Compression::Gzip).unwrap();
    let liar = TestServer::start(Behavior::Bytes(fake));
    let dir = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(&fetcher(&[liar.url()], 3), dir.path()));
    assert!(
        matches!(&errors[..], [DataError::ChecksumMismatch { file, .. }] if file == "t10k-labels-idx1-ubyte")
    );
    assert_eq!(liar.requests(), 1, "a checksum mismatch is not retried");
    assert!(listing(dir.path()).is_empty());

    let good = serve_real();
    let file = fetch_labels(&fetcher(&[liar.url(), good.url()], 0), dir.path()).unwrap();
    assert_eq!(listing(dir.path()), vec![name(&file.path)]);
    assert!(matches!(file.outcome, Outcome::Downloaded { url } if url.starts_with(&good.url())));
}

#[test]
fn garbage_and_oversized_bodies_are_refused() {
    let garbage = TestServer::start(Behavior::Bytes(vec![0x1f, 0x8b, 1, 2, 3]));
    let huge = TestServer::start(Behavior::Bytes(vec![0; 200_000]));
    let dir = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(
        &fetcher(&[garbage.url(), huge.url()], 0),
        dir.path(),
    ));
    assert!(matches!(errors[0], DataError::Gzip { .. }), "{errors:?}");
    assert!(
        matches!(errors[1], DataError::BodyTooLarge { .. }),
        "{errors:?}"
    );
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn refused_connections_are_retried_then_the_next_mirror_is_used() {
    let refused = refused_url();
    let dir = tempfile::tempdir().unwrap();
    let errors = failures(fetch_labels(
        &fetcher(std::slice::from_ref(&refused), 1),
        dir.path(),
    ));
    assert!(
        matches!(errors[..], [DataError::Transport { .. }]),
        "{errors:?}"
    );
    assert!(listing(dir.path()).is_empty());

    let good = serve_real();
    let file = fetch_labels(&fetcher(&[refused, good.url()], 0), dir.path()).unwrap();
    assert!(matches!(file.outcome, Outcome::Downloaded { .. }));
}

#[test]
fn file_mirrors_work_like_remote_ones() {
    let root = common::real_data_dir();
    let url = format!("file://{}", root.canonicalize().unwrap().display());
    let dir = tempfile::tempdir().unwrap();
    let file = fetch_labels(&fetcher(&[url], 0), dir.path());
    // The data dir may hold raw files only; a file:// mirror needs the .gz.
    if root.join("mnist/t10k-labels-idx1-ubyte.gz").is_file() {
        let file = file.unwrap();
        assert!(matches!(file.outcome, Outcome::Downloaded { .. }));
        assert_eq!(read_idx_file(&file.path, 1).unwrap().dims(), &[10_000]);
    } else {
        assert!(file.is_err());
    }
    let empty = tempfile::tempdir().unwrap();
    let missing = format!("file://{}", empty.path().join("nowhere").display());
    let errors = failures(fetch_labels(&fetcher(&[missing], 3), empty.path()));
    assert!(matches!(errors[0].root(), DataError::Io(_)), "{errors:?}");
}

#[test]
fn invalid_existing_files_are_replaced_and_valid_ones_kept() {
    let server = serve_real();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("t10k-labels-idx1-ubyte"), b"not an idx file").unwrap();
    let file = fetch_labels(&fetcher(&[server.url()], 0), dir.path()).unwrap();
    assert!(matches!(file.outcome, Outcome::Downloaded { .. }));
    assert_eq!(listing(dir.path()), vec![name(&file.path)]);
    let kept = fetch_labels(&fetcher(&[server.url()], 0), dir.path()).unwrap();
    assert_eq!(kept.outcome, Outcome::AlreadyPresent);
    assert_eq!(server.requests(), 1);
}

#[test]
fn no_mirror_for_the_dataset_is_an_error() {
    let only_fashion = Mirror::single(Dataset::FashionMnist, "http://127.0.0.1:9").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(vec![only_fashion]).progress(Progress::Hidden);
    let errors = failures(fetch_labels(&fetcher, dir.path()));
    assert!(errors.is_empty());
}
