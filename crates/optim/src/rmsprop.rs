//! RMSprop: steps scaled by a running root mean square of the gradients.
//!
//! PyTorch's `torch.optim.RMSprop` (single-tensor path), per parameter θ with
//! gradient g, `lr` γ, `alpha` α, `eps` ε, `weight_decay` λ, `momentum` μ:
//!
//! ```text
//! g  ← g + λ·θ                       if λ ≠ 0
//! v  ← α·v + (1 − α)·g²
//! ḡ  ← ḡ + (1 − α)·(g − ḡ)           (centered only: ḡ.lerp_(g, 1 − α))
//! a  = √(v − ḡ²) + ε   (centered)   or   √v + ε
//! b  ← μ·b + g / a;  θ ← θ − γ·b     if μ > 0
//! θ  ← θ − γ·g / a                   otherwise
//! ```

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Decay, DecayMode, Lerp, Rule, StepCtx, with_decay};
use crate::state::Hyperparameters;

/// RMSprop's own hyperparameters.
///
/// ```
/// let r = optim::RmsPropRule::default();
/// assert_eq!((r.alpha, r.eps, r.momentum, r.centered), (0.99, 1e-8, 0.0, false));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RmsPropRule {
    /// Smoothing constant α in `[0, 1]` (`alpha`).
    pub alpha: f64,
    /// ε > 0 (`eps`).
    pub eps: f64,
    /// μ in `[0, 1)` (`momentum`); 0 means no momentum buffer.
    pub momentum: f64,
    /// Normalize by the estimated variance instead of the raw second moment
    /// (`centered`).
    pub centered: bool,
}

impl Default for RmsPropRule {
    fn default() -> Self {
        RmsPropRule {
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0,
            centered: false,
        }
    }
}

/// Configuration of [`RmsProp`]; defaults are PyTorch's (`lr=1e-2`,
/// `alpha=0.99`, `eps=1e-8`, `weight_decay=0`, `momentum=0`, `centered=False`).
///
/// ```
/// assert_eq!(optim::RmsPropConfig::default().lr, 1e-2);
/// ```
pub type RmsPropConfig = Config<RmsPropRule>;

/// RMSprop, `torch.optim.RMSprop`.
///
/// ```
/// use ndarray::array;
/// use optim::{Optimizer, ParamMut, RmsProp, RmsPropConfig};
/// let mut opt: RmsProp<f64> = RmsPropConfig::default().build()?;
/// let (mut x, g) = (array![1.0], array![1.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // v = 0.01, so the first step is lr·1/(0.1 + ε) ≈ 10·lr.
/// assert!((x[0] - (1.0 - 0.1)).abs() < 1e-8);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type RmsProp<T> = Driver<RmsPropRule, T>;

impl Default for Config<RmsPropRule> {
    fn default() -> Self {
        Config::with_rule(RmsPropRule::default(), 1e-2, 0.0)
    }
}

impl Config<RmsPropRule> {
    /// Sets `alpha`.
    ///
    /// ```
    /// assert_eq!(optim::RmsPropConfig::default().alpha(0.9).rule.alpha, 0.9);
    /// ```
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.rule.alpha = alpha;
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::RmsPropConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }

    /// Sets `momentum`.
    ///
    /// ```
    /// assert_eq!(optim::RmsPropConfig::default().momentum(0.9).rule.momentum, 0.9);
    /// ```
    pub fn momentum(mut self, momentum: f64) -> Self {
        self.rule.momentum = momentum;
        self
    }

    /// Turns the centered variant on or off (`centered`).
    ///
    /// ```
    /// assert!(optim::RmsPropConfig::default().centered(true).rule.centered);
    /// ```
    pub fn centered(mut self, centered: bool) -> Self {
        self.rule.centered = centered;
        self
    }
}

impl Rule for RmsPropRule {
    const KIND: OptimizerKind = OptimizerKind::RmsProp;

