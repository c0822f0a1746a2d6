#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod adadelta;
mod adafactor;
mod adagrad;
mod adam;
mod adamax;
mod adamw;
mod asgd;
mod check;
mod clip;
mod config;
mod constraint;
mod driver;
mod error;
mod float;
mod group;
mod muon;
mod nadam;
mod newton;
mod optimizer;
mod param;
mod radam;
mod random_search;
mod rmsprop;
mod rprop;
mod rule;
mod schedule;
mod sgd;
mod slot;
mod state;
mod stopping;

pub use adadelta::{Adadelta, AdadeltaConfig, AdadeltaRule};
pub use adafactor::{Adafactor, AdafactorConfig, AdafactorRule};
pub use adagrad::{Adagrad, AdagradConfig, AdagradRule};
pub use adam::{Adam, AdamConfig, AdamRule};
pub use adamax::{Adamax, AdamaxConfig, AdamaxRule};
pub use adamw::{AdamW, AdamWConfig, AdamWRule};
pub use asgd::{Asgd, AsgdConfig, AsgdRule};
pub use clip::{NonFinite, NormType, clip_grad_norm, clip_grad_value, grad_norm};
pub use config::Config;
pub use constraint::{Barrier, BoxBounds, ExpBarrier, LogBarrier, Side};
pub use driver::Driver;
pub use error::{BufferProblem, OptimError, Result};
pub use float::{Dtype, Float};
pub use group::{Group, ParamGroup};
pub use muon::{AdjustLr, Muon, MuonConfig, MuonRule};
pub use nadam::{NAdam, NAdamConfig, NAdamRule};
pub use newton::{Newton, NewtonReport, NewtonStop};
pub use optimizer::{Optimizer, OptimizerKind};
pub use param::ParamMut;
pub use radam::{RAdam, RAdamConfig, RAdamRule};
pub use random_search::{RandomSearch, RandomSearchReport};
pub use rmsprop::{RmsProp, RmsPropConfig, RmsPropRule};
pub use rprop::{Rprop, RpropConfig, RpropRule};
pub use rule::{BufferSpec, DecayMode, Rule, StepCtx};
pub use schedule::{
    Anneal, BoldDriver, BoldDriverAction, ChainedScheduler, ConstantLr, CosineAnnealingLr,
    CosineAnnealingWarmRestarts, CyclicConfig, CyclicLr, CyclicMode, ExponentialLr, LambdaLr,
    LinearLr, MultiStepLr, MultiplicativeLr, OneCycleConfig, OneCycleLr, PlateauConfig,
    PlateauMode, PolynomialLr, ReduceLrOnPlateau, Schedule, SequentialLr, StepLr, ThresholdMode,
    batch_scaled_lr, batch_scaled_lr_from,
};
pub use sgd::{Momentum, Sgd, SgdConfig, SgdRule};
pub use state::{F64Bits, Hyperparameters, OptimizerState, ParamState};
pub use stopping::{
    AnyOf, Clock, Convergence, CostBelow, Criterion, Divergence, Goal, ManualClock, MaxIterations,
    MetricThreshold, Observation, StopReason, SystemClock, TimeBudget,
};
