//! Elementwise activation functions as layers.

use std::fmt;

use autodiff::{Float, Tape, Var};

use crate::gain::Nonlinearity;
use crate::module::{LayerKind, Mode, Module};

/// An elementwise nonlinearity as a layer without parameters (PyTorch's
/// `nn.ReLU`, `nn.LeakyReLU`, `nn.Sigmoid`, `nn.Tanh`, `nn.Softplus`,
/// `nn.Identity`). Identical in train and eval mode.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Activation, Mode, Module};
/// let mut tape = Tape::<f64>::new();
/// let x = tape.constant(ndarray::array![[-2.0, 3.0]]);
/// let y = Activation::LeakyRelu(0.1).forward(&mut tape, x, Mode::Train);
/// assert_eq!(tape.value(y), &ndarray::array![[-0.2, 3.0]].into_dyn());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// max(0, x).
    Relu,
    /// x for x > 0, slope·x otherwise (PyTorch's default slope is 0.01).
    LeakyRelu(f64),
    /// 1 / (1 + e⁻ˣ).
    Sigmoid,
    /// tanh x.
    Tanh,
    /// ln(1 + eˣ) (PyTorch's threshold 20 for large inputs).
    Softplus,
    /// x.
    Identity,
}

impl Activation {
    /// PyTorch's default `nn.LeakyReLU()` (slope 0.01).
    ///
    /// ```
    /// assert_eq!(nn::Activation::leaky_relu_default(), nn::Activation::LeakyRelu(0.01));
    /// ```
    pub fn leaky_relu_default() -> Self {
        Activation::LeakyRelu(0.01)
    }

    /// The nonlinearity to pass to [`Init`](crate::Init) for the recommended
    /// gain (softplus is treated like ReLU, identity like linear).
    ///
    /// ```
    /// use nn::{Activation, Nonlinearity};
    /// assert_eq!(Activation::Tanh.nonlinearity(), Nonlinearity::Tanh);
    /// assert_eq!(Activation::Relu.nonlinearity().gain(), 2f64.sqrt());
    /// ```
    pub fn nonlinearity(self) -> Nonlinearity {
        match self {
            Activation::Relu | Activation::Softplus => Nonlinearity::Relu,
            Activation::LeakyRelu(slope) => Nonlinearity::LeakyRelu(slope),
            Activation::Sigmoid => Nonlinearity::Sigmoid,
            Activation::Tanh => Nonlinearity::Tanh,
            Activation::Identity => Nonlinearity::Linear,
        }
    }

    /// Applies the function on the tape.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let x = tape.constant(ndarray::array![-1.0_f32, 2.0]);
    /// let y = nn::Activation::Relu.apply(&mut tape, x);
    /// assert_eq!(tape.value(y), &ndarray::array![0.0_f32, 2.0].into_dyn());
    /// ```
    pub fn apply<T: Float>(self, tape: &mut Tape<T>, x: Var) -> Var {
        match self {
            Activation::Relu => tape.relu(x),
            Activation::LeakyRelu(slope) => tape.leaky_relu(x, T::of(slope)),
            Activation::Sigmoid => tape.sigmoid(x),
            Activation::Tanh => tape.tanh(x),
            Activation::Softplus => tape.softplus(x),
            Activation::Identity => x,
        }
    }
}

impl fmt::Display for Activation {
    /// The lower-case name used in configs and reports (`relu`,
    /// `leaky_relu(0.01)`, ...).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Relu => write!(f, "relu"),
            Activation::LeakyRelu(slope) => write!(f, "leaky_relu({slope})"),
            Activation::Sigmoid => write!(f, "sigmoid"),
            Activation::Tanh => write!(f, "tanh"),
            Activation::Softplus => write!(f, "softplus"),
            Activation::Identity => write!(f, "identity"),
        }
    }
}

impl<T: Float> Module<T> for Activation {
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
        self.apply(tape, x)
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Activation(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn each_activation_matches_its_formula() {
        let xs = [-3.0, -0.5, 0.0, 0.5, 3.0];
        type Formula = fn(f64) -> f64;
        let cases: [(Activation, Formula); 6] = [
            (Activation::Relu, |x| x.max(0.0)),
            (Activation::LeakyRelu(0.2), |x| {
                if x > 0.0 { x } else { 0.2 * x }
            }),
            (Activation::Sigmoid, |x| 1.0 / (1.0 + (-x).exp())),
            (Activation::Tanh, f64::tanh),
            (Activation::Softplus, |x| x.exp().ln_1p()),
            (Activation::Identity, |x| x),
        ];
        for (act, f) in cases {
            let mut tape = Tape::<f64>::new();
            let x = tape.constant(array![xs[0], xs[1], xs[2], xs[3], xs[4]]);
            let mut layer = act;
            let y = Module::<f64>::forward(&mut layer, &mut tape, x, Mode::Eval);
            for (got, &x) in tape.value(y).iter().zip(&xs) {
                assert!((got - f(x)).abs() < 1e-15, "{act}({x}) = {got}");
            }
        }
    }
}
