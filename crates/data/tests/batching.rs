//! Epoch sampling, gathering into reused buffers, and the validation split.

use data::{
    DataError, EpochSampler, Holdout, LabeledImages, LastBatch, PixelEncoder, gather_rows,
    train_validation_split,
};
use ndarray::{Array2, Array3};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn epochs(sampler: &mut EpochSampler, seed: u64, count: usize) -> Vec<Vec<Vec<usize>>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| sampler.epoch(&mut rng).map(<[usize]>::to_vec).collect())
        .collect()
}

#[test]
fn every_epoch_is_a_permutation_reshuffled_deterministically() {
    let mut a = EpochSampler::new(103, 10).unwrap();
    let mut b = EpochSampler::new(103, 10).unwrap();
    let run_a = epochs(&mut a, 42, 3);
    assert_eq!(run_a, epochs(&mut b, 42, 3));
    for epoch in &run_a {
        let mut all: Vec<usize> = epoch.concat();
        all.sort_unstable();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
        assert_eq!(epoch.len(), 11);
        assert_eq!(epoch.last().unwrap().len(), 3);
    }
    assert_ne!(run_a[0], run_a[1], "epochs must be reshuffled");
    let mut c = EpochSampler::new(103, 10).unwrap();
    assert_ne!(run_a, epochs(&mut c, 43, 3), "the seed matters");
}

#[test]
fn drop_policy_skips_the_partial_batch() {
    let mut s = EpochSampler::new(103, 10)
        .unwrap()
        .last_batch(LastBatch::Drop);
    assert_eq!(s.batches_per_epoch(), 10);
    let epoch = &epochs(&mut s, 1, 1)[0];
    assert_eq!(epoch.len(), 10);
    assert!(epoch.iter().all(|b| b.len() == 10));
    let mut tiny = EpochSampler::new(3, 10)
        .unwrap()
        .last_batch(LastBatch::Drop);
    assert_eq!(epochs(&mut tiny, 1, 1)[0].len(), 0);
}

#[test]
fn subsampling_draws_a_fresh_distinct_subset_each_epoch() {
    let mut s = EpochSampler::new(1000, 64).unwrap().subsample(0.1).unwrap();
    assert_eq!(s.epoch_len(), 100);
    assert_eq!(s.batches_per_epoch(), 2);
    let run = epochs(&mut s, 9, 2);
    let mut first: Vec<usize> = run[0].concat();
    let second: Vec<usize> = run[1].concat();
    assert_eq!(first.len(), 100);
    first.sort_unstable();
    first.dedup();
    assert_eq!(first.len(), 100, "no index twice in an epoch");
    let mut second_sorted = second.clone();
    second_sorted.sort_unstable();
    assert_ne!(first, second_sorted);
    for bad in [0.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            EpochSampler::new(10, 2).unwrap().subsample(bad),
            Err(DataError::InvalidArgument {
                name: "fraction",
                ..
            })
        ));
    }
}

#[test]
fn zero_batch_size_is_an_error() {
    assert!(matches!(
        EpochSampler::new(10, 0),
        Err(DataError::InvalidArgument {
            name: "batch_size",
            ..
        })
    ));
}

#[test]
fn sampler_over_a_split_yields_only_its_indices() {
    let split =
        train_validation_split(50, Holdout::Count(10), &mut StdRng::seed_from_u64(0)).unwrap();
    let mut s = EpochSampler::over(split.train.clone(), 7).unwrap();
    let mut seen = epochs(&mut s, 0, 1)[0].concat();
    seen.sort_unstable();
    assert_eq!(seen, split.train);
}

fn images() -> LabeledImages {
    // Image i has every pixel equal to 10 * i.
    let pixels = Array3::from_shape_fn((6, 2, 3), |(i, _, _)| 10 * i as u8);
    LabeledImages::new(pixels, vec![0, 1, 2, 3, 4, 5]).unwrap()
}

#[test]
fn gather_encodes_rows_and_labels_into_reused_buffers() {
    let set = images();
    let encoder = PixelEncoder::<f64>::unit();
    let (mut x, mut y) = (Array2::zeros((0, 0)), Vec::new());
    set.gather(&[4, 1, 4], &encoder, &mut x, &mut y).unwrap();
    assert_eq!(x.dim(), (3, 6));
    assert!(x.row(0).iter().all(|&v| v == 40.0 / 255.0));
    assert!(x.row(1).iter().all(|&v| v == 10.0 / 255.0));
    assert_eq!(y, vec![4, 1, 4]);
    let ptr = x.as_ptr();
    set.gather(&[0, 2, 5], &encoder, &mut x, &mut y).unwrap();
    assert_eq!(x.as_ptr(), ptr, "same-shape batches reuse the buffer");
    set.gather(&[3], &encoder, &mut x, &mut y).unwrap();
    assert_eq!(
        (x.dim(), x.as_ptr()),
        ((1, 6), ptr),
        "a smaller batch keeps the allocation"
    );
    assert_eq!(y, vec![3]);
}

#[test]
fn gather_refuses_bad_indices() {
    let (mut x, mut y) = (Array2::<f32>::zeros((0, 0)), Vec::new());
    let err = images()
        .gather(&[1, 6], &PixelEncoder::unit(), &mut x, &mut y)
        .unwrap_err();
    assert!(matches!(
        err,
        DataError::IndexOutOfRange { index: 6, len: 6 }
    ));
    let mut out = Array2::<f64>::zeros((0, 0));
    let err = gather_rows(Array2::<f64>::zeros((2, 2)).view(), &[2], &mut out).unwrap_err();
    assert!(matches!(
        err,
        DataError::IndexOutOfRange { index: 2, len: 2 }
    ));
}

#[test]
fn validation_split_is_a_seeded_partition() {
    let split = train_validation_split(100, Holdout::Fraction(0.25), &mut StdRng::seed_from_u64(5))
        .unwrap();
    assert_eq!(split.validation.len(), 25);
    let mut all = [split.train.clone(), split.validation.clone()].concat();
    all.sort_unstable();
    assert_eq!(all, (0..100).collect::<Vec<_>>());
    let other = train_validation_split(100, Holdout::Fraction(0.25), &mut StdRng::seed_from_u64(6))
        .unwrap();
    assert_ne!(split, other);
    assert!(train_validation_split(10, Holdout::Count(11), &mut StdRng::seed_from_u64(0)).is_err());
    assert!(
        train_validation_split(10, Holdout::Fraction(1.5), &mut StdRng::seed_from_u64(0)).is_err()
    );
}

#[test]
fn split_sets_keep_pixels_with_their_labels() {
    let (train, val) = images()
        .split_validation(Holdout::Count(2), &mut StdRng::seed_from_u64(1))
        .unwrap();
    assert_eq!((train.len(), val.len()), (4, 2));
    for set in [&train, &val] {
        for (row, &label) in set.images().rows().into_iter().zip(set.labels()) {
            assert!(row.iter().all(|&p| p == 10 * label));
        }
    }
}

#[test]
fn conversions_and_one_hot() {
    let set = images();
    assert_eq!(set.pixels_3d::<f32>().dim(), (6, 2, 3));
    assert_eq!(set.pixels::<f32>()[[5, 0]], 50.0 / 255.0);
    let y = set.one_hot::<f64>();
    assert_eq!(y.dim(), (6, 10));
    assert_eq!(y.sum(), 6.0);
    assert_eq!(y[[3, 3]], 1.0);
}
