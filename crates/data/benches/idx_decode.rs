//! Decoding the real MNIST training images (47 MB): from the file as stored
//! (usually gzip) and from raw bytes already in memory.
//!
//! Data: `$OPTILAB_DATA_DIR`, else `<workspace>/../shared/datasets`.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use data::{Dataset, FileKind, find_file, read_idx, read_idx_file};

fn train_images_path() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets");
    let env = std::env::var_os(data::DATA_DIR_ENV).map(PathBuf::from);
    env.into_iter()
        .chain([shared])
        .find_map(|dir| find_file(&dir, Dataset::Mnist, FileKind::TrainImages).ok())
        .expect(
            "MNIST train images not found: run `cargo xtask fetch-mnist` and set OPTILAB_DATA_DIR",
        )
}

fn idx_decode(c: &mut Criterion) {
    let path = train_images_path();
    let mut group = c.benchmark_group("idx_decode");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(FileKind::TrainImages.payload_len()));
    group.bench_function("train_images_file", |b| {
        b.iter(|| black_box(read_idx_file(&path, 3).unwrap()))
    });
    let mut raw = std::fs::read(&path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut decoded = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut decoded)
            .unwrap();
        raw = decoded;
    }
    group.bench_function("train_images_raw_bytes", |b| {
        b.iter(|| black_box(read_idx(&raw[..], 3).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, idx_decode);
criterion_main!(benches);
