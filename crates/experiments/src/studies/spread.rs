//! The mean and the min–max range of a measurement repeated over seeds, for
//! the findings and for a figure's mean line with its band.

use serde::Serialize;

/// Mean, smallest and largest of the finite values of a measurement.
///
/// ```
/// use experiments::studies::spread::Spread;
/// let s = Spread::of([1.0, 3.0, f64::NAN, 2.0]);
/// assert_eq!((s.mean, s.min, s.max, s.range()), (2.0, 1.0, 3.0, 2.0));
/// assert!(Spread::of([]).mean.is_nan());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// Mean of the finite values (NaN when there are none).
    pub mean: f64,
    /// Smallest finite value.
    pub min: f64,
    /// Largest finite value.
    pub max: f64,
}

impl Spread {
    /// The spread of the finite values of `values` (non-finite ones, such as
    /// a diverged run's loss, are left out; all NaN when none is finite).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Spread {
                mean: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        Spread {
            mean: v.iter().sum::<f64>() / v.len() as f64,
            min: v.iter().copied().fold(f64::INFINITY, f64::min),
            max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// `max − min`.
    pub fn range(&self) -> f64 {
        self.max - self.min
    }

    /// Every value times `k` (units: fractions to percent).
    ///
    /// ```
    /// let s = experiments::studies::spread::Spread::of([0.5, 1.0]).times(100.0);
    /// assert_eq!((s.min, s.max), (50.0, 100.0));
    /// ```
    pub fn times(self, k: f64) -> Spread {
        Spread {
            mean: self.mean * k,
            min: self.min * k,
            max: self.max * k,
        }
    }

    /// Whether every value of `self` lies below every value of `other`:
    /// the difference is larger than the spread of either.
    ///
    /// ```
    /// use experiments::studies::spread::Spread;
    /// assert!(Spread::of([1.0, 2.0]).below(&Spread::of([3.0, 4.0])));
    /// assert!(!Spread::of([1.0, 3.5]).below(&Spread::of([3.0, 4.0])));
    /// ```
    pub fn below(&self, other: &Spread) -> bool {
        self.max < other.min
    }
}
