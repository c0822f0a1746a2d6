//! The state of one parameter, and the step that applies a rule to it over
//! contiguous slices.

use ndarray::{ArrayViewD, ArrayViewMutD};

use crate::float::Float;
use crate::rule::{Rule, StepCtx};

/// The state of one parameter.
#[derive(Clone, Debug)]
pub(crate) struct Slot<T> {
    pub(crate) group: usize,
    pub(crate) shape: Vec<usize>,
    pub(crate) step: u64,
    pub(crate) buffers: Vec<Vec<T>>,
    pub(crate) scalars: Vec<f64>,
    /// The last call of `step` that saw this parameter (finds duplicates).
    pub(crate) stamp: u64,
    /// Parameter and gradient copies for arrays not in standard layout.
    scratch_value: Vec<T>,
    scratch_grad: Vec<T>,
}

impl<T: Float> Slot<T> {
    pub(crate) fn new<R: Rule>(rule: &R, group: usize, shape: &[usize], stamp: u64) -> Self {
        Slot {
            group,
            shape: shape.to_vec(),
            step: 0,
            buffers: rule
                .buffers()
                .iter()
                .enumerate()
                .map(|(i, b)| vec![T::of(b.init); rule.buffer_len(i, shape)])
                .collect(),
            scalars: rule.scalars().iter().map(|s| s.init).collect(),
            stamp,
            scratch_value: Vec::new(),
            scratch_grad: Vec::new(),
        }
    }

    /// A slot rebuilt from a saved state (already checked against the rule).
    pub(crate) fn restored(
        group: usize,
        shape: Vec<usize>,
        step: u64,
        buffers: Vec<Vec<T>>,
        scalars: Vec<f64>,
    ) -> Self {
        Slot {
            group,
            shape,
            step,
            buffers,
            scalars,
            stamp: 0,
            scratch_value: Vec::new(),
            scratch_grad: Vec::new(),
        }
    }

    /// One step of this parameter: in place through slices when the arrays
    /// are in standard layout, through the scratch copies otherwise (no
    /// allocation once the scratch vectors have grown). With `maximize` the
    /// rule sees the negated gradient (copied into the scratch buffer).
    pub(crate) fn update<R: Rule>(
        &mut self,
        rule: &R,
        ctx: StepCtx,
        maximize: bool,
        value: &mut ArrayViewMutD<'_, T>,
        grad: &ArrayViewD<'_, T>,
    ) {
        let Slot {
            shape,
            buffers,
            scalars,
            scratch_value,
            scratch_grad,
            ..
        } = self;
        let grad: &[T] = match grad.as_slice() {
            _ if maximize => {
                scratch_grad.clear();
                scratch_grad.extend(grad.iter().map(|&g| -g));
                scratch_grad
            }
            Some(g) => g,
            None => {
                scratch_grad.clear();
                scratch_grad.extend(grad.iter().copied());
                scratch_grad
            }
        };
        if let Some(param) = value.as_slice_mut() {
            update_wide(rule, ctx, shape, param, grad, buffers, scalars);
            return;
        }
        scratch_value.clear();
        scratch_value.extend(value.iter().copied());
        update_wide(rule, ctx, shape, scratch_value, grad, buffers, scalars);
        for (v, s) in value.iter_mut().zip(scratch_value.iter()) {
            *v = *s;
        }
    }
}

/// `rule.update`, compiled for the widest vector unit the CPU has (AVX-512,
/// AVX2, or the build's baseline). The rules are element-wise IEEE
/// arithmetic, which the compiler never fuses into multiply-adds, so every
/// version gives the same bits; only the vector width differs.
fn update_wide<R: Rule, T: Float>(
    rule: &R,
    ctx: StepCtx,
    shape: &[usize],
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
    scalars: &mut [f64],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { update_avx512(rule, ctx, shape, param, grad, buffers, scalars) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { update_avx2(rule, ctx, shape, param, grad, buffers, scalars) };
        }
    }
    rule.update_shaped(ctx, shape, param, grad, buffers, scalars);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
fn update_avx512<R: Rule, T: Float>(
    rule: &R,
    ctx: StepCtx,
    shape: &[usize],
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
    scalars: &mut [f64],
) {
    rule.update_shaped(ctx, shape, param, grad, buffers, scalars);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_avx2<R: Rule, T: Float>(
    rule: &R,
    ctx: StepCtx,
    shape: &[usize],
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
    scalars: &mut [f64],
) {
    rule.update_shaped(ctx, shape, param, grad, buffers, scalars);
}
