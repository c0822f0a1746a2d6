//! The driver: walks named parameters, keeps per-parameter state keyed by
//! name, and applies a [`Rule`] over contiguous slices.

use std::collections::HashMap;

use crate::check;
use crate::error::{OptimError, Result};
use crate::float::Float;
use crate::group::{Group, ParamGroup};
use crate::optimizer::{Optimizer, OptimizerKind};
use crate::param::ParamMut;
use crate::rule::{Rule, StepCtx};
use crate::slot::Slot;
use crate::state::{self, OptimizerState};

/// A gradient-based optimizer: an update rule `R` over parameters of type `T`,
/// with parameter groups and per-parameter state keyed by name.
///
/// Every optimizer of this crate is one of these (`Sgd<T>` is
/// `Driver<SgdRule, T>`, ...); build it from its config.
///
/// The step is allocation-free after a parameter's first step: standard-layout
/// arrays are updated in place through slices, other layouts through a scratch
/// buffer kept with the parameter's state.
///
/// ```
/// use ndarray::array;
/// use optim::{Optimizer, ParamMut, SgdConfig};
/// let mut opt = SgdConfig::default().lr(0.5).build::<f64>()?;
/// let mut x = array![1.0, 2.0];
/// for _ in 0..3 {
///     let g = x.clone(); // gradient of ½‖x‖²
///     opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// }
/// assert_eq!(x, array![0.125, 0.25]);
/// assert_eq!(opt.step_count("x"), Some(3));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Driver<R: Rule, T: Float> {
    rule: R,
    groups: Vec<Group>,
    selectors: Vec<ParamGroup>,
    slots: HashMap<String, Slot<T>>,
    call: u64,
}

impl<R: Rule, T: Float> Driver<R, T> {
    /// Groups must be validated and hold one more entry than `selectors`.
    pub(crate) fn new(rule: R, groups: Vec<Group>, selectors: Vec<ParamGroup>) -> Self {
        Driver {
            rule,
            groups,
            selectors,
            slots: HashMap::new(),
            call: 0,
        }
    }

    /// The algorithm's hyperparameters.
    ///
    /// ```
    /// use optim::AdamConfig;
    /// let opt = AdamConfig::default().amsgrad(true).build::<f32>()?;
    /// assert!(opt.rule().amsgrad);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// A parameter's buffer by its PyTorch state name (`exp_avg`,
    /// `momentum_buffer`, ...), in standard (row-major) order.
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::{AdamConfig, Optimizer, ParamMut};
    /// let mut opt = AdamConfig::default().build::<f64>()?;
    /// let (mut w, g) = (array![1.0], array![2.0]);
    /// opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
    /// assert_eq!(opt.buffer("w", "exp_avg").unwrap()[0], (1.0 - 0.9) * 2.0);
    /// assert!(opt.buffer("w", "max_exp_avg_sq").is_none());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn buffer(&self, param: &str, buffer: &str) -> Option<&[T]> {
        let slot = self.slots.get(param)?;
        let index = self.rule.buffers().iter().position(|b| b.name == buffer)?;
        slot.buffers.get(index).map(Vec::as_slice)
    }

    /// How many steps a parameter has taken (`None` before its first).
    ///
    /// ```
    /// use optim::SgdConfig;
    /// let opt = SgdConfig::default().build::<f64>()?;
    /// assert_eq!(opt.step_count("w"), None);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn step_count(&self, param: &str) -> Option<u64> {
        self.slots.get(param).map(|s| s.step).filter(|&s| s > 0)
    }

    /// The group a parameter belongs to: known ones from their state, new
    /// ones by the groups' selectors.
    ///
    /// ```
    /// use optim::{ParamGroup, SgdConfig};
    /// let opt = SgdConfig::default()
    ///     .group(ParamGroup::matching(|n| n.ends_with("bias")))
    ///     .build::<f64>()?;
    /// assert_eq!(opt.group_of("fc.bias"), 1);
    /// assert_eq!(opt.group_of("fc.weight"), 0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn group_of(&self, param: &str) -> usize {
        match self.slots.get(param) {
            Some(slot) => slot.group,
            None => self.select_group(param),
        }
    }

    fn select_group(&self, name: &str) -> usize {
        self.selectors
            .iter()
            .position(|g| g.contains(name))
            .map_or(0, |i| i + 1)
    }

    /// Checks every parameter and stamps (or creates) its slot; nothing is
    /// updated, so an error leaves every parameter where it was.
    fn prepare(&mut self, params: &[ParamMut<'_, T>]) -> Result<()> {
        self.call = self.call.wrapping_add(1);
        let call = self.call;
        for p in params {
            let grad = p.grad.as_ref().ok_or_else(|| OptimError::MissingGradient {
                param: p.name.to_owned(),
            })?;
            if grad.shape() != p.value.shape() {
                return Err(OptimError::GradShapeMismatch {
                    param: p.name.to_owned(),
                    value: p.value.shape().to_vec(),
                    grad: grad.shape().to_vec(),
                });
            }
            if let Some(expected) = self.rule.unsupported_shape(p.value.shape()) {
                return Err(OptimError::UnsupportedShape {
                    optimizer: R::KIND,
                    param: p.name.to_owned(),
                    shape: p.value.shape().to_vec(),
                    expected,
                });
            }
            if let Some(slot) = self.slots.get_mut(p.name) {
                if slot.shape != p.value.shape() {
                    return Err(OptimError::StateShapeMismatch {
                        param: p.name.to_owned(),
                        value: p.value.shape().to_vec(),
                        state: slot.shape.clone(),
                    });
                }
                if slot.stamp == call {
                    return Err(OptimError::DuplicateParam {
                        param: p.name.to_owned(),
                    });
                }
                slot.stamp = call;
            } else {
                let group = self.select_group(p.name);
                let slot = Slot::new(&self.rule, group, p.value.shape(), call);
                self.slots.insert(p.name.to_owned(), slot);
            }
        }
        Ok(())
    }
}

