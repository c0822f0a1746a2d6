//! The optimizer names of the command line and building the optimizer.

use optim::{
    AdadeltaConfig, AdagradConfig, AdamConfig, AdamWConfig, AdamaxConfig, Config, Momentum,
    NAdamConfig, Optimizer, RAdamConfig, RmsPropConfig, Rule, SgdConfig,
};

use super::choice::choice;
use super::error::ConfigError;
use crate::train::Scalar;

choice! {
    /// The optimizers of the lecture, with PyTorch's defaults for everything
    /// but the learning rate, momentum and weight decay.
    OptimizerChoice, "optimizer" {
        /// Plain (minibatch) gradient descent; heavy-ball with `--momentum`.
        Sgd => "sgd",
        /// Heavy-ball momentum (μ from `--momentum`, default 0.9).
        Momentum => "momentum",
        /// Nesterov momentum (μ from `--momentum`, default 0.9).
        Nesterov => "nesterov",
        /// AdaGrad.
        Adagrad => "adagrad",
        /// RMSprop (α = 0.99; `--momentum` optional).
        Rmsprop => "rmsprop",
        /// Adam (β = (0.9, 0.999)).
        Adam => "adam",
        /// AdamW (decoupled weight decay, PyTorch's default 0.01 unless set).
        Adamw => "adamw",
        /// Adadelta.
        Adadelta => "adadelta",
        /// Adamax.
        Adamax => "adamax",
        /// NAdam.
        Nadam => "nadam",
        /// RAdam.
        Radam => "radam",
    }
}

impl OptimizerChoice {
    /// The learning rate used when none is given: 0.1 for plain SGD (the
    /// lecture's setting), 0.01 with momentum (an effective step of 0.1 at
    /// μ = 0.9), and PyTorch's default for the adaptive methods.
    ///
    /// ```
    /// use experiments::train::OptimizerChoice;
    /// assert_eq!(OptimizerChoice::Sgd.default_lr(), 0.1);
    /// assert_eq!(OptimizerChoice::Adam.default_lr(), 1e-3);
    /// ```
    pub fn default_lr(self) -> f64 {
        match self {
            OptimizerChoice::Sgd => 0.1,
            OptimizerChoice::Momentum | OptimizerChoice::Nesterov => 0.01,
            OptimizerChoice::Adagrad | OptimizerChoice::Rmsprop => 0.01,
            OptimizerChoice::Adam | OptimizerChoice::Adamw | OptimizerChoice::Radam => 1e-3,
            OptimizerChoice::Adamax | OptimizerChoice::Nadam => 2e-3,
            OptimizerChoice::Adadelta => 1.0,
        }
    }

    /// Whether `--momentum` means something for this optimizer.
    ///
    /// ```
    /// use experiments::train::OptimizerChoice;
    /// assert!(OptimizerChoice::Nesterov.takes_momentum());
    /// assert!(!OptimizerChoice::Adam.takes_momentum());
    /// ```
    pub fn takes_momentum(self) -> bool {
        matches!(
            self,
            OptimizerChoice::Sgd
                | OptimizerChoice::Momentum
                | OptimizerChoice::Nesterov
                | OptimizerChoice::Rmsprop
        )
    }

    /// Builds the optimizer with learning rate `lr`, `momentum` (for the
    /// optimizers that take one; `None` for the default) and weight decay
    /// (`None` for PyTorch's default: 0, or 0.01 for AdamW).
    ///
    /// **Errors**: [`ConfigError::Inconsistent`] for a momentum given to an
    /// optimizer without one, [`ConfigError::Optimizer`] for a value the
    /// optimizer rejects.
    ///
    /// ```
    /// use experiments::train::OptimizerChoice;
    /// let opt = OptimizerChoice::Nesterov.build::<f32>(0.1, None, None).unwrap();
    /// assert_eq!(opt.kind(), optim::OptimizerKind::Sgd);
    /// assert!(OptimizerChoice::Adam.build::<f32>(0.1, Some(0.9), None).is_err());
    /// assert!(OptimizerChoice::Momentum.build::<f32>(0.1, Some(1.5), None).is_err());
    /// ```
    pub fn build<T: Scalar>(
        self,
        lr: f64,
        momentum: Option<f64>,
        weight_decay: Option<f64>,
    ) -> Result<Box<dyn Optimizer<T>>, ConfigError> {
        if momentum.is_some() && !self.takes_momentum() {
            return Err(ConfigError::Inconsistent(format!(
                "--momentum does not apply to {self} (only to sgd, momentum, nesterov and rmsprop)"
            )));
        }
        let mu = momentum.unwrap_or(0.9);
        let sgd = |m: Momentum| finish(SgdConfig::default().momentum(m), lr, weight_decay);
        match self {
            OptimizerChoice::Sgd => sgd(match momentum {
                Some(m) if m > 0.0 => Momentum::heavy(m),
                _ => Momentum::None,
            }),
            OptimizerChoice::Momentum => sgd(Momentum::heavy(mu)),
            OptimizerChoice::Nesterov => sgd(Momentum::Nesterov { momentum: mu }),
            OptimizerChoice::Adagrad => finish(AdagradConfig::default(), lr, weight_decay),
            OptimizerChoice::Rmsprop => finish(
                RmsPropConfig::default().momentum(momentum.unwrap_or(0.0)),
                lr,
                weight_decay,
            ),
            OptimizerChoice::Adam => finish(AdamConfig::default(), lr, weight_decay),
            OptimizerChoice::Adamw => finish(AdamWConfig::default(), lr, weight_decay),
            OptimizerChoice::Adadelta => finish(AdadeltaConfig::default(), lr, weight_decay),
            OptimizerChoice::Adamax => finish(AdamaxConfig::default(), lr, weight_decay),
            OptimizerChoice::Nadam => finish(NAdamConfig::default(), lr, weight_decay),
            OptimizerChoice::Radam => finish(RAdamConfig::default(), lr, weight_decay),
        }
    }
}

/// Sets lr and weight decay, validates, and boxes.
fn finish<R, T>(
    config: Config<R>,
    lr: f64,
    weight_decay: Option<f64>,
) -> Result<Box<dyn Optimizer<T>>, ConfigError>
where
    R: Rule + 'static,
    T: Scalar,
{
    let config = match weight_decay {
        Some(wd) => config.lr(lr).weight_decay(wd),
        None => config.lr(lr),
    };
    let optimizer = config.build::<T>().map_err(ConfigError::Optimizer)?;
    Ok(Box::new(optimizer))
}
