//! Layer normalization over the feature axis (Ba, Kiros & Hinton 2016).

use autodiff::{Float, Tape, Var};
use ndarray::{ArrayD, IxDyn};

use crate::error::{Result, check_hyper};
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, ParamKind};
use crate::standardize::{affine, standardize};

/// PyTorch's `nn.LayerNorm(C)`: each sample is normalized over its last axis
/// (of size `C`) with the mean and biased variance of that sample,
/// `y = (x - μ) / √(σ² + eps) · γ + β`, with elementwise `weight` γ (init 1)
/// and `bias` β (init 0), `eps = 1e-5`. Identical in train and eval mode; no
/// running statistics.
///
/// ```
/// use autodiff::Tape;
/// use nn::{LayerNorm, Mode, Module};
/// let mut ln = LayerNorm::<f64>::new(3);
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[1.0, 2.0, 3.0]]);
/// let y = ln.forward(&mut tape, x, Mode::Eval);
/// let s = (2.0f64 / 3.0 + 1e-5).sqrt();
/// assert!((tape.value(y)[[0, 0]] + 1.0 / s).abs() < 1e-12);
/// ```
#[derive(Debug, Clone)]
pub struct LayerNorm<T> {
    weight: Param<T>,
    bias: Param<T>,
    eps: f64,
}

impl<T: Float> LayerNorm<T> {
    /// Layer normalization over a last axis of size `normalized_size`, `eps = 1e-5`.
    ///
    /// ```
    /// assert_eq!(nn::LayerNorm::<f32>::new(8).normalized_size(), 8);
    /// ```
    pub fn new(normalized_size: usize) -> Self {
        Self::with_eps(normalized_size, 1e-5).expect("default eps is valid")
    }

    /// Layer normalization with the given `eps`.
    ///
    /// **Errors**: [`NnError::InvalidHyperparameter`](crate::NnError::InvalidHyperparameter)
    /// unless `eps > 0`.
    ///
    /// ```
    /// assert!(nn::LayerNorm::<f32>::with_eps(8, 0.0).is_err());
    /// ```
    pub fn with_eps(normalized_size: usize, eps: f64) -> Result<Self> {
        check_hyper("eps", eps, eps > 0.0 && eps.is_finite(), "positive")?;
        Ok(LayerNorm {
            weight: Param::new(
                "weight",
                ParamKind::NormScale,
                ArrayD::ones(IxDyn(&[normalized_size])),
            ),
            bias: Param::new(
                "bias",
                ParamKind::NormShift,
                ArrayD::zeros(IxDyn(&[normalized_size])),
            ),
            eps,
        })
    }

    /// Size of the normalized (last) axis.
    ///
    /// ```
    /// assert_eq!(nn::LayerNorm::<f64>::new(3).normalized_size(), 3);
    /// ```
    pub fn normalized_size(&self) -> usize {
        self.weight.len()
    }
}

impl<T: Float> Module<T> for LayerNorm<T> {
    /// **Panics** naming the layer if the last axis of `x` is not `C`.
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
        let shape = tape.value(x).shape();
        let c = self.normalized_size();
        assert!(
            shape.last() == Some(&c),
            "LayerNorm({c}): expected input of shape (..., {c}), got {shape:?}"
        );
        let axis = shape.len() - 1;
        let gamma = self.weight.record(tape);
        let beta = self.bias.record(tape);
        let s = standardize(tape, x, axis, self.eps);
        affine(tape, s.normalized, gamma, beta)
    }

    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        out.extend([&self.weight, &self.bias]);
    }

    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        out.extend([&mut self.weight, &mut self.bias]);
    }

    fn reset_parameters(&mut self, _rng: &mut dyn rand::RngCore) {
        self.weight.value_mut().fill(T::one());
        self.bias.value_mut().fill(T::zero());
    }

    fn kind(&self) -> LayerKind {
        LayerKind::LayerNorm
    }
}
