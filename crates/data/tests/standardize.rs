//! Standardization: fitted on the training set only, applied to any split.

use data::{DataError, Granularity, LabeledImages, PixelEncoder, Scaling, Standardizer};
use ndarray::{Array2, Array3, array};

#[test]
fn per_feature_z_score_uses_training_statistics_only() {
    let train = array![[1.0, 0.0], [3.0, 4.0]];
    let test = array![[5.0, 2.0]];
    let s = Standardizer::fit(train.view(), Scaling::ZScore, Granularity::PerFeature).unwrap();
    assert_eq!(s.mean().unwrap(), &[2.0, 2.0]);
    assert_eq!(s.std().unwrap(), &[1.0, 2.0]);
    assert_eq!(s.apply(test.view()).unwrap(), array![[3.0, 0.0]]);
    let z = s.apply(train.view()).unwrap();
    assert_eq!(z, array![[-1.0, -1.0], [1.0, 1.0]]);
}

#[test]
fn global_z_score() {
    let train = array![[0.0f32, 2.0], [4.0, 6.0]];
    let s = Standardizer::fit(train.view(), Scaling::ZScore, Granularity::Global).unwrap();
    assert_eq!(s.mean().unwrap(), &[3.0]);
    assert!((s.std().unwrap()[0] - 5.0f64.sqrt()).abs() < 1e-12);
    let z = s.apply(train.view()).unwrap();
    assert!(z.sum().abs() < 1e-6);
}

#[test]
fn zero_variance_features_are_shifted_not_divided() {
    let train = array![[7.0, 1.0], [7.0, 3.0]];
    let s = Standardizer::fit(train.view(), Scaling::ZScore, Granularity::PerFeature).unwrap();
    let z = s.apply(array![[7.0, 2.0], [8.0, 2.0]].view()).unwrap();
    assert_eq!(z, array![[0.0, 0.0], [1.0, 0.0]]);
    assert!(z.iter().all(|v: &f64| v.is_finite()));
    let m = Standardizer::fit(
        train.view(),
        Scaling::MinMax {
            low: -1.0,
            high: 1.0,
        },
        Granularity::PerFeature,
    )
    .unwrap();
    assert_eq!(
        m.apply(train.view()).unwrap(),
        array![[-1.0, -1.0], [-1.0, 1.0]]
    );
}

#[test]
fn min_max_to_a_range() {
    let train = array![[0.0, 10.0], [5.0, 20.0]];
    let range = Scaling::MinMax {
        low: 0.0,
        high: 1.0,
    };
    let per = Standardizer::fit(train.view(), range, Granularity::PerFeature).unwrap();
    assert_eq!(
        per.apply(train.view()).unwrap(),
        array![[0.0, 0.0], [1.0, 1.0]]
    );
    let global = Standardizer::fit(train.view(), range, Granularity::Global).unwrap();
    assert_eq!(
        global.apply(train.view()).unwrap(),
        array![[0.0, 0.5], [0.25, 1.0]]
    );
    // Unseen values may leave the range: the map is fitted, not clipped.
    assert_eq!(
        per.apply(array![[10.0, 0.0]].view()).unwrap(),
        array![[2.0, -1.0]]
    );
}

#[test]
fn invalid_fits_are_errors() {
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(matches!(
        Standardizer::fit(empty.view(), Scaling::ZScore, Granularity::Global),
        Err(DataError::InvalidArgument { .. })
    ));
    let nan = array![[1.0, f64::NAN]];
    assert!(Standardizer::fit(nan.view(), Scaling::ZScore, Granularity::Global).is_err());
    let x = array![[1.0], [2.0]];
    let bad_range = Scaling::MinMax {
        low: 1.0,
        high: 1.0,
    };
    assert!(Standardizer::fit(x.view(), bad_range, Granularity::Global).is_err());
    let s = Standardizer::fit(x.view(), Scaling::ZScore, Granularity::PerFeature).unwrap();
    assert!(matches!(
        s.apply(array![[1.0, 2.0]].view()),
        Err(DataError::SizeMismatch {
            what: "features",
            expected: 1,
            found: 2
        })
    ));
}

#[test]
fn statistics_survive_save_and_load() {
    let train = array![[1.0, 5.0], [2.0, 9.0], [4.0, 6.0]];
    let s = Standardizer::fit(train.view(), Scaling::ZScore, Granularity::PerFeature).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats.json");
    s.save(&path).unwrap();
    let back = Standardizer::load(&path).unwrap();
    assert_eq!(back, s);
    assert_eq!(
        back.apply(train.view()).unwrap(),
        s.apply(train.view()).unwrap()
    );
    assert!(matches!(
        Standardizer::from_json("{"),
        Err(DataError::Json(_))
    ));
    let tampered = s.to_json().unwrap().replace("\"PerFeature\"", "\"Global\"");
    assert!(matches!(
        Standardizer::from_json(&tampered),
        Err(DataError::SizeMismatch { .. })
    ));
    let missing = Standardizer::load(dir.path().join("absent.json")).unwrap_err();
    assert!(matches!(missing.root(), DataError::Io(_)));
}

#[test]
fn pixel_fit_and_encoder_match_the_float_path() {
    let pixels = Array3::from_shape_fn((5, 2, 2), |(i, r, c)| {
        ((37 * i + 11 * r + 5 * c) * 3 % 256) as u8
    });
    let set = LabeledImages::new(pixels, vec![0; 5]).unwrap();
    for granularity in [Granularity::Global, Granularity::PerFeature] {
        for scaling in [
            Scaling::ZScore,
            Scaling::MinMax {
                low: -1.0,
                high: 1.0,
            },
        ] {
            let floats = set.pixels::<f64>();
            let by_bytes = Standardizer::fit_pixels(set.images(), scaling, granularity).unwrap();
            let by_floats = Standardizer::fit(floats.view(), scaling, granularity).unwrap();
            let expected = by_floats.apply(floats.view()).unwrap();
            let (mut x, mut y) = (Array2::zeros((0, 0)), Vec::new());
            let all: Vec<usize> = (0..set.len()).collect();
            set.gather(
                &all,
                &PixelEncoder::<f64>::standardized(&by_bytes),
                &mut x,
                &mut y,
            )
            .unwrap();
            let err = (&x - &expected)
                .mapv(f64::abs)
                .fold(0.0f64, |a, &b| a.max(b));
            assert!(err < 1e-12, "{scaling:?} {granularity:?}: {err}");
        }
    }
}
