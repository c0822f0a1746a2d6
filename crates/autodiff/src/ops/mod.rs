//! The ops, one file per family; each holds the forward methods on
//! [`Tape`](crate::Tape) and the backward rule (vector-Jacobian product) of
//! every op it defines.

pub(crate) mod arith;
pub(crate) mod linalg;
pub(crate) mod loss;
pub(crate) mod reduce;
pub(crate) mod softmax;
pub(crate) mod unary;

use ndarray::{ArrayD, ArrayViewD, Zip};

use crate::gradients::GradSlots;
use crate::{Float, Var};

/// `slot(var) (+)= f(g, x)` elementwise, for `x` of the slot's shape.
pub(crate) fn acc_map<T: Float>(
    slots: &mut GradSlots<'_, T>,
    var: Var,
    g: &ArrayD<T>,
    x: &ArrayD<T>,
    f: impl Fn(T, T) -> T,
) {
    let (slot, fresh) = slots.slot(var, x.shape());
    if let (Some(s), Some(g), Some(x)) = (slot.as_slice_mut(), g.as_slice(), x.as_slice()) {
        // every array the tape makes is contiguous: plain loops vectorize and
        // skip ndarray's per-call layout work
        let it = s.iter_mut().zip(g).zip(x);
        if fresh {
            it.for_each(|((s, &g), &x)| *s = f(g, x));
        } else {
            it.for_each(|((s, &g), &x)| *s += f(g, x));
        }
        return;
    }
    let z = Zip::from(slot).and(g).and(x);
    if fresh {
        z.for_each(|s, &g, &x| *s = f(g, x));
    } else {
        z.for_each(|s, &g, &x| *s += f(g, x));
    }
}

/// `slot(var) += contribution`, where `contribution` already has the slot's shape.
pub(crate) fn acc_array<T: Float>(
    slots: &mut GradSlots<'_, T>,
    var: Var,
    contribution: ArrayViewD<'_, T>,
) {
    let (slot, fresh) = slots.slot(var, contribution.shape());
    if fresh {
        slot.assign(&contribution);
    } else {
        *slot += &contribution;
    }
}
