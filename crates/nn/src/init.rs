//! Initialization schemes (PyTorch's `torch.nn.init`), sampled from an
//! explicit RNG.

use autodiff::Float;
use ndarray::{ArrayD, ArrayViewMutD, IxDyn};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal, StandardUniform};

use crate::error::{NnError, Result, check_hyper};
use crate::fans::{FanMode, Fans};
use crate::gain::Nonlinearity;
use crate::orthogonal::orthogonal;

/// An initialization scheme. Formulas (PyTorch's `torch.nn.init`), with fans
/// from [`Fans`] and a gain from [`Nonlinearity::gain`]:
///
/// | scheme | distribution |
/// | --- | --- |
/// | `Zeros`, `Constant(c)` | all entries equal |
/// | `Uniform { low, high }` | U(low, high) |
/// | `Normal { mean, std }` | N(mean, std²) |
/// | `XavierUniform { gain }` | U(-b, b), b = gain·√(6 / (fan_in + fan_out)) |
/// | `XavierNormal { gain }` | N(0, σ²), σ = gain·√(2 / (fan_in + fan_out)) |
/// | `KaimingUniform { mode, gain }` | U(-b, b), b = gain·√(3 / fan) |
/// | `KaimingNormal { mode, gain }` | N(0, σ²), σ = gain / √fan |
/// | `LecunNormal` | N(0, σ²), σ = √(1 / fan_in) |
/// | `Orthogonal { gain }` | gain · (orthogonal matrix from the QR of a Gaussian) |
///
/// ```
/// use nn::{FanMode, Init, Nonlinearity};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let he = Init::kaiming_normal(FanMode::FanIn, Nonlinearity::Relu);
/// let w = he.sample::<f64, _>(&[256, 512], &mut rng).unwrap();
/// let std = (w.mapv(|x| x * x).mean().unwrap()).sqrt();
/// assert!((std - (2.0f64 / 512.0).sqrt()).abs() < 0.01 * std);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    /// All zeros (makes every hidden unit identical: the symmetry problem).
    Zeros,
    /// All entries equal to the constant.
    Constant(f64),
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Glorot & Bengio (2010), uniform.
    XavierUniform {
        /// Multiplier, usually [`Nonlinearity::gain`].
        gain: f64,
    },
    /// Glorot & Bengio (2010), normal.
    XavierNormal {
        /// Multiplier, usually [`Nonlinearity::gain`].
        gain: f64,
    },
    /// He et al. (2015), uniform.
    KaimingUniform {
        /// Fan to preserve.
        mode: FanMode,
        /// Multiplier, usually [`Nonlinearity::gain`].
        gain: f64,
    },
    /// He et al. (2015), normal.
    KaimingNormal {
        /// Fan to preserve.
        mode: FanMode,
        /// Multiplier, usually [`Nonlinearity::gain`].
        gain: f64,
    },
    /// LeCun normal: N(0, 1/fan_in) (PyTorch's `kaiming_normal_` with the
    /// `linear` gain).
    LecunNormal,
    /// Saxe et al. (2014): a (semi-)orthogonal matrix times `gain`; tensors
    /// with more than 2 axes are flattened to `shape[0] × rest`.
    Orthogonal {
        /// Multiplier.
        gain: f64,
    },
}

/// The distribution of each entry that a scheme resolves to for one shape.
///
/// ```
/// use nn::{Init, Spread};
/// // fan_in = 5, fan_out = 3: bound = √(6 / 8)
/// let s = Init::XavierUniform { gain: 1.0 }.spread(&[3, 5]).unwrap();
/// assert_eq!(s, Spread::Uniform { low: -0.75f64.sqrt(), high: 0.75f64.sqrt() });
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// Every entry equals the value.
    Constant(f64),
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Orthogonal times gain (entries have standard deviation about
    /// `gain / √max(rows, cols)`).
    Orthogonal {
        /// Multiplier.
        gain: f64,
    },
}

impl Init {
    /// Xavier uniform with the gain of `nonlinearity`.
    ///
    /// ```
    /// let init = nn::Init::xavier_uniform(nn::Nonlinearity::Tanh);
    /// assert_eq!(init, nn::Init::XavierUniform { gain: 5.0 / 3.0 });
    /// ```
    pub fn xavier_uniform(nonlinearity: Nonlinearity) -> Self {
        Init::XavierUniform {
            gain: nonlinearity.gain(),
        }
    }

