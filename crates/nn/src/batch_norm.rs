//! Batch normalization over the batch axis (Ioffe & Szegedy 2015).

use autodiff::{Float, Tape, Var};
use ndarray::{ArrayD, IxDyn, Zip};

use crate::buffer::{Buffer, BufferValue};
use crate::error::{Result, check_hyper};
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, ParamKind};
use crate::standardize::{affine, standardize};

/// PyTorch's `nn.BatchNorm1d(C)` for inputs `(N, C)`.
///
/// * `Train`: each feature is normalized with the mean and the **biased**
///   variance of the batch, `y = (x - μ_B) / √(σ²_B + eps) · γ + β`, and the
///   backward pass goes through `μ_B` and `σ²_B` exactly. The running
///   statistics are updated with the **unbiased** batch variance:
///   `running = (1 - momentum)·running + momentum·batch_stat`, and
///   `num_batches_tracked` is incremented.
/// * `Eval`: `y = (x - running_mean) / √(running_var + eps) · γ + β`.
///
/// Parameters `weight` (γ, init 1) and `bias` (β, init 0); buffers
/// `running_mean` (init 0), `running_var` (init 1) and `num_batches_tracked`
/// (an `I64` counter). Defaults: `eps = 1e-5`, `momentum = 0.1`.
///
/// ```
/// use autodiff::Tape;
/// use nn::{BatchNorm1d, Mode, Module};
/// let mut bn = BatchNorm1d::<f64>::new(2);
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[1.0, 10.0], [3.0, 30.0]]);
/// let y = bn.forward(&mut tape, x, Mode::Train);
/// // each column becomes ±1 (up to eps)
/// assert!((tape.value(y)[[0, 1]] + 1.0).abs() < 1e-6);
/// // running_mean = 0.9·0 + 0.1·[2, 20]
/// assert_eq!(bn.running_mean(), &ndarray::array![0.2, 2.0].into_dyn());
/// ```
#[derive(Debug, Clone)]
pub struct BatchNorm1d<T> {
    weight: Param<T>,
    bias: Param<T>,
    running_mean: Buffer<T>,
    running_var: Buffer<T>,
    num_batches_tracked: Buffer<T>,
    eps: f64,
    momentum: f64,
}

impl<T: Float> BatchNorm1d<T> {
    /// Batch normalization of `num_features` features with `eps = 1e-5` and
    /// `momentum = 0.1`.
    ///
    /// ```
    /// let bn = nn::BatchNorm1d::<f32>::new(10);
    /// assert_eq!(bn.num_features(), 10);
    /// ```
    pub fn new(num_features: usize) -> Self {
        Self::with_options(num_features, 1e-5, 0.1).expect("default eps and momentum are valid")
    }

    /// Batch normalization with the given `eps` and `momentum`.
    ///
    /// **Errors**: [`NnError::InvalidHyperparameter`](crate::NnError::InvalidHyperparameter)
    /// unless `eps > 0` and `0 <= momentum <= 1`.
    ///
    /// ```
    /// assert!(nn::BatchNorm1d::<f32>::with_options(4, 1e-3, 0.01).is_ok());
    /// assert!(nn::BatchNorm1d::<f32>::with_options(4, 1e-3, 2.0).is_err());
    /// ```
    pub fn with_options(num_features: usize, eps: f64, momentum: f64) -> Result<Self> {
        check_hyper("eps", eps, eps > 0.0 && eps.is_finite(), "positive")?;
        check_hyper(
            "momentum",
            momentum,
            (0.0..=1.0).contains(&momentum),
            "in [0, 1]",
        )?;
        let ones = || ArrayD::ones(IxDyn(&[num_features]));
        let zeros = || ArrayD::zeros(IxDyn(&[num_features]));
        Ok(BatchNorm1d {
            weight: Param::new("weight", ParamKind::NormScale, ones()),
            bias: Param::new("bias", ParamKind::NormShift, zeros()),
            running_mean: Buffer::new("running_mean", BufferValue::Float(zeros())),
            running_var: Buffer::new("running_var", BufferValue::Float(ones())),
            num_batches_tracked: Buffer::new("num_batches_tracked", BufferValue::Count(0)),
            eps,
            momentum,
        })
    }

    /// Number of features `C`.
    ///
    /// ```
    /// assert_eq!(nn::BatchNorm1d::<f64>::new(3).num_features(), 3);
    /// ```
    pub fn num_features(&self) -> usize {
        self.weight.len()
    }

    /// The running mean (starts at 0).
    ///
    /// ```
    /// assert_eq!(nn::BatchNorm1d::<f64>::new(2).running_mean().sum(), 0.0);
    /// ```
    pub fn running_mean(&self) -> &ArrayD<T> {
        self.running_mean.float().expect("running_mean is a tensor")
    }