impl<R: Rule, T: Float> Optimizer<T> for Driver<R, T> {
    fn kind(&self) -> OptimizerKind {
        R::KIND
    }

    fn step(&mut self, params: &mut [ParamMut<'_, T>]) -> Result<()> {
        self.prepare(params)?;
        for p in params.iter_mut() {
            let slot = self
                .slots
                .get_mut(p.name)
                .expect("prepare() created a slot for every parameter");
            let grad = p.grad.as_ref().expect("prepare() checked every gradient");
            let group = self.groups[slot.group];
            slot.step += 1;
            let ctx = StepCtx {
                lr: group.lr,
                weight_decay: group.weight_decay,
                step: slot.step,
            };
            slot.update(&self.rule, ctx, group.maximize, &mut p.value, grad);
        }
        Ok(())
    }

    fn groups(&self) -> &[Group] {
        &self.groups
    }

    fn set_group_lr(&mut self, group: usize, lr: f64) -> Result<()> {
        let groups = self.groups.len();
        let g = self
            .groups
            .get_mut(group)
            .ok_or(OptimError::NoSuchGroup { group, groups })?;
        g.lr = check::non_negative("lr", lr)?;
        Ok(())
    }

    fn state(&self) -> OptimizerState {
        let buffers = self.rule.buffers();
        let scalars = self.rule.scalars();
        let params = self
            .slots
            .iter()
            .filter(|(_, slot)| slot.step > 0)
            .map(|(name, slot)| {
                let param = state::ParamState {
                    group: slot.group,
                    shape: slot.shape.clone(),
                    step: slot.step,
                    buffers: buffers
                        .iter()
                        .zip(&slot.buffers)
                        .map(|(spec, b)| (spec.name.to_owned(), state::F64Bits::from_values(b)))
                        .collect(),
                    scalars: scalars
                        .iter()
                        .zip(&slot.scalars)
                        .map(|(spec, s)| (spec.name.to_owned(), s.to_bits()))
                        .collect(),
                };
                (name.clone(), param)
            })
            .collect();
        OptimizerState {
            hyperparameters: self.rule.to_hyperparameters(),
            dtype: T::DTYPE,
            groups: self.groups.clone(),
            params,
        }
    }

    fn load_state(&mut self, saved: &OptimizerState) -> Result<()> {
        let rule =
            R::from_hyperparameters(&saved.hyperparameters).ok_or(OptimError::WrongOptimizer {
                expected: R::KIND,
                found: saved.kind(),
            })?;
        rule.validate()?;
        if saved.dtype != T::DTYPE {
            return Err(OptimError::WrongDtype {
                expected: T::DTYPE,
                found: saved.dtype,
            });
        }
        if saved.groups.len() != self.groups.len() {
            return Err(OptimError::GroupCountMismatch {
                expected: self.groups.len(),
                found: saved.groups.len(),
            });
        }
        for group in &saved.groups {
            group.validate()?;
            crate::config::check_weight_decay::<R>(group.weight_decay)?;
        }
        let mut slots = HashMap::with_capacity(saved.params.len());
        for (name, param) in &saved.params {
            if param.group >= self.groups.len() {
                return Err(OptimError::NoSuchGroup {
                    group: param.group,
                    groups: self.groups.len(),
                });
            }
            let (buffers, scalars) = state::restore(name, param, &rule)?;
            let slot = Slot::restored(
                param.group,
                param.shape.clone(),
                param.step,
                buffers,
                scalars,
            );
            slots.insert(name.clone(), slot);
        }
        self.rule = rule;
        self.groups = saved.groups.clone();
        self.slots = slots;
        self.call = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use super::*;
    use crate::SgdConfig;

    #[test]
    fn non_standard_layouts_match_standard_ones() {
        // A transposed (column-major) parameter and gradient go through the
        // scratch path; the result must equal the contiguous update.
        let mut opt = crate::AdamConfig::default().build::<f64>().unwrap();
        let mut reference = crate::AdamConfig::default().build::<f64>().unwrap();
        let base = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let grad = array![[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]];
        let mut t = base.t().to_owned(); // standard layout, shape 3x2
        let mut f: Array2<f64> = base.clone(); // its transpose view is F-order
        for _ in 0..3 {
            let g_std = grad.clone();
            let g_f = grad.t().to_owned(); // shape 2x3, standard
            reference
                .step(&mut [ParamMut::new("p", t.view_mut(), g_std.view())])
                .unwrap();
            opt.step(&mut [ParamMut::new("p", f.view_mut().reversed_axes(), g_f.t())])
                .unwrap();
        }
        assert_eq!(f.t(), t);
    }

    #[test]
    fn errors_leave_parameters_untouched() {
        let mut opt = SgdConfig::default().lr(1.0).build::<f64>().unwrap();
        let (mut a, ga) = (array![1.0], array![1.0]);
        let (mut b, gb) = (array![1.0], array![1.0, 2.0]);
        let err = opt
            .step(&mut [
                ParamMut::new("a", a.view_mut(), ga.view()),
                ParamMut::new("b", b.view_mut(), gb.view()),
            ])
            .unwrap_err();
        assert!(matches!(err, OptimError::GradShapeMismatch { .. }));
        assert_eq!((a[0], b[0]), (1.0, 1.0));
        assert_eq!(opt.step_count("a"), None);
    }
}
