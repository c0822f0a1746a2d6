//! §7, the learning rate: a sweep (too low crawls, too high oscillates,
//! blows the weights up and diverges), the range test, and schedules.

use data::Splits;
use serde::Serialize;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::studies::subsets::{subset, weight_norm};
use crate::study::{Size, Study, StudyContext};
use crate::train::{
    EvalSplit, LrFindConfig, LrFinding, ScheduleChoice, TrainConfig, Trainer, lr_find,
};

/// The setting. `Default`: MLP 784-32-10, plain SGD, batch 64, 10,000
/// images, 6 epochs; learning rates 1e-3 to 30 in half decades.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Layer widths.
    pub model: String,
    /// The swept learning rates, ascending.
    pub lrs: Vec<f64>,
    /// The base learning rate of the schedule comparison.
    pub schedule_lr: f64,
    /// Training images.
    pub train: usize,
    /// Test images.
    pub test: usize,
    /// Epochs per run.
    pub epochs: usize,
    /// Minibatch size.
    pub batch: usize,
    /// Steps of the range test.
    pub find_steps: usize,
    /// Seed (same initialization and batches for every run).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            model: "784-32-10".into(),
            lrs: vec![1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
            schedule_lr: 0.3,
            train: 10_000,
            test: 10_000,
            epochs: 6,
            batch: 64,
            find_steps: 300,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                lrs: vec![1e-3, 1e-2, 0.1, 1.0, 30.0],
                train: 2_000,
                test: 1_000,
                epochs: 3,
                find_steps: 100,
                ..Config::default()
            },
            Size::Quick => Config {
                train: 5_000,
                test: 5_000,
                epochs: 5,
                find_steps: 200,
                ..Config::default()
            },
            Size::Full => Config {
                train: 60_000,
                epochs: 10,
                ..Config::default()
            },
        }
    }
}

/// One learning rate of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRun {
    /// The learning rate.
    pub lr: f64,
    /// Training loss before any step.
    pub initial_loss: f64,
    /// Mean minibatch loss per completed epoch.
    pub epoch_loss: Vec<f64>,
    /// ‖θ‖ after each epoch (and at the divergence).
    pub weight_norm: Vec<f64>,
    /// Loss of every step (up to the divergence).
    pub step_loss: Vec<f64>,
    /// Final training loss on all training images (NaN if diverged).
    pub final_loss: f64,
    /// Whether the loss became non-finite or blew up (the trainer's check).
    pub diverged: bool,
    /// The trainer's explanation of the divergence.
    pub stop: Option<String>,
}

/// One schedule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScheduleRun {
    /// Its name.
    pub name: String,
    /// Mean minibatch loss per epoch.
    pub epoch_loss: Vec<f64>,
    /// Learning rate at the end of each epoch.
    pub epoch_lr: Vec<f64>,
    /// Final training loss on all training images.
    pub final_loss: f64,
    /// Final test accuracy.
    pub test_accuracy: f64,
}

/// Everything measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The sweep, in ascending learning rate.
    pub sweep: Vec<SweepRun>,
    /// The range test.
    pub finding: LrFinding,
    /// The schedules.
    pub schedules: Vec<ScheduleRun>,
}

impl Outcome {
    /// The sweep's best run (lowest finite final loss).
    pub fn best(&self) -> &SweepRun {
        self.sweep
            .iter()
            .filter(|r| r.final_loss.is_finite())
            .min_by(|a, b| a.final_loss.total_cmp(&b.final_loss))
            .unwrap_or(&self.sweep[0])
    }

    /// The lowest and highest swept learning rates whose final loss is within
    /// 1.5× of the best: the good region.
    pub fn good_region(&self) -> (f64, f64) {
        let best = self.best().final_loss;
        let good: Vec<f64> = self
            .sweep
            .iter()
            .filter(|r| r.final_loss.is_finite() && r.final_loss <= 1.5 * best)
            .map(|r| r.lr)
            .collect();
        (
            good.iter().copied().fold(f64::INFINITY, f64::min),
            good.iter().copied().fold(0.0, f64::max),
        )
    }
}

fn train_config(config: &Config, lr: f64, schedule: ScheduleChoice) -> TrainConfig {
    TrainConfig {
        model: config.model.clone(),
        lr,
        batch: config.batch,
        epochs: config.epochs,
        schedule,
        seed: config.seed,
        checkpoint_every: 0,
        ..TrainConfig::default()
    }
}

