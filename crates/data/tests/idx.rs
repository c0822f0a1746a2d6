//! The IDX reader refuses every malformed input with a typed error.

use std::io::Write;

use data::{
    Compression, DataError, IdxArray, LabeledImages, MAX_IDX_PAYLOAD, read_idx, read_idx_file,
    read_idx_limited, write_idx,
};
use flate2::write::GzEncoder;

fn idx(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_idx(&mut bytes, dims, data, Compression::None).unwrap();
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn round_trips_raw_and_gzip_of_any_shape() {
    for dims in [vec![5], vec![2, 3], vec![2, 2, 3], vec![1, 2, 1, 3]] {
        let n: usize = dims.iter().product();
        let data: Vec<u8> = (0..n as u8).collect();
        for compression in [Compression::None, Compression::Gzip] {
            let mut bytes = Vec::new();
            write_idx(&mut bytes, &dims, &data, compression).unwrap();
            let back = read_idx(&bytes[..], dims.len()).unwrap();
            assert_eq!(back, IdxArray::new(dims.clone(), data.clone()).unwrap());
        }
    }
}

#[test]
fn header_layout_is_big_endian() {
    let bytes = idx(&[258, 1], &[0; 258]);
    assert_eq!(&bytes[..12], &[0, 0, 8, 2, 0, 0, 1, 2, 0, 0, 0, 1]);
}

#[test]
fn wrong_magic() {
    let mut bytes = idx(&[2], &[1, 2]);
    bytes[1] = 1;
    let err = read_idx(&bytes[..], 1).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::BadMagic {
                found: [0, 1, 8, 1]
            }
        ),
        "{err}"
    );
}

#[test]
fn unsupported_element_type() {
    let mut bytes = idx(&[2], &[1, 2]);
    bytes[2] = 0x0d; // float
    let err = read_idx(&bytes[..], 1).unwrap_err();
    assert!(matches!(
        err,
        DataError::UnsupportedElementType { code: 0x0d }
    ));
}

#[test]
fn dimension_count_disagrees_with_the_caller() {
    let bytes = idx(&[1, 2, 2], &[0; 4]);
    let err = read_idx(&bytes[..], 1).unwrap_err();
    assert!(matches!(
        err,
        DataError::DimensionCount {
            expected: 1,
            found: 3
        }
    ));
}

#[test]
fn overflowing_sizes() {
    let mut bytes = vec![0, 0, 8, 3];
    for _ in 0..3 {
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    }
    let err = read_idx(&bytes[..], 3).unwrap_err();
    assert!(matches!(err, DataError::SizeOverflow { .. }), "{err}");
}

#[test]
fn truncated_header_and_payload() {
    let bytes = idx(&[3, 4], &[9; 12]);
    let err = read_idx(&bytes[..6], 2).unwrap_err();
    assert!(matches!(
        err,
        DataError::TruncatedHeader {
            expected: 12,
            found: 6
        }
    ));
    let err = read_idx(&bytes[..2], 2).unwrap_err();
    assert!(matches!(
        err,
        DataError::TruncatedHeader {
            expected: 4,
            found: 2
        }
    ));
    let err = read_idx(&bytes[..bytes.len() - 1], 2).unwrap_err();
    assert!(matches!(
        err,
        DataError::TruncatedPayload {
            expected: 12,
            found: 11
        }
    ));
}

#[test]
fn trailing_garbage_raw_and_inside_gzip() {
    let mut bytes = idx(&[2], &[1, 2]);
    bytes.push(0);
    let err = read_idx(&bytes[..], 1).unwrap_err();
    assert!(matches!(err, DataError::TrailingData { payload: 2 }));
    let err = read_idx(&gzip(&bytes)[..], 1).unwrap_err();
    assert!(matches!(err, DataError::TrailingData { payload: 2 }));
}

#[test]
fn corrupt_gzip() {
    let good = gzip(&idx(&[4], &[1, 2, 3, 4]));
    // Truncated stream.
    let err = read_idx(&good[..good.len() - 6], 1).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Gzip { .. } | DataError::TruncatedPayload { .. }
        ),
        "{err}"
    );
    // Bad CRC (last 8 bytes are CRC32 and size).
    let mut bad_crc = good.clone();
    let n = bad_crc.len();
    bad_crc[n - 8] ^= 0xff;
    let err = read_idx(&bad_crc[..], 1).unwrap_err();
    assert!(matches!(err, DataError::Gzip { .. }), "{err}");
    // Garbage deflate data.
    let mut garbage = good[..10].to_vec();
    garbage.extend_from_slice(&[0xff; 32]);
    let err = read_idx(&garbage[..], 1).unwrap_err();
    assert!(matches!(err, DataError::Gzip { .. }), "{err}");
    // Garbage after the gzip member.
    let mut after = good;
    after.extend_from_slice(b"junk");
    let err = read_idx(&after[..], 1).unwrap_err();
    assert!(matches!(err, DataError::Gzip { .. }), "{err}");
}

