//! The trainer's library API: plugging in models and optimizers, the
//! full-batch step, evaluation, schedules, stopping and diagnostics.

mod common;

use experiments::train::{
    EvalSplit, LrSchedule, Network, OptimizerChoice, StopKind, TrainConfig, Trainer, WarningKind,
};
use nn::MlpConfig;
use rand::SeedableRng;

fn quick() -> TrainConfig {
    TrainConfig {
        subset: Some(4000),
        epochs: 2,
        ..TrainConfig::default()
    }
}

#[test]
fn optimizers_compared_from_one_initialization_see_the_same_batches() {
    let config = quick();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let model = MlpConfig::parse("784-20-10")
        .unwrap()
        .build::<f32>(&mut rng)
        .unwrap();
    let mut first_losses = Vec::new();
    for choice in [OptimizerChoice::Sgd, OptimizerChoice::Adam] {
        let optimizer = choice.build::<f32>(0.01, None, None).unwrap();
        let mut trainer = Trainer::with_parts(
            &config,
            common::mnist(),
            Box::new(clone(&model)) as Box<dyn Network<f32>>,
            optimizer,
        )
        .unwrap();
        let record = trainer.run_epoch().unwrap();
        assert_eq!(record.train.steps, 32);
        first_losses.push(trainer.step_losses()[0]);
    }
    // the same initialization and the same first batch: the same first loss
    assert_eq!(first_losses[0].to_bits(), first_losses[1].to_bits());
}

fn clone(model: &nn::Mlp<f32>) -> nn::Mlp<f32> {
    let bytes = nn::checkpoint_to_bytes(model).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    let mut copy = model.config().build::<f32>(&mut rng).unwrap();
    nn::load_checkpoint_bytes(&mut copy, &bytes).unwrap();
    copy
}

#[test]
fn a_model_that_does_not_fit_the_data_is_an_error() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let model = MlpConfig::parse("100-10")
        .unwrap()
        .build::<f32>(&mut rng)
        .unwrap();
    let optimizer = OptimizerChoice::Sgd.build::<f32>(0.1, None, None).unwrap();
    let err = Trainer::with_parts(&quick(), common::mnist(), Box::new(model), optimizer)
        .err()
        .unwrap();
    assert!(err.to_string().contains("100 inputs"), "{err}");
}

#[test]
fn full_batch_steps_are_gradient_descent_on_the_whole_set() {
    let config = TrainConfig {
        lr: 0.5,
        batch: 60_000,
        subset: Some(5000),
        eval_chunk: 1500,
        ..TrainConfig::default()
    };
    let mut chunked = Trainer::<f64>::new(&config, common::mnist()).unwrap();
    let whole_config = TrainConfig {
        eval_chunk: 10_000,
        ..config.clone()
    };
    let mut whole = Trainer::<f64>::new(&whole_config, common::mnist()).unwrap();
    let mut losses = Vec::new();
    for _ in 0..5 {
        let a = chunked.full_batch_step().unwrap();
        let b = whole.full_batch_step().unwrap();
        // accumulated over 4 chunks or in one pass: the same step up to rounding
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        losses.push(a);
    }
    assert!(losses[4] < losses[0], "{losses:?}");
    assert_eq!(chunked.steps(), 5);
    // the loss reported is the training-set loss before the step
    let now = chunked.evaluate(EvalSplit::Train).unwrap().loss;
    let next = chunked.full_batch_step().unwrap();
    assert!((now - next).abs() < 1e-9, "{now} vs {next}");
}

#[test]
fn evaluation_reports_every_split() {
    let config = TrainConfig {
        validation: 5000,
        ..quick()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    assert_eq!(trainer.eval_split(), EvalSplit::Validation);
    assert_eq!(trainer.train_examples(), 4000);
    let record = trainer.run_epoch().unwrap();
    assert_eq!(record.eval_split, EvalSplit::Validation);
    assert_eq!(record.eval.unwrap().examples, 5000);
    let test = trainer.evaluate(EvalSplit::Test).unwrap();
    assert_eq!(test.examples, 10_000);
    assert!(test.accuracy > 0.6 && test.loss < 1.5, "{test:?}");
    let train = trainer.evaluate(EvalSplit::Train).unwrap();
    assert_eq!(train.examples, 4000);
    // evaluation trains nothing
    assert_eq!(trainer.evaluate(EvalSplit::Test).unwrap(), test);
}

#[test]
fn a_schedule_sets_the_learning_rate_of_every_step() {
    let config = TrainConfig {
        epochs: 1,
        ..quick()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    trainer.set_schedule(LrSchedule::per_step(|base: f64, step: u64| {
        base / (1.0 + step as f64)
    }));
    let record = trainer.run_epoch().unwrap();
    assert!(
        (record.train.lr - 0.1 / 32.0).abs() < 1e-12,
        "{}",
        record.train.lr
    );
    assert_eq!(record.stop.unwrap().kind, StopKind::Completed);
}

#[test]
fn a_target_accuracy_stops_the_run() {
    let config = TrainConfig {
        target_accuracy: Some(0.5),
        epochs: 5,
        ..quick()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    let record = trainer.run_epoch().unwrap();
    assert_eq!(record.stop.unwrap().kind, StopKind::TargetReached);
}

#[test]
fn a_learning_rate_far_too_low_is_called_too_low() {
    let config = TrainConfig {
        lr: 1e-6,
        epochs: 1,
        subset: Some(20_000),
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    let record = trainer.run_epoch().unwrap();
    let kinds: Vec<WarningKind> = record.train.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::Stagnation), "{kinds:?}");
    assert!(kinds.contains(&WarningKind::SmallUpdates), "{kinds:?}");
    let stagnation = &record.train.warnings[kinds
        .iter()
        .position(|k| *k == WarningKind::Stagnation)
        .unwrap()];
    assert!(
        stagnation.advice.contains("too low"),
        "{}",
        stagnation.advice
    );
    // the layer report has one entry per hidden activation and per parameter
    let layers = record.train.layers.unwrap();
    assert_eq!(layers.activations.len(), 1);
    assert_eq!(layers.params.len(), 4);
    assert!(layers.params.iter().all(|p| p.update_ratio < 1e-4));
}

#[test]
fn a_learning_rate_that_kills_the_relus_is_called_too_high() {
    let config = TrainConfig {
        lr: 0.8,
        epochs: 1,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    let record = trainer.run_epoch().unwrap();
    let dead = record
        .train
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::DeadRelu)
        .expect("dead ReLUs are flagged");
    assert!(dead.advice.contains("lower the learning rate"));
    for w in &record.train.warnings {
        assert!(
            !w.advice.contains("likely too low"),
            "dead units must not be blamed on a low rate: {w}"
        );
    }
}
