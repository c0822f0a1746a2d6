//! Recommended gains per nonlinearity: PyTorch's `torch.nn.init.calculate_gain`.

/// The nonlinearity that follows a layer, for choosing an init gain.
///
/// [`gain`](Nonlinearity::gain) returns exactly PyTorch's `calculate_gain`:
///
/// | nonlinearity | gain |
/// | --- | --- |
/// | linear, conv, sigmoid | 1 |
/// | tanh | 5/3 |
/// | relu | √2 |
/// | leaky_relu (slope a) | √(2 / (1 + a²)) |
/// | selu | 3/4 |
///
/// ```
/// use nn::Nonlinearity;
/// assert_eq!(Nonlinearity::Relu.gain(), 2f64.sqrt());
/// assert_eq!(Nonlinearity::Tanh.gain(), 5.0 / 3.0);
/// // PyTorch's default slope for leaky_relu is 0.01
/// assert_eq!(Nonlinearity::leaky_relu_default().gain(), (2.0 / (1.0 + 0.01f64.powi(2))).sqrt());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nonlinearity {
    /// No nonlinearity (gain 1).
    Linear,
    /// A convolution (any of PyTorch's conv / conv-transpose names; gain 1).
    Conv,
    /// Logistic sigmoid (gain 1).
    Sigmoid,
    /// Hyperbolic tangent (gain 5/3).
    Tanh,
    /// Rectified linear unit (gain √2).
    Relu,
    /// Leaky ReLU with the given negative slope (gain √(2/(1+slope²))).
    LeakyRelu(f64),
    /// Scaled exponential linear unit (gain 3/4).
    Selu,
}

impl Nonlinearity {
    /// PyTorch's default leaky ReLU (negative slope 0.01).
    ///
    /// ```
    /// assert_eq!(nn::Nonlinearity::leaky_relu_default(), nn::Nonlinearity::LeakyRelu(0.01));
    /// ```
    pub fn leaky_relu_default() -> Self {
        Nonlinearity::LeakyRelu(0.01)
    }

    /// The recommended gain (PyTorch's `calculate_gain`).
    ///
    /// ```
    /// use nn::Nonlinearity;
    /// assert_eq!(Nonlinearity::Selu.gain(), 0.75);
    /// // Linear's default init is kaiming_uniform with a = √5: gain √(1/3)
    /// assert!((Nonlinearity::LeakyRelu(5f64.sqrt()).gain() - (1.0f64 / 3.0).sqrt()).abs() < 1e-16);
    /// ```
    pub fn gain(self) -> f64 {
        match self {
            Nonlinearity::Linear | Nonlinearity::Conv | Nonlinearity::Sigmoid => 1.0,
            Nonlinearity::Tanh => 5.0 / 3.0,
            Nonlinearity::Relu => 2f64.sqrt(),
            Nonlinearity::LeakyRelu(slope) => (2.0 / (1.0 + slope * slope)).sqrt(),
            Nonlinearity::Selu => 3.0 / 4.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Nonlinearity;

    #[test]
    fn gains_equal_pytorch() {
        // Values of torch.nn.init.calculate_gain(name[, param]), i.e. Python's
        // math.sqrt(2.0 / (1 + slope ** 2)) etc. printed with repr();
        // √2 = 1.4142135623730951 is std::f64::consts::SQRT_2.
        let cases = [
            (Nonlinearity::Linear, 1.0),
            (Nonlinearity::Conv, 1.0),
            (Nonlinearity::Sigmoid, 1.0),
            (Nonlinearity::Tanh, 1.6666666666666667),
            (Nonlinearity::Relu, std::f64::consts::SQRT_2),
            (Nonlinearity::LeakyRelu(0.01), 1.4141428569978354),
            (Nonlinearity::LeakyRelu(0.2), 1.3867504905630728),
            (Nonlinearity::LeakyRelu(0.0), std::f64::consts::SQRT_2),
            (Nonlinearity::LeakyRelu(5f64.sqrt()), 0.5773502691896257),
            (Nonlinearity::Selu, 0.75),
        ];
        for (nl, expected) in cases {
            assert_eq!(nl.gain(), expected, "{nl:?}");
        }
    }
}
