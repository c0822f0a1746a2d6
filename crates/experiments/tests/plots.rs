//! Every figure type renders to a valid PNG and SVG, including with
//! non-finite data.

use std::path::Path;

use experiments::plot::{ContourPlot, Heatmap, ImageGrid, LineChart, Scale, Series, save};

fn assert_valid(files: &[std::path::PathBuf; 3]) {
    let png = std::fs::read(&files[0]).unwrap();
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "{:?} is not a PNG",
        files[0]
    );
    assert!(png.len() > 2000, "{:?} is suspiciously small", files[0]);
    let svg = std::fs::read_to_string(&files[1]).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let json = std::fs::read_to_string(&files[2]).unwrap();
    let back: experiments::plot::Figure = serde_json::from_str(&json).unwrap();
    assert!(!back.title().is_empty());
}

/// A temporary directory, kept when `OPTILAB_KEEP_PLOTS` names a folder (to
/// look at the figures).
fn out_dir() -> tempfile::TempDir {
    match std::env::var("OPTILAB_KEEP_PLOTS") {
        Ok(keep) => {
            std::fs::create_dir_all(&keep).unwrap();
            let mut dir = tempfile::Builder::new()
                .tempdir_in(Path::new(&keep))
                .unwrap();
            dir.disable_cleanup(true);
            dir
        }
        Err(_) => tempfile::tempdir().unwrap(),
    }
}

#[test]
fn line_chart_with_log_axis_band_and_non_finite_points() {
    let dir = out_dir();
    let gd: Vec<(f64, f64)> = (1..=100).map(|k| (k as f64, 0.9f64.powi(k))).collect();
    let mut nan = gd.clone();
    nan[50].1 = f64::NAN;
    nan[60].1 = f64::INFINITY;
    let band = gd.iter().map(|&(x, y)| (x, y * 0.5, y * 1.5)).collect();
    let chart = LineChart::new("Loss versus iteration", "iteration", "loss")
        .y_scale(Scale::Log)
        .with(Series::line("gradient descent", gd).band(band))
        .with(Series::line("with NaN", nan));
    let files = save(&(&chart).into(), &dir.path().join("line")).unwrap();
    assert_valid(&files);
    let svg = std::fs::read_to_string(&files[1]).unwrap();
    assert!(svg.contains("gradient descent") && svg.contains("iteration"));
}

#[test]
fn chart_of_only_non_finite_values_still_renders() {
    let dir = out_dir();
    let chart =
        LineChart::new("diverged", "step", "loss").with(Series::line("nan", vec![(0.0, f64::NAN)]));
    assert_valid(&save(&(&chart).into(), &dir.path().join("empty")).unwrap());
}

#[test]
fn contour_heatmap_and_image_grid_render() {
    let dir = out_dir();
    let contour = ContourPlot::from_fn(
        "f(x,y) = x² + 25y²",
        (-3.0, 3.0),
        (-1.5, 1.5),
        50,
        |x, y| x * x + 25.0 * y * y,
    )
    .with(Series::line(
        "gd",
        vec![(2.5, 1.2), (2.0, -1.0), (1.7, 0.8), (1.4, -0.6)],
    ));
    assert_valid(&save(&(&contour).into(), &dir.path().join("contour")).unwrap());
    let heat = Heatmap::new(
        "contribution",
        ndarray::Array2::from_shape_fn((10, 10), |(r, c)| r as f64 - c as f64),
    )
    .axes("class", "hidden unit");
    assert_valid(&save(&(&heat).into(), &dir.path().join("heat")).unwrap());
    let mut grid = ImageGrid::new("hidden units", 5);
    for k in 0..10 {
        grid = grid.with(
            format!("unit {k}"),
            ndarray::Array2::from_shape_fn((28, 28), |(r, c)| ((r * c + k) as f64).sin()),
        );
    }
    assert_valid(&save(&(&grid).into(), &dir.path().join("grid")).unwrap());
}