/// Runs the sweep, the range test and the schedules.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let data = subset(splits, config.train, config.test)?;
    let mut sweep = Vec::new();
    for &lr in &config.lrs {
        let mut trainer =
            Trainer::<f32>::new(&train_config(config, lr, ScheduleChoice::Constant), &data)?;
        let initial_loss = trainer.evaluate(EvalSplit::Train)?.loss;
        let (mut epoch_loss, mut norms, mut stop) = (Vec::new(), Vec::new(), None);
        for _ in 0..config.epochs {
            let rec = trainer.train_epoch()?;
            norms.push(weight_norm(trainer.model()));
            if let Some(s) = rec.stop.filter(|s| s.is_divergence()) {
                stop = Some(s.message);
                break;
            }
            epoch_loss.push(rec.loss);
        }
        let mut final_loss = trainer.evaluate(EvalSplit::Train)?.loss;
        if stop.is_some() || !final_loss.is_finite() {
            final_loss = f64::NAN;
        }
        sweep.push(SweepRun {
            lr,
            initial_loss,
            epoch_loss,
            weight_norm: norms,
            step_loss: trainer.step_losses().to_vec(),
            final_loss,
            diverged: stop.is_some(),
            stop,
        });
    }

    let find = LrFindConfig {
        start_lr: 1e-4,
        end_lr: config.lrs.last().copied().unwrap_or(10.0),
        steps: config.find_steps,
        ..LrFindConfig::default()
    };
    let finding = lr_find(
        &train_config(config, 0.1, ScheduleChoice::Constant),
        &data,
        &find,
    )?;

    let mut schedules = Vec::new();
    let kinds = [
        ScheduleChoice::Constant,
        ScheduleChoice::Step,
        ScheduleChoice::Cosine,
        ScheduleChoice::OneCycle,
    ];
    for kind in kinds.into_iter().map(Some).chain([None]) {
        let choice = kind.unwrap_or(ScheduleChoice::Constant);
        let lr = config.schedule_lr;
        let mut trainer = Trainer::<f32>::new(&train_config(config, lr, choice), &data)?;
        let mut driver = optim::BoldDriver::new(lr)?;
        let (mut epoch_loss, mut epoch_lr) = (Vec::new(), Vec::new());
        for _ in 0..config.epochs {
            let rec = trainer.train_epoch()?;
            epoch_loss.push(rec.loss);
            epoch_lr.push(rec.lr);
            if kind.is_none() {
                driver.observe(rec.loss);
                trainer.set_lr_scale(driver.lr() / lr);
            }
        }
        schedules.push(ScheduleRun {
            name: kind.map_or("bold driver".into(), |k| k.to_string()),
            epoch_loss,
            epoch_lr,
            final_loss: trainer.evaluate(EvalSplit::Train)?.loss,
            test_accuracy: trainer.evaluate(EvalSplit::Test)?.accuracy,
        });
    }
    Ok(Outcome {
        sweep,
        finding,
        schedules,
    })
}

/// The study.
pub struct LearningRate;

