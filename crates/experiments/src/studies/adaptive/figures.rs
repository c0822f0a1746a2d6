//! The study's figures and data files. Every series is keyed by its
//! optimizer's name, so an optimizer keeps one colour in every figure; the
//! optimizers past the palette's size are dashed.

use std::path::Path;

use super::functions::{Function, Trajectory};
use super::mnist::MnistRun;
use super::{Config, Outcome};
use crate::error::Result;
use crate::plot::{Annotation, ContourPlot, Dash, LineChart, PALETTE, Scale, Series};
use crate::report::{Report, write_csv, write_json};
use crate::studies::format::short;
use crate::studies::series::{smooth, thin};

/// The optimizer's series style: its name as key, dashed past the palette.
fn styled(config: &Config, name: &str, s: Series) -> Series {
    let index = config
        .optimizers
        .iter()
        .position(|(c, _)| c.to_string() == name)
        .unwrap_or(0);
    let s = s.key(name);
    if index >= PALETTE.len() {
        s.dash(Dash::Dashed)
    } else {
        s
    }
}

/// Writes every figure and data file of `out` into `report`.
///
/// **Errors**: a file cannot be written.
pub fn write(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let quad = Function::Quadratic {
        kappa: config.kappa,
    };
    paths(report, config, &out.quadratic, quad, dir)?;
    zigzag(report, config, out, dir)?;
    values(report, config, &out.quadratic, "quadratic", dir)?;
    effective_2d(report, config, out, dir)?;
    paths(report, config, &out.rosenbrock, Function::Rosenbrock, dir)?;
    values(report, config, &out.rosenbrock, "Rosenbrock", dir)?;
    mnist(report, config, out, dir)?;
    effective_mnist(report, config, out, dir)?;
    data(report, out, dir)
}

fn paths(
    report: &mut Report,
    config: &Config,
    runs: &[Trajectory],
    f: Function,
    dir: &Path,
) -> Result<()> {
    let (title, xr, yr, stem, caption) = match f {
        Function::Quadratic { kappa } => (
            format!(
                "\u{bd}(x\u{b2} + {kappa}y\u{b2}), common lr {}",
                config.quadratic_lr
            ),
            (-2.5, 2.5),
            (-1.25, 1.25),
            "quadratic_paths",
            "Trajectories on the ill-conditioned quadratic at one common learning rate",
        ),
        Function::Rosenbrock => (
            "Rosenbrock (1\u{2212}x)\u{b2} + 100(y\u{2212}x\u{b2})\u{b2}".to_string(),
            (-2.0, 2.0),
            (-1.0, 3.0),
            "rosenbrock_paths",
            "Trajectories on Rosenbrock's banana from (\u{2212}1.2, 1); a cross marks a divergence",
        ),
    };
    let (mx, my) = f.minimizer();
    let mut contour = ContourPlot::from_fn(title, xr, yr, 120, |x, y| f.value(x, y))
        .labels("x", "y")
        .minimizer(mx, my)
        .colorbar("f(x, y)");
    contour.log_levels = matches!(f, Function::Rosenbrock);
    let inside = |p: &&(f64, f64)| {
        let (wx, wy) = (xr.1 - xr.0, yr.1 - yr.0);
        p.0 >= xr.0 - wx && p.0 <= xr.1 + wx && p.1 >= yr.0 - wy && p.1 <= yr.1 + wy
    };
    for t in runs {
        let pts: Vec<(f64, f64)> = t.points.iter().take_while(inside).copied().collect();
        let mut s = Series::line(
            format!("{} (lr {})", t.optimizer, short(t.lr)),
            thin(&pts, 400),
        );
        if let Some(k) = t.diverged_at {
            s = s.diverged_at(k as f64);
        }
        contour = contour.with(styled(config, &t.optimizer, s));
    }
    report.figure(dir, stem, caption, contour)
}

