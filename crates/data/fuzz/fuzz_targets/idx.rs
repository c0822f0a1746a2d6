//! The IDX reader on arbitrary bytes: it never panics, never allocates beyond
//! its limit, and whatever it accepts is self-consistent and round-trips.
//!
//! Input layout: one selector byte, then the file. The selector's low bits
//! pick the number of dimensions the caller expects (0 to 4); its high bit a
//! small payload limit (64 KiB) instead of the default one.

#![no_main]

use data::{Compression, MAX_IDX_PAYLOAD, read_idx, read_idx_limited, write_idx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, file)) = input.split_first() else {
        return;
    };
    let ndims = usize::from(selector & 0x07) % 5;
    let limit = if selector & 0x80 != 0 {
        64 << 10
    } else {
        MAX_IDX_PAYLOAD
    };
    let Ok(array) = read_idx_limited(file, ndims, limit) else {
        return;
    };
    assert_eq!(array.dims().len(), ndims);
    assert_eq!(array.dims().iter().product::<usize>(), array.data().len());
    assert!(array.data().len() as u64 <= limit);
    for compression in [Compression::None, Compression::Gzip] {
        let mut bytes = Vec::new();
        write_idx(&mut bytes, array.dims(), array.data(), compression)
            .expect("an array the reader accepted can be written");
        let back = read_idx(&bytes[..], ndims).expect("what was written reads back");
        assert_eq!(back, array);
    }
});
