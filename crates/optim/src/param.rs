//! A named parameter paired with its gradient, as handed to a step.

use ndarray::{ArrayView, ArrayViewD, ArrayViewMut, ArrayViewMutD, Dimension};

/// One parameter for [`Optimizer::step`](crate::Optimizer::step): its stable
/// name (the key of its optimizer state), the values to update in place and
/// the gradient of the loss with respect to them.
///
/// Building one borrows the caller's arrays; nothing is copied.
///
/// ```
/// use ndarray::array;
/// use optim::ParamMut;
/// let mut w = array![[1.0_f32, 2.0], [3.0, 4.0]];
/// let g = array![[0.1_f32, 0.1], [0.1, 0.1]];
/// let p = ParamMut::new("layers.0.weight", w.view_mut(), g.view());
/// assert_eq!(p.value.shape(), &[2, 2]);
/// ```
#[derive(Debug)]
pub struct ParamMut<'a, T> {
    /// Stable name such as `layers.0.weight`; state is keyed by it.
    pub name: &'a str,
    /// The parameter, updated in place.
    pub value: ArrayViewMutD<'a, T>,
    /// Its gradient; `None` makes `step` report
    /// [`OptimError::MissingGradient`](crate::OptimError::MissingGradient).
    pub grad: Option<ArrayViewD<'a, T>>,
}

impl<'a, T> ParamMut<'a, T> {
    /// Pairs a parameter with its gradient (views of any dimensionality).
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::ParamMut;
    /// let (mut b, g) = (array![0.0_f64, 0.0], array![1.0, -1.0]);
    /// let p = ParamMut::new("bias", b.view_mut(), g.view());
    /// assert!(p.grad.is_some());
    /// ```
    pub fn new<D: Dimension, E: Dimension>(
        name: &'a str,
        value: ArrayViewMut<'a, T, D>,
        grad: ArrayView<'a, T, E>,
    ) -> Self {
        ParamMut {
            name,
            value: value.into_dyn(),
            grad: Some(grad.into_dyn()),
        }
    }

    /// A parameter whose gradient is missing (for example because the loss
    /// does not depend on it); stepping it is an error, not a silent skip.
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::ParamMut;
    /// let mut b = array![0.0_f64];
    /// assert!(ParamMut::without_grad("bias", b.view_mut()).grad.is_none());
    /// ```
    pub fn without_grad<D: Dimension>(name: &'a str, value: ArrayViewMut<'a, T, D>) -> Self {
        ParamMut {
            name,
            value: value.into_dyn(),
            grad: None,
        }
    }
}
