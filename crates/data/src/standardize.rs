//! Feature scaling fitted on the training set and applied to any split.
//!
//! Every scaling is an affine map per feature, `y_j = x_j * scale_j + shift_j`:
//! - z-score: `scale = 1 / std`, `shift = -mean / std` (population std, ddof 0);
//! - min-max to `[low, high]`: `scale = (high - low) / (max - min)`, `shift = low - min * scale`.
//!
//! A feature whose spread is (numerically) zero on the training set gets
//! `scale = 1`, so it is only shifted (to 0, or to `low`) and never divided by zero.

use std::fs;
use std::path::Path;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

use crate::{DataError, Real, Result, stats};

/// Which statistics to fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Scaling {
    /// Subtract the mean, divide by the standard deviation.
    ZScore,
    /// Map the training minimum to `low` and maximum to `high`.
    MinMax {
        /// Image of the minimum.
        low: f64,
        /// Image of the maximum.
        high: f64,
    },
}

/// One statistic for all features, or one per feature (column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Granularity {
    /// One mean and std (or min and max) over every value.
    Global,
    /// One per column.
    PerFeature,
}

/// Fitted scaling statistics.
///
/// ```
/// use data::{Granularity, Scaling, Standardizer};
/// use ndarray::array;
/// let train = array![[1.0, 10.0], [3.0, 10.0]];
/// let s = Standardizer::fit(train.view(), Scaling::ZScore, Granularity::PerFeature)?;
/// let z = s.apply(array![[2.0, 12.0]].view())?;
/// assert_eq!(z, array![[0.0, 2.0]]); // constant column: shifted only
/// let back = Standardizer::from_json(&s.to_json()?)?;
/// assert_eq!(back, s);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    scaling: Scaling,
    granularity: Granularity,
    features: usize,
    /// Mean (z-score) or minimum (min-max): one value, or one per feature.
    center: Vec<f64>,
    /// Standard deviation (z-score) or maximum (min-max).
    spread: Vec<f64>,
}

impl Standardizer {
    /// Fits statistics on the rows of `train` (examples by features).
    ///
    /// **Errors**: [`DataError::InvalidArgument`] if `train` is empty, holds a
    /// non-finite value, or `low >= high`.
    pub fn fit<F: Real>(
        train: ArrayView2<F>,
        scaling: Scaling,
        granularity: Granularity,
    ) -> Result<Self> {
        if train.iter().any(|v| !v.is_finite()) {
            return Err(DataError::invalid("train", "contains a non-finite value"));
        }
        let per_feature = granularity == Granularity::PerFeature;
        let pairs = match scaling {
            Scaling::ZScore => stats::mean_std(train, per_feature),
            Scaling::MinMax { .. } => stats::min_max(train, per_feature),
        };
        Self::from_stats(pairs, train.ncols(), train.is_empty(), scaling, granularity)
    }

    /// Fits statistics of `pixel / 255` on the rows of `images` without
    /// converting the whole set to floats (exact integer sums). Apply the
    /// result to `pixel / 255` values ([`crate::LabeledImages::pixels`]) or,
    /// batch by batch, through [`crate::PixelEncoder::standardized`].
    ///
    /// ```
    /// use data::{Granularity, Scaling, Standardizer};
    /// use ndarray::array;
    /// let images = array![[0u8, 255], [255, 255]];
    /// let s = Standardizer::fit_pixels(images.view(), Scaling::ZScore, Granularity::Global)?;
    /// assert_eq!(s.mean(), Some(&[0.75][..]));
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: as [`Standardizer::fit`].
    pub fn fit_pixels(
        images: ArrayView2<u8>,
        scaling: Scaling,
        granularity: Granularity,
    ) -> Result<Self> {
        let per_feature = granularity == Granularity::PerFeature;
        let pairs = match scaling {
            Scaling::ZScore => stats::byte_mean_std(images, per_feature),
            Scaling::MinMax { .. } => stats::byte_min_max(images, per_feature),
        };
        Self::from_stats(
            pairs,
            images.ncols(),
            images.is_empty(),
            scaling,
            granularity,
        )
    }

    fn from_stats(
        stats: Vec<(f64, f64)>,
        features: usize,
        empty: bool,
        scaling: Scaling,
        granularity: Granularity,
    ) -> Result<Self> {
        if empty {
            return Err(DataError::invalid("train", "no values to fit on"));
        }
        let (center, spread) = stats.into_iter().unzip();
        let s = Self {
            scaling,
            granularity,
            features,
            center,
            spread,
        };
        s.validate()?;
        Ok(s)
    }

    fn validate(&self) -> Result<()> {
        match self.scaling {
            Scaling::MinMax { low, high }
                if !(low.is_finite() && high.is_finite() && low < high) =>
            {
                return Err(DataError::invalid(
                    "range",
                    format!("need finite low < high, got [{low}, {high}]"),
                ));
            }
            _ => {}
        }
        let expected = match self.granularity {
            Granularity::Global => 1,
            Granularity::PerFeature => self.features,
        };
        for (what, v) in [("center", &self.center), ("spread", &self.spread)] {
            if v.len() != expected {
                return Err(DataError::SizeMismatch {
                    what,
                    expected,
                    found: v.len(),
                });
            }
        }
        if self
            .center
            .iter()
            .chain(&self.spread)
            .any(|v| !v.is_finite())
        {
            return Err(DataError::invalid("statistics", "non-finite value"));
        }
        Ok(())
    }

