//! Saved optimizer state: a plain serializable value that restores a run
//! bit-exactly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::adadelta::AdadeltaRule;
use crate::adafactor::AdafactorRule;
use crate::adagrad::AdagradRule;
use crate::adam::AdamRule;
use crate::adamax::AdamaxRule;
use crate::adamw::AdamWRule;
use crate::asgd::AsgdRule;
use crate::error::{BufferProblem, OptimError, Result};
use crate::float::{Dtype, Float};
use crate::group::Group;
use crate::muon::MuonRule;
use crate::nadam::NAdamRule;
use crate::optimizer::OptimizerKind;
use crate::radam::RAdamRule;
use crate::rmsprop::RmsPropRule;
use crate::rprop::RpropRule;
use crate::rule::Rule;
use crate::sgd::SgdRule;

/// Everything an optimizer needs to resume: which algorithm with which
/// hyperparameters, the element type, the groups, and for every parameter
/// (by name) its group, shape, step count, buffers and scalars.
///
/// Buffers are stored as `f64` bit patterns, so any serde format round-trips
/// them exactly, NaN and infinities included (an `f32` widens to `f64`
/// exactly). Hyperparameters are plain `f64`; with `serde_json`, enable its
/// `float_roundtrip` feature to read them back bit-exactly.
///
/// ```
/// use ndarray::array;
/// use optim::{AdamConfig, Optimizer, ParamMut};
/// let mut a = AdamConfig::default().build::<f32>()?;
/// let (mut w, g) = (array![1.0_f32, 2.0], array![0.5, -0.5]);
/// a.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
/// let saved = a.state();
/// let mut b = AdamConfig::default().build::<f32>()?;
/// b.load_state(&saved)?;
/// assert_eq!(b.state(), saved);
/// assert_eq!(saved.params["w"].step, 1);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    /// The algorithm and its hyperparameters.
    pub hyperparameters: Hyperparameters,
    /// Element type of the buffers.
    pub dtype: Dtype,
    /// Every group's lr, initial lr and weight decay.
    pub groups: Vec<Group>,
    /// Per-parameter state by parameter name.
    pub params: BTreeMap<String, ParamState>,
}

impl OptimizerState {
    /// The algorithm that saved this state.
    ///
    /// ```
    /// use optim::{Optimizer, OptimizerKind, RmsPropConfig};
    /// let opt = RmsPropConfig::default().build::<f64>()?;
    /// assert_eq!(opt.state().kind(), OptimizerKind::RmsProp);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn kind(&self) -> OptimizerKind {
        self.hyperparameters.kind()
    }
}

/// The saved state of one parameter.
///
/// ```
/// use optim::{F64Bits, ParamState};
/// let p = ParamState {
///     group: 0,
///     shape: vec![2],
///     step: 1,
///     buffers: [("momentum_buffer".to_string(), F64Bits::from_values(&[0.5_f64, 1.0]))].into(),
///     scalars: Default::default(),
/// };
/// assert_eq!(p.buffers["momentum_buffer"].to_values::<f64>(), vec![0.5, 1.0]);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamState {
    /// Index of the parameter's group.
    pub group: usize,
    /// Shape of the parameter.
    pub shape: Vec<usize>,
    /// Steps taken (PyTorch's `state["step"]`).
    pub step: u64,
    /// Buffers by PyTorch state name, in row-major order.
    pub buffers: BTreeMap<String, F64Bits>,
    /// Scalars by name (NAdam's `mu_product`), kept and stored in `f64`
    /// whatever the parameters' type, as `f64` bit patterns.
    pub scalars: BTreeMap<String, u64>,
}

/// Floats stored losslessly as `f64` bit patterns.
///
/// ```
/// use optim::F64Bits;
/// let bits = F64Bits::from_values(&[0.1_f32, f32::NAN]);
/// let back = bits.to_values::<f32>();
/// assert_eq!(back[0], 0.1_f32);
/// assert!(back[1].is_nan());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct F64Bits(pub Vec<u64>);

impl F64Bits {
    /// Widens each value to `f64` (exact) and keeps its bits.
    ///
    /// ```
    /// use optim::F64Bits;
    /// assert_eq!(F64Bits::from_values(&[1.0_f64]).0, vec![1.0_f64.to_bits()]);
    /// ```
    pub fn from_values<T: Float>(values: &[T]) -> Self {
        F64Bits(values.iter().map(|v| v.as_f64().to_bits()).collect())
    }

