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

/// Width and height of a PNG, from its header.
fn png_size(path: &Path) -> (u32, u32) {
    let png = std::fs::read(path).unwrap();
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The contents of the SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split('>').nth(1)?.split('<').next()?.trim().to_string()))
        .collect()
}

/// The x positions of SVG `<text>` elements whose content contains `needle`.
fn text_x(svg: &str, needle: &str) -> Vec<f64> {
    svg.split("<text")
        .skip(1)
        .filter(|t| t.split('>').nth(1).is_some_and(|c| c.contains(needle)))
        .filter_map(|t| t.split("x=\"").nth(1)?.split('"').next()?.parse().ok())
        .collect()
}

#[test]
fn legend_sits_right_of_the_plot_area_and_ticks_are_round() {
    let dir = out_dir();
    let chart = LineChart::new("Loss", "iteration", "loss")
        .y_scale(Scale::Log)
        .with(Series::line(
            "plain gradient descent",
            (1..=80).map(|k| (k as f64, 3.0 / k as f64)).collect(),
        ))
        .with(Series::line(
            "momentum",
            (1..=80)
                .map(|k| (k as f64, 0.03 + 1.0 / (k * k) as f64))
                .collect(),
        ));
    let files = save(&(&chart).into(), &dir.path().join("legend")).unwrap();
    assert!(
        png_size(&files[0]).0 > 900,
        "the legend column widens the figure"
    );
    let svg = std::fs::read_to_string(&files[1]).unwrap();
    let xs = text_x(&svg, "momentum");
    assert!(!xs.is_empty() && xs.iter().all(|&x| x > 880.0), "{xs:?}");
    let labels = texts(&svg);
    for bad in ["3.16", "0.0316", "2.51", "0.316"] {
        assert!(!labels.iter().any(|l| l == bad), "label {bad}");
    }
    assert!(
        labels.iter().any(|l| l == "0.1") && labels.iter().any(|l| l == "1"),
        "{labels:?}"
    );
    assert_eq!(experiments::plot::check(&(&chart).into()), []);
}

#[test]
fn an_exploded_point_is_drawn_off_scale_and_explained() {
    let dir = out_dir();
    let mut pts: Vec<(f64, f64)> = (1..=60)
        .map(|k| (k as f64, 2.3 - 0.02 * k as f64))
        .collect();
    pts.push((61.0, 1e11));
    let chart = LineChart::new("One exploded step", "step", "loss")
        .with(Series::line("sgd", pts).diverged_at(61.0));
    let files = save(&(&chart).into(), &dir.path().join("exploded")).unwrap();
    let svg = std::fs::read_to_string(&files[1]).unwrap();
    assert!(svg.contains("off-scale"), "the legend explains the marker");
    assert!(
        !svg.contains("e11") && !svg.contains("e10"),
        "the axis is not stretched"
    );
    assert_eq!(experiments::plot::check(&(&chart).into()), []);
}

#[test]
fn contours_keep_equal_aspect_and_carry_a_labelled_colour_bar() {
    let dir = out_dir();
    let f = |x: f64, y: f64| x * x + 10.0 * y * y;
    let wide = ContourPlot::from_fn("wide", (-3.0, 3.0), (-1.0, 1.0), 60, f)
        .colorbar("loss (nats)")
        .minimizer(0.0, 0.0)
        .with(Series::line(
            "gd",
            vec![(2.5, 0.8), (2.0, -0.6), (1.6, 0.45), (1.3, -0.3)],
        ))
        .with(Series::line(
            "momentum",
            vec![(2.5, 0.8), (1.5, 0.2), (0.5, -0.1), (0.0, 0.0)],
        ));
    let files = save(&(&wide).into(), &dir.path().join("wide")).unwrap();
    let svg = std::fs::read_to_string(&files[1]).unwrap();
    assert!(svg.contains("loss (nats)") && svg.contains("minimizer"));
    assert!(!svg.contains("off-scale"), "every point is inside");
    let escaped = wide
        .clone()
        .with(Series::line("radam", vec![(0.0, 0.0), (9.0, 9.0)]));
    let svg = save(&(&escaped).into(), &dir.path().join("escaped")).unwrap();
    assert!(
        std::fs::read_to_string(&svg[1])
            .unwrap()
            .contains("off-scale")
    );
    let square = ContourPlot::from_fn("square", (-1.0, 1.0), (-1.0, 1.0), 60, f).colorbar("loss");
    let square_files = save(&(&square).into(), &dir.path().join("square")).unwrap();
    let (w, h) = png_size(&files[0]);
    let (_, hs) = png_size(&square_files[0]);
    assert!(hs > h && w > h, "{w}x{h} vs {hs}");
    assert_eq!(experiments::plot::check(&(&wide).into()), []);
}
