//! Barrier (penalty) functions that keep parameters inside bounds by adding
//! a term to the objective, with its gradient.

use ndarray::{ArrayBase, Data, DataMut, Dimension, Zip};

use crate::check;
use crate::error::{OptimError, Result};
use crate::float::Float;

/// Which side of the bound k is penalized.
///
/// ```
/// use optim::Side;
/// assert_ne!(Side::Upper, Side::Lower);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Penalize β exceeding k (keep β ≤ k).
    Upper,
    /// Penalize β falling below k (keep β ≥ k).
    Lower,
}

/// A penalty b(β) added to the objective for each parameter element β.
///
/// ```
/// use ndarray::array;
/// use optim::{Barrier, ExpBarrier, Side};
/// let barrier = ExpBarrier::new(1.0, 10.0, Side::Upper)?;
/// let theta = array![0.5_f64, 1.0];
/// let mut grad = array![0.0, 0.0];
/// let penalty = barrier.add_to(&theta, &mut grad)?;
/// assert_eq!(penalty, (10.0_f64 * -0.5).exp() + 1.0);
/// assert_eq!(grad[1], 10.0); // m·exp(0)
/// # Ok::<(), optim::OptimError>(())
/// ```
pub trait Barrier {
    /// The penalty b(β).
    ///
    /// ```
    /// use optim::{Barrier, ExpBarrier, Side};
    /// assert_eq!(ExpBarrier::new(0.0, 1.0, Side::Upper)?.value(0.0), 1.0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn value(&self, beta: f64) -> f64;

    /// Its derivative b'(β).
    ///
    /// ```
    /// use optim::{Barrier, LogBarrier, Side};
    /// assert_eq!(LogBarrier::new(1.0, 1.0, Side::Upper)?.derivative(0.0), 1.0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn derivative(&self, beta: f64) -> f64;

    /// Adds b'(θᵢ) to every gradient element and returns Σᵢ b(θᵢ), the term
    /// to add to the loss.
    ///
    /// **Errors**: a gradient of another shape than the parameter.
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::{Barrier, ExpBarrier, Side};
    /// let b = ExpBarrier::new(0.0, 1.0, Side::Lower)?;
    /// let mut g = array![0.5_f32];
    /// assert_eq!(b.add_to(&array![0.0_f32], &mut g)?, 1.0);
    /// assert_eq!(g[0], 0.5 - 1.0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn add_to<T, S, G, D>(&self, param: &ArrayBase<S, D>, grad: &mut ArrayBase<G, D>) -> Result<f64>
    where
        Self: Sized,
        T: Float,
        S: Data<Elem = T>,
        G: DataMut<Elem = T>,
        D: Dimension,
    {
        if param.shape() != grad.shape() {
            return Err(OptimError::ShapeMismatch {
                what: "gradient against parameter",
                expected: param.shape().to_vec(),
                found: grad.shape().to_vec(),
            });
        }
        let mut total = 0.0;
        Zip::from(grad).and(param).for_each(|g, &p| {
            let beta = p.as_f64();
            total += self.value(beta);
            *g += T::of(self.derivative(beta));
        });
        Ok(total)
    }
}

/// The lecture's exponential barrier with bound k and steepness m:
/// `b(β) = exp(m(β − k))` for an upper bound and `exp(−m(β − k))` for a lower
/// bound: negligible well inside, steep past the bound (a soft barrier,
/// defined everywhere).
///
/// ```
/// use optim::{Barrier, ExpBarrier, Side};
/// let lower = ExpBarrier::new(0.0, 2.0, Side::Lower)?;
/// assert_eq!(lower.value(0.0), 1.0);
/// assert_eq!(lower.derivative(0.0), -2.0);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpBarrier {
    bound: f64,
    steepness: f64,
    side: Side,
}

impl ExpBarrier {
    /// Bound `k`, steepness `m > 0`, and the side that is penalized.
    ///
    /// ```
    /// assert!(optim::ExpBarrier::new(0.0, 0.0, optim::Side::Upper).is_err());
    /// ```
    ///
    /// **Errors**: a non-finite bound or a steepness that is not `> 0`.
    pub fn new(bound: f64, steepness: f64, side: Side) -> Result<Self> {
        Ok(ExpBarrier {
            bound: check::finite("bound", bound)?,
            steepness: check::positive("steepness", steepness)?,
            side,
        })
    }

    fn sign(&self) -> f64 {
        match self.side {
            Side::Upper => 1.0,
            Side::Lower => -1.0,
        }
    }
}

impl Barrier for ExpBarrier {
    fn value(&self, beta: f64) -> f64 {
        (self.sign() * self.steepness * (beta - self.bound)).exp()
    }

    fn derivative(&self, beta: f64) -> f64 {
        self.sign() * self.steepness * self.value(beta)
    }
}

/// The logarithmic barrier with bound k and weight μ:
/// `b(β) = −μ·ln(k − β)` for an upper bound, `−μ·ln(β − k)` for a lower
/// bound; +∞ on or beyond the bound (a hard barrier: start strictly inside).
///
/// ```
/// use optim::{Barrier, LogBarrier, Side};
/// let upper = LogBarrier::new(1.0, 0.1, Side::Upper)?;
/// assert_eq!(upper.value(0.0), 0.0);
/// assert_eq!(upper.derivative(0.0), 0.1);
/// assert_eq!(upper.value(1.5), f64::INFINITY);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogBarrier {
    bound: f64,
    weight: f64,
    side: Side,
}

impl LogBarrier {
    /// Bound `k`, weight `μ > 0`, and the side that is penalized.
    ///
    /// ```
    /// assert!(optim::LogBarrier::new(f64::NAN, 1.0, optim::Side::Lower).is_err());
    /// ```
    ///
    /// **Errors**: a non-finite bound or a weight that is not `> 0`.
    pub fn new(bound: f64, weight: f64, side: Side) -> Result<Self> {
        Ok(LogBarrier {
            bound: check::finite("bound", bound)?,
            weight: check::positive("weight", weight)?,
            side,
        })
    }

    /// Distance to the bound on the allowed side (≤ 0 outside).
    fn slack(&self, beta: f64) -> f64 {
        match self.side {
            Side::Upper => self.bound - beta,
            Side::Lower => beta - self.bound,
        }
    }
}

impl Barrier for LogBarrier {
    fn value(&self, beta: f64) -> f64 {
        let slack = self.slack(beta);
        if slack > 0.0 || slack.is_nan() {
            -self.weight * slack.ln()
        } else {
            f64::INFINITY
        }
    }

    fn derivative(&self, beta: f64) -> f64 {
        let slack = self.slack(beta);
        let slack = if slack < 0.0 { 0.0 } else { slack }; // NaN stays NaN
        // d/dβ of −μ·ln(slack) is μ/slack (upper) or −μ/slack (lower);
        // at or past the bound this is ±∞, pushing back inside.
        match self.side {
            Side::Upper => self.weight / slack,
            Side::Lower => -self.weight / slack,
        }
    }
}
