//! Box bounds, enforced by projecting parameters after each step.

use ndarray::{ArrayBase, ArrayD, DataMut, Dimension, Zip};

use crate::error::{OptimError, Result};
use crate::float::Float;

/// Box constraints `lower ≤ θ ≤ upper`, the same for every element or one
/// pair per element. Projected gradient descent: step, then
/// [`BoxBounds::project`].
///
/// ```
/// use ndarray::array;
/// use optim::BoxBounds;
/// let bounds = BoxBounds::uniform(0.0, 1.0)?;
/// let mut theta = array![-0.5_f64, 0.3, 1.7];
/// assert_eq!(bounds.project(&mut theta)?, 2);
/// assert_eq!(theta, array![0.0, 0.3, 1.0]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // built once per run; boxing would only add noise
pub enum BoxBounds {
    /// One interval for every element.
    Uniform {
        /// Lower bound (may be −∞).
        lower: f64,
        /// Upper bound (may be +∞).
        upper: f64,
    },
    /// One interval per element; arrays of the parameter's shape.
    PerElement {
        /// Lower bounds.
        lower: ArrayD<f64>,
        /// Upper bounds.
        upper: ArrayD<f64>,
    },
}

impl BoxBounds {
    /// The same interval for every element.
    ///
    /// ```
    /// assert!(optim::BoxBounds::uniform(1.0, 0.0).is_err());
    /// assert!(optim::BoxBounds::uniform(0.0, f64::INFINITY).is_ok());
    /// ```
    ///
    /// **Errors**: `lower > upper` or a NaN bound.
    pub fn uniform(lower: f64, upper: f64) -> Result<Self> {
        check_pair(0, lower, upper)?;
        Ok(BoxBounds::Uniform { lower, upper })
    }

    /// One interval per element.
    ///
    /// ```
    /// use ndarray::array;
    /// let b = optim::BoxBounds::per_element(array![0.0, -1.0].into_dyn(), array![1.0, 1.0].into_dyn());
    /// assert!(b.is_ok());
    /// ```
    ///
    /// **Errors**: arrays of different shapes, `lower > upper` or a NaN bound.
    pub fn per_element(lower: ArrayD<f64>, upper: ArrayD<f64>) -> Result<Self> {
        if lower.shape() != upper.shape() {
            return Err(OptimError::ShapeMismatch {
                what: "upper bounds against lower bounds",
                expected: lower.shape().to_vec(),
                found: upper.shape().to_vec(),
            });
        }
        for (index, (&lo, &hi)) in lower.iter().zip(upper.iter()).enumerate() {
            check_pair(index, lo, hi)?;
        }
        Ok(BoxBounds::PerElement { lower, upper })
    }

    /// Clamps every element into its interval (NaN stays NaN) and returns how
    /// many elements moved.
    ///
    /// ```
    /// use ndarray::array;
    /// let b = optim::BoxBounds::per_element(array![0.0, 0.0].into_dyn(), array![1.0, 2.0].into_dyn())?;
    /// let mut x = array![1.5_f32, 1.5];
    /// assert_eq!(b.project(&mut x)?, 1);
    /// assert_eq!(x, array![1.0, 1.5]);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: per-element bounds of another shape than `x`.
    pub fn project<T, S, D>(&self, x: &mut ArrayBase<S, D>) -> Result<usize>
    where
        T: Float,
        S: DataMut<Elem = T>,
        D: Dimension,
    {
        let mut moved = 0;
        let mut clamp = |v: &mut T, lo: f64, hi: f64| {
            let (lo, hi) = (T::of(lo), T::of(hi));
            if *v < lo {
                *v = lo;
                moved += 1;
            } else if *v > hi {
                *v = hi;
                moved += 1;
            }
        };
        match self {
            BoxBounds::Uniform { lower, upper } => {
                x.iter_mut().for_each(|v| clamp(v, *lower, *upper));
            }
            BoxBounds::PerElement { lower, upper } => {
                if lower.shape() != x.shape() {
                    return Err(OptimError::ShapeMismatch {
                        what: "parameter against its bounds",
                        expected: lower.shape().to_vec(),
                        found: x.shape().to_vec(),
                    });
                }
                let mut x = x.view_mut().into_dyn();
                Zip::from(&mut x)
                    .and(lower)
                    .and(upper)
                    .for_each(|v, &lo, &hi| clamp(v, lo, hi));
            }
        }
        Ok(moved)
    }
}

fn check_pair(index: usize, lower: f64, upper: f64) -> Result<()> {
    if lower <= upper {
        Ok(())
    } else {
        Err(OptimError::InvalidBounds {
            index,
            lower,
            upper,
        })
    }
}
