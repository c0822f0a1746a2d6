//! The model settings: activation, initialization and normalization names,
//! and building the MLP they describe.

use std::fmt;
use std::str::FromStr;

use nn::{Activation, FanMode, Init, MlpConfig, Module, Nonlinearity, Norm};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::choice::choice;
use super::error::ConfigError;

choice! {
    /// The hidden layers' nonlinearity.
    ActivationChoice, "activation" {
        /// `max(0, x)`.
        Relu => "relu",
        /// `max(0.01·x, x)` (PyTorch's default slope).
        LeakyRelu => "leaky-relu",
        /// `tanh(x)`.
        Tanh => "tanh",
        /// `1 / (1 + e^(−x))`.
        Sigmoid => "sigmoid",
        /// `ln(1 + eˣ)`.
        Softplus => "softplus",
        /// No nonlinearity (a deep linear network).
        Identity => "identity",
    }
}

impl ActivationChoice {
    /// The `nn` layer.
    ///
    /// ```
    /// use experiments::train::ActivationChoice;
    /// assert_eq!(ActivationChoice::Relu.activation(), nn::Activation::Relu);
    /// ```
    pub fn activation(self) -> Activation {
        match self {
            ActivationChoice::Relu => Activation::Relu,
            ActivationChoice::LeakyRelu => Activation::leaky_relu_default(),
            ActivationChoice::Tanh => Activation::Tanh,
            ActivationChoice::Sigmoid => Activation::Sigmoid,
            ActivationChoice::Softplus => Activation::Softplus,
            ActivationChoice::Identity => Activation::Identity,
        }
    }
}

choice! {
    /// How the weights are initialized (biases start at zero, except with
    /// `default`, which keeps PyTorch's `nn.Linear` initialization).
    InitChoice, "init" {
        /// PyTorch's `nn.Linear` default: U(±1/√fan_in) for weights and biases.
        Default => "default",
        /// He et al., uniform, fan-in, gain of the activation.
        KaimingUniform => "kaiming-uniform",
        /// He et al., normal, fan-in, gain of the activation.
        KaimingNormal => "kaiming-normal",
        /// Glorot & Bengio, uniform, gain of the activation.
        XavierUniform => "xavier-uniform",
        /// Glorot & Bengio, normal, gain of the activation.
        XavierNormal => "xavier-normal",
        /// A (semi-)orthogonal matrix times the activation's gain.
        Orthogonal => "orthogonal",
        /// N(0, 1/fan_in).
        LecunNormal => "lecun-normal",
        /// All zeros: the symmetry problem, for demonstrations.
        Zeros => "zeros",
    }
}

impl InitChoice {
    /// The weight scheme for layers followed by `nonlinearity`; `None` for
    /// `default` (keep what the layers drew).
    ///
    /// ```
    /// use experiments::train::InitChoice;
    /// let he = InitChoice::KaimingUniform.weights(nn::Nonlinearity::Relu).unwrap();
    /// assert_eq!(he, nn::Init::kaiming_uniform(nn::FanMode::FanIn, nn::Nonlinearity::Relu));
    /// assert!(InitChoice::Default.weights(nn::Nonlinearity::Relu).is_none());
    /// ```
    pub fn weights(self, nonlinearity: Nonlinearity) -> Option<Init> {
        Some(match self {
            InitChoice::Default => return None,
            InitChoice::KaimingUniform => Init::kaiming_uniform(FanMode::FanIn, nonlinearity),
            InitChoice::KaimingNormal => Init::kaiming_normal(FanMode::FanIn, nonlinearity),
            InitChoice::XavierUniform => Init::xavier_uniform(nonlinearity),
            InitChoice::XavierNormal => Init::xavier_normal(nonlinearity),
            InitChoice::Orthogonal => Init::orthogonal(nonlinearity),
            InitChoice::LecunNormal => Init::LecunNormal,
            InitChoice::Zeros => Init::Zeros,
        })
    }
}

/// The normalization layer after every hidden linear layer: `none`,
/// `batch`, `layer` or `group:G` (G groups).
///
/// ```
/// use experiments::train::NormSpec;
/// let n: NormSpec = "group:4".parse().unwrap();
/// assert_eq!(n.0, nn::Norm::Group(4));
/// assert_eq!(n.to_string(), "group:4");
/// assert!("group:0".parse::<NormSpec>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct NormSpec(pub Norm);

impl FromStr for NormSpec {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, ConfigError> {
        let key = text.trim().to_ascii_lowercase();
        let norm = match key.as_str() {
            "none" => Norm::None,
            "batch" | "batch-norm" => Norm::Batch,
            "layer" | "layer-norm" => Norm::Layer,
            _ => match key.strip_prefix("group:").map(str::parse::<usize>) {
                Some(Ok(g)) if g > 0 => Norm::Group(g),
                _ => {
                    return Err(ConfigError::Unknown {
                        what: "norm",
                        value: text.to_string(),
                        known: "none, batch, layer, group:G".into(),
                    });
                }
            },
        };
        Ok(NormSpec(norm))
    }
}

impl fmt::Display for NormSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Norm::None => f.write_str("none"),
            Norm::Batch => f.write_str("batch"),
            Norm::Layer => f.write_str("layer"),
            Norm::Group(g) => write!(f, "group:{g}"),
        }
    }
}

impl Serialize for NormSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NormSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Re-initializes `model`'s weights with `init` (biases to zero); nothing
/// for [`InitChoice::Default`].
///
/// **Errors**: a scheme that does not fit a parameter's shape.
pub(crate) fn apply_init<T: autodiff::Float, M: Module<T> + ?Sized>(
    model: &mut M,
    init: InitChoice,
    activation: ActivationChoice,
    rng: &mut impl rand::Rng,
) -> nn::Result<()> {
    match init.weights(activation.activation().nonlinearity()) {
        Some(weights) => nn::init_model(model, weights, Init::Zeros, rng),
        None => Ok(()),
    }
}

/// Parses the spec and applies the layer options.
pub(crate) fn mlp_config(
    spec: &str,
    activation: ActivationChoice,
    norm: NormSpec,
    dropout: f64,
) -> Result<MlpConfig, ConfigError> {
    let config = MlpConfig::parse(spec).map_err(|source| ConfigError::Model {
        spec: spec.to_string(),
        source,
    })?;
    let config = config.activation(activation.activation()).norm(norm.0);
    Ok(if dropout > 0.0 {
        config.dropout(dropout)
    } else {
        config
    })
}
