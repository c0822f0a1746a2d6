//! The learning-rate range test (Smith 2017; fastai's `lr_find`): train
//! from the initialization while raising the learning rate exponentially,
//! one minibatch per step, and read a good rate off the loss curve.

use std::path::{Path, PathBuf};

use data::Splits;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, save};
use crate::report::{write_csv, write_json};
use crate::train::config::{
    Available, ConfigError, DtypeChoice, MemoryEstimate, ScheduleChoice, TrainConfig,
};
use crate::train::scalar::Scalar;
use crate::train::seeds::{self, Stream};
use crate::train::trainer::Trainer;

/// The sweep's settings. `Default`: 1e-7 to 10 over 200 steps, smoothing
/// 0.9 (about ten minibatches), stop when the smoothed loss exceeds 4× its best.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LrFindConfig {
    /// First learning rate.
    pub start_lr: f64,
    /// Last learning rate.
    pub end_lr: f64,
    /// Number of steps (minibatches).
    pub steps: usize,
    /// EMA factor of the smoothed loss.
    pub smoothing: f64,
    /// Stop once the smoothed loss exceeds this multiple of its best.
    pub stop_factor: f64,
}

impl Default for LrFindConfig {
    fn default() -> Self {
        LrFindConfig {
            start_lr: 1e-7,
            end_lr: 10.0,
            steps: 200,
            smoothing: 0.9,
            stop_factor: 4.0,
        }
    }
}

impl LrFindConfig {
    /// Checks the ranges.
    ///
    /// **Errors**: [`ConfigError::OutOfRange`] or [`ConfigError::Inconsistent`].
    ///
    /// ```
    /// use experiments::train::LrFindConfig;
    /// assert!(LrFindConfig::default().validate().is_ok());
    /// assert!(LrFindConfig { start_lr: 1.0, end_lr: 0.1, ..Default::default() }.validate().is_err());
    /// ```
    pub fn validate(&self) -> std::result::Result<(), ConfigError> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let range = |field, value: f64, expected| ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            expected,
        };
        if !positive(self.start_lr) {
            return Err(range(
                "start-lr",
                self.start_lr,
                "must be a positive finite number",
            ));
        }
        if !positive(self.end_lr) {
            return Err(range(
                "end-lr",
                self.end_lr,
                "must be a positive finite number",
            ));
        }
        if self.end_lr <= self.start_lr {
            return Err(ConfigError::Inconsistent(format!(
                "--end-lr {} must be above --start-lr {}",
                self.end_lr, self.start_lr
            )));
        }
        if self.steps < 3 {
            return Err(range("steps", self.steps as f64, "must be at least 3"));
        }
        if !(0.0..1.0).contains(&self.smoothing) {
            return Err(range("smoothing", self.smoothing, "must be in [0, 1)"));
        }
        if self.stop_factor.is_nan() || self.stop_factor <= 1.0 {
            return Err(range("stop-factor", self.stop_factor, "must be above 1"));
        }
        Ok(())
    }

    /// The learning rate of step `i`.
    pub fn lr(&self, i: usize) -> f64 {
        let t = i as f64 / (self.steps - 1) as f64;
        self.start_lr * (self.end_lr / self.start_lr).powf(t)
    }
}

/// One step of the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LrPoint {
    /// Learning rate of the step.
    pub lr: f64,
    /// Minibatch loss (before the step).
    #[serde(with = "crate::train::record::float")]
    pub loss: f64,
    /// Bias-corrected exponential moving average of the loss.
    #[serde(with = "crate::train::record::float")]
    pub smoothed: f64,
}

/// The sweep and what it suggests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LrFinding {
    /// Every step taken.
    pub points: Vec<LrPoint>,
    /// The suggestion: a tenth of the rate at the smoothed minimum.
    pub suggested_lr: f64,
    /// Where the smoothed loss is lowest.
    pub min_loss_lr: f64,
    /// Where the smoothed loss falls fastest against `ln lr` (before the minimum).
    pub steepest_lr: f64,
    /// Whether the sweep stopped before `end_lr` because the loss blew up.
    pub stopped_early: bool,
}

/// Runs the range test for `config`'s model, optimizer, batch size and seed
/// (its schedule and epochs are ignored).
///
/// **Errors**: an invalid config or sweep, or a data error.
pub fn lr_find(config: &TrainConfig, splits: &Splits, find: &LrFindConfig) -> Result<LrFinding> {
    find.validate()?;
    let config = TrainConfig {
        schedule: ScheduleChoice::Constant,
        lr: find.start_lr,
        ..config.clone()
    };
    let examples = config
        .subset
        .unwrap_or(splits.train.len().saturating_sub(config.validation));
    MemoryEstimate::of_lr_find(&config, examples, find.steps).check(Available::now())?;
    match config.dtype {
        DtypeChoice::F32 => sweep(Trainer::<f32>::new(&config, splits)?, find),
        DtypeChoice::F64 => sweep(Trainer::<f64>::new(&config, splits)?, find),
    }
}

fn sweep<T: Scalar>(mut trainer: Trainer<'_, T>, find: &LrFindConfig) -> Result<LrFinding> {
    let batch = trainer.config.batch;
    let seed = trainer.config.seed;
    let mut order = trainer.train_idx.clone();
    let (mut pass, mut at) = (0u64, order.len());
    // grows as it is filled: the sweep may stop early
    let mut points = Vec::new();
    let mut ema = 0.0;
    let mut best = f64::INFINITY;
    let mut stopped_early = false;
    for i in 0..find.steps {
        if at >= order.len() {
            order.shuffle(&mut seeds::rng(seed, Stream::LrFind, pass));
            pass += 1;
            at = 0;
        }
        let idx = &order[at..(at + batch).min(order.len())];
        at += batch;
        let lr = find.lr(i);
        trainer.optimizer.set_lr(lr)?;
        let out = trainer.train_step(idx, false, false)?;
        // the bias-corrected EMA of `smooth`, one step at a time
        ema = find.smoothing * ema + (1.0 - find.smoothing) * out.loss;
        let smoothed = ema
            / (1.0
                - find
                    .smoothing
                    .powi(i32::try_from(i + 1).unwrap_or(i32::MAX)));
        points.push(LrPoint {
            lr,
            loss: out.loss,
            smoothed,
        });
        if out.diverged.is_some() || !smoothed.is_finite() || smoothed > find.stop_factor * best {
            stopped_early = true;
            break;
        }
        best = best.min(smoothed);
    }
    Ok(suggest(points, stopped_early))
}

