//! The real MNIST and Fashion-MNIST files: shapes, labels, pixel statistics,
//! pinned checksums, and agreement with the `mnist` crate.

mod common;

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

use data::{
    Dataset, FileKind, Granularity, PixelEncoder, Scaling, Splits, Standardizer, find_file, load,
    verify_file,
};
use flate2::read::MultiGzDecoder;
use ndarray::Array2;

fn loaded(dataset: Dataset) -> &'static Splits {
    static MNIST: OnceLock<Splits> = OnceLock::new();
    static FASHION: OnceLock<Splits> = OnceLock::new();
    let cell = match dataset {
        Dataset::Mnist => &MNIST,
        Dataset::FashionMnist => &FASHION,
    };
    cell.get_or_init(|| load(dataset, &common::real_data_dir()).unwrap())
}

#[test]
fn shapes() {
    for dataset in Dataset::ALL {
        let s = loaded(dataset);
        assert_eq!(s.train.images().dim(), (60_000, 784));
        assert_eq!(s.test.images().dim(), (10_000, 784));
        assert_eq!(s.train.images_3d().dim(), (60_000, 28, 28));
        assert_eq!(s.train.image_shape(), (28, 28));
        assert_eq!(s.test.labels().len(), 10_000);
    }
}

#[test]
fn mnist_labels() {
    let s = loaded(Dataset::Mnist);
    assert_eq!(s.train.labels()[0], 5);
    assert_eq!(s.test.labels()[0], 7);
    // The well-known MNIST class histogram.
    let train = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
    let test = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
    assert_eq!(s.train.class_counts(), train);
    assert_eq!(s.test.class_counts(), test);
}

#[test]
fn fashion_labels_are_balanced() {
    let s = loaded(Dataset::FashionMnist);
    assert_eq!(s.train.class_counts(), [6000; 10]);
    assert_eq!(s.test.class_counts(), [1000; 10]);
    assert_eq!(s.train.labels()[0], 9); // an ankle boot
}

#[test]
fn mnist_pixel_statistics() {
    let train = &loaded(Dataset::Mnist).train;
    let s = Standardizer::fit_pixels(train.images(), Scaling::ZScore, Granularity::Global).unwrap();
    let (mean, std) = (s.mean().unwrap()[0], s.std().unwrap()[0]);
    assert!((mean - 0.1307).abs() < 1e-4, "mean {mean}");
    assert!((std - 0.3081).abs() < 1e-4, "std {std}");
    // The float path agrees with the exact byte path.
    let floats = train.pixels::<f64>();
    let f = Standardizer::fit(floats.view(), Scaling::ZScore, Granularity::Global).unwrap();
    assert!(
        (f.mean().unwrap()[0] - mean).abs() < 1e-12,
        "{} vs {mean}",
        f.mean().unwrap()[0]
    );
    assert!(
        (f.std().unwrap()[0] - std).abs() < 1e-12,
        "{} vs {std}",
        f.std().unwrap()[0]
    );
}

#[test]
fn standardized_minibatches_have_zero_mean_unit_std() {
    let train = &loaded(Dataset::Mnist).train;
    let s = Standardizer::fit_pixels(train.images(), Scaling::ZScore, Granularity::Global).unwrap();
    let encoder = PixelEncoder::<f32>::standardized(&s);
    let all: Vec<usize> = (0..train.len()).collect();
    let (mut x, mut y) = (Array2::zeros((0, 0)), Vec::new());
    train.gather(&all, &encoder, &mut x, &mut y).unwrap();
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = x
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    assert!(mean.abs() < 1e-5, "mean {mean}");
    assert!((var.sqrt() - 1.0).abs() < 1e-5, "std {}", var.sqrt());
    assert_eq!(y[..3], [5, 0, 4]);
}

#[test]
fn every_file_matches_its_pinned_checksum() {
    let dir = common::real_data_dir();
    for dataset in Dataset::ALL {
        for kind in FileKind::ALL {
            let path = find_file(&dir, dataset, kind).unwrap();
            verify_file(&path, dataset, kind).unwrap();
        }
    }
}

/// Decompresses the four files of `dataset` into `to`, under upstream names.
fn decompress_into(dataset: Dataset, to: &Path) {
    let dir = common::real_data_dir();
    for kind in FileKind::ALL {
        let path = find_file(&dir, dataset, kind).unwrap();
        let mut out = File::create(to.join(kind.file_name())).unwrap();
        let file = File::open(&path).unwrap();
        if path.extension().is_some_and(|e| e == "gz") {
            io::copy(&mut MultiGzDecoder::new(file), &mut out).unwrap();
        } else {
            io::copy(&mut { file }, &mut out).unwrap();
        }
    }
}

#[test]
fn agrees_with_the_mnist_crate() {
    for dataset in Dataset::ALL {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join(dataset.dir_name());
        std::fs::create_dir(&folder).unwrap();
        decompress_into(dataset, &folder);
        let oracle = mnist::MnistBuilder::new()
            .base_path(folder.to_str().unwrap())
            .training_set_length(60_000)
            .validation_set_length(0)
            .test_set_length(10_000)
            .finalize();
        let ours = loaded(dataset);
        assert_eq!(ours.train.images().as_slice().unwrap(), &oracle.trn_img[..]);
        assert_eq!(ours.train.labels(), &oracle.trn_lbl[..]);
        assert_eq!(ours.test.images().as_slice().unwrap(), &oracle.tst_img[..]);
        assert_eq!(ours.test.labels(), &oracle.tst_lbl[..]);
        // The decompressed layout loads to the same arrays as the .gz one.
        assert_eq!(&load(dataset, root.path()).unwrap(), ours);
    }
}
