//! A seeded train/validation split of example indices.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::{DataError, LabeledImages, Result};

/// How many examples to hold out for validation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Holdout {
    /// A fraction in `[0, 1]` of the examples (rounded to the nearest count).
    Fraction(f64),
    /// An exact number of examples.
    Count(usize),
}

/// Example indices of the two parts, each sorted increasingly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainValidation {
    /// Indices to train on.
    pub train: Vec<usize>,
    /// Indices held out.
    pub validation: Vec<usize>,
}

/// Splits `0..n` at random into training and validation indices.
///
/// ```
/// use data::{train_validation_split, Holdout};
/// use rand::{SeedableRng, rngs::StdRng};
/// let split = train_validation_split(10, Holdout::Fraction(0.2), &mut StdRng::seed_from_u64(3))?;
/// assert_eq!((split.train.len(), split.validation.len()), (8, 2));
/// let again = train_validation_split(10, Holdout::Fraction(0.2), &mut StdRng::seed_from_u64(3))?;
/// assert_eq!(split, again);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::InvalidArgument`] for a fraction outside `[0, 1]`
/// or a count above `n`.
pub fn train_validation_split<R: Rng + ?Sized>(
    n: usize,
    holdout: Holdout,
    rng: &mut R,
) -> Result<TrainValidation> {
    let k = match holdout {
        Holdout::Fraction(f) if (0.0..=1.0).contains(&f) => {
            ((f * n as f64).round() as usize).min(n)
        }
        Holdout::Fraction(f) => {
            return Err(DataError::invalid(
                "holdout",
                format!("fraction {f} is not in [0, 1]"),
            ));
        }
        Holdout::Count(k) if k <= n => k,
        Holdout::Count(k) => {
            return Err(DataError::invalid(
                "holdout",
                format!("{k} examples out of {n}"),
            ));
        }
    };
    let mut order: Vec<usize> = (0..n).collect();
    let (chosen, rest) = order.partial_shuffle(rng, k);
    let mut validation = chosen.to_vec();
    let mut train = rest.to_vec();
    validation.sort_unstable();
    train.sort_unstable();
    Ok(TrainValidation { train, validation })
}

impl LabeledImages {
    /// Splits the set at random into a training and a validation set.
    ///
    /// ```
    /// use data::{Holdout, LabeledImages};
    /// use ndarray::Array3;
    /// use rand::{SeedableRng, rngs::StdRng};
    /// let set = LabeledImages::new(Array3::zeros((5, 1, 1)), vec![0, 1, 2, 3, 4])?;
    /// let (train, val) = set.split_validation(Holdout::Count(1), &mut StdRng::seed_from_u64(0))?;
    /// assert_eq!((train.len(), val.len()), (4, 1));
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: as [`train_validation_split`].
    pub fn split_validation<R: Rng + ?Sized>(
        &self,
        holdout: Holdout,
        rng: &mut R,
    ) -> Result<(LabeledImages, LabeledImages)> {
        let split = train_validation_split(self.len(), holdout, rng)?;
        Ok((self.select(&split.train)?, self.select(&split.validation)?))
    }
}
