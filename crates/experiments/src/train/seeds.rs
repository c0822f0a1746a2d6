//! Every random stream of a run derives from `(seed, stream, index)`, so that
//! an epoch's shuffle and dropout masks depend only on the seed and the epoch
//! number, and a checkpoint at an epoch boundary needs no RNG state.

use rand::SeedableRng;
use rand::rngs::StdRng;

/// Which random stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Parameter initialization.
    Init = 1,
    /// The order of the training examples in an epoch.
    Shuffle = 2,
    /// Dropout masks in an epoch.
    Dropout = 3,
    /// The train / validation split.
    Split = 4,
    /// Batches of the learning-rate range test.
    LrFind = 5,
    /// Dropout masks of a full-batch step.
    FullBatch = 6,
}

/// SplitMix64's finalizer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of `stream` at `index` (an epoch, a step) for a run seeded `seed`.
pub(crate) fn derive(seed: u64, stream: Stream, index: u64) -> u64 {
    let a = mix(seed.wrapping_add(0x9E37_79B9_7F4A_7C15));
    let b = mix(a ^ (stream as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    mix(b ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// An RNG for `stream` at `index`.
pub(crate) fn rng(seed: u64, stream: Stream, index: u64) -> StdRng {
    StdRng::seed_from_u64(derive(seed, stream, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_indices_differ() {
        let a = derive(0, Stream::Shuffle, 1);
        assert_ne!(a, derive(0, Stream::Shuffle, 2));
        assert_ne!(a, derive(0, Stream::Dropout, 1));
        assert_ne!(a, derive(1, Stream::Shuffle, 1));
        assert_eq!(a, derive(0, Stream::Shuffle, 1));
    }
}
