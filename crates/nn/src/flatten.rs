//! Flattening every axis but the batch axis.

use autodiff::{Float, Tape, Var};

use crate::module::{LayerKind, Mode, Module};

/// Reshapes `(N, d1, d2, ...)` to `(N, d1·d2···)`, PyTorch's `nn.Flatten()`
/// (start_dim 1): e.g. 28×28 images into 784-vectors.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Flatten, Mode, Module};
/// let mut tape = Tape::<f32>::new();
/// let x = tape.constant(ndarray::Array3::<f32>::zeros((2, 28, 28)));
/// let y = Flatten.forward(&mut tape, x, Mode::Train);
/// assert_eq!(tape.value(y).shape(), &[2, 784]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flatten;

impl<T: Float> Module<T> for Flatten {
    /// **Panics** if `x` has no batch axis (a 0-d value).
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
        let shape = tape.value(x).shape();
        assert!(
            !shape.is_empty(),
            "Flatten: expected a batch axis, got a 0-d value"
        );
        if shape.len() == 2 {
            return x;
        }
        let target = [shape[0], shape[1..].iter().product()];
        tape.reshape(x, &target)
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Flatten
    }
}
