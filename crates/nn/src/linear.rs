//! The fully connected layer `y = x·Wᵀ + b`.

use autodiff::{Float, Tape, Var};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Ix1, Ix2};
use rand::{Rng, RngCore};

use crate::error::{NnError, Result};
use crate::fans::Fans;
use crate::init::Init;
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, ParamKind};

/// A fully connected layer, PyTorch's `nn.Linear`: `y = x·Wᵀ + b` for input
/// `x` of shape `(N, in)`, weight `W` stored as `out × in` and an optional
/// bias `b` of length `out`. Parameters are named `weight` and `bias`.
///
/// Default initialization is PyTorch's: `W ~ U(-1/√in, 1/√in)`
/// (`kaiming_uniform_` with `a = √5`) and `b ~ U(-1/√in, 1/√in)`.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Linear, Mode, Module};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mut layer = Linear::<f32>::new(784, 10, &mut rng);
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::Array2::<f32>::zeros((32, 784)));
/// let y = layer.forward(&mut tape, x, Mode::Train);
/// assert_eq!(tape.value(y).shape(), &[32, 10]);
/// ```
#[derive(Debug, Clone)]
pub struct Linear<T> {
    weight: Param<T>,
    bias: Option<Param<T>>,
}

impl<T: Float> Linear<T> {
    /// A layer with bias and PyTorch's default initialization.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let layer = nn::Linear::<f64>::new(4, 3, &mut rng);
    /// assert_eq!(layer.weight().dim(), (3, 4));
    /// assert!(layer.weight().iter().all(|w| w.abs() <= 0.5)); // 1/√4
    /// ```
    pub fn new<R: Rng + ?Sized>(in_features: usize, out_features: usize, rng: &mut R) -> Self {
        let mut layer = Self::zeros(in_features, out_features, true);
        layer.reset_with(rng);
        layer
    }

    /// A layer without bias and PyTorch's default initialization.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let layer = nn::Linear::<f64>::no_bias(4, 3, &mut rng);
    /// assert!(layer.bias().is_none());
    /// ```
    pub fn no_bias<R: Rng + ?Sized>(in_features: usize, out_features: usize, rng: &mut R) -> Self {
        let mut layer = Self::zeros(in_features, out_features, false);
        layer.reset_with(rng);
        layer
    }

    /// A layer with the given weight (`out × in`) and optional bias (`out`).
    ///
    /// **Errors**: [`NnError::ShapeMismatch`] if the bias length is not the
    /// number of weight rows.
    ///
    /// ```
    /// use ndarray::array;
    /// let layer = nn::Linear::from_arrays(array![[1.0, 2.0]], Some(array![0.5])).unwrap();
    /// assert_eq!(layer.in_features(), 2);
    /// assert!(nn::Linear::from_arrays(array![[1.0, 2.0]], Some(array![0.5, 1.0])).is_err());
    /// ```
    pub fn from_arrays(weight: Array2<T>, bias: Option<Array1<T>>) -> Result<Self> {
        if let Some(b) = bias.as_ref().filter(|b| b.len() != weight.nrows()) {
            return Err(NnError::ShapeMismatch {
                name: "bias".into(),
                expected: vec![weight.nrows()],
                found: b.shape().to_vec(),
            });
        }
        Ok(Linear {
            weight: Param::new("weight", ParamKind::Weight, weight.into_dyn()),
            bias: bias.map(|b| Param::new("bias", ParamKind::Bias, b.into_dyn())),
        })
    }

    fn zeros(in_features: usize, out_features: usize, bias: bool) -> Self {
        let w = Array2::zeros((out_features, in_features));
        let b = bias.then(|| Array1::zeros(out_features));
        Self::from_arrays(w, b).expect("bias length equals out_features")
    }

