//! Group normalization over groups of channels (Wu & He 2018).

use autodiff::{Float, Tape, Var};
use ndarray::{ArrayD, IxDyn};

use crate::error::{NnError, Result, check_hyper};
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, ParamKind};
use crate::standardize::{affine, standardize};

/// PyTorch's `nn.GroupNorm(G, C)` for inputs `(N, C)` or `(N, C, L, ...)`:
/// the `C` channels of each sample are split into `G` consecutive groups of
/// `C/G` channels, and each group is normalized with its own mean and biased
/// variance (computed by reshaping to `(N, G, C/G·L···)`); then a per-channel
/// `weight` γ (init 1) and `bias` β (init 0) are applied. `eps = 1e-5`.
/// Identical in train and eval mode. `G = 1` normalizes like LayerNorm over
/// all channels; `G = C` normalizes each channel separately.
///
/// ```
/// use autodiff::Tape;
/// use nn::{GroupNorm, Mode, Module};
/// let mut gn = GroupNorm::<f64>::new(2, 4).unwrap();
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[1.0, 3.0, 10.0, 30.0]]);
/// let y = gn.forward(&mut tape, x, Mode::Train);
/// // groups [1, 3] and [10, 30] each become about [-1, 1]
/// assert!(tape.value(y).iter().zip([-1.0, 1.0, -1.0, 1.0]).all(|(a, b)| (a - b).abs() < 1e-5));
/// ```
#[derive(Debug, Clone)]
pub struct GroupNorm<T> {
    weight: Param<T>,
    bias: Param<T>,
    num_groups: usize,
    eps: f64,
}

impl<T: Float> GroupNorm<T> {
    /// `num_groups` groups over `num_channels` channels, `eps = 1e-5`.
    ///
    /// **Errors**: [`NnError::GroupsDoNotDivide`] unless `num_groups` is
    /// positive and divides `num_channels`.
    ///
    /// ```
    /// assert!(nn::GroupNorm::<f32>::new(5, 10).is_ok());
    /// assert!(nn::GroupNorm::<f32>::new(3, 10).is_err());
    /// ```
    pub fn new(num_groups: usize, num_channels: usize) -> Result<Self> {
        Self::with_eps(num_groups, num_channels, 1e-5)
    }

    /// Group normalization with the given `eps`.
    ///
    /// **Errors**: as [`new`](GroupNorm::new), and
    /// [`NnError::InvalidHyperparameter`] unless `eps > 0`.
    ///
    /// ```
    /// assert!(nn::GroupNorm::<f32>::with_eps(2, 4, -1.0).is_err());
    /// ```
    pub fn with_eps(num_groups: usize, num_channels: usize, eps: f64) -> Result<Self> {
        if num_groups == 0 || !num_channels.is_multiple_of(num_groups) {
            return Err(NnError::GroupsDoNotDivide {
                num_groups,
                num_channels,
            });
        }
        check_hyper("eps", eps, eps > 0.0 && eps.is_finite(), "positive")?;
        Ok(GroupNorm {
            weight: Param::new(
                "weight",
                ParamKind::NormScale,
                ArrayD::ones(IxDyn(&[num_channels])),
            ),
            bias: Param::new(
                "bias",
                ParamKind::NormShift,
                ArrayD::zeros(IxDyn(&[num_channels])),
            ),
            num_groups,
            eps,
        })
    }

    /// Number of groups `G`.
    ///
    /// ```
    /// assert_eq!(nn::GroupNorm::<f64>::new(2, 4).unwrap().num_groups(), 2);
    /// ```
    pub fn num_groups(&self) -> usize {
        self.num_groups
    }

    /// Number of channels `C`.
    ///
    /// ```
    /// assert_eq!(nn::GroupNorm::<f64>::new(2, 4).unwrap().num_channels(), 4);
    /// ```
    pub fn num_channels(&self) -> usize {
        self.weight.len()
    }
}

impl<T: Float> Module<T> for GroupNorm<T> {
    /// **Panics** naming the layer unless `x` is `(N, C, ...)`.
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
        let shape = tape.value(x).shape().to_vec();
        let (g, c) = (self.num_groups, self.num_channels());
        assert!(
            shape.len() >= 2 && shape[1] == c,
            "GroupNorm({g}, {c}): expected input of shape (N, {c}, ...), got {shape:?}"
        );
        let group_size: usize = shape[1..].iter().product::<usize>() / g;
        let grouped = tape.reshape(x, &[shape[0], g, group_size]);
        let s = standardize(tape, grouped, 2, self.eps);
        let normalized = tape.reshape(s.normalized, &shape);
        let mut gamma = self.weight.record(tape);
        let mut beta = self.bias.record(tape);
        if shape.len() > 2 {
            // (C,) -> (C, 1, ..., 1) so it broadcasts over the trailing axes
            let mut per_channel = vec![1; shape.len() - 1];
            per_channel[0] = c;
            gamma = tape.reshape(gamma, &per_channel);
            beta = tape.reshape(beta, &per_channel);
        }
        affine(tape, normalized, gamma, beta)
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
        LayerKind::GroupNorm
    }
}
