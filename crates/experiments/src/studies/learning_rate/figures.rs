//! The study's figures, data files and finding.

use std::path::Path;

use super::Config;
use super::checks::frame;
use super::runs::Outcome;
use crate::error::Result;
use crate::plot::{Annotation, ImageGrid, LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::studies::format::short;
use crate::studies::series::{smooth, thin};

/// Writes the figures, data and finding of `out` into `report`.
///
/// **Errors**: a file cannot be written.
pub fn write(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    data(report, out, dir)?;
    four_curves(report, out, dir)?;
    u_curve(report, out, dir)?;
    unguarded(report, out, dir)?;
    features(report, out, dir)?;
    range_test(report, out, dir)?;
    schedules(report, config, out, dir)?;
    report.frame = Some(frame(out));
    report.finding = super::finding::finding(config, out);
    Ok(())
}

fn data(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let rows: Vec<Vec<f64>> = out
        .sweep
        .iter()
        .map(|r| {
            vec![
                r.lr,
                f64::from(u8::from(r.fine)),
                r.initial_loss,
                r.final_loss,
                r.diverged_at.map_or(f64::NAN, |k| k as f64),
                r.weight_norm.iter().copied().fold(0.0, f64::max),
                r.roughness,
            ]
        })
        .collect();
    write_csv(
        &dir.join("sweep.csv"),
        &[
            "lr",
            "fine_grid",
            "initial_loss",
            "final_loss",
            "diverged_at_step",
            "max_weight_norm",
            "feature_roughness",
        ],
        &rows,
    )?;
    report.data("sweep.csv");
    write_json(&dir.join("outcome.json"), out)?;
    report.data("outcome.json");
    Ok(())
}

/// CS231n's picture: too low, good, high, very high, as measured.
fn four_curves(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let four = out.four();
    let steps = out.best().step_loss.len();
    let window = (steps / 60).max(1);
    let keys = ["too low", "good", "high", "very high"];
    let mut chart = LineChart::new(
        "Babysitting the learning rate: loss per step",
        "step",
        "minibatch loss (window mean)",
    )
    .y_scale(Scale::Log);
    for (run, key) in four.iter().zip(keys) {
        let Some((r, regime)) = run else { continue };
        let name = regime.words();
        let finite: Vec<f64> = r
            .step_loss
            .iter()
            .copied()
            .take_while(|l| l.is_finite())
            .collect();
        let points = if r.diverged() {
            finite
                .iter()
                .enumerate()
                .map(|(i, &l)| (i as f64 + 1.0, l))
                .collect()
        } else {
            smooth(&finite, window)
        };
        let mut s = Series::line(format!("{name}: lr {}", short(r.lr)), points).key(key);
        if let Some(k) = r.diverged_at {
            s = s.diverged_at(k as f64);
        }
        chart = chart.with(s);
    }
    let y_top = out.best().initial_loss * 3.0;
    let y_low = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|l| l.is_finite() && *l > 0.0)
        .fold(f64::INFINITY, f64::min);
    chart = chart.y_range(y_low.max(1e-4) * 0.8, y_top);
    report.figure(
        dir,
        "four-curves",
        "Loss per step at four rates picked by their measured behaviour: too low crawls, good \
         goes lowest, high falls fastest then stalls higher, very high diverges (cross). Losses \
         above the top edge are cut off.",
        chart,
    )
}

