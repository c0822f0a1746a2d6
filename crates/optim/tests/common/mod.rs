//! Helpers shared by the integration tests: one builder per optimizer variant.

#![allow(dead_code)]

use ndarray::{ArrayD, IxDyn};
use optim::{
    AdadeltaConfig, AdafactorConfig, AdagradConfig, AdamConfig, AdamWConfig, AdamaxConfig,
    AsgdConfig, DecayMode, Float, Momentum, NAdamConfig, Optimizer, ParamMut, RAdamConfig,
    RmsPropConfig, RpropConfig, SgdConfig,
};

/// How many variants [`build`] knows.
pub const VARIANTS: usize = 22;

/// Variant `index` (every optimizer, and the options that add state) with
/// the given learning rate and weight decay.
pub fn build<T: Float>(index: usize, lr: f64, wd: f64) -> Box<dyn Optimizer<T>> {
    fn boxed<T: Float, O: Optimizer<T> + 'static>(o: optim::Result<O>) -> Box<dyn Optimizer<T>> {
        Box::new(o.expect("valid config"))
    }
    match index {
        0 => boxed(SgdConfig::default().lr(lr).weight_decay(wd).build()),
        1 => boxed(
            SgdConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .momentum(Momentum::Heavy {
                    momentum: 0.9,
                    dampening: 0.1,
                })
                .build(),
        ),
        2 => boxed(
            SgdConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .momentum(Momentum::Nesterov { momentum: 0.9 })
                .build(),
        ),
        3 => boxed(
            AdagradConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .lr_decay(0.01)
                .initial_accumulator_value(0.1)
                .build(),
        ),
        4 => boxed(RmsPropConfig::default().lr(lr).weight_decay(wd).build()),
        5 => boxed(
            RmsPropConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .momentum(0.9)
                .centered(true)
                .build(),
        ),
        6 => boxed(AdamConfig::default().lr(lr).weight_decay(wd).build()),
        7 => boxed(
            AdamConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .amsgrad(true)
                .build(),
        ),
        8 => boxed(AdamWConfig::default().lr(lr).weight_decay(wd).build()),
        9 => boxed(
            AdamWConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .amsgrad(true)
                .build(),
        ),
        10 => boxed(AdadeltaConfig::default().lr(lr).weight_decay(wd).build()),
        11 => boxed(AdamaxConfig::default().lr(lr).weight_decay(wd).build()),
        12 => boxed(NAdamConfig::default().lr(lr).weight_decay(wd).build()),
        13 => boxed(
            NAdamConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .decay_mode(DecayMode::Decoupled)
                .build(),
        ),
        14 => boxed(RAdamConfig::default().lr(lr).weight_decay(wd).build()),
        15 => boxed(
            RAdamConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .decay_mode(DecayMode::Decoupled)
                .build(),
        ),
        16 => boxed(
            RmsPropConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .centered(true)
                .build(),
        ),
        // Rprop has no weight decay; Δmin = 0 so that lr = 0 never moves.
        17 => boxed(RpropConfig::default().lr(lr).step_sizes(0.0, 50.0).build()),
        // t0 = 2: the average starts moving off the iterate from step 3.
        18 => boxed(
            AsgdConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .t0(2.0)
                .build(),
        ),
        19 => boxed(
            AdamConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .maximize(true)
                .build(),
        ),
        20 => boxed(
            NAdamConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .decay_mode(DecayMode::Decoupled)
                .maximize(true)
                .build(),
        ),
        // Factored for `w` (2×3), full for `b`.
        21 => boxed(
            AdafactorConfig::default()
                .lr(lr)
                .weight_decay(wd)
                .maximize(true)
                .build(),
        ),
        _ => panic!("no variant {index}"),
    }
}

/// Two named parameters of different shapes and their gradients, made from
/// `values` (cycled).
pub struct Model<T> {
    pub w: ArrayD<T>,
    pub b: ArrayD<T>,
}

impl<T: Float> Model<T> {
    pub fn new(values: &[f64]) -> Self {
        let at = |i: usize| T::of(values[i % values.len()]);
        Model {
            w: ArrayD::from_shape_fn(IxDyn(&[2, 3]), |d| at(d[0] * 3 + d[1])),
            b: ArrayD::from_shape_fn(IxDyn(&[3]), |d| at(6 + d[0])),
        }
    }

    /// A gradient that depends on the parameters (so trajectories differ
    /// from step to step): g = θ·scale + shift.
    pub fn step(&mut self, opt: &mut dyn Optimizer<T>, scale: f64) -> optim::Result<()> {
        let gw = self.w.mapv(|v| v * T::of(scale) + T::of(0.1));
        let gb = self.b.mapv(|v| v * T::of(scale) - T::of(0.2));
        opt.step(&mut [
            ParamMut::new("layers.0.weight", self.w.view_mut(), gw.view()),
            ParamMut::new("layers.0.bias", self.b.view_mut(), gb.view()),
        ])
    }
}
