//! The recipe of a multilayer perceptron, parsed from a spec string such as
//! `784-10-10`.

use std::fmt;
use std::str::FromStr;

use autodiff::Float;
use rand::Rng;

use crate::activation::Activation;
use crate::batch_norm::BatchNorm1d;
use crate::dropout::Dropout;
use crate::error::{NnError, Result};
use crate::group_norm::GroupNorm;
use crate::layer_norm::LayerNorm;
use crate::linear::Linear;
use crate::mlp::Mlp;
use crate::module::Module;
use crate::sequential::Sequential;

/// Normalization inserted between each hidden Linear layer and its
/// activation ("normalization just before the activation function").
///
/// ```
/// let norm = nn::Norm::Group(2);
/// assert_ne!(norm, nn::Norm::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Norm {
    /// No normalization.
    #[default]
    None,
    /// [`BatchNorm1d`].
    Batch,
    /// [`LayerNorm`].
    Layer,
    /// [`GroupNorm`] with this many groups (must divide every hidden width).
    Group(usize),
}

/// The recipe of an [`Mlp`]: layer widths (input, hidden..., output), one
/// activation per hidden layer, optional normalization before each hidden
/// activation and optional dropout after it. Parsed from `784-10-10`
/// (ReLU everywhere, no normalization, no dropout) and adjusted with the
/// builder methods.
///
/// Layout of the built [`Sequential`], per hidden layer:
/// `Linear → [Norm] → Activation → [Dropout]`, then the output `Linear`
/// (logits, no activation).
///
/// ```
/// use nn::{Activation, MlpConfig, Norm};
/// let config = MlpConfig::parse("784-100-10")?
///     .activation(Activation::Tanh)
///     .norm(Norm::Batch)
///     .dropout(0.2);
/// assert_eq!(config.to_string(), "784-100-10 tanh batch_norm dropout(0.2)");
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mlp = config.build::<f32>(&mut rng)?;
/// assert_eq!(mlp.layers().len(), 5);
/// # Ok::<(), nn::NnError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MlpConfig {
    sizes: Vec<usize>,
    activations: Vec<Activation>,
    norm: Norm,
    dropout: Option<f64>,
}