/// Final loss against the rate; diverged rates at the top edge.
fn u_curve(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let finite: Vec<(f64, f64)> = out
        .sweep
        .iter()
        .filter(|r| !r.diverged())
        .map(|r| (r.lr, r.final_loss))
        .collect();
    let fine: Vec<(f64, f64)> = out
        .sweep
        .iter()
        .filter(|r| r.fine && !r.diverged())
        .map(|r| (r.lr, r.final_loss))
        .collect();
    let initial = out.sweep[0].initial_loss;
    let lo = finite.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let top = initial * 2.0;
    let diverged: Vec<(f64, f64)> = out
        .sweep
        .iter()
        .filter(|r| r.diverged())
        .map(|r| (r.lr, top))
        .collect();
    let mut chart = LineChart::new(
        "Final training loss against the learning rate",
        "learning rate",
        "final training loss",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .y_range(lo * 0.7, top * 1.3)
    .with(
        Series::line("final loss (coarse and finer grid)", finite)
            .style(SeriesStyle::LinePoints)
            .key("sweep"),
    )
    .annotate(Annotation::hline(initial, "loss at initialization"));
    if fine.len() >= 2 {
        chart = chart.with(Series::points("finer grid", fine).key("finer grid"));
    }
    match diverged.len() {
        0 => {}
        1 => {
            chart = chart.annotate(Annotation::point(diverged[0].0, top, "diverged"));
        }
        _ => {
            chart = chart
                .with(Series::points("diverged (drawn at the top edge)", diverged).key("diverged"));
        }
    }
    report.figure(
        dir,
        "sweep-final",
        "Final training loss per learning rate: a U with the good rates at the bottom; diverged \
         rates have no final loss and are drawn at the top edge",
        chart,
    )
}

/// The unguarded run: loss and weight norm until NaN.
fn unguarded(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let u = &out.unguarded;
    let label = format!("lr {}", short(u.lr));
    // NaN is marked as such; an infinite loss as a divergence
    let mark = |s: Series| match u.non_finite_at {
        Some(k) if u.nan => s.non_finite_at(k as f64),
        Some(k) => s.diverged_at(k as f64),
        None => s,
    };
    let losses: Vec<(f64, f64)> = u
        .step_loss
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite())
        .map(|(i, &l)| (i as f64 + 1.0, l))
        .collect();
    let mut loss = LineChart::new(
        format!("Unguarded SGD at lr {}: loss", short(u.lr)),
        "step",
        "minibatch loss",
    )
    .y_scale(Scale::Log)
    .with(mark(
        Series::line(label.clone(), thin(&losses, 600)).key("unguarded"),
    ));
    let norms: Vec<(f64, f64)> = u
        .weight_norm
        .iter()
        .enumerate()
        .filter(|(_, n)| n.is_finite())
        .map(|(i, &n)| (i as f64, n))
        .collect();
    let mut norm = LineChart::new(
        format!("Unguarded SGD at lr {}: weight norm", short(u.lr)),
        "step",
        "\u{2016}\u{3b8}\u{2016}",
    )
    .y_scale(Scale::Log)
    .with(mark(
        Series::line(label, thin(&norms, 600)).key("unguarded"),
    ));
    if let Some(k) = u.non_finite_at {
        let what = if u.nan { "NaN" } else { "\u{221e}" };
        loss = loss.annotate(Annotation::vline(
            k as f64,
            format!("loss {what} at step {k}"),
        ));
        norm = norm.annotate(Annotation::vline(
            k as f64,
            format!("loss {what} at step {k}"),
        ));
    }
    report.figure(
        dir,
        "unguarded-loss",
        "One run left without the divergence guard: the loss per step until it is no longer \
         finite",
        loss,
    )?;
    report.figure(
        dir,
        "unguarded-weights",
        "The same run's weight norm after every step: the weights grow huge before the loss \
         turns NaN",
        norm,
    )
}

/// First-layer weights as images at a too-low, a good and a too-high rate.
fn features(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let rows = out.four();
    let columns = rows
        .iter()
        .filter_map(|r| r.map(|(r, _)| r.features.len()))
        .max()
        .unwrap_or(1);
    let mut grid = ImageGrid::new(
        "First-layer weights of hidden units (28\u{d7}28 input weights)",
        columns,
    );
    for run in rows {
        let Some((r, regime)) = run else { continue };
        let name = regime.words();
        for (u, img) in r.features.iter().enumerate() {
            let caption = match u {
                0 => name.replace(" (diverged)", ", diverged"),
                1 => format!("lr {}", short(r.lr)),
                2 => format!("roughness {:.2}", r.roughness),
                _ => format!("unit {u}"),
            };
            let clean = img.mapv(|v| if v.is_finite() { v } else { 0.0 });
            grid = grid.with(caption, clean);
        }
    }
    report.figure(
        dir,
        "features",
        "Input weights of the first hidden units after training, one row per rate, labelled \
         by the run's measured regime (blue negative, red positive, each image scaled to its \
         own range; r = roughness, 1 for white noise, 0 for smooth)",
        grid,
    )
}

fn range_test(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let f = &out.finding;
    let chart = LineChart::new(
        "Learning-rate range test",
        "learning rate",
        "smoothed minibatch loss",
    )
    .x_scale(Scale::Log)
    .with(
        Series::line(
            "smoothed loss",
            f.points
                .iter()
                .filter(|p| p.smoothed.is_finite())
                .map(|p| (p.lr, p.smoothed))
                .collect(),
        )
        .key("range test"),
    )
    .annotate(Annotation::vline(
        f.suggested_lr,
        format!("suggested {}", short(f.suggested_lr)),
    ))
    .annotate(Annotation::vline(
        f.min_loss_lr,
        format!("minimum {}", short(f.min_loss_lr)),
    ));
    report.figure(
        dir,
        "lr-find",
        "LR range test: the loss while the rate grows exponentially, one minibatch per step; \
         the suggestion is a tenth of the rate at the minimum",
        chart,
    )
}

fn schedules(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let mut sl = LineChart::new(
        format!("Schedules from lr {}", config.schedule_lr),
        "epoch",
        "mean minibatch loss",
    )
    .y_scale(Scale::Log);
    let mut lrs = LineChart::new("Learning rate per epoch", "epoch", "learning rate");
    let pts = |v: &[f64]| {
        v.iter()
            .enumerate()
            .map(|(i, &x)| (i as f64 + 1.0, x))
            .collect::<Vec<_>>()
    };
    for s in &out.schedules {
        sl = sl
            .with(Series::line(s.name.clone(), pts(&s.epoch_loss)).style(SeriesStyle::LinePoints));
        lrs =
            lrs.with(Series::line(s.name.clone(), pts(&s.epoch_lr)).style(SeriesStyle::LinePoints));
    }
    report.figure(
        dir,
        "schedules-loss",
        "Training loss per epoch under each schedule (\u{201c}might need to go faster \
         initially, slower later\u{201d})",
        sl,
    )?;
    report.figure(
        dir,
        "schedules-lr",
        "The learning rate each schedule used (end of each epoch)",
        lrs,
    )
}