/// Reads the suggestion off the smoothed curve.
fn suggest(points: Vec<LrPoint>, stopped_early: bool) -> LrFinding {
    let finite = |p: &&LrPoint| p.smoothed.is_finite();
    let min = points
        .iter()
        .enumerate()
        .filter(|(_, p)| finite(p))
        .min_by(|a, b| a.1.smoothed.total_cmp(&b.1.smoothed))
        .map_or(0, |(i, _)| i);
    let min_loss_lr = points.get(min).map_or(f64::NAN, |p| p.lr);
    let steepest = (1..min.min(points.len().saturating_sub(1)))
        .map(|i| {
            let (a, b) = (&points[i - 1], &points[i + 1]);
            (i, (b.smoothed - a.smoothed) / (b.lr.ln() - a.lr.ln()))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(min, |(i, _)| i);
    LrFinding {
        suggested_lr: min_loss_lr / 10.0,
        min_loss_lr,
        steepest_lr: points.get(steepest).map_or(f64::NAN, |p| p.lr),
        points,
        stopped_early,
    }
}

/// Writes `lr_find.csv`, `lr_find.json` and the plot `lr_find.png`/`.svg`
/// (loss against learning rate on a log axis, with the suggestions marked).
///
/// **Errors**: a file cannot be written or drawn.
pub fn write_lr_find(dir: &Path, finding: &LrFinding) -> Result<Vec<PathBuf>> {
    let rows: Vec<Vec<f64>> = finding
        .points
        .iter()
        .map(|p| vec![p.lr, p.loss, p.smoothed])
        .collect();
    let csv = dir.join("lr_find.csv");
    write_csv(&csv, &["lr", "loss", "smoothed"], &rows)?;
    let json = dir.join("lr_find.json");
    write_json(&json, finding)?;
    let at = |lr: f64| {
        finding
            .points
            .iter()
            .min_by(|a, b| {
                (a.lr.ln() - lr.ln())
                    .abs()
                    .total_cmp(&(b.lr.ln() - lr.ln()).abs())
            })
            .map_or(Vec::new(), |p| vec![(lr, p.smoothed)])
    };
    // the blow-up at the end would flatten everything else: show losses up
    // to 1.5× the starting loss
    let cap = 1.5
        * finding
            .points
            .first()
            .map_or(f64::INFINITY, |p| p.loss.max(p.smoothed));
    let shown = |f: fn(&LrPoint) -> f64| -> Vec<(f64, f64)> {
        let points = finding.points.iter().map(|p| (p.lr, f(p)));
        points.filter(|&(_, y)| y <= cap).collect()
    };
    let chart = LineChart::new(
        format!("Learning-rate range test (losses above {cap:.2} not shown)"),
        "learning rate",
        "minibatch loss",
    )
    .x_scale(Scale::Log)
    .with(Series::line("loss", shown(|p| p.loss)))
    .with(Series::line("smoothed", shown(|p| p.smoothed)))
    .with(Series::points(
        format!("suggested {:.2e} (min / 10)", finding.suggested_lr),
        at(finding.suggested_lr),
    ))
    .with(Series::points(
        format!("steepest {:.2e}", finding.steepest_lr),
        at(finding.steepest_lr),
    ))
    .with(Series::points(
        format!("minimum {:.2e}", finding.min_loss_lr),
        at(finding.min_loss_lr),
    ));
    let mut files = vec![csv, json];
    files.extend(save(&(&chart).into(), &dir.join("lr_find"))?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggestion_is_a_tenth_of_the_minimum_and_steepest_comes_before_it() {
        let find = LrFindConfig {
            steps: 100,
            ..Default::default()
        };
        // a valley in ln lr: falls fastest near lr = 1e-3, lowest near lr = 1e-1
        let points: Vec<LrPoint> = (0..100)
            .map(|i| {
                let lr = find.lr(i);
                let x = lr.ln();
                let smoothed = 2.0 - (1.0 + ((x - 1e-3f64.ln()) * 1.5).tanh())
                    + 0.05 * (x - 0.1f64.ln()).max(0.0).powi(2);
                LrPoint {
                    lr,
                    loss: smoothed,
                    smoothed,
                }
            })
            .collect();
        let f = suggest(points, false);
        assert!(
            (f.min_loss_lr.log10() - (-1.0)).abs() < 0.5,
            "{}",
            f.min_loss_lr
        );
        assert!((f.suggested_lr - f.min_loss_lr / 10.0).abs() < 1e-15);
        assert!(
            (f.steepest_lr.log10() - (-3.0)).abs() < 0.3,
            "{}",
            f.steepest_lr
        );
    }

    #[test]
    fn learning_rates_span_the_range_exponentially() {
        let find = LrFindConfig::default();
        assert!((find.lr(0) - 1e-7).abs() < 1e-20);
        assert!((find.lr(199) - 10.0).abs() < 1e-9);
        assert!((find.lr(100) / find.lr(99) - find.lr(1) / find.lr(0)).abs() < 1e-9);
    }
}