    /// How the statistics scale.
    pub fn scaling(&self) -> Scaling {
        self.scaling
    }

    /// Global or per feature.
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// Number of columns of the training data.
    pub fn features(&self) -> usize {
        self.features
    }

    /// The fitted means (one, or one per feature), for z-score scaling.
    pub fn mean(&self) -> Option<&[f64]> {
        (self.scaling == Scaling::ZScore).then_some(&self.center[..])
    }

    /// The fitted standard deviations (population, ddof 0), for z-score scaling.
    pub fn std(&self) -> Option<&[f64]> {
        (self.scaling == Scaling::ZScore).then_some(&self.spread[..])
    }

    /// The affine map `(scale, shift)` with `y = x * scale + shift`: one pair,
    /// or one per feature.
    ///
    /// ```
    /// use data::{Granularity, Scaling, Standardizer};
    /// let x = ndarray::array![[0.0], [4.0]];
    /// let s = Standardizer::fit(x.view(), Scaling::MinMax { low: -1.0, high: 1.0 }, Granularity::Global)?;
    /// assert_eq!(s.coefficients(), (vec![0.5], vec![-1.0]));
    /// # Ok::<(), data::DataError>(())
    /// ```
    pub fn coefficients(&self) -> (Vec<f64>, Vec<f64>) {
        self.center
            .iter()
            .zip(&self.spread)
            .map(|(&c, &s)| match self.scaling {
                Scaling::ZScore => {
                    let scale = if negligible(s, c) { 1.0 } else { 1.0 / s };
                    (scale, -c * scale)
                }
                Scaling::MinMax { low, high } => {
                    let scale = if negligible(s - c, c) {
                        1.0
                    } else {
                        (high - low) / (s - c)
                    };
                    (scale, low - c * scale)
                }
            })
            .unzip()
    }

    /// Scales a copy of `x` (examples by features).
    ///
    /// **Errors**: [`DataError::SizeMismatch`] if a per-feature scaling meets
    /// another number of columns.
    pub fn apply<F: Real>(&self, x: ArrayView2<F>) -> Result<Array2<F>> {
        let mut y = x.to_owned();
        self.apply_in_place(y.view_mut())?;
        Ok(y)
    }

    /// Scales `x` in place.
    ///
    /// **Errors**: as [`Standardizer::apply`].
    pub fn apply_in_place<F: Real>(&self, mut x: ArrayViewMut2<F>) -> Result<()> {
        let (scale, shift) = self.coefficients();
        if self.granularity == Granularity::PerFeature && x.ncols() != self.features {
            return Err(DataError::SizeMismatch {
                what: "features",
                expected: self.features,
                found: x.ncols(),
            });
        }
        for mut row in x.rows_mut() {
            for (j, v) in row.iter_mut().enumerate() {
                let k = if scale.len() == 1 { 0 } else { j };
                *v = F::of(v.as_f64() * scale[k] + shift[k]);
            }
        }
        Ok(())
    }

    /// The statistics as JSON.
    ///
    /// **Errors**: [`DataError::Json`] (not expected for valid statistics).
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Statistics from JSON written by [`Standardizer::to_json`].
    ///
    /// **Errors**: [`DataError::Json`] for malformed JSON, and
    /// [`DataError::InvalidArgument`] or [`DataError::SizeMismatch`] for
    /// inconsistent statistics.
    pub fn from_json(json: &str) -> Result<Self> {
        let s: Self = serde_json::from_str(json)?;
        s.validate()?;
        Ok(s)
    }

    /// Writes the statistics as JSON to `path`.
    ///
    /// ```
    /// # use data::{Granularity, Scaling, Standardizer};
    /// let s = Standardizer::fit(ndarray::array![[1.0f32], [2.0]].view(), Scaling::ZScore, Granularity::Global)?;
    /// let dir = tempfile::tempdir()?;
    /// s.save(dir.path().join("stats.json"))?;
    /// assert_eq!(Standardizer::load(dir.path().join("stats.json"))?, s);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// **Errors**: [`DataError::Io`] (wrapped with the path).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        fs::write(path, self.to_json()?).map_err(|e| DataError::Io(e).in_file(path))
    }

    /// Reads statistics saved by [`Standardizer::save`].
    ///
    /// **Errors**: as [`Standardizer::from_json`], plus [`DataError::Io`],
    /// wrapped with the path.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let read = || Self::from_json(&fs::read_to_string(path)?);
        read().map_err(|e| e.in_file(path))
    }
}

/// Whether a spread is too small to divide by.
fn negligible(spread: f64, center: f64) -> bool {
    spread.abs() <= 1e-10 * center.abs().max(1.0)
}