    fn validate(&self) -> Result<()> {
        check::unit_closed("alpha", self.alpha)?;
        check::positive("eps", self.eps)?;
        check::unit_half_open("momentum", self.momentum)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        let spec = |name| BufferSpec { name, init: 0.0 };
        let mut specs = vec![spec("square_avg")];
        if self.momentum > 0.0 {
            specs.push(spec("momentum_buffer"));
        }
        if self.centered {
            specs.push(spec("grad_avg"));
        }
        specs
    }

    #[inline(always)]
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        _scalars: &mut [f64],
    ) {
        let k = Scalars {
            alpha: T::of(self.alpha),
            one_minus_alpha: T::of(1.0 - self.alpha),
            lerp: Lerp::new(1.0 - self.alpha),
            eps: T::of(self.eps),
            momentum: T::of(self.momentum),
            neg_lr: T::of(-ctx.lr),
        };
        let (mut buffers, has_momentum) = (buffers.iter_mut(), self.momentum > 0.0);
        let square_avg = buffers.next().expect("RMSprop always has square_avg");
        let momentum_buffer = if has_momentum { buffers.next() } else { None };
        let grad_avg = if self.centered { buffers.next() } else { None };
        let bufs = Bufs {
            square_avg,
            momentum_buffer,
            grad_avg,
        };
        with_decay!(T, ctx, DecayMode::Coupled, |d| kernel(
            k, d, param, grad, bufs
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::RmsProp(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::RmsProp(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
struct Scalars<T> {
    alpha: T,
    one_minus_alpha: T,
    lerp: Lerp<T>,
    eps: T,
    momentum: T,
    neg_lr: T,
}

struct Bufs<'a, T> {
    square_avg: &'a mut Vec<T>,
    momentum_buffer: Option<&'a mut Vec<T>>,
    grad_avg: Option<&'a mut Vec<T>>,
}

#[inline(always)]
fn kernel<T: Float, D: Decay<T>>(
    k: Scalars<T>,
    d: D,
    param: &mut [T],
    grad: &[T],
    bufs: Bufs<'_, T>,
) {
    let Bufs {
        square_avg,
        momentum_buffer,
        grad_avg,
    } = bufs;
    // The four variants share the first lines; each loop stays branch-free.
    let second_moment = |p: T, g: T, v: &mut T| {
        let g = d.grad(p, g);
        *v = *v * k.alpha + k.one_minus_alpha * g * g;
        g
    };
    let zipped = param.iter_mut().zip(grad).zip(square_avg.iter_mut());
    match (momentum_buffer, grad_avg) {
        (None, None) => {
            for ((p, &g), v) in zipped {
                let g = second_moment(*p, g, v);
                *p += k.neg_lr * g / (v.sqrt() + k.eps);
            }
        }
        (Some(b), None) => {
            for (((p, &g), v), b) in zipped.zip(b.iter_mut()) {
                let g = second_moment(*p, g, v);
                *b = *b * k.momentum + g / (v.sqrt() + k.eps);
                *p += k.neg_lr * *b;
            }
        }
        (None, Some(ga)) => {
            for (((p, &g), v), ga) in zipped.zip(ga.iter_mut()) {
                let g = second_moment(*p, g, v);
                *ga = k.lerp.apply(*ga, g);
                let avg = (*v + -*ga * *ga).sqrt() + k.eps;
                *p += k.neg_lr * g / avg;
            }
        }
        (Some(b), Some(ga)) => {
            for ((((p, &g), v), b), ga) in zipped.zip(b.iter_mut()).zip(ga.iter_mut()) {
                let g = second_moment(*p, g, v);
                *ga = k.lerp.apply(*ga, g);
                let avg = (*v + -*ga * *ga).sqrt() + k.eps;
                *b = *b * k.momentum + g / avg;
                *p += k.neg_lr * *b;
            }
        }
    }
}
