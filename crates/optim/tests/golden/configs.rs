//! The optimizer configurations of `reference.py`'s OPTIMIZERS, by name
//! (split out of `golden.rs` to keep each file short).

use optim::{
    AdadeltaConfig, AdafactorConfig, AdagradConfig, AdamConfig, AdamWConfig, AdamaxConfig,
    AdjustLr, AsgdConfig, DecayMode, Float, Momentum, MuonConfig, NAdamConfig, Optimizer,
    RAdamConfig, RmsPropConfig, RpropConfig, SgdConfig,
};

/// The configurations of `reference.py`'s OPTIMIZERS, by name.
pub fn optimizer<T: Float>(name: &str) -> Box<dyn Optimizer<T>> {
    fn boxed<T: Float, O: Optimizer<T> + 'static>(o: optim::Result<O>) -> Box<dyn Optimizer<T>> {
        Box::new(o.expect("valid config"))
    }
    match name {
        "sgd" => boxed(SgdConfig::default().lr(0.1).build()),
        "sgd_weight_decay" => boxed(SgdConfig::default().lr(0.1).weight_decay(0.01).build()),
        "sgd_momentum" => boxed(
            SgdConfig::default()
                .lr(0.05)
                .momentum(Momentum::heavy(0.9))
                .build(),
        ),
        "sgd_momentum_dampening" => boxed(
            SgdConfig::default()
                .lr(0.05)
                .momentum(Momentum::Heavy {
                    momentum: 0.9,
                    dampening: 0.3,
                })
                .weight_decay(0.01)
                .build(),
        ),
        "sgd_nesterov" => boxed(
            SgdConfig::default()
                .lr(0.05)
                .momentum(Momentum::Nesterov { momentum: 0.9 })
                .weight_decay(0.001)
                .build(),
        ),
        "adagrad" => boxed(AdagradConfig::default().lr(0.1).build()),
        "adagrad_full" => boxed(
            AdagradConfig::default()
                .lr(0.1)
                .lr_decay(0.01)
                .weight_decay(0.01)
                .initial_accumulator_value(0.1)
                .eps(1e-9)
                .build(),
        ),
        "rmsprop" => boxed(RmsPropConfig::default().lr(0.01).build()),
        "rmsprop_momentum" => boxed(RmsPropConfig::default().lr(0.01).momentum(0.9).build()),
        "rmsprop_centered" => boxed(RmsPropConfig::default().lr(0.01).centered(true).build()),
        "rmsprop_centered_momentum" => boxed(
            RmsPropConfig::default()
                .lr(0.01)
                .alpha(0.9)
                .momentum(0.5)
                .centered(true)
                .weight_decay(0.01)
                .build(),
        ),
        "adam" => boxed(AdamConfig::default().lr(0.01).build()),
        "adam_amsgrad_weight_decay" => boxed(
            AdamConfig::default()
                .lr(0.01)
                .betas(0.8, 0.99)
                .amsgrad(true)
                .weight_decay(0.01)
                .build(),
        ),
        "adamw" => boxed(AdamWConfig::default().lr(0.01).build()),
        "adamw_amsgrad" => boxed(
            AdamWConfig::default()
                .lr(0.01)
                .weight_decay(0.1)
                .amsgrad(true)
                .build(),
        ),
        "adadelta" => boxed(AdadeltaConfig::default().build()),
        "adadelta_full" => boxed(
            AdadeltaConfig::default()
                .lr(0.5)
                .rho(0.95)
                .eps(1e-5)
                .weight_decay(0.01)
                .build(),
        ),
        "adamax" => boxed(AdamaxConfig::default().lr(0.02).build()),
        "adamax_full" => boxed(
            AdamaxConfig::default()
                .lr(0.02)
                .betas(0.8, 0.9)
                .weight_decay(0.01)
                .build(),
        ),
        "nadam" => boxed(NAdamConfig::default().lr(0.01).build()),
        "nadam_weight_decay" => boxed(NAdamConfig::default().lr(0.01).weight_decay(0.01).build()),
        "nadam_decoupled" => boxed(
            NAdamConfig::default()
                .lr(0.01)
                .weight_decay(0.1)
                .decay_mode(DecayMode::Decoupled)
                .momentum_decay(0.01)
                .build(),
        ),
        "radam" => boxed(RAdamConfig::default().lr(0.01).build()),
        "radam_weight_decay" => boxed(RAdamConfig::default().lr(0.01).weight_decay(0.01).build()),
        "radam_decoupled" => boxed(
            RAdamConfig::default()
                .lr(0.01)
                .weight_decay(0.1)
                .decay_mode(DecayMode::Decoupled)
                .betas(0.5, 0.9)
                .build(),
        ),
        "sgd_momentum_maximize" => boxed(
            SgdConfig::default()
                .lr(0.01)
                .momentum(Momentum::heavy(0.9))
                .weight_decay(0.1)
                .maximize(true)
                .build(),
        ),
        "adagrad_maximize" => boxed(max(AdagradConfig::default().lr(0.1)).build()),
        "rmsprop_maximize" => boxed(max(RmsPropConfig::default().lr(0.01).centered(true)).build()),
        "adam_maximize" => boxed(max(AdamConfig::default().lr(0.01)).build()),
        "adamw_maximize" => boxed(max(AdamWConfig::default().lr(0.01)).build()),
        "adadelta_maximize" => boxed(max(AdadeltaConfig::default()).build()),
        "adamax_maximize" => boxed(max(AdamaxConfig::default().lr(0.02)).build()),
        "nadam_maximize" => boxed(max(NAdamConfig::default().lr(0.01)).build()),
        "radam_decoupled_maximize" => boxed(
            max(RAdamConfig::default().lr(0.01))
                .decay_mode(DecayMode::Decoupled)
                .build(),
        ),
        "rprop" => boxed(RpropConfig::default().lr(0.01).build()),
        "rprop_full" => boxed(
            RpropConfig::default()
                .lr(0.05)
                .etas(0.3, 1.5)
                .step_sizes(1e-3, 0.2)
                .build(),
        ),
        "rprop_maximize" => boxed(RpropConfig::default().lr(0.01).maximize(true).build()),
        "adafactor_vector" | "adafactor_matrix" => boxed(AdafactorConfig::default().build()),
        "adafactor_full" => boxed(
            AdafactorConfig::default()
                .lr(0.05)
                .beta2_decay(-0.5)
                .eps(Some(1e-20), 1e-2)
                .d(1.5)
                .weight_decay(0.1)
                .build(),
        ),
        "adafactor_batched_maximize" => boxed(max(AdafactorConfig::default()).build()),
        "muon_square" => boxed(MuonConfig::default().lr(0.02).build()),
        "muon_tall" => {
            let mut c = MuonConfig::default().lr(0.02).momentum(0.9).nesterov(false);
            c.rule.adjust_lr_fn = AdjustLr::MatchRmsAdamW;
            boxed(c.build())
        }
        "muon_wide" => {
            let mut c = MuonConfig::default().lr(0.05).weight_decay(0.0);
            (c.rule.adjust_lr_fn, c.rule.ns_steps) = (AdjustLr::SpectralUnclamped, 3);
            boxed(c.build())
        }
        "asgd" => boxed(AsgdConfig::default().lr(0.05).build()),
        "asgd_averaging" => boxed(
            AsgdConfig::default()
                .lr(0.05)
                .lambd(0.01)
                .alpha(0.5)
                .t0(5.0)
                .weight_decay(0.01)
                .build(),
        ),
        "asgd_maximize" => boxed(
            AsgdConfig::default()
                .lr(0.01)
                .t0(3.0)
                .weight_decay(0.1)
                .maximize(true)
                .build(),
        ),
        other => panic!("no optimizer named {other} in the golden file"),
    }
}

/// `maximize=True, weight_decay=0.1`, the setting of the `*_maximize` cases.
fn max<R: optim::Rule>(config: optim::Config<R>) -> optim::Config<R> {
    config.weight_decay(0.1).maximize(true)
}