fn zigzag(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let steps = 2 * super::checks::ZIGZAG_STEPS;
    let mut chart = LineChart::new(
        format!("y across the valley, common lr {}", config.quadratic_lr),
        "step",
        "y",
    )
    .annotate(Annotation::hline(0.0, "valley floor y = 0"));
    for name in ["sgd", "momentum", "adam", "rmsprop"] {
        if let Some(t) = out.quadratic.iter().find(|t| t.optimizer == name) {
            let pts = t
                .points
                .iter()
                .take(steps + 1)
                .enumerate()
                .map(|(i, p)| (i as f64, p.1))
                .collect();
            chart = chart.with(styled(
                config,
                name,
                Series::line(
                    format!("{name}: {} sign changes", t.y_sign_changes(steps)),
                    pts,
                ),
            ));
        }
    }
    report.figure(
        dir,
        "quadratic_zigzag",
        "The steep coordinate y over the first steps: gradient descent overshoots the valley \
         floor and changes sign every step; Adam's per-parameter rate walks y down without \
         crossing",
        chart,
    )
}

fn values(
    report: &mut Report,
    config: &Config,
    runs: &[Trajectory],
    name: &str,
    dir: &Path,
) -> Result<()> {
    let tol = config.tolerance;
    let mut chart = LineChart::new(
        format!("f \u{2212} f* along the trajectories ({name})"),
        "step",
        "f \u{2212} f*",
    )
    .y_scale(Scale::Log)
    .annotate(Annotation::hline(
        tol,
        format!("tolerance {tol:e}: a series ends when it gets there"),
    ));
    let mut top = tol;
    for t in runs {
        let end = t.steps_to_tolerance.map_or(t.values.len(), |s| s + 1);
        let pts: Vec<(f64, f64)> = t.values[..end]
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f64, v.max(tol)))
            .collect();
        top = pts.iter().map(|p| p.1).fold(top, f64::max);
        let mut s = Series::line(
            format!("{} (lr {})", t.optimizer, short(t.lr)),
            thin(&pts, 400),
        );
        if let Some(k) = t.diverged_at {
            s = s.diverged_at(k as f64);
        }
        chart = chart.with(styled(config, &t.optimizer, s));
    }
    chart = chart.y_range(tol * 0.5, top * 2.0);
    report.figure(
        dir,
        &format!("{}_values", name.to_lowercase()),
        &format!(
            "Distance to the minimum value per step on {name} (log scale), floored at the \
             tolerance {tol:e}: each series stops when it converges"
        ),
        chart,
    )
}

fn effective_2d(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let mut chart = LineChart::new(
        "Effective learning rate of each parameter on the quadratic",
        "step",
        "lr / (\u{221a}v\u{302} + \u{3b5})",
    )
    .y_scale(Scale::Log);
    for t in out.quadratic.iter().filter(|t| !t.effective_lr.is_empty()) {
        for (axis, dash) in [(0, Dash::Solid), (1, Dash::Dashed)] {
            let pts: Vec<(f64, f64)> = t
                .effective_lr
                .iter()
                .enumerate()
                .map(|(i, r)| (i as f64 + 1.0, r[axis]))
                .collect();
            let label = format!("{}, {}", t.optimizer, ["x (flat)", "y (steep)"][axis]);
            chart = chart.with(
                styled(config, &t.optimizer, Series::line(label, thin(&pts, 300))).dash(dash),
            );
        }
    }
    report.figure(
        dir,
        "effective_lr_quadratic",
        "Adagrad, RMSprop and Adam give each weight its own learning rate lr/(\u{221a}v\u{302} + \u{3b5}): \
         large along the flat x, small along the steep y",
        chart,
    )
}

/// `(mean, min, max)` curves over the seeds of a run: windowed losses up to
/// the first divergence.
type Band = Vec<(f64, f64, f64)>;

fn banded(r: &MnistRun, window: usize) -> (Vec<(f64, f64)>, Band) {
    let curves: Vec<Vec<(f64, f64)>> = r
        .seeds
        .iter()
        .map(|s| {
            let n = s.diverged_at.map_or(s.step_losses.len(), |k| k - 1);
            smooth(&s.step_losses[..n], window)
        })
        .collect();
    let len = curves.iter().map(Vec::len).min().unwrap_or(0);
    let mut mean = Vec::new();
    let mut band = Vec::new();
    for i in 0..len {
        let ys: Vec<f64> = curves.iter().map(|c| c[i].1).collect();
        let x = curves[0][i].0;
        mean.push((x, ys.iter().sum::<f64>() / ys.len() as f64));
        band.push((
            x,
            ys.iter().copied().fold(f64::INFINITY, f64::min),
            ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ));
    }
    (mean, band)
}

