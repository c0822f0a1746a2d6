//! The shared core of every normalization layer: subtract the mean and
//! divide by the standard deviation along one axis, composed from tape ops so
//! that backward goes exactly through the statistics.

use autodiff::{Float, Tape, Var};

/// The outputs of [`standardize`]: the normalized values and the statistics
/// (kept with the reduced axis of size 1).
pub(crate) struct Standardized {
    /// `(x - mean) / √(var + eps)`.
    pub(crate) normalized: Var,
    /// Mean along the axis.
    pub(crate) mean: Var,
    /// Biased variance along the axis (divided by n, not n - 1).
    pub(crate) var: Var,
}

/// `x̂ = (x - μ) / √(σ² + eps)` with `μ` and the biased `σ²` taken along
/// `axis`. Composed as `mean_axis`, `sub`, `mul`, `mean_axis`, `add_scalar`,
/// `sqrt` and `div`, so the tape differentiates through `μ` and `σ²`.
pub(crate) fn standardize<T: Float>(
    tape: &mut Tape<T>,
    x: Var,
    axis: usize,
    eps: f64,
) -> Standardized {
    let mean = tape.mean_axis(x, axis, true);
    let centered = tape.sub(x, mean);
    let squared = tape.mul(centered, centered);
    let var = tape.mean_axis(squared, axis, true);
    let shifted = tape.add_scalar(var, T::of(eps));
    let std = tape.sqrt(shifted);
    let normalized = tape.div(centered, std);
    Standardized {
        normalized,
        mean,
        var,
    }
}

/// `x̂ · γ + β` with `γ`, `β` broadcast along the leading axes.
pub(crate) fn affine<T: Float>(tape: &mut Tape<T>, normalized: Var, scale: Var, shift: Var) -> Var {
    let scaled = tape.mul(normalized, scale);
    tape.add(scaled, shift)
}