impl MlpConfig {
    /// Parses widths separated by `-`, e.g. `784-10-10`: an input of 784
    /// features, one hidden layer of 10 units and 10 outputs.
    ///
    /// **Errors**: [`NnError::InvalidSpec`] naming a piece that is not a
    /// positive integer, [`NnError::SpecTooShort`] for fewer than 2 widths.
    ///
    /// ```
    /// let config = nn::MlpConfig::parse("784-10-10").unwrap();
    /// assert_eq!(config.sizes(), [784, 10, 10]);
    /// assert!(nn::MlpConfig::parse("784").is_err());
    /// assert!(nn::MlpConfig::parse("784-0-10").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Self> {
        let sizes = spec
            .trim()
            .split('-')
            .map(|token| match token.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(NnError::InvalidSpec {
                    spec: spec.to_string(),
                    token: token.to_string(),
                }),
            })
            .collect::<Result<Vec<usize>>>()?;
        Self::new(&sizes).map_err(|e| match e {
            NnError::LayerTooLarge {
                in_features,
                out_features,
                ..
            } => NnError::LayerTooLarge {
                spec: spec.to_string(),
                in_features,
                out_features,
            },
            _ => NnError::SpecTooShort {
                spec: spec.to_string(),
            },
        })
    }

    /// A config with the given widths (input, hidden..., output), ReLU
    /// activations, no normalization and no dropout.
    ///
    /// **Errors**: [`NnError::SpecTooShort`] for fewer than 2 widths,
    /// [`NnError::InvalidSpec`] for a zero width, [`NnError::LayerTooLarge`]
    /// for a layer whose weight count overflows an array's size (a config
    /// says nothing about whether the memory exists; callers estimate that).
    ///
    /// ```
    /// let config = nn::MlpConfig::new(&[2, 3, 1]).unwrap();
    /// assert!(nn::MlpConfig::new(&[784, usize::MAX, 10]).is_err());
    /// assert_eq!(config.activations(), [nn::Activation::Relu]);
    /// ```
    pub fn new(sizes: &[usize]) -> Result<Self> {
        let spec = || {
            sizes
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("-")
        };
        if sizes.len() < 2 {
            return Err(NnError::SpecTooShort { spec: spec() });
        }
        if sizes.contains(&0) {
            return Err(NnError::InvalidSpec {
                spec: spec(),
                token: "0".into(),
            });
        }
        // an array's bytes must fit in isize (f64: 8 bytes per weight)
        let addressable = (isize::MAX as usize) / 8;
        for pair in sizes.windows(2) {
            if pair[0].checked_mul(pair[1]).is_none_or(|n| n > addressable) {
                return Err(NnError::LayerTooLarge {
                    spec: spec(),
                    in_features: pair[0],
                    out_features: pair[1],
                });
            }
        }
        Ok(MlpConfig {
            sizes: sizes.to_vec(),
            activations: vec![Activation::Relu; sizes.len() - 2],
            norm: Norm::None,
            dropout: None,
        })
    }

    /// The same activation after every hidden layer.
    ///
    /// ```
    /// let c = nn::MlpConfig::parse("4-3-3-2").unwrap().activation(nn::Activation::Sigmoid);
    /// assert_eq!(c.activations(), [nn::Activation::Sigmoid; 2]);
    /// ```
    pub fn activation(mut self, activation: Activation) -> Self {
        self.activations = vec![activation; self.sizes.len() - 2];
        self
    }

    /// One activation per hidden layer (the length is checked by
    /// [`build`](MlpConfig::build)).
    ///
    /// ```
    /// use nn::Activation;
    /// let c = nn::MlpConfig::parse("4-3-3-2").unwrap().activation_per_layer(&[Activation::Relu, Activation::Tanh]);
    /// assert_eq!(c.activations()[1], Activation::Tanh);
    /// ```
    pub fn activation_per_layer(mut self, activations: &[Activation]) -> Self {
        self.activations = activations.to_vec();
        self
    }

    /// Normalization before each hidden activation.
    ///
    /// ```
    /// let c = nn::MlpConfig::parse("4-8-2").unwrap().norm(nn::Norm::Layer);
    /// assert_eq!(c.normalization(), nn::Norm::Layer);
    /// ```
    pub fn norm(mut self, norm: Norm) -> Self {
        self.norm = norm;
        self
    }

    /// Dropout with probability `p` after each hidden activation (checked by
    /// [`build`](MlpConfig::build)).
    ///
    /// ```
    /// let c = nn::MlpConfig::parse("4-8-2").unwrap().dropout(0.5);
    /// assert_eq!(c.dropout_p(), Some(0.5));
    /// ```
    pub fn dropout(mut self, p: f64) -> Self {
        self.dropout = Some(p);
        self
    }

    /// Layer widths: input, hidden..., output.
    ///
    /// ```
    /// assert_eq!(nn::MlpConfig::parse("3-2").unwrap().sizes(), [3, 2]);
    /// ```
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Activations of the hidden layers.
    ///
    /// ```
    /// assert!(nn::MlpConfig::parse("3-2").unwrap().activations().is_empty());
    /// ```
    pub fn activations(&self) -> &[Activation] {
        &self.activations
    }

    /// The normalization choice.
    ///
    /// ```
    /// assert_eq!(nn::MlpConfig::parse("3-2").unwrap().normalization(), nn::Norm::None);
    /// ```
    pub fn normalization(&self) -> Norm {
        self.norm
    }

    /// The dropout probability, if any.
    ///
    /// ```
    /// assert_eq!(nn::MlpConfig::parse("3-2").unwrap().dropout_p(), None);
    /// ```
    pub fn dropout_p(&self) -> Option<f64> {
        self.dropout
    }

    /// Builds the network with PyTorch's default Linear initialization drawn
    /// from `rng` (dropout layers are seeded from `rng` too).
    ///
    /// **Errors**: [`NnError::WrongCount`] if the activations do not match the
    /// hidden layers, [`NnError::GroupsDoNotDivide`] for a group count that
    /// does not divide a hidden width, [`NnError::InvalidHyperparameter`] for
    /// a dropout probability outside `[0, 1]`.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let bad = nn::MlpConfig::parse("4-6-2").unwrap().norm(nn::Norm::Group(4));
    /// assert!(matches!(bad.build::<f32>(&mut rng), Err(nn::NnError::GroupsDoNotDivide { .. })));
    /// ```
    pub fn build<T: Float>(&self, rng: &mut impl Rng) -> Result<Mlp<T>> {
        let hidden = self.sizes.len() - 2;
        if self.activations.len() != hidden {
            return Err(NnError::WrongCount {
                what: "MLP activations",
                expected: hidden,
                found: self.activations.len(),
            });
        }
        let mut layers = Sequential::new();
        let mut linear_at = Vec::new();
        let mut activation_at = Vec::new();
        for (k, pair) in self.sizes.windows(2).enumerate() {
            linear_at.push(layers.len());
            layers.push(Linear::new(pair[0], pair[1], rng));
            if k == hidden {
                break;
            }
            let width = pair[1];
            match self.norm {
                Norm::None => {}
                Norm::Batch => layers.push(BatchNorm1d::new(width)),
                Norm::Layer => layers.push(LayerNorm::new(width)),
                Norm::Group(g) => layers.push(GroupNorm::new(g, width)?),
            }
            activation_at.push(layers.len());
            layers.push(self.activations[k]);
            if let Some(p) = self.dropout {
                layers.push(Dropout::new(p, rng.random())?);
            }
        }
        layers.set_prefix("layers");
        Ok(Mlp::from_parts(
            self.clone(),
            layers,
            linear_at,
            activation_at,
        ))
    }
}

impl FromStr for MlpConfig {
    type Err = NnError;

    fn from_str(spec: &str) -> Result<Self> {
        MlpConfig::parse(spec)
    }
}

impl fmt::Display for MlpConfig {
    /// `784-10-10 relu`, then the normalization and dropout if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sizes: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        write!(f, "{}", sizes.join("-"))?;
        let mut acts: Vec<String> = self.activations.iter().map(|a| a.to_string()).collect();
        acts.dedup();
        if !acts.is_empty() {
            write!(f, " {}", acts.join(","))?;
        }
        match self.norm {
            Norm::None => {}
            Norm::Batch => write!(f, " batch_norm")?,
            Norm::Layer => write!(f, " layer_norm")?,
            Norm::Group(g) => write!(f, " group_norm({g})")?,
        }
        if let Some(p) = self.dropout {
            write!(f, " dropout({p})")?;
        }
        Ok(())
    }
}
