//! What a run records: one [`EpochRecord`] per epoch (with diagnostics and
//! warnings), and a [`RunSummary`] at the end. Plain serializable data.

use serde::{Deserialize, Serialize};

/// Which examples an evaluation runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvalSplit {
    /// The training examples (after the hold-out).
    Train,
    /// The held-out training examples.
    Validation,
    /// The test set.
    Test,
}

/// Mean loss and accuracy on a split.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean cross-entropy.
    #[serde(with = "float")]
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
    /// Number of examples.
    pub examples: usize,
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopKind {
    /// Every epoch ran.
    Completed,
    /// The loss became NaN or infinite.
    NonFiniteLoss,
    /// The loss rose far above its best.
    Diverged,
    /// The evaluation accuracy reached the target.
    TargetReached,
    /// The time limit passed.
    TimeLimit,
    /// Another stopping criterion fired.
    Criterion,
}

/// A stop with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// The kind.
    pub kind: StopKind,
    /// Human explanation, with numbers.
    pub message: String,
    /// The optimizer step at which it was detected.
    pub step: u64,
}

impl Stop {
    /// Whether this stop means the parameters are not trustworthy.
    pub fn is_divergence(&self) -> bool {
        matches!(self.kind, StopKind::Diverged | StopKind::NonFiniteLoss)
    }

    /// The step (from 1, as in `steps.csv`) whose loss exploded, if this is
    /// a divergence: the step after the last update made.
    ///
    /// ```
    /// use experiments::train::{Stop, StopKind};
    /// let stop = Stop { kind: StopKind::NonFiniteLoss, message: "NaN".into(), step: 4 };
    /// assert_eq!(stop.diverged_at(), Some(5));
    /// ```
    pub fn diverged_at(&self) -> Option<u64> {
        self.is_divergence().then_some(self.step + 1)
    }
}

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// The loss swings without going down.
    Oscillation,
    /// The loss barely moves.
    Stagnation,
    /// Many ReLU units never activate.
    DeadRelu,
    /// Activations collapse towards zero.
    VanishingActivations,
    /// Activations blow up.
    ExplodingActivations,
    /// Gradients are vanishingly small.
    VanishingGradients,
    /// Gradients are huge.
    ExplodingGradients,
    /// Updates are tiny relative to the weights.
    SmallUpdates,
    /// Updates are large relative to the weights.
    LargeUpdates,
    /// The run rolled back after a divergence.
    Rollback,
}

/// A diagnostic warning with concrete advice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The epoch (1-based) in which it was raised.
    pub epoch: usize,
    /// The optimizer step at which it was raised.
    pub step: u64,
    /// What was observed, with numbers.
    pub message: String,
    /// What to try.
    pub advice: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; {}", self.message, self.advice)
    }
}

/// Statistics of one hidden activation on a sampled minibatch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivationStats {
    /// The layer.
    pub name: String,
    /// Its nonlinearity (`relu`, `tanh`, ...).
    pub activation: String,
    /// Mean over the batch and units.
    #[serde(with = "float")]
    pub mean: f64,
    /// Standard deviation over the batch and units.
    #[serde(with = "float")]
    pub std: f64,
    /// Fraction of exact zeros.
    pub zero_fraction: f64,
    /// For ReLU: fraction of units that are zero on every example of the batch.
    pub dead_fraction: Option<f64>,
}

/// Statistics of one parameter on a sampled step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamStats {
    /// The parameter (`layers.0.weight`).
    pub name: String,
    /// ‖θ‖ before the step.
    #[serde(with = "float")]
    pub norm: f64,
    /// ‖∇θ‖.
    #[serde(with = "float")]
    pub grad_norm: f64,
    /// ‖Δθ‖ / ‖θ‖ of the step (healthy near 1e-3).
    #[serde(with = "float")]
    pub update_ratio: f64,
}

/// Per-layer diagnostics of one sampled step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerReport {
    /// The optimizer step sampled.
    pub step: u64,
    /// Hidden activations, input to output.
    pub activations: Vec<ActivationStats>,
    /// Parameters, input to output.
    pub params: Vec<ParamStats>,
}

