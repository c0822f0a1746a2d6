//! The case study's data files and figures.

use std::path::Path;

use super::finding::{checks, finding};
use super::{CaseStudy, Config, EpochPoint, NAME, Outcome};
use crate::error::Result;
use crate::plot::{Annotation, Dash, Heatmap, ImageGrid, LineChart, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::study::Study as _;

/// Writes the data, figures, frame and finding of `outcome` into `dir`.
///
/// **Errors**: a file could not be written or a figure drawn.
pub fn report(config: &Config, out: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, CaseStudy.title(), CaseStudy.section());
    write_data(config, out, dir, &mut report)?;
    let first = out.epochs[0];
    report.figure(
        dir,
        "loss",
        &format!(
            "Training and test loss per epoch with n = {} training images; the initialization (epoch 0: training loss {:.2}, test loss {:.2}) is left out so that the gap between the two curves is visible",
            out.train_images, first.train_loss, first.test_loss
        ),
        loss_chart(
            &format!(
                "n = {}: empirical risk (training loss) vs risk (test loss)",
                out.train_images
            ),
            &out.epochs,
        ),
    )?;
    report.figure(
        dir,
        "accuracy",
        &format!(
            "Training and test accuracy per epoch with n = {} training images",
            out.train_images
        ),
        accuracy_chart(out),
    )?;
    report.figure(
        dir,
        "loss_small_n",
        &format!(
            "The same network and optimizer with only n = {} training images (initialization left out): the final gap is {:.3}, against {:.3} with n = {}",
            out.small_images,
            gap(&out.small),
            gap(&out.epochs),
            out.train_images
        ),
        loss_chart(
            &format!(
                "n = {}: empirical risk (training loss) vs risk (test loss)",
                out.small_images
            ),
            &out.small,
        ),
    )?;

    let mut grid = ImageGrid::new(
        format!("Input weights of the {} hidden units", config.hidden),
        5,
    );
    for (j, w) in out.unit_weights.iter().enumerate() {
        grid = grid.with(format!("unit {j}"), w.clone());
    }
    report.figure(
        dir,
        "hidden-weights",
        "Each hidden unit's 784 input weights as a 28×28 image (red positive, blue negative)",
        grid,
    )?;
    let heat = Heatmap::new(
        "Contribution of each hidden unit to each class logit",
        out.contribution.clone(),
    )
    .rows((0..config.hidden).map(|j| format!("unit {j}")).collect())
    .cols((0..10).map(|c| c.to_string()).collect())
    .axes("class", "hidden unit")
    .colorbar("contribution to the logit (logit units)");
    report.figure(
        dir,
        "contribution",
        "Second-layer weight × mean activation of the unit on training images of the class: how much each unit adds to each class's logit",
        heat,
    )?;
    report.frame = Some(checks(out));
    report.finding = finding(config, out);
    Ok(report)
}

/// Test loss minus training loss at the last measured epoch.
fn gap(points: &[EpochPoint]) -> f64 {
    points
        .last()
        .map_or(f64::NAN, |p| p.test_loss - p.train_loss)
}

fn rows(points: &[EpochPoint]) -> Vec<Vec<f64>> {
    points
        .iter()
        .map(|e| {
            vec![
                e.epoch as f64,
                e.train_loss,
                e.test_loss,
                e.train_accuracy,
                e.test_accuracy,
            ]
        })
        .collect()
}

fn write_data(config: &Config, out: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let header = [
        "epoch",
        "train_loss",
        "test_loss",
        "train_accuracy",
        "test_accuracy",
    ];
    write_csv(&dir.join("loss.csv"), &header, &rows(&out.epochs))?;
    report.data("loss.csv");
    write_csv(&dir.join("loss_small_n.csv"), &header, &rows(&out.small))?;
    report.data("loss_small_n.csv");
    write_json(
        &dir.join("outcome.json"),
        &serde_json::json!({
            "config": config,
            "train_images": out.train_images,
            "epochs": out.epochs,
            "small_images": out.small_images,
            "small": out.small,
            "contribution": out.contribution.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            "mean_activation": out.mean_activation.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
        }),
    )?;
    report.data("outcome.json");
    Ok(())
}

/// The points after the initialization, `(epoch, f)`.
fn curve(points: &[EpochPoint], f: fn(&EpochPoint) -> f64) -> Vec<(f64, f64)> {
    points
        .iter()
        .filter(|e| e.epoch > 0)
        .map(|e| (e.epoch as f64, f(e)))
        .collect()
}

/// Training and test loss after the initialization (whose loss, about
/// ln 10, would squash the rest), the final gap written beside the curves.
fn loss_chart(title: &str, points: &[EpochPoint]) -> LineChart {
    let mut chart = LineChart::new(title, "epoch", "mean cross-entropy")
        .units("", "nats")
        .with(
            Series::line("training loss", curve(points, |e| e.train_loss))
                .key("train")
                .style(SeriesStyle::LinePoints),
        )
        .with(
            Series::line("test loss", curve(points, |e| e.test_loss))
                .key("test")
                .dash(Dash::Dashed)
                .style(SeriesStyle::LinePoints),
        );
    // The final gap, written between the curves three quarters of the way along.
    let shown: Vec<&EpochPoint> = points.iter().filter(|e| e.epoch > 0).collect();
    if let (Some(at), Some(last)) = (shown.get(shown.len() * 3 / 4), shown.last()) {
        chart = chart.annotate(Annotation::text(
            at.epoch as f64,
            0.5 * (at.train_loss + at.test_loss),
            format!(
                "gap at epoch {}: {:.3}",
                last.epoch,
                last.test_loss - last.train_loss
            ),
        ));
    }
    chart
}

fn accuracy_chart(out: &Outcome) -> LineChart {
    let pct = |f: fn(&EpochPoint) -> f64| {
        curve(&out.epochs, f)
            .into_iter()
            .map(|(x, y)| (x, 100.0 * y))
            .collect()
    };
    LineChart::new(
        format!("n = {}: training and test accuracy", out.train_images),
        "epoch",
        "accuracy",
    )
    .units("", "%")
    .with(
        Series::line("training accuracy", pct(|e| e.train_accuracy))
            .key("train")
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line("test accuracy", pct(|e| e.test_accuracy))
            .key("test")
            .dash(Dash::Dashed)
            .style(SeriesStyle::LinePoints),
    )
}
