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