    /// Xavier normal with the gain of `nonlinearity`.
    ///
    /// ```
    /// let init = nn::Init::xavier_normal(nn::Nonlinearity::Sigmoid);
    /// assert_eq!(init, nn::Init::XavierNormal { gain: 1.0 });
    /// ```
    pub fn xavier_normal(nonlinearity: Nonlinearity) -> Self {
        Init::XavierNormal {
            gain: nonlinearity.gain(),
        }
    }

    /// Kaiming uniform with the gain of `nonlinearity`.
    ///
    /// ```
    /// use nn::{FanMode, Init, Nonlinearity};
    /// let init = Init::kaiming_uniform(FanMode::FanIn, Nonlinearity::Relu);
    /// assert_eq!(init, Init::KaimingUniform { mode: FanMode::FanIn, gain: 2f64.sqrt() });
    /// ```
    pub fn kaiming_uniform(mode: FanMode, nonlinearity: Nonlinearity) -> Self {
        Init::KaimingUniform {
            mode,
            gain: nonlinearity.gain(),
        }
    }

    /// Kaiming normal with the gain of `nonlinearity`.
    ///
    /// ```
    /// use nn::{FanMode, Init, Nonlinearity};
    /// let init = Init::kaiming_normal(FanMode::FanOut, Nonlinearity::Relu);
    /// assert_eq!(init, Init::KaimingNormal { mode: FanMode::FanOut, gain: 2f64.sqrt() });
    /// ```
    pub fn kaiming_normal(mode: FanMode, nonlinearity: Nonlinearity) -> Self {
        Init::KaimingNormal {
            mode,
            gain: nonlinearity.gain(),
        }
    }

    /// Orthogonal with the gain of `nonlinearity`.
    ///
    /// ```
    /// let init = nn::Init::orthogonal(nn::Nonlinearity::Linear);
    /// assert_eq!(init, nn::Init::Orthogonal { gain: 1.0 });
    /// ```
    pub fn orthogonal(nonlinearity: Nonlinearity) -> Self {
        Init::Orthogonal {
            gain: nonlinearity.gain(),
        }
    }

    /// PyTorch's default for `nn.Linear.weight`: `kaiming_uniform_(a=√5)`,
    /// i.e. U(-b, b) with b = √(1/3)·√(3/fan_in) = 1/√fan_in.
    ///
    /// ```
    /// let s = nn::Init::torch_linear_weight().spread(&[10, 784]).unwrap();
    /// let nn::Spread::Uniform { high, .. } = s else { unreachable!() };
    /// assert!((high - 1.0 / 28.0).abs() < 1e-15);
    /// ```
    pub fn torch_linear_weight() -> Self {
        Init::kaiming_uniform(FanMode::FanIn, Nonlinearity::LeakyRelu(5f64.sqrt()))
    }