fn mnist(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let steps = out.mnist[0].seeds[0].step_losses.len();
    let window = (steps / 50).max(1);
    let groups = [
        (
            "mnist_loss_sgd_family",
            "SGD, momentum and the first adaptive methods",
            &[
                "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
            ][..],
        ),
        (
            "mnist_loss_adam_family",
            "Adam and its variants (SGD for reference)",
            &["sgd", "adam", "adamw", "adamax", "nadam", "radam"][..],
        ),
    ];
    for (stem, title, names) in groups {
        let mut chart = LineChart::new(
            format!("MNIST: {title}"),
            "step",
            "training loss (window mean)",
        )
        .y_scale(Scale::Log);
        for r in out
            .mnist
            .iter()
            .filter(|r| names.contains(&r.optimizer.as_str()))
        {
            let (mean, band) = banded(r, window);
            let mut s =
                Series::line(format!("{} (lr {})", r.optimizer, short(r.lr)), mean).band(band);
            if let Some(k) = r.diverged_at() {
                s = s.diverged_at(k as f64);
            }
            chart = chart.with(styled(config, &r.optimizer, s));
        }
        report.figure(
            dir,
            stem,
            &format!(
                "MNIST training loss per step, mean over {} seeds with the min\u{2013}max band; \
                 every optimizer from the same initialization on the same minibatches per seed",
                config.seeds
            ),
            chart,
        )?;
    }
    Ok(())
}

fn effective_mnist(report: &mut Report, config: &Config, out: &Outcome, dir: &Path) -> Result<()> {
    let dashes = [Dash::Solid, Dash::Dashed, Dash::Dotted];
    let mut chart = LineChart::new(
        "Effective learning rate per layer on MNIST (median over the weights)",
        "step",
        "median lr / (\u{221a}v\u{302} + \u{3b5})",
    )
    .y_scale(Scale::Log);
    for r in &out.mnist {
        for (i, l) in r.effective_lr.iter().enumerate() {
            let s = Series::line(format!("{}, {}", r.optimizer, l.layer), l.points.clone())
                .dash(dashes[i % dashes.len()]);
            chart = chart.with(styled(config, &r.optimizer, s).dash(dashes[i % dashes.len()]));
        }
    }
    report.figure(
        dir,
        "effective_lr_mnist",
        "The median per-weight effective learning rate of each layer over training (first seed): \
         each layer gets its own rate",
        chart,
    )
}

fn data(report: &mut Report, out: &Outcome, dir: &Path) -> Result<()> {
    let rows: Vec<Vec<f64>> = out
        .mnist
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (l, _, _) = r.spread(|s| s.final_train_loss());
            let (a, _, _) = r.spread(|s| s.test_accuracy);
            let opt = |v: Option<usize>| v.map_or(f64::NAN, |s| s as f64);
            vec![
                i as f64,
                r.lr,
                l,
                a,
                opt(r.diverged_at()),
                opt(out.quadratic[i].steps_to_tolerance),
                opt(out.quadratic[i].diverged_at),
                opt(out.rosenbrock[i].steps_to_tolerance),
                opt(out.rosenbrock[i].diverged_at),
            ]
        })
        .collect();
    write_csv(
        &dir.join("summary.csv"),
        &[
            "optimizer_index",
            "lr",
            "final_train_loss_mean",
            "test_accuracy_mean",
            "mnist_diverged_at",
            "quadratic_steps_to_tol",
            "quadratic_diverged_at",
            "rosenbrock_steps_to_tol",
            "rosenbrock_diverged_at",
        ],
        &rows,
    )?;
    report.data("summary.csv");
    write_json(&dir.join("outcome.json"), out)?;
    report.data("outcome.json");
    Ok(())
}
