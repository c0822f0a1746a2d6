//! Every optimizer and schedule against golden values.
//!
//! `golden/golden.json` was produced by `golden/reference.py`, a pure-Python
//! f64 transcription of torch.optim's single-tensor update loops and of the
//! schedulers' chainable `step()` logic (regenerate with
//! `python3 crates/optim/tests/golden/reference.py > crates/optim/tests/golden/golden.json`).
//! Optimizers: 25 steps on f(θ) = Σ cᵢθᵢ²/2 + sin θᵢ from θ₀ = (1, −0.5, 0.25, 2)
//! (the `*_maximize` cases climb f instead), and ASGD's averaged parameters
//! `ax` after the last step; Adafactor's factored cases and Muon step θ as a
//! 2×2, 2×1×2, 4×1 or 1×4 array. Rprop, ASGD, Adafactor and Muon are transcribed from torch 2.15.0's
//! `_single_tensor_*` loops (see the script's header:
//! torch itself could not be imported here, so the values are the
//! transcription's, not torch's).
//! Schedules: `get_last_lr()` for epochs 0..=25, compared with the closed forms.

use ndarray::{Array1, ArrayD, IxDyn};
use optim::{
    Anneal, ChainedScheduler, ConstantLr, CosineAnnealingLr, CosineAnnealingWarmRestarts,
    CyclicConfig, CyclicMode, ExponentialLr, Float, LambdaLr, LinearLr, MultiStepLr,
    MultiplicativeLr, OneCycleConfig, Optimizer, ParamMut, PlateauConfig, PlateauMode,
    PolynomialLr, Schedule, SequentialLr, StepLr, ThresholdMode,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Golden {
    theta0: Vec<f64>,
    curvature: Vec<f64>,
    optimizers: Vec<OptimizerCase>,
    schedules: Vec<ScheduleCase>,
    plateaus: Vec<PlateauCase>,
}

#[derive(Deserialize)]
struct OptimizerCase {
    name: String,
    trajectory: Vec<Vec<f64>>,
    /// ASGD's `ax` after the last step.
    ax: Option<Vec<f64>>,
    /// The parameter's shape when it is not a vector (Adafactor's factored cases).
    shape: Option<Vec<usize>>,
}

#[derive(Deserialize)]
struct ScheduleCase {
    name: String,
    base_lr: f64,
    lrs: Vec<f64>,
}

#[derive(Deserialize)]
struct PlateauCase {
    name: String,
    metrics: Vec<Option<f64>>,
    lrs: Vec<Vec<f64>>,
}

fn golden() -> Golden {
    let text = include_str!("golden/golden.json");
    serde_json::from_str(text).expect("golden.json parses")
}

#[path = "golden/configs.rs"]
mod configs;

use configs::optimizer;

/// Runs 25 steps on the golden objective and returns every iterate; θ has
/// `shape` (row-major over θ₀) when given.
fn run<T: Float>(
    opt: &mut dyn Optimizer<T>,
    theta0: &[f64],
    curvature: &[f64],
    shape: Option<&[usize]>,
) -> Vec<Vec<f64>> {
    let flat: Array1<T> = theta0.iter().map(|&v| T::of(v)).collect();
    let shape = shape.map_or_else(|| vec![theta0.len()], <[usize]>::to_vec);
    let mut theta: ArrayD<T> = flat
        .into_shape_with_order(IxDyn(&shape))
        .expect("shape fits θ₀");
    let curvature: Vec<T> = curvature.iter().map(|&c| T::of(c)).collect();
    let mut out = Vec::new();
    for _ in 0..25 {
        // ∂/∂θᵢ (cᵢθᵢ²/2 + sin θᵢ) = cᵢθᵢ + cos θᵢ
        let grad = ArrayD::from_shape_vec(
            theta.raw_dim(),
            theta
                .iter()
                .zip(&curvature)
                .map(|(&t, &c)| c * t + t.cos())
                .collect(),
        )
        .expect("same shape");
        opt.step(&mut [ParamMut::new("theta", theta.view_mut(), grad.view())])
            .expect("step");
        out.push(theta.iter().map(|v| v.as_f64()).collect());
    }
    out
}

fn close(actual: f64, expected: f64, rel: f64, abs: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs() + abs
}

#[test]
fn optimizers_match_the_reference_trajectories_in_f64() {
    let g = golden();
    assert_eq!(g.optimizers.len(), 47);
    for case in &g.optimizers {
        let mut opt = optimizer::<f64>(&case.name);
        let actual = run(opt.as_mut(), &g.theta0, &g.curvature, case.shape.as_deref());
        if let Some(ax) = &case.ax {
            let state = opt.state();
            let actual = state.params["theta"].buffers["ax"].to_values::<f64>();
            for (x, y) in actual.iter().zip(ax) {
                assert!(
                    close(*x, *y, 1e-12, 1e-15),
                    "{} ax: {actual:?} != {ax:?}",
                    case.name
                );
            }
        }
        for (step, (a, e)) in actual.iter().zip(&case.trajectory).enumerate() {
            for (x, y) in a.iter().zip(e) {
                assert!(
                    close(*x, *y, 1e-12, 1e-15),
                    "{} step {}: {a:?} != {e:?}",
                    case.name,
                    step + 1
                );
            }
        }
    }
}

#[test]
fn optimizers_in_f32_follow_the_f64_trajectories() {
    let g = golden();
    for case in &g.optimizers {
        let mut opt = optimizer::<f32>(&case.name);
        let actual = run(opt.as_mut(), &g.theta0, &g.curvature, case.shape.as_deref());
        let (a, e) = (&actual[24], &case.trajectory[24]);
        for (x, y) in a.iter().zip(e) {
            assert!(
                close(*x, *y, 1e-3, 1e-4),
                "{}: f32 {a:?} vs f64 {e:?}",
                case.name
            );
        }
    }
}

/// The schedules of `reference.py`'s SCHEDULES, by name.
fn schedule(name: &str) -> Box<dyn Schedule> {
    let one_cycle = |pct_start: f64, anneal: Anneal, three_phase: bool| {
        let mut c = OneCycleConfig::new(0.1, 25);
        (c.pct_start, c.anneal, c.three_phase) = (pct_start, anneal, three_phase);
        c.build().expect("valid one-cycle")
    };
    let cyclic = |up: u64, down: u64, mode: CyclicMode| {
        let mut c = CyclicConfig::new(0.01, 0.1);
        (c.step_size_up, c.step_size_down, c.mode) = (up, Some(down), mode);
        c.build().expect("valid cyclic")
    };
    match name {
        "step" => Box::new(StepLr::new(3, 0.5).unwrap()),
        "multi_step" => Box::new(MultiStepLr::new(vec![2, 5, 5, 9], 0.5).unwrap()),
        "constant" => Box::new(ConstantLr::new(0.5, 4).unwrap()),
        "constant_default" => Box::new(ConstantLr::default()),
        "linear_warmup" => Box::new(LinearLr::new(0.25, 1.0, 6).unwrap()),
        "linear_decay" => Box::new(LinearLr::new(1.0, 0.1, 10).unwrap()),
        "exponential" => Box::new(ExponentialLr::new(0.9).unwrap()),
        "cosine" => Box::new(CosineAnnealingLr::new(10, 0.001).unwrap()),
        "cosine_zero_floor" => Box::new(CosineAnnealingLr::new(7, 0.0).unwrap()),
        "warm_restarts" => Box::new(CosineAnnealingWarmRestarts::new(3, 2, 0.01).unwrap()),
        "warm_restarts_constant_period" => {
            Box::new(CosineAnnealingWarmRestarts::new(4, 1, 0.0).unwrap())
        }
        "one_cycle_cos" => Box::new(one_cycle(0.3, Anneal::Cos, false)),
        "one_cycle_linear_three_phase" => Box::new(one_cycle(0.25, Anneal::Linear, true)),
        "cyclic_triangular" => Box::new(cyclic(4, 3, CyclicMode::Triangular)),
        "cyclic_triangular2" => Box::new(cyclic(2, 2, CyclicMode::Triangular2)),
        "cyclic_exp_range" => Box::new(cyclic(3, 3, CyclicMode::ExpRange { gamma: 0.9 })),
        "polynomial" => Box::new(PolynomialLr::new(10, 2.0).unwrap()),
        "polynomial_default" => Box::new(PolynomialLr::default()),
        "sequential_warmup_cosine" => Box::new(
            SequentialLr::new(
                vec![
                    Box::new(LinearLr::new(0.1, 1.0, 5).unwrap()),
                    Box::new(CosineAnnealingLr::new(10, 0.0).unwrap()),
                ],
                vec![5],
            )
            .unwrap(),
        ),
        "lambda" => Box::new(LambdaLr::new(|e| 1.0 / (1.0 + 0.1 * e as f64))),
        "multiplicative" => Box::new(MultiplicativeLr::new(
            |e| {
                if e % 4 != 0 { 0.9 } else { 1.5 }
            },
        )),
        "chained" => Box::new(
            ChainedScheduler::new(vec![
                Box::new(ConstantLr::new(0.5, 4).unwrap()),
                Box::new(StepLr::new(3, 0.5).unwrap()),
                Box::new(ExponentialLr::new(0.9).unwrap()),
            ])
            .unwrap(),
        ),
        other => panic!("no schedule named {other} in the golden file"),
    }
}

#[test]
fn schedules_match_pytorch_stepping() {
    let g = golden();
    assert_eq!(g.schedules.len(), 22);
    for case in &g.schedules {
        let s = schedule(&case.name);
        for (step, &expected) in case.lrs.iter().enumerate() {
            let actual = s.lr(case.base_lr, step as u64);
            // Closed form against PyTorch's recursion: equal up to rounding.
            assert!(
                close(actual, expected, 1e-12, 1e-16),
                "{} epoch {step}: {actual} != {expected}",
                case.name
            );
        }
    }
}

#[test]
fn reduce_on_plateau_matches_pytorch() {
    let g = golden();
    for case in &g.plateaus {
        let config = match case.name.as_str() {
            "plateau_min_rel" => PlateauConfig::default()
                .patience(2)
                .cooldown(1)
                .factor(0.5)
                .min_lrs(vec![0.02, 0.001]),
            "plateau_min_abs" => PlateauConfig::default()
                .patience(1)
                .threshold(0.05, ThresholdMode::Abs)
                .factor(0.3),
            "plateau_max_rel" => PlateauConfig::default()
                .mode(PlateauMode::Max)
                .patience(1)
                .threshold(0.01, ThresholdMode::Rel),
            "plateau_max_abs" => PlateauConfig::default()
                .mode(PlateauMode::Max)
                .patience(0)
                .threshold(0.005, ThresholdMode::Abs)
                .cooldown(2)
                .min_lr(0.0005),
            "plateau_default" => PlateauConfig::default(),
            other => panic!("no plateau case {other}"),
        };
        let mut plateau = config.build().unwrap();
        let mut lrs = case.lrs[0].clone();
        lrs.copy_from_slice(&initial_lrs(&case.name));
        for (metric, expected) in case.metrics.iter().zip(&case.lrs) {
            plateau.step(metric.unwrap_or(f64::NAN), &mut lrs).unwrap();
            assert_eq!(&lrs, expected, "{}", case.name);
        }
    }
}

fn initial_lrs(name: &str) -> Vec<f64> {
    match name {
        "plateau_min_rel" => vec![0.1, 0.01],
        "plateau_min_abs" => vec![1.0],
        _ => vec![0.1],
    }
}