    /// The scheme's name in PyTorch (`xavier_uniform`, ...), for messages.
    ///
    /// ```
    /// assert_eq!(nn::Init::LecunNormal.name(), "lecun_normal");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Init::Zeros => "zeros",
            Init::Constant(_) => "constant",
            Init::Uniform { .. } => "uniform",
            Init::Normal { .. } => "normal",
            Init::XavierUniform { .. } => "xavier_uniform",
            Init::XavierNormal { .. } => "xavier_normal",
            Init::KaimingUniform { .. } => "kaiming_uniform",
            Init::KaimingNormal { .. } => "kaiming_normal",
            Init::LecunNormal => "lecun_normal",
            Init::Orthogonal { .. } => "orthogonal",
        }
    }

    /// The per-entry distribution this scheme gives a tensor of `shape`.
    ///
    /// **Errors**: [`NnError::FanUndefined`] for a fan-based or orthogonal
    /// scheme on fewer than 2 axes; [`NnError::InvalidHyperparameter`] for a
    /// non-finite value, a negative std or `low > high`.
    ///
    /// ```
    /// use nn::{FanMode, Init, Spread};
    /// let s = Init::KaimingNormal { mode: FanMode::FanIn, gain: 2.0 }.spread(&[3, 4]).unwrap();
    /// assert_eq!(s, Spread::Normal { mean: 0.0, std: 1.0 });
    /// assert!(Init::LecunNormal.spread(&[4]).is_err());
    /// ```
    pub fn spread(&self, shape: &[usize]) -> Result<Spread> {
        let fans = || {
            Fans::of(shape).ok_or_else(|| NnError::FanUndefined {
                scheme: self.name(),
                shape: shape.to_vec(),
            })
        };
        let finite = |name, v: f64| check_hyper(name, v, v.is_finite(), "finite");
        let spread = match *self {
            Init::Zeros => Spread::Constant(0.0),
            Init::Constant(c) => Spread::Constant(finite("constant", c)?),
            Init::Uniform { low, high } => {
                finite("low", low)?;
                check_hyper("high", high, high.is_finite() && high >= low, ">= low")?;
                Spread::Uniform { low, high }
            }
            Init::Normal { mean, std } => Spread::Normal {
                mean: finite("mean", mean)?,
                std: check_hyper("std", std, std.is_finite() && std >= 0.0, ">= 0")?,
            },
            Init::XavierUniform { gain } => {
                let f = fans()?;
                let b = finite("gain", gain)? * (6.0 / (f.fan_in + f.fan_out) as f64).sqrt();
                symmetric(b)
            }
            Init::XavierNormal { gain } => {
                let f = fans()?;
                let std = finite("gain", gain)? * (2.0 / (f.fan_in + f.fan_out) as f64).sqrt();
                Spread::Normal { mean: 0.0, std }
            }
            Init::KaimingUniform { mode, gain } => {
                let fan = fans()?.get(mode) as f64;
                symmetric(finite("gain", gain)? * (3.0 / fan).sqrt())
            }
            Init::KaimingNormal { mode, gain } => {
                let fan = fans()?.get(mode) as f64;
                let std = finite("gain", gain)? / fan.sqrt();
                Spread::Normal { mean: 0.0, std }
            }
            Init::LecunNormal => {
                let std = (1.0 / fans()?.fan_in as f64).sqrt();
                Spread::Normal { mean: 0.0, std }
            }
            Init::Orthogonal { gain } => {
                fans()?;
                Spread::Orthogonal {
                    gain: finite("gain", gain)?,
                }
            }
        };
        Ok(spread)
    }

    /// Overwrites every entry of `array` with a draw from this scheme.
    ///
    /// **Errors**: as [`spread`](Init::spread); `array` is untouched on error.
    ///
    /// ```
    /// use nn::Init;
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut w = ndarray::ArrayD::<f32>::zeros(vec![4, 3]);
    /// Init::Constant(0.5).fill(&mut w.view_mut(), &mut rng).unwrap();
    /// assert_eq!(w.sum(), 6.0);
    /// ```
    pub fn fill<T: Float, R: Rng + ?Sized>(
        &self,
        array: &mut ArrayViewMutD<'_, T>,
        rng: &mut R,
    ) -> Result<()> {
        match self.spread(array.shape())? {
            Spread::Constant(c) => array.fill(T::of(c)),
            Spread::Uniform { low, high } => array.iter_mut().for_each(|x| {
                let u: f64 = StandardUniform.sample(rng);
                *x = T::of(low + (high - low) * u);
            }),
            Spread::Normal { mean, std } => array.iter_mut().for_each(|x| {
                let z: f64 = StandardNormal.sample(rng);
                *x = T::of(mean + std * z);
            }),
            Spread::Orthogonal { gain } => {
                let rows = array.shape()[0];
                if rows > 0 {
                    let q = orthogonal(rows, array.len() / rows, gain, rng);
                    array.iter_mut().zip(q).for_each(|(x, v)| *x = T::of(v));
                }
            }
        }
        Ok(())
    }

    /// A new tensor of `shape` drawn from this scheme.
    ///
    /// **Errors**: as [`spread`](Init::spread).
    ///
    /// ```
    /// use nn::{Init, Nonlinearity};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let w = Init::xavier_uniform(Nonlinearity::Linear).sample::<f32, _>(&[10, 20], &mut rng).unwrap();
    /// let bound = (6.0f32 / 30.0).sqrt();
    /// assert!(w.iter().all(|x| x.abs() <= bound));
    /// ```
    pub fn sample<T: Float, R: Rng + ?Sized>(
        &self,
        shape: &[usize],
        rng: &mut R,
    ) -> Result<ArrayD<T>> {
        let mut a = ArrayD::zeros(IxDyn(shape));
        self.fill(&mut a.view_mut(), rng)?;
        Ok(a)
    }
}

fn symmetric(bound: f64) -> Spread {
    Spread::Uniform {
        low: -bound,
        high: bound,
    }
}
