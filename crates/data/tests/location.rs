//! The data directory layout and the missing-file error.

use std::path::Path;

use data::{
    Compression, DataError, Dataset, FileKind, Split, find_file, load, load_split, write_idx,
};

#[test]
fn missing_files_name_the_file_and_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(Dataset::FashionMnist, dir.path()).unwrap_err();
    let DataError::MissingFile { path, dataset } = &err else {
        panic!("expected MissingFile, got {err:?}");
    };
    assert_eq!(*dataset, Dataset::FashionMnist);
    assert_eq!(
        path,
        &dir.path().join("fashion-mnist/train-images-idx3-ubyte")
    );
    let message = err.to_string();
    assert!(message.contains("train-images-idx3-ubyte"), "{message}");
    assert!(
        message.contains("cargo xtask fetch-mnist --dataset fashion-mnist"),
        "{message}"
    );
}

fn write(path: &Path, dims: &[usize], data: &[u8], compression: Compression) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    write_idx(
        std::fs::File::create(path).unwrap(),
        dims,
        data,
        compression,
    )
    .unwrap();
}

#[test]
fn raw_files_are_preferred_and_gz_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    write(
        &folder.join("t10k-images-idx3-ubyte.gz"),
        &[2, 1, 2],
        &[0, 1, 2, 3],
        Compression::Gzip,
    );
    write(
        &folder.join("t10k-labels-idx1-ubyte"),
        &[2],
        &[4, 2],
        Compression::None,
    );
    write(
        &folder.join("t10k-labels-idx1-ubyte.gz"),
        &[2],
        &[9, 9],
        Compression::Gzip,
    );
    let labels = find_file(dir.path(), Dataset::Mnist, FileKind::TestLabels).unwrap();
    assert_eq!(labels, folder.join("t10k-labels-idx1-ubyte"));
    let test = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap();
    assert_eq!(test.labels(), &[4, 2]);
    assert_eq!(test.image_shape(), (1, 2));
}

#[test]
fn a_corrupt_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    write(
        &folder.join("t10k-images-idx3-ubyte"),
        &[2, 1, 1],
        &[0, 1],
        Compression::None,
    );
    std::fs::write(
        folder.join("t10k-labels-idx1-ubyte.gz"),
        b"\x1f\x8bnot gzip",
    )
    .unwrap();
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(matches!(err.root(), DataError::Gzip { .. }), "{err}");
    assert!(
        err.to_string().contains("t10k-labels-idx1-ubyte.gz"),
        "{err}"
    );
}

#[test]
fn explicit_data_dir_wins() {
    assert_eq!(
        data::data_dir(Some(Path::new("elsewhere"))),
        Path::new("elsewhere")
    );
}

#[test]
fn zero_item_files_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    write(
        &folder.join("t10k-images-idx3-ubyte"),
        &[0, 28, 28],
        &[],
        Compression::None,
    );
    write(
        &folder.join("t10k-labels-idx1-ubyte.gz"),
        &[0],
        &[],
        Compression::Gzip,
    );
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(
        matches!(err.root(), DataError::EmptyDataset { dims } if dims == &[0, 28, 28]),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("t10k-images-idx3-ubyte:"), "{message}");
    assert!(message.contains("no examples"), "{message}");
}

#[test]
fn a_directory_in_place_of_a_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("mnist/t10k-labels-idx1-ubyte.gz");
    std::fs::create_dir_all(&gz).unwrap();
    let err = find_file(dir.path(), Dataset::Mnist, FileKind::TestLabels).unwrap_err();
    assert!(
        matches!(&err, DataError::NotAFile { path, found: "a directory" } if path == &gz),
        "{err}"
    );
    write(
        &dir.path().join("mnist/t10k-images-idx3-ubyte"),
        &[1, 1, 1],
        &[0],
        Compression::None,
    );
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("t10k-labels-idx1-ubyte.gz is a directory"),
        "{err}"
    );
}

#[test]
fn a_file_in_place_of_the_dataset_folder_is_not_reported_missing() {
    // The same path as permission denied below, but it also runs as root:
    // a path that exists and cannot be examined is an I/O error naming it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mnist"), b"not a folder").unwrap();
    let err = find_file(dir.path(), Dataset::Mnist, FileKind::TestLabels).unwrap_err();
    let DataError::InFile { path, source } = &err else {
        panic!("expected an error naming the file, got {err:?}");
    };
    assert_eq!(path, &dir.path().join("mnist/t10k-labels-idx1-ubyte"));
    assert!(matches!(&**source, DataError::Io(_)), "{err}");
}

#[test]
fn an_unreadable_dataset_folder_is_not_reported_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    write(
        &folder.join("t10k-labels-idx1-ubyte"),
        &[1],
        &[3],
        Compression::None,
    );
    let set_mode =
        |mode| std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(mode)).unwrap();
    set_mode(0o000);
    // Root (and CAP_DAC_OVERRIDE) reads through mode 000: nothing to test then.
    let denied = std::fs::metadata(folder.join("t10k-labels-idx1-ubyte")).is_err();
    let result = find_file(dir.path(), Dataset::Mnist, FileKind::TestLabels);
    set_mode(0o755);
    if !denied {
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    let err = result.unwrap_err();
    let DataError::InFile { path, source } = &err else {
        panic!("expected an error naming the file, got {err:?}");
    };
    assert_eq!(path, &folder.join("t10k-labels-idx1-ubyte"));
    assert!(
        matches!(&**source, DataError::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied),
        "{err}"
    );
}

#[test]
fn disagreeing_files_are_both_named() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    write(
        &folder.join("t10k-images-idx3-ubyte"),
        &[3, 1, 1],
        &[0; 3],
        Compression::None,
    );
    write(
        &folder.join("t10k-labels-idx1-ubyte"),
        &[2],
        &[1, 2],
        Compression::None,
    );
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::SplitMismatch {
                images: 3,
                labels: 2,
                ..
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("t10k-images-idx3-ubyte holds 3 images but")
            && message.contains("t10k-labels-idx1-ubyte holds 2 labels"),
        "{message}"
    );
    write(
        &folder.join("t10k-labels-idx1-ubyte"),
        &[3],
        &[1, 2, 10],
        Compression::None,
    );
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(
        matches!(
            err.root(),
            DataError::LabelOutOfRange {
                index: 2,
                label: 10,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("t10k-labels-idx1-ubyte:"), "{err}");
}

#[test]
fn dataset_files_larger_than_upstream_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    // 10,001 labels: one more than the upstream test labels file holds.
    write(
        &folder.join("t10k-labels-idx1-ubyte"),
        &[10_001],
        &[0; 10_001],
        Compression::None,
    );
    write(
        &folder.join("t10k-images-idx3-ubyte"),
        &[1, 1, 1],
        &[0],
        Compression::None,
    );
    let err = load_split(Dataset::Mnist, Split::Test, dir.path()).unwrap_err();
    assert!(
        matches!(
            err.root(),
            DataError::PayloadTooLarge {
                declared: 10_001,
                limit: 10_000,
                ..
            }
        ),
        "{err}"
    );
}