    /// The running (unbiased) variance (starts at 1).
    ///
    /// ```
    /// assert_eq!(nn::BatchNorm1d::<f64>::new(2).running_var().sum(), 2.0);
    /// ```
    pub fn running_var(&self) -> &ArrayD<T> {
        self.running_var.float().expect("running_var is a tensor")
    }

    /// Number of training batches seen.
    ///
    /// ```
    /// assert_eq!(nn::BatchNorm1d::<f64>::new(2).num_batches_tracked(), 0);
    /// ```
    pub fn num_batches_tracked(&self) -> i64 {
        self.num_batches_tracked.count().expect("a counter")
    }

    fn check_input(&self, shape: &[usize], mode: Mode) {
        assert!(
            shape.len() == 2 && shape[1] == self.num_features(),
            "BatchNorm1d({}): expected input of shape (N, {}), got {:?}",
            self.num_features(),
            self.num_features(),
            shape
        );
        assert!(
            mode == Mode::Eval || shape[0] > 1,
            "BatchNorm1d({}): training needs more than 1 value per feature, got input of shape {:?}",
            self.num_features(),
            shape
        );
    }

    /// `running = (1 - m)·running + m·stat` for the batch mean and the
    /// unbiased batch variance `σ²_B · n/(n-1)`.
    fn update_running_stats(&mut self, batch_mean: &ArrayD<T>, batch_var: &ArrayD<T>, n: usize) {
        let m = T::of(self.momentum);
        let keep = T::one() - m;
        let unbias = T::of(n as f64) / T::of((n - 1) as f64);
        let mean = batch_mean
            .view()
            .into_shape_with_order(IxDyn(&[self.num_features()]));
        let var = batch_var
            .view()
            .into_shape_with_order(IxDyn(&[self.num_features()]));
        let (mean, var) = (mean.expect("(1, C) stats"), var.expect("(1, C) stats"));
        Zip::from(self.running_mean.float_mut())
            .and(&mean)
            .for_each(|r, &s| *r = keep * *r + m * s);
        Zip::from(self.running_var.float_mut())
            .and(&var)
            .for_each(|r, &s| *r = keep * *r + m * (s * unbias));
        if let BufferValue::Count(n) = self.num_batches_tracked.value_mut() {
            *n += 1;
        }
    }
}

impl<T: Float> Module<T> for BatchNorm1d<T> {
    /// **Panics** naming the layer unless `x` is `(N, C)`, and in `Train` mode
    /// unless `N > 1` (like PyTorch, the variance of one sample is undefined).
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode) -> Var {
        let shape = tape.value(x).shape().to_vec();
        self.check_input(&shape, mode);
        let gamma = self.weight.record(tape);
        let beta = self.bias.record(tape);
        match mode {
            Mode::Train => {
                let s = standardize(tape, x, 0, self.eps);
                self.update_running_stats(tape.value(s.mean), tape.value(s.var), shape[0]);
                affine(tape, s.normalized, gamma, beta)
            }
            Mode::Eval => {
                let mean = tape.constant_copy(self.running_mean());
                let var = tape.constant_copy(self.running_var());
                let centered = tape.sub(x, mean);
                let shifted = tape.add_scalar(var, T::of(self.eps));
                let std = tape.sqrt(shifted);
                let normalized = tape.div(centered, std);
                affine(tape, normalized, gamma, beta)
            }
        }
    }

    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        out.extend([&self.weight, &self.bias]);
    }

    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        out.extend([&mut self.weight, &mut self.bias]);
    }

    fn collect_buffers<'a>(&'a self, out: &mut Vec<&'a Buffer<T>>) {
        out.extend([
            &self.running_mean,
            &self.running_var,
            &self.num_batches_tracked,
        ]);
    }

    fn collect_buffers_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Buffer<T>>) {
        out.extend([
            &mut self.running_mean,
            &mut self.running_var,
            &mut self.num_batches_tracked,
        ]);
    }

    /// Like PyTorch: γ = 1, β = 0 and the running statistics reset.
    fn reset_parameters(&mut self, _rng: &mut dyn rand::RngCore) {
        self.weight.value_mut().fill(T::one());
        self.bias.value_mut().fill(T::zero());
        self.running_mean.float_mut().fill(T::zero());
        self.running_var.float_mut().fill(T::one());
        *self.num_batches_tracked.value_mut() = BufferValue::Count(0);
    }

    fn kind(&self) -> LayerKind {
        LayerKind::BatchNorm
    }
}
