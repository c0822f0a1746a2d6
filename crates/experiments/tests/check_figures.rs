//! The figure rules catch deliberately bad figures and pass good ones; the
//! `check-figures` command reports them with the right exit code.

use std::path::Path;
use std::process::Command;

use experiments::plot::{
    AxisName, ContourPlot, Figure, Heatmap, LineChart, Problem, Scale, Series, check, check_study,
    save,
};

fn curve(n: usize) -> Vec<(f64, f64)> {
    (1..=n).map(|k| (k as f64, 1.0 / k as f64)).collect()
}

fn good() -> LineChart {
    LineChart::new("loss", "epoch", "loss")
        .y_scale(Scale::Log)
        .with(Series::line("sgd", curve(20)).color(0))
        .with(Series::line("adam", curve(30)).color(1))
}

#[test]
fn good_figures_pass() {
    assert_eq!(check(&good().into()), []);
    let contour = ContourPlot::from_fn("f", (-1.0, 1.0), (-1.0, 1.0), 20, |x, y| x * x + y * y)
        .with(Series::line("gd", vec![(0.9, 0.9), (0.5, 0.4)]))
        .minimizer(0.0, 0.0)
        .colorbar("f(x, y)");
    assert_eq!(check(&contour.into()), []);
    let heat = Heatmap::new("w", ndarray::Array2::zeros((2, 2)))
        .axes("class", "unit")
        .colorbar("weight");
    assert_eq!(check(&heat.into()), []);
}

#[test]
fn colliding_colour_and_dash_is_caught() {
    let c = good().with(Series::line("rmsprop", curve(10)).color(1));
    let problems = check(&c.into());
    assert!(
        matches!(problems[..], [Problem::SharedColor { color: 1, .. }]),
        "{problems:?}"
    );
    let c = good().with(Series::line("adam, lr 1", curve(10)).key("adam").color(1));
    let problems = check(&c.into());
    assert!(
        matches!(problems[..], [Problem::SameLook { color: 1, .. }]),
        "{problems:?}"
    );
    // the same method dashed is fine
    let c = good().with(
        Series::line("adam, scaled", curve(10))
            .key("adam")
            .color(1)
            .dash(experiments::plot::Dash::Dashed),
    );
    assert_eq!(check(&c.into()), []);
}

#[test]
fn invisible_series_are_caught_unless_marked() {
    for points in [vec![], vec![(1.0, 0.5)], vec![(1.0, f64::NAN), (2.0, 0.5)]] {
        let c = good().with(Series::line("lonely", points).color(2));
        let problems = check(&c.into());
        assert!(
            matches!(problems[..], [Problem::Invisible { .. }]),
            "{problems:?}"
        );
    }
    let marked = good().with(
        Series::line("diverged", vec![(1.0, 0.5), (2.0, f64::NAN)])
            .color(2)
            .diverged_at(2.0),
    );
    assert_eq!(check(&marked.into()), []);
    let point = good().with(Series::points("one run", vec![(1.0, 0.5)]).color(2));
    assert_eq!(check(&point.into()), []);
}

#[test]
fn stretched_axes_are_caught() {
    let underflow = good().y_range(1e-300, 1.0);
    let problems = check(&underflow.into());
    assert!(
        matches!(
            problems[..],
            [Problem::AxisRange {
                axis: AxisName::Y,
                ..
            }]
        ),
        "{problems:?}"
    );
    // a range taken naively from data with one exploded point
    let mut pts = curve(50);
    pts.push((51.0, 1e11));
    let exploded = LineChart::new("loss", "epoch", "loss")
        .with(Series::line("sgd", pts.clone()))
        .y_range(0.0, 1e11);
    let problems = check(&exploded.into());
    assert!(
        matches!(
            problems[..],
            [Problem::AxisRange {
                axis: AxisName::Y,
                ..
            }]
        ),
        "{problems:?}"
    );
    // fitted by the renderer, the same data passes: the point is off-scale
    let fitted = LineChart::new("loss", "epoch", "loss").with(Series::line("sgd", pts));
    assert_eq!(check(&fitted.into()), []);
    let mut tiny = curve(50);
    tiny.push((51.0, 1e-300));
    let fitted = LineChart::new("loss", "epoch", "loss")
        .y_scale(Scale::Log)
        .with(Series::line("sgd", tiny));
    assert_eq!(check(&fitted.into()), []);
    // data over 60 decades: the renderer keeps 30 of them, and passes
    let wide: Vec<(f64, f64)> = (0..=60).map(|k| (k as f64, 10f64.powi(k - 40))).collect();
    let fitted = LineChart::new("growth", "step", "distance")
        .y_scale(Scale::Log)
        .with(Series::line("gd", wide));
    assert_eq!(check(&fitted.into()), []);
}