/// The training half of an epoch (what the benchmark times).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochTrain {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Optimizer steps taken in this epoch.
    pub steps: u64,
    /// Mean minibatch loss, weighted by batch size (as PyTorch's peer).
    #[serde(with = "float")]
    pub loss: f64,
    /// Fraction of training examples classified correctly as they were trained on.
    pub accuracy: f64,
    /// Learning rate of the last step.
    pub lr: f64,
    /// Mean global gradient norm over the sampled steps.
    #[serde(with = "float")]
    pub grad_norm: f64,
    /// Largest sampled global gradient norm.
    #[serde(with = "float")]
    pub max_grad_norm: f64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Per-layer diagnostics of the sampled step.
    pub layers: Option<LayerReport>,
    /// Warnings raised.
    pub warnings: Vec<Warning>,
    /// Set if training stopped inside the epoch (divergence).
    pub stop: Option<Stop>,
}

impl EpochTrain {
    /// The epoch's loss for a summary line: `0.1234`, or `diverged at step
    /// k` (the step of `steps.csv` whose loss exploded), never `NaN`.
    pub fn loss_text(&self) -> String {
        loss_text(self.loss, self.stop.as_ref())
    }
}

/// One epoch: training, evaluation and diagnostics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Optimizer steps taken so far in the run.
    pub total_steps: u64,
    /// The training half.
    pub train: EpochTrain,
    /// Which split was evaluated.
    pub eval_split: EvalSplit,
    /// The evaluation (absent when training diverged).
    pub eval: Option<Evaluation>,
    /// Seconds spent evaluating.
    pub eval_seconds: f64,
    /// Set if the run stops after this epoch.
    pub stop: Option<Stop>,
}

impl EpochRecord {
    /// The record without wall-clock times, for comparing runs.
    ///
    /// ```
    /// # fn f(r: &experiments::train::EpochRecord) {
    /// assert_eq!(r.untimed(), r.clone().untimed());
    /// # }
    /// ```
    pub fn untimed(&self) -> EpochRecord {
        let mut r = self.clone();
        r.train.seconds = 0.0;
        r.eval_seconds = 0.0;
        r
    }
}

/// The outcome of a run: what `train --json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Test-set accuracy of the final model.
    pub test_accuracy: f64,
    /// Test-set mean loss of the final model.
    #[serde(with = "float")]
    pub test_loss: f64,
    /// Mean minibatch loss of the last epoch.
    #[serde(with = "float")]
    pub train_loss: f64,
    /// Training accuracy of the last epoch (on the minibatches as trained).
    pub train_accuracy: f64,
    /// Epochs completed.
    pub epochs: usize,
    /// Optimizer steps taken.
    pub steps: u64,
    /// Wall-clock seconds of the whole run (training and evaluation).
    pub seconds: f64,
    /// Mean training seconds per epoch.
    pub seconds_per_epoch: f64,
    /// Learning rate at the end.
    pub final_lr: f64,
    /// Why the run stopped.
    pub stop: Stop,
    /// Number of warnings raised.
    pub warnings: usize,
    /// The run directory, if one was written.
    pub run_dir: Option<std::path::PathBuf>,
}

impl RunSummary {
    /// The last epoch's training loss for a summary line: `0.1234`, or
    /// `diverged at step k`, never `NaN`.
    pub fn train_loss_text(&self) -> String {
        loss_text(self.train_loss, Some(&self.stop))
    }
}

/// `0.1234`, or `diverged at step k` when `stop` is a divergence.
fn loss_text(loss: f64, stop: Option<&Stop>) -> String {
    match stop.and_then(Stop::diverged_at) {
        Some(k) => format!("diverged at step {k}"),
        None if loss.is_finite() => format!("{loss:.4}"),
        None => "not finite".to_string(),
    }
}

/// Serializes non-finite floats as `null` (JSON has no NaN) and reads `null`
/// back as NaN.
pub(crate) mod float {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}