    fn reset_with<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let shape = self.weight.value().shape().to_vec();
        Init::torch_linear_weight()
            .fill(&mut self.weight.value_mut(), rng)
            .expect("a Linear weight has 2 axes");
        if let Some(bias) = &mut self.bias {
            let fan_in = Fans::of(&shape).map_or(0, |f| f.fan_in);
            let bound = if fan_in > 0 {
                1.0 / (fan_in as f64).sqrt()
            } else {
                0.0
            };
            Init::Uniform {
                low: -bound,
                high: bound,
            }
            .fill(&mut bias.value_mut(), rng)
            .expect("finite bounds");
        }
    }

    /// Number of inputs.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// assert_eq!(nn::Linear::<f32>::new(5, 2, &mut rng).in_features(), 5);
    /// ```
    pub fn in_features(&self) -> usize {
        self.weight.value().shape()[1]
    }

    /// Number of outputs.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// assert_eq!(nn::Linear::<f32>::new(5, 2, &mut rng).out_features(), 2);
    /// ```
    pub fn out_features(&self) -> usize {
        self.weight.value().shape()[0]
    }

    /// The weight, `out × in`: row `j` holds the input weights of unit `j`.
    ///
    /// ```
    /// let layer = nn::Linear::from_arrays(ndarray::array![[1.0, 2.0], [3.0, 4.0]], None).unwrap();
    /// assert_eq!(layer.weight().row(1).to_vec(), [3.0, 4.0]);
    /// ```
    pub fn weight(&self) -> ArrayView2<'_, T> {
        as2(self.weight.value().view())
    }

    /// The weight, mutably (to read or replace units' weights in place).
    ///
    /// ```
    /// let mut layer = nn::Linear::from_arrays(ndarray::array![[1.0, 2.0]], None).unwrap();
    /// layer.weight_mut().fill(0.0);
    /// assert_eq!(layer.weight().sum(), 0.0);
    /// ```
    pub fn weight_mut(&mut self) -> ArrayViewMut2<'_, T> {
        self.weight
            .value_mut()
            .into_dimensionality::<Ix2>()
            .expect("Linear weight has 2 axes")
    }

    /// The bias, if the layer has one.
    ///
    /// ```
    /// let layer = nn::Linear::from_arrays(ndarray::array![[1.0]], Some(ndarray::array![0.25])).unwrap();
    /// assert_eq!(layer.bias().unwrap()[0], 0.25);
    /// ```
    pub fn bias(&self) -> Option<ArrayView1<'_, T>> {
        self.bias.as_ref().map(|b| {
            b.value()
                .view()
                .into_dimensionality::<Ix1>()
                .expect("Linear bias has 1 axis")
        })
    }

    /// The weight parameter (name, value, recorded `Var`).
    ///
    /// ```
    /// let layer = nn::Linear::from_arrays(ndarray::array![[1.0]], None).unwrap();
    /// assert_eq!(layer.weight_param().name(), "weight");
    /// ```
    pub fn weight_param(&self) -> &Param<T> {
        &self.weight
    }

    /// The bias parameter, if any.
    ///
    /// ```
    /// let layer = nn::Linear::from_arrays(ndarray::array![[1.0]], None).unwrap();
    /// assert!(layer.bias_param().is_none());
    /// ```
    pub fn bias_param(&self) -> Option<&Param<T>> {
        self.bias.as_ref()
    }
}

fn as2<T>(a: ndarray::ArrayViewD<'_, T>) -> ArrayView2<'_, T> {
    a.into_dimensionality::<Ix2>()
        .expect("Linear weight has 2 axes")
}

impl<T: Float> Module<T> for Linear<T> {
    /// **Panics** naming the layer if `x` is not `(N, in_features)`.
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
        let shape = tape.value(x).shape();
        assert!(
            shape.len() == 2 && shape[1] == self.in_features(),
            "Linear({} -> {}): expected input of shape (N, {}), got {:?}",
            self.in_features(),
            self.out_features(),
            self.in_features(),
            shape
        );
        let w = self.weight.record(tape);
        let b = self.bias.as_mut().map(|b| b.record(tape));
        tape.linear(x, w, b)
    }

    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        out.push(&self.weight);
        out.extend(self.bias.as_ref());
    }

    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        out.push(&mut self.weight);
        out.extend(self.bias.as_mut());
    }

    fn reset_parameters(&mut self, rng: &mut dyn RngCore) {
        self.reset_with(rng);
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Linear
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn forward_is_x_times_w_transposed_plus_b() {
        let mut layer = Linear::from_arrays(
            array![[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]],
            Some(array![0.5, 0.0, -1.0]),
        )
        .unwrap();
        let mut tape = Tape::<f64>::new();
        let x = tape.constant(array![[1.0, 1.0], [2.0, -1.0]]);
        let y = layer.forward(&mut tape, x, Mode::Train);
        assert_eq!(
            tape.value(y),
            &array![[3.5, -1.0, 3.0], [0.5, 1.0, 4.0]].into_dyn()
        );
    }

    #[test]
    fn default_init_stays_within_one_over_sqrt_fan_in() {
        let mut rng = StdRng::seed_from_u64(7);
        let layer = Linear::<f64>::new(100, 50, &mut rng);
        let bound = 0.1;
        assert!(layer.weight().iter().all(|w| w.abs() <= bound));
        assert!(layer.bias().unwrap().iter().all(|b| b.abs() <= bound));
        // not degenerate: the spread reaches most of the interval
        let max = layer.weight().iter().fold(0.0f64, |m, w| m.max(w.abs()));
        assert!(max > 0.09);
    }

    #[test]
    #[should_panic(expected = "Linear(3 -> 2): expected input of shape (N, 3), got [1, 4]")]
    fn wrong_input_width_panics_naming_the_layer() {
        let mut rng = StdRng::seed_from_u64(0);
        let mut layer = Linear::<f64>::new(3, 2, &mut rng);
        let mut tape = Tape::new();
        let x = tape.constant(ndarray::Array2::<f64>::zeros((1, 4)));
        layer.forward(&mut tape, x, Mode::Train);
    }
}