#[test]
fn missing_labels_and_mixed_units_are_caught() {
    let contour = ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).colorbar("");
    assert_eq!(check(&contour.into()), [Problem::NoColorbarLabel]);
    let heat = Heatmap::new("w", ndarray::Array2::zeros((2, 2))).axes("class", "unit");
    assert_eq!(check(&heat.into()), [Problem::NoColorbarLabel]);
    let c = good().units("s", "s / MiB");
    assert!(matches!(
        check(&c.into())[..],
        [Problem::MixedUnits {
            axis: AxisName::Y,
            ..
        }]
    ));
    assert_eq!(check(&good().units("epoch", "MiB/s").into()), []);
    let c = LineChart::new("t", "", "loss").with(Series::line("a", curve(3)));
    assert_eq!(check(&c.into()), [Problem::NoAxisLabel(AxisName::X)]);
}

#[test]
fn a_key_with_two_colours_across_a_study_is_caught() {
    let a: Figure = good().into();
    let b: Figure = LineChart::new("accuracy", "epoch", "accuracy")
        .with(Series::line("sgd", curve(5)).color(3))
        .into();
    let problems = check_study(&[a.clone(), b]);
    assert!(
        matches!(&problems[..], [Problem::KeyColors { key, colors }] if key == "sgd" && colors.len() == 2),
        "{problems:?}"
    );
    assert_eq!(check_study(&[a.clone(), a]), []);
}

#[test]
fn figures_round_trip_through_json() {
    let mut pts = curve(5);
    pts[2].1 = f64::NAN;
    let c: Figure = good()
        .with(Series::line("nan", pts).color(4).non_finite_at(3.0))
        .into();
    let back: Figure = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert_eq!(check(&back), check(&c));
    let contour: Figure = ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 2.0), 4, |x, y| x + y)
        .equal_aspect(false)
        .into();
    let back: Figure = serde_json::from_str(&serde_json::to_string(&contour).unwrap()).unwrap();
    assert_eq!(back, contour);
}

fn run(dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_experiments"))
        .arg("check-figures")
        .arg(dir)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap(),
        text(out.stdout),
        text(out.stderr),
    )
}

#[test]
fn the_command_reports_problems_per_file_and_exits_with_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    save(&good().into(), &study.join("good")).unwrap();
    std::fs::write(study.join("report.json"), r#"{"name": "not a figure"}"#).unwrap();
    let (code, out, _) = run(dir.path());
    assert_eq!((code, out.as_str()), (0, ""));

    let bad = LineChart::new("bad", "epoch", "loss")
        .with(Series::line("lonely", vec![(1.0, 1.0)]).color(0));
    save(&bad.into(), &study.join("bad")).unwrap();
    let (code, out, _) = run(dir.path());
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("bad.json: series \"lonely\"")),
        "{out}"
    );
    // "lonely" and "sgd" share colour 0 in one folder: not a key problem,
    // but "sgd" keeps one colour, so only the invisible series is reported
    assert_eq!(lines.len(), 1, "{out}");
}

#[test]
fn the_command_fails_clearly_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&dir.path().join("missing"));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    std::fs::write(dir.path().join("f.png"), b"png").unwrap();
    std::fs::write(dir.path().join("f.json"), b"{ not json").unwrap();
    let (code, _, err) = run(dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("f.json") && err.lines().count() == 1, "{err}");
    let (code, out, _) = Command::new(env!("CARGO_BIN_EXE_experiments"))
        .args(["check-figures", "--help"])
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                String::from_utf8(o.stdout).unwrap(),
                (),
            )
        })
        .unwrap();
    assert_eq!(code, 0);
    assert!(out.contains("DIR"), "{out}");
}