impl Study for LearningRate {
    fn name(&self) -> &'static str {
        "learning-rate"
    }
    fn title(&self) -> &'static str {
        "The learning rate: sweep, range test and schedules"
    }
    fn section(&self) -> &'static str {
        "§7"
    }
    fn summary(&self) -> &'static str {
        "too low crawls, too high oscillates and diverges; the LR range test; constant, step, cosine, one-cycle, bold driver"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());

        let rows: Vec<Vec<f64>> = out
            .sweep
            .iter()
            .map(|r| {
                vec![
                    r.lr,
                    r.initial_loss,
                    r.final_loss,
                    f64::from(u8::from(r.diverged)),
                    r.weight_norm.iter().copied().fold(0.0, f64::max),
                ]
            })
            .collect();
        write_csv(
            &dir.join("sweep.csv"),
            &[
                "lr",
                "initial_loss",
                "final_loss",
                "diverged",
                "max_weight_norm",
            ],
            &rows,
        )?;
        report.data("sweep.csv");
        write_json(&dir.join("outcome.json"), &out)?;
        report.data("outcome.json");

        let label = |lr: f64| format!("lr {lr}");
        let mut steps = LineChart::new(
            "Minibatch loss per step for each learning rate",
            "step",
            "minibatch loss",
        )
        .y_scale(Scale::Log);
        let mut norms = LineChart::new("Weight norm per epoch", "epoch", "‖θ‖").y_scale(Scale::Log);
        for r in &out.sweep {
            steps = steps.with(Series::line(
                label(r.lr),
                r.step_loss
                    .iter()
                    .enumerate()
                    .map(|(i, &l)| (i as f64 + 1.0, l))
                    .collect(),
            ));
            norms = norms.with(
                Series::line(
                    label(r.lr),
                    r.weight_norm
                        .iter()
                        .enumerate()
                        .map(|(i, &n)| (i as f64 + 1.0, n))
                        .collect(),
                )
                .style(SeriesStyle::LinePoints),
            );
        }
        report.figure(
            &dir,
            "sweep-steps",
            "Loss per step: low rates crawl, high rates oscillate, the highest diverges (curve ends)",
            &steps,
        )?;
        let finals = LineChart::new(
            "Final training loss vs learning rate",
            "learning rate",
            "final training loss",
        )
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(
            Series::line(
                "final training loss (diverged runs omitted)",
                out.sweep
                    .iter()
                    .filter(|r| r.final_loss.is_finite())
                    .map(|r| (r.lr, r.final_loss))
                    .collect(),
            )
            .style(SeriesStyle::LinePoints),
        )
        .with(Series::points(
            "initial loss",
            out.sweep.iter().map(|r| (r.lr, r.initial_loss)).collect(),
        ));
        report.figure(
            &dir,
            "sweep-final",
            "Final training loss per learning rate",
            &finals,
        )?;
        report.figure(
            &dir,
            "weight-norm",
            "Weight norm per epoch: high rates inflate the weights",
            &norms,
        )?;

        let f = &out.finding;
        let losses: Vec<f64> = f.points.iter().map(|p| p.smoothed).collect();
        let (lo, hi) = losses
            .iter()
            .filter(|l| l.is_finite())
            .fold((f64::INFINITY, 0.0f64), |(a, b), &l| (a.min(l), b.max(l)));
        let range = LineChart::new(
            "Learning-rate range test",
            "learning rate",
            "smoothed minibatch loss",
        )
        .x_scale(Scale::Log)
        .with(Series::line(
            "smoothed loss",
            f.points.iter().map(|p| (p.lr, p.smoothed)).collect(),
        ))
        .with(Series::line(
            format!("suggested lr {:.3}", f.suggested_lr),
            vec![(f.suggested_lr, lo), (f.suggested_lr, hi)],
        ))
        .with(Series::line(
            format!("minimum at lr {:.3}", f.min_loss_lr),
            vec![(f.min_loss_lr, lo), (f.min_loss_lr, hi)],
        ));
        report.figure(
            &dir,
            "lr-find",
            "LR range test: loss while the rate grows exponentially, one minibatch per step",
            &range,
        )?;

        let mut sl = LineChart::new(
            format!("Schedules from lr {}", config.schedule_lr),
            "epoch",
            "mean minibatch loss",
        )
        .y_scale(Scale::Log);
        let mut lrs = LineChart::new("Learning rate per epoch", "epoch", "learning rate");
        for s in &out.schedules {
            let pts = |v: &[f64]| {
                v.iter()
                    .enumerate()
                    .map(|(i, &x)| (i as f64 + 1.0, x))
                    .collect::<Vec<_>>()
            };
            sl = sl.with(
                Series::line(s.name.clone(), pts(&s.epoch_loss)).style(SeriesStyle::LinePoints),
            );
            lrs = lrs.with(
                Series::line(s.name.clone(), pts(&s.epoch_lr)).style(SeriesStyle::LinePoints),
            );
        }
        report.figure(
            &dir,
            "schedules-loss",
            "Training loss per epoch under each schedule",
            &sl,
        )?;
        report.figure(
            &dir,
            "schedules-lr",
            "The learning rate each schedule used (end of each epoch)",
            &lrs,
        )?;

        let best = out.best();
        let (glo, ghi) = out.good_region();
        let low = &out.sweep[0];
        let high = out.sweep.last().expect("a swept rate");
        let sched: Vec<String> = out
            .schedules
            .iter()
            .map(|s| {
                format!(
                    "| {} | {:.4} | {:.2}% |",
                    s.name,
                    s.final_loss,
                    100.0 * s.test_accuracy
                )
            })
            .collect();
        report.finding = format!(
            "Plain SGD on {} ({} images, batch {}, {} epochs), same initialization and batches \
             for every rate. **Too low:** at lr {} the training loss only moves from {:.3} to \
             {:.3}. **Best:** lr {} reaches {:.4}; rates from {} to {} stay within 1.5× of it. \
             **Too high:** at lr {} the run {} (weight norm up to {:.3e}, against {:.2} at the \
             best rate).\n\n\
             The range test ({} steps from 1e-4) has its smoothed minimum at lr {:.3} and \
             suggests lr {:.3} (a tenth of that){}.\n\n\
             Schedules from lr {}:\n\n| schedule | final training loss | test accuracy |\n\
             |---|---|---|\n{}\n",
            config.model,
            config.train,
            config.batch,
            config.epochs,
            low.lr,
            low.initial_loss,
            low.final_loss,
            best.lr,
            best.final_loss,
            glo,
            ghi,
            high.lr,
            high.stop
                .as_deref()
                .map_or("did not diverge".to_string(), |s| format!("diverged: {s}")),
            high.weight_norm.iter().copied().fold(0.0, f64::max),
            best.weight_norm.last().copied().unwrap_or(f64::NAN),
            out.finding.points.len(),
            out.finding.min_loss_lr,
            out.finding.suggested_lr,
            if (glo..=ghi).contains(&out.finding.suggested_lr) {
                ", inside the sweep's good region"
            } else {
                ", outside the sweep's good region"
            },
            config.schedule_lr,
            sched.join("\n"),
        );
        Ok(report)
    }
}
