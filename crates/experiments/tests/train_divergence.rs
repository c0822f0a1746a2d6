//! Divergence: detected within a step, never checkpointed, optionally
//! rolled back with a halved learning rate.

mod common;

use experiments::ExperimentsError;
use experiments::train::{
    DivergencePolicy, EpochRecord, EvalSplit, Silent, StopKind, TrainConfig, Trainer, WarningKind,
    train,
};

fn tiny(lr: f64) -> TrainConfig {
    TrainConfig {
        lr,
        epochs: 2,
        subset: Some(6400),
        ..TrainConfig::default()
    }
}

#[test]
fn a_huge_learning_rate_stops_within_one_step_without_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let summary = train(
        &tiny(1e4),
        common::mnist(),
        Some(dir.path()),
        Box::new(Silent),
    )
    .unwrap();
    assert!(
        matches!(
            summary.stop.kind,
            StopKind::Diverged | StopKind::NonFiniteLoss
        ),
        "{:?}",
        summary.stop
    );
    // the first update blew the weights up; the second step's loss showed it
    assert_eq!(summary.stop.step, 1, "{:?}", summary.stop);
    assert_eq!(summary.epochs, 0);
    assert!(
        !dir.path().join("checkpoint").exists(),
        "a diverged run wrote a checkpoint"
    );
    // the record of the failed epoch is there, with the reason
    let metrics = std::fs::read_to_string(dir.path().join("metrics.jsonl")).unwrap();
    assert_eq!(metrics.lines().count(), 1);
    assert!(metrics.contains("\"kind\":\"diverged\"") || metrics.contains("non-finite-loss"));
}

#[test]
fn a_nan_model_is_never_checkpointed() {
    let config = tiny(0.1);
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    trainer.run_epoch().unwrap();
    let dir = tempfile::tempdir().unwrap();
    trainer.save_checkpoint(dir.path()).unwrap();
    let good = std::fs::read(dir.path().join("checkpoint/model.safetensors")).unwrap();
    trainer.model_mut().params_mut()[0]
        .value_mut()
        .fill(f32::NAN);
    let err = trainer.save_checkpoint(dir.path()).unwrap_err();
    assert!(matches!(err, ExperimentsError::NonFinite { .. }), "{err}");
    // the good checkpoint is untouched
    let still = std::fs::read(dir.path().join("checkpoint/model.safetensors")).unwrap();
    assert_eq!(good, still);
    // and a NaN loss is caught before any update
    let record = trainer.run_epoch().unwrap();
    let stop = record.stop.unwrap();
    assert_eq!(stop.kind, StopKind::NonFiniteLoss);
    assert_eq!(record.train.steps, 0);
}

#[test]
fn rollback_restores_the_epoch_and_halves_the_learning_rate() {
    let config = TrainConfig {
        on_divergence: DivergencePolicy::Rollback,
        ..tiny(10.0)
    };
    let dir = tempfile::tempdir().unwrap();
    let summary = train(&config, common::mnist(), Some(dir.path()), Box::new(Silent)).unwrap();
    assert_eq!(summary.stop.kind, StopKind::Completed, "{:?}", summary.stop);
    assert_eq!(summary.epochs, 2);
    let metrics = std::fs::read_to_string(dir.path().join("metrics.jsonl")).unwrap();
    let records: Vec<EpochRecord> = metrics
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        records.len(),
        2,
        "the failed attempts are not recorded as epochs"
    );
    let rollbacks = records
        .iter()
        .flat_map(|r| &r.train.warnings)
        .filter(|w| w.kind == WarningKind::Rollback)
        .count();
    assert!(rollbacks >= 1, "lr 10 diverges at first");
    // each rollback halved the rate
    let expected = 10.0 / f64::powi(2.0, rollbacks as i32);
    assert_eq!(summary.final_lr, expected);
    // the checkpoint written after the rollbacks is finite and resumable
    let mut trainer = Trainer::<f32>::resume(dir.path(), common::mnist(), None).unwrap();
    assert!(
        trainer
            .model()
            .params()
            .iter()
            .all(|p| p.value().iter().all(|v| v.is_finite()))
    );
    assert_eq!(trainer.epoch(), 2);
    assert_eq!(trainer.lr(), expected);
    assert!(trainer.evaluate(EvalSplit::Test).unwrap().loss.is_finite());
}

#[test]
fn a_divergent_run_records_the_exploding_step_and_says_where_it_diverged() {
    let dir = tempfile::tempdir().unwrap();
    let summary = train(
        &tiny(1e4),
        common::mnist(),
        Some(dir.path()),
        Box::new(Silent),
    )
    .unwrap();
    assert!(summary.stop.is_divergence(), "{:?}", summary.stop);
    let k = summary.stop.diverged_at().unwrap();
    assert_eq!(k, summary.steps + 1, "the step after the last update");
    // steps.csv: one row per update, then the exploding step with its loss
    let steps = std::fs::read_to_string(dir.path().join("steps.csv")).unwrap();
    let rows: Vec<(u64, f64)> = steps
        .lines()
        .skip(1)
        .map(|l| {
            let (s, v) = l.split_once(',').unwrap();
            (s.parse().unwrap(), v.parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len() as u64, k, "{steps}");
    let (last_step, last_loss) = *rows.last().unwrap();
    assert_eq!(last_step, k);
    let first = rows[0].1;
    assert!(
        !last_loss.is_finite() || last_loss > 10.0 * first,
        "step {k}'s loss {last_loss} did not explode (first {first})"
    );
    // the summaries say where it diverged instead of printing NaN
    assert!(summary.train_loss.is_nan());
    assert_eq!(summary.train_loss_text(), format!("diverged at step {k}"));
    let metrics = std::fs::read_to_string(dir.path().join("metrics.jsonl")).unwrap();
    let record: EpochRecord = serde_json::from_str(metrics.lines().last().unwrap()).unwrap();
    assert_eq!(record.train.loss_text(), format!("diverged at step {k}"));
    // a run that did not diverge prints its loss
    let fine = train(&tiny(0.05), common::mnist(), None, Box::new(Silent)).unwrap();
    let text = fine.train_loss_text();
    assert_eq!(text, format!("{:.4}", fine.train_loss));
    assert!(!text.contains("diverged"));
}
