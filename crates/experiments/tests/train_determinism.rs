//! The same seed gives bit-identical runs, and a run resumed from a
//! checkpoint continues exactly as an uninterrupted one.

mod common;

use experiments::train::{
    EpochRecord, OptimizerChoice, ScheduleChoice, Silent, TrainConfig, Trainer, resume, train,
};

/// A small but complete setting: dropout, Adam, a per-step schedule, a
/// validation hold-out, clipping.
fn config(seed: u64, epochs: usize) -> TrainConfig {
    TrainConfig {
        model: "784-32-16-10".into(),
        dropout: 0.2,
        optimizer: OptimizerChoice::Adam,
        lr: 3e-3,
        batch: 100,
        epochs,
        schedule: ScheduleChoice::Cosine,
        seed,
        validation: 1000,
        subset: Some(3000),
        clip_grad_norm: Some(5.0),
        ..TrainConfig::default()
    }
}

fn untimed(records: &[EpochRecord]) -> Vec<EpochRecord> {
    records.iter().map(EpochRecord::untimed).collect()
}

fn params(trainer: &Trainer<'_, f32>) -> Vec<Vec<u32>> {
    trainer
        .model()
        .params()
        .iter()
        .map(|p| p.value().iter().map(|v| v.to_bits()).collect())
        .collect()
}

fn run(config: &TrainConfig) -> (Vec<EpochRecord>, Vec<Vec<u32>>, Vec<f64>) {
    let mut trainer = Trainer::<f32>::new(config, common::mnist()).unwrap();
    for _ in 0..config.epochs {
        trainer.run_epoch().unwrap();
    }
    let losses = trainer.step_losses().to_vec();
    (untimed(trainer.records()), params(&trainer), losses)
}

#[test]
fn the_same_seed_gives_bit_identical_records_and_parameters() {
    let (records_a, params_a, losses_a) = run(&config(7, 2));
    let (records_b, params_b, losses_b) = run(&config(7, 2));
    assert_eq!(records_a, records_b);
    assert_eq!(params_a, params_b);
    assert_eq!(
        losses_a.iter().map(|l| l.to_bits()).collect::<Vec<_>>(),
        losses_b.iter().map(|l| l.to_bits()).collect::<Vec<_>>()
    );
    // and the run is real: it learned, and recorded its diagnostics
    assert_eq!(records_a.len(), 2);
    assert!(records_a[1].train.loss < records_a[0].train.loss);
    assert!(
        records_a[1].eval.unwrap().accuracy > 0.6,
        "{:?}",
        records_a[1].eval
    );
    assert!(records_a.iter().all(|r| r.train.layers.is_some()));
    let (records_c, params_c, _) = run(&config(8, 2));
    assert_ne!(params_a, params_c, "another seed must give another run");
    assert_ne!(records_a, records_c);
}

#[test]
fn a_resumed_run_continues_exactly_as_an_uninterrupted_one() {
    let config = config(3, 3);
    let (records, parameters, losses) = run(&config);

    let dir = tempfile::tempdir().unwrap();
    {
        let mut first = Trainer::<f32>::new(&config, common::mnist()).unwrap();
        first.run_epoch().unwrap();
        first.run_epoch().unwrap();
        first.save_checkpoint(dir.path()).unwrap();
        // work after the checkpoint is lost, as in a crash
        first.run_epoch().unwrap();
    }
    let mut resumed = Trainer::<f32>::resume(dir.path(), common::mnist(), None).unwrap();
    assert_eq!(resumed.epoch(), 2);
    resumed.run_epoch().unwrap();
    assert_eq!(untimed(resumed.records()), records);
    assert_eq!(params(&resumed), parameters);
    assert_eq!(resumed.step_losses(), &losses[..]);
}

#[test]
fn a_resumed_run_directory_matches_an_uninterrupted_one() {
    // the whole-run API, with reduce-on-plateau (replayed on resume) and f64
    let base = TrainConfig {
        model: "784-16-10".into(),
        schedule: ScheduleChoice::Plateau,
        patience: Some(0),
        gamma: Some(0.5),
        subset: Some(2000),
        dtype: experiments::train::DtypeChoice::F64,
        ..TrainConfig::default()
    };
    let whole = tempfile::tempdir().unwrap();
    let full = train(
        &TrainConfig {
            epochs: 3,
            ..base.clone()
        },
        common::mnist(),
        Some(whole.path()),
        Box::new(Silent),
    )
    .unwrap();
    let parts = tempfile::tempdir().unwrap();
    train(
        &TrainConfig {
            epochs: 2,
            ..base.clone()
        },
        common::mnist(),
        Some(parts.path()),
        Box::new(Silent),
    )
    .unwrap();
    let continued = resume(parts.path(), common::mnist(), Some(3), Box::new(Silent)).unwrap();
    assert_eq!(continued.epochs, 3);
    assert_eq!(
        continued.test_accuracy.to_bits(),
        full.test_accuracy.to_bits()
    );
    assert_eq!(continued.final_lr, full.final_lr);
    let lines = |dir: &std::path::Path| -> Vec<EpochRecord> {
        std::fs::read_to_string(dir.join("metrics.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<EpochRecord>(l).unwrap().untimed())
            .collect()
    };
    assert_eq!(lines(parts.path()), lines(whole.path()));
    assert_eq!(
        std::fs::read(parts.path().join("checkpoint/model.safetensors")).unwrap(),
        std::fs::read(whole.path().join("checkpoint/model.safetensors")).unwrap()
    );
}