    /// The values back as `T` (exact for values that came from `T`).
    ///
    /// ```
    /// use optim::F64Bits;
    /// assert_eq!(F64Bits(vec![2.5_f64.to_bits()]).to_values::<f32>(), vec![2.5_f32]);
    /// ```
    pub fn to_values<T: Float>(&self) -> Vec<T> {
        self.0.iter().map(|&b| T::of(f64::from_bits(b))).collect()
    }
}

/// The hyperparameters of every algorithm, tagged by algorithm, so a state
/// says which optimizer saved it.
///
/// ```
/// use optim::{Hyperparameters, OptimizerKind, Rule, SgdRule};
/// let h = SgdRule::default().to_hyperparameters();
/// assert!(matches!(h, Hyperparameters::Sgd(_)));
/// assert_eq!(h.kind(), OptimizerKind::Sgd);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum Hyperparameters {
    Sgd(SgdRule),
    Adagrad(AdagradRule),
    RmsProp(RmsPropRule),
    Adam(AdamRule),
    AdamW(AdamWRule),
    Adadelta(AdadeltaRule),
    Adamax(AdamaxRule),
    NAdam(NAdamRule),
    RAdam(RAdamRule),
    Rprop(RpropRule),
    Asgd(AsgdRule),
    Adafactor(AdafactorRule),
    Muon(MuonRule),
}

impl Hyperparameters {
    /// The algorithm these hyperparameters belong to.
    ///
    /// ```
    /// use optim::{AdamWRule, Hyperparameters, OptimizerKind};
    /// let h = Hyperparameters::AdamW(AdamWRule::default());
    /// assert_eq!(h.kind(), OptimizerKind::AdamW);
    /// ```
    pub fn kind(&self) -> OptimizerKind {
        match self {
            Hyperparameters::Sgd(_) => OptimizerKind::Sgd,
            Hyperparameters::Adagrad(_) => OptimizerKind::Adagrad,
            Hyperparameters::RmsProp(_) => OptimizerKind::RmsProp,
            Hyperparameters::Adam(_) => OptimizerKind::Adam,
            Hyperparameters::AdamW(_) => OptimizerKind::AdamW,
            Hyperparameters::Adadelta(_) => OptimizerKind::Adadelta,
            Hyperparameters::Adamax(_) => OptimizerKind::Adamax,
            Hyperparameters::NAdam(_) => OptimizerKind::NAdam,
            Hyperparameters::RAdam(_) => OptimizerKind::RAdam,
            Hyperparameters::Rprop(_) => OptimizerKind::Rprop,
            Hyperparameters::Asgd(_) => OptimizerKind::Asgd,
            Hyperparameters::Adafactor(_) => OptimizerKind::Adafactor,
            Hyperparameters::Muon(_) => OptimizerKind::Muon,
        }
    }
}

type Restored<T> = (Vec<Vec<T>>, Vec<f64>);

/// Checks a saved parameter against what `rule` needs and converts its
/// buffers and scalars back to `T`, in the rule's order.
pub(crate) fn restore<R: Rule, T: Float>(
    name: &str,
    saved: &ParamState,
    rule: &R,
) -> Result<Restored<T>> {
    let bad = |buffer: &str, problem| OptimError::BadBuffer {
        param: name.to_owned(),
        buffer: buffer.to_owned(),
        problem,
    };
    // The shape must be addressable before any buffer length is computed.
    saved
        .shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| bad("*", BufferProblem::ShapeOverflow))?;
    let specs = rule.buffers();
    let mut buffers = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let bits = saved
            .buffers
            .get(spec.name)
            .ok_or_else(|| bad(spec.name, BufferProblem::Missing))?;
        let expected = rule.buffer_len(i, &saved.shape);
        if bits.0.len() != expected {
            let problem = BufferProblem::Length {
                expected,
                found: bits.0.len(),
            };
            return Err(bad(spec.name, problem));
        }
        buffers.push(bits.to_values());
    }
    if let Some(extra) = saved
        .buffers
        .keys()
        .find(|k| specs.iter().all(|s| s.name != *k))
    {
        return Err(bad(extra, BufferProblem::Unexpected));
    }
    let scalar_specs = rule.scalars();
    let mut scalars = Vec::with_capacity(scalar_specs.len());
    for spec in &scalar_specs {
        let bits = saved
            .scalars
            .get(spec.name)
            .ok_or_else(|| bad(spec.name, BufferProblem::Missing))?;
        scalars.push(f64::from_bits(*bits));
    }
    if let Some(extra) = saved
        .scalars
        .keys()
        .find(|k| scalar_specs.iter().all(|s| s.name != *k))
    {
        return Err(bad(extra, BufferProblem::Unexpected));
    }
    Ok((buffers, scalars))
}
