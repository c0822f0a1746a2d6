//! Parameter groups: different learning rates or weight decay for different
//! parameters, as PyTorch's `param_groups`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;

/// The hyperparameters of one parameter group while training.
///
/// `initial_lr` is the learning rate the group was built with; schedules are
/// applied to it (PyTorch's `group["initial_lr"]`), while `lr` is the rate the
/// next step uses.
///
/// ```
/// use optim::{Optimizer, SgdConfig};
/// let opt = SgdConfig::default().lr(0.5).weight_decay(1e-4).build::<f32>()?;
/// let g = opt.groups()[0];
/// assert_eq!((g.lr, g.initial_lr, g.weight_decay), (0.5, 0.5, 1e-4));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Learning rate of the next step (`lr`).
    pub lr: f64,
    /// Learning rate at build time, the base of schedules (`initial_lr`).
    pub initial_lr: f64,
    /// Weight decay (`weight_decay`), coupled or decoupled as the optimizer says.
    pub weight_decay: f64,
    /// Maximize the objective instead of minimizing it (`maximize`): the
    /// gradient is negated before anything else, weight decay included, as
    /// PyTorch does. States saved before this option existed read as `false`.
    #[serde(default)]
    pub maximize: bool,
}

impl Group {
    pub(crate) fn new(lr: f64, weight_decay: f64, maximize: bool) -> Result<Self> {
        Ok(Group {
            lr: check::non_negative("lr", lr)?,
            initial_lr: lr,
            weight_decay: check::non_negative("weight_decay", weight_decay)?,
            maximize,
        })
    }

    pub(crate) fn validate(&self) -> Result<()> {
        check::non_negative("lr", self.lr)?;
        check::non_negative("initial_lr", self.initial_lr)?;
        check::non_negative("weight_decay", self.weight_decay)?;
        Ok(())
    }
}

type Predicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

#[derive(Clone)]
enum Selector {
    Names(Vec<String>),
    Predicate(Predicate),
}

/// Chooses parameters by name for a group with its own learning rate or
/// weight decay; unset values are inherited from the config.
///
/// Groups are tried in the order they were added and the first match wins;
/// parameters matched by none belong to the default group 0. A parameter's
/// group is decided on its first step.
///
/// ```
/// use ndarray::array;
/// use optim::{AdamWConfig, Optimizer, ParamGroup, ParamMut};
/// // No weight decay on biases and normalization scales.
/// let mut opt = AdamWConfig::default()
///     .group(ParamGroup::matching(|n| n.ends_with(".bias") || n.contains("norm")).weight_decay(0.0))
///     .build::<f64>()?;
/// let (mut w, mut b) = (array![1.0], array![1.0]);
/// let zero = array![0.0];
/// opt.step(&mut [
///     ParamMut::new("fc.weight", w.view_mut(), zero.view()),
///     ParamMut::new("fc.bias", b.view_mut(), zero.view()),
/// ])?;
/// assert!(w[0] < 1.0); // decayed: 1 - lr * 0.01
/// assert_eq!(b[0], 1.0); // not decayed
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone)]
pub struct ParamGroup {
    selector: Selector,
    pub(crate) lr: Option<f64>,
    pub(crate) weight_decay: Option<f64>,
    pub(crate) maximize: Option<bool>,
}

impl ParamGroup {
    /// A group of the parameters with exactly these names.
    ///
    /// ```
    /// use optim::ParamGroup;
    /// let g = ParamGroup::names(["head.weight", "head.bias"]).lr(1e-2);
    /// assert!(g.contains("head.bias") && !g.contains("body.bias"));
    /// ```
    pub fn names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ParamGroup {
            selector: Selector::Names(names.into_iter().map(Into::into).collect()),
            lr: None,
            weight_decay: None,
            maximize: None,
        }
    }

    /// A group of the parameters whose name satisfies `predicate`.
    ///
    /// ```
    /// use optim::ParamGroup;
    /// let g = ParamGroup::matching(|name| name.ends_with(".bias"));
    /// assert!(g.contains("layers.0.bias"));
    /// ```
    pub fn matching(predicate: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        ParamGroup {
            selector: Selector::Predicate(Arc::new(predicate)),
            lr: None,
            weight_decay: None,
            maximize: None,
        }
    }

    /// The group's own learning rate (`lr`).
    ///
    /// ```
    /// use optim::ParamGroup;
    /// let _ = ParamGroup::names(["w"]).lr(0.01);
    /// ```
    pub fn lr(mut self, lr: f64) -> Self {
        self.lr = Some(lr);
        self
    }

    /// The group's own weight decay (`weight_decay`).
    ///
    /// ```
    /// use optim::ParamGroup;
    /// let _ = ParamGroup::matching(|n| n.contains("norm")).weight_decay(0.0);
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = Some(weight_decay);
        self
    }

    /// Whether this group maximizes its objective (`maximize`).
    ///
    /// ```
    /// use optim::ParamGroup;
    /// let _ = ParamGroup::names(["reward.scale"]).maximize(true);
    /// ```
    pub fn maximize(mut self, maximize: bool) -> Self {
        self.maximize = Some(maximize);
        self
    }

    /// Whether the parameter called `name` belongs to this group.
    ///
    /// ```
    /// use optim::ParamGroup;
    /// assert!(ParamGroup::names(["a"]).contains("a"));
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        match &self.selector {
            Selector::Names(names) => names.iter().any(|n| n == name),
            Selector::Predicate(p) => p(name),
        }
    }
}

impl fmt::Debug for ParamGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let selector: &dyn fmt::Debug = match &self.selector {
            Selector::Names(names) => names,
            Selector::Predicate(_) => &"<predicate>",
        };
        f.debug_struct("ParamGroup")
            .field("selector", selector)
            .field("lr", &self.lr)
            .field("weight_decay", &self.weight_decay)
            .field("maximize", &self.maximize)
            .finish()
    }
}