#[test]
fn gzip_bomb_header_does_not_allocate() {
    // A gzip stream announcing 4 GB but holding 8 payload bytes: above the
    // default cap it is refused outright; with the cap lifted, the buffer
    // holds what arrived and the error says so.
    let mut bytes = vec![0, 0, 8, 1];
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    bytes.extend_from_slice(&[7; 8]);
    let err = read_idx(&gzip(&bytes)[..], 1).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::PayloadTooLarge {
                declared: 4_294_967_295,
                limit: MAX_IDX_PAYLOAD,
                ..
            }
        ),
        "{err}"
    );
    let err = read_idx_limited(&gzip(&bytes)[..], 1, u64::MAX).unwrap_err();
    assert!(
        matches!(err, DataError::TruncatedPayload { found: 8, .. }),
        "{err}"
    );
}

#[test]
fn the_payload_limit_is_inclusive() {
    let bytes = gzip(&idx(&[2, 3], &[1; 6]));
    assert_eq!(read_idx_limited(&bytes[..], 2, 6).unwrap().data(), &[1; 6]);
    let err = read_idx_limited(&bytes[..], 2, 5).unwrap_err();
    assert!(
        matches!(&err, DataError::PayloadTooLarge { dims, declared: 6, limit: 5 } if dims == &[2, 3]),
        "{err}"
    );
}

#[test]
fn a_directory_is_not_an_idx_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t10k-labels-idx1-ubyte.gz");
    std::fs::create_dir(&path).unwrap();
    let err = read_idx_file(&path, 1).unwrap_err();
    assert!(
        matches!(&err, DataError::NotAFile { path: p, found: "a directory" } if p == &path),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("t10k-labels-idx1-ubyte.gz is a directory"),
        "{err}"
    );
}

#[test]
fn image_and_label_counts_must_agree() {
    let images = IdxArray::new(vec![3, 2, 2], vec![0; 12]).unwrap();
    let labels = IdxArray::new(vec![2], vec![1, 2]).unwrap();
    let err = LabeledImages::from_idx(images, labels).unwrap_err();
    assert!(matches!(
        err,
        DataError::CountMismatch {
            images: 3,
            labels: 2
        }
    ));
}

#[test]
fn labels_must_be_digits() {
    let images = IdxArray::new(vec![3, 1, 1], vec![0; 3]).unwrap();
    let labels = IdxArray::new(vec![3], vec![9, 0, 12]).unwrap();
    let err = LabeledImages::from_idx(images, labels).unwrap_err();
    assert!(matches!(
        err,
        DataError::LabelOutOfRange {
            index: 2,
            label: 12,
            classes: 10
        }
    ));
}

#[test]
fn file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken-idx1-ubyte");
    let mut bytes = idx(&[3], &[1, 2, 3]);
    bytes.truncate(bytes.len() - 1);
    std::fs::write(&path, &bytes).unwrap();
    let err = read_idx_file(&path, 1).unwrap_err();
    assert!(err.to_string().contains("broken-idx1-ubyte"), "{err}");
    assert!(matches!(
        err.root(),
        DataError::TruncatedPayload {
            expected: 3,
            found: 2
        }
    ));
}

#[test]
fn files_read_raw_and_gz() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("a");
    let gz = dir.path().join("a.gz");
    let mut f = std::fs::File::create(&raw).unwrap();
    write_idx(&mut f, &[2, 2], &[1, 2, 3, 4], Compression::None).unwrap();
    let f = std::fs::File::create(&gz).unwrap();
    write_idx(f, &[2, 2], &[1, 2, 3, 4], Compression::Gzip).unwrap();
    assert_eq!(
        read_idx_file(&raw, 2).unwrap(),
        read_idx_file(&gz, 2).unwrap()
    );
}

#[test]
fn writer_refuses_inconsistent_sizes() {
    let err = write_idx(Vec::new(), &[2, 2], &[0; 3], Compression::None).unwrap_err();
    assert!(matches!(
        err,
        DataError::SizeMismatch {
            expected: 4,
            found: 3,
            ..
        }
    ));
}

#[test]
fn huge_declared_size_allowed_allocates_only_what_arrives() {
    // 4 * 10^9 bytes announced and allowed, 3 present: a truncation error,
    // not an OOM.
    let mut bytes = vec![0, 0, 8, 2];
    bytes.extend_from_slice(&2_000_000_000u32.to_be_bytes());
    bytes.extend_from_slice(&2u32.to_be_bytes());
    bytes.extend_from_slice(&[1, 2, 3]);
    let err = read_idx_limited(&bytes[..], 2, u64::MAX).unwrap_err();
    assert!(matches!(
        err,
        DataError::TruncatedPayload {
            expected: 4_000_000_000,
            found: 3
        }
    ));
}

#[test]
fn empty_input_is_a_truncated_header() {
    let err = read_idx(&[][..], 1).unwrap_err();
    assert!(matches!(
        err,
        DataError::TruncatedHeader {
            expected: 4,
            found: 0
        }
    ));
}

#[test]
fn zero_sized_array_round_trips() {
    let bytes = idx(&[0, 28, 28], &[]);
    assert_eq!(read_idx(&bytes[..], 3).unwrap().dims(), &[0, 28, 28]);
}
