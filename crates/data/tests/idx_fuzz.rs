//! Fuzz-style property test: mutated and truncated real IDX files never make
//! the reader panic, and whatever it accepts is self-consistent.

mod common;

use std::io::{Read, Write};
use std::sync::OnceLock;

use data::{DataError, Dataset, FileKind, find_file, read_idx, read_idx_limited};
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use proptest::prelude::*;

/// Real test labels (whole) and the real test-images header with the first
/// 100 images, decompressed.
fn samples() -> &'static [Vec<u8>; 2] {
    static SAMPLES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let dir = common::real_data_dir();
        let read = |kind: FileKind, keep: usize| {
            let path = find_file(&dir, Dataset::Mnist, kind).unwrap();
            let file = std::fs::File::open(&path).unwrap();
            let mut bytes = Vec::new();
            if path.extension().is_some_and(|e| e == "gz") {
                MultiGzDecoder::new(file)
                    .take(keep as u64)
                    .read_to_end(&mut bytes)
                    .unwrap();
            } else {
                file.take(keep as u64).read_to_end(&mut bytes).unwrap();
            }
            bytes
        };
        [
            read(FileKind::TestLabels, usize::MAX),
            read(FileKind::TestImages, 16 + 100 * 784),
        ]
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_headers_never_panic(
        which in 0usize..2,
        mutations in prop::collection::vec((0usize..20, any::<u8>()), 0..6),
        keep in prop::option::of(0usize..200),
        compress in any::<bool>(),
        ndims in 0usize..5,
    ) {
        let mut bytes = samples()[which].clone();
        for (at, value) in mutations {
            if at < bytes.len() {
                bytes[at] = value;
            }
        }
        if let Some(keep) = keep {
            bytes.truncate(keep);
        }
        let input = if compress { gzip(&bytes) } else { bytes };
        if let Ok(array) = read_idx(&input[..], ndims) {
            prop_assert_eq!(array.dims().len(), ndims);
            prop_assert_eq!(array.dims().iter().product::<usize>(), array.data().len());
        }
    }

    #[test]
    fn truncated_gzip_never_panics(which in 0usize..2, cut in 0usize..4000) {
        let gz = gzip(&samples()[which]);
        let cut = cut.min(gz.len());
        let expected_ndims = if which == 0 { 1 } else { 3 };
        prop_assert!(read_idx(&gz[..cut], expected_ndims).is_err() || cut == gz.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn declared_sizes_are_checked_against_the_limit(
        dims in prop::collection::vec(0u32..3000, 1..4),
        limit in 0u64..200_000,
        present in 0usize..300,
        compress in any::<bool>(),
    ) {
        let mut bytes = vec![0, 0, 8, dims.len() as u8];
        for d in &dims {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend(std::iter::repeat_n(7u8, present));
        let input = if compress { gzip(&bytes) } else { bytes };
        let total: u64 = dims.iter().map(|&d| u64::from(d)).product();
        match read_idx_limited(&input[..], dims.len(), limit) {
            Err(DataError::PayloadTooLarge { declared, limit: l, .. }) => {
                prop_assert_eq!(declared, total);
                prop_assert_eq!(l, limit);
                prop_assert!(total > limit);
            }
            Ok(array) => {
                prop_assert!(total <= limit);
                prop_assert_eq!(array.data().len() as u64, total);
                prop_assert_eq!(total, present as u64);
            }
            Err(DataError::TruncatedPayload { expected, found }) => {
                prop_assert!(total <= limit);
                prop_assert_eq!((expected, found), (total, present as u64));
            }
            Err(DataError::TrailingData { payload }) => {
                prop_assert!(total <= limit && total < present as u64);
                prop_assert_eq!(payload, total);
            }
            Err(other) => prop_assert!(false, "unexpected error {}", other),
        }
    }
}

#[test]
fn unmutated_samples_parse() {
    let [labels, images] = samples();
    assert_eq!(read_idx(&labels[..], 1).unwrap().dims(), &[10_000]);
    // The image sample is a truncated real file.
    assert!(read_idx(&images[..], 3).is_err());
}
