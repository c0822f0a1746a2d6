//! Figures from measured data: a figure is a value ([`Figure`]), drawn by
//! one renderer into PNG and SVG and written as JSON beside them.
//!
//! Studies build [`LineChart`], [`ContourPlot`], [`Heatmap`] or
//! [`ImageGrid`] values and never call plotters themselves; [`save`] writes
//! `<stem>.png`, `<stem>.svg` and `<stem>.json` (the figure itself, which any
//! plotting program can re-draw, see [`matplotlib_snippet`]). Text uses the
//! DejaVu Sans font embedded in the binary, so no system fonts are needed.
//!
//! The renderer draws what a reader can trust: axis ranges fitted robustly
//! to the shown data, with far-off values drawn at the edge as off-scale
//! markers (limits in [`MAX_SPREAD`], [`LOG_GAP`], [`MAX_DECADES`]); ticks at
//! 1, 2, 5 × 10^k and labelled decades on log axes; the legend in a column
//! beside the plot area; colour bars; equal aspect and smooth isolines on
//! contour plots. [`check`] and [`check_study`] report what a figure still
//! gets wrong (`experiments check-figures DIR` runs them over a results
//! folder).
//!
//! ```
//! use experiments::plot::{save, LineChart, Scale, Series};
//! let dir = tempfile::tempdir().unwrap();
//! let loss = Series::line("gd", (1..=50).map(|k| (k as f64, 1.0 / k as f64)).collect());
//! let chart = LineChart::new("loss", "iteration", "loss").y_scale(Scale::Log).with(loss);
//! let files = save(&chart.into(), &dir.path().join("loss")).unwrap();
//! assert!(files.iter().all(|f| f.exists()));
//! ```

mod annotation;
mod axis;
mod chart;
mod check;
mod colorbar;
mod colors;
mod contour;
mod contour_draw;
mod font;
mod frame;
mod heatmap;
mod image_grid;
mod isolines;
mod legend;
mod line;
mod nonfinite;
mod series;
mod snippet;
mod ticks;

pub use annotation::{Annotation, AnnotationKind};
pub use axis::{LOG_GAP, MAX_DECADES, MAX_SPREAD, Scale};
pub use check::{AxisName, Problem, check, check_study};
pub use colors::{PALETTE, diverging, sequential};
pub use contour::ContourPlot;
pub use heatmap::Heatmap;
pub use image_grid::ImageGrid;
pub use line::LineChart;
pub use series::{Dash, Series, SeriesEnd, SeriesStyle};
pub use snippet::matplotlib_snippet;

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ExperimentsError, Result};

/// Something that can draw itself on any plotters backend.
pub(crate) trait Draw {
    /// Size in pixels (also the SVG's size).
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }

    /// Draws the figure on `area` (already sized to [`size`](Draw::size)).
    ///
    /// **Errors**: the backend's error, as text.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String>;
}

/// A figure as a value: what [`save`] draws and writes as JSON.
///
/// ```
/// use experiments::plot::{Figure, LineChart, Series};
/// let f: Figure = LineChart::new("t", "x", "y").with(Series::line("a", vec![(0.0, 1.0), (1.0, 2.0)])).into();
/// let json = serde_json::to_string(&f).unwrap();
/// assert_eq!(serde_json::from_str::<Figure>(&json).unwrap(), f);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Figure {
    /// Lines, points and bands on x/y axes.
    Line(LineChart),
    /// Level sets of a 2-D function with trajectories.
    Contour(ContourPlot),
    /// A labelled matrix of coloured cells.
    Heatmap(Heatmap),
    /// A grid of small images.
    Images(ImageGrid),
}

impl Figure {
    /// The figure's title.
    ///
    /// ```
    /// let f: experiments::plot::Figure = experiments::plot::LineChart::new("loss", "x", "y").into();
    /// assert_eq!(f.title(), "loss");
    /// ```
    pub fn title(&self) -> &str {
        match self {
            Figure::Line(c) => &c.title,
            Figure::Contour(c) => &c.title,
            Figure::Heatmap(c) => &c.title,
            Figure::Images(c) => &c.title,
        }
    }

    /// The series drawn as lines or paths (line charts' series, contour
    /// plots' trajectories), for colour assignment and checks.
    pub fn series_mut(&mut self) -> &mut [Series] {
        match self {
            Figure::Line(c) => &mut c.series,
            Figure::Contour(c) => &mut c.trajectories,
            Figure::Heatmap(_) | Figure::Images(_) => &mut [],
        }
    }

    fn size(&self) -> (u32, u32) {
        font::register();
        match self {
            Figure::Line(c) => c.size(),
            Figure::Contour(c) => c.size(),
            Figure::Heatmap(c) => c.size(),
            Figure::Images(c) => c.size(),
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        match self {
            Figure::Line(c) => c.draw(area),
            Figure::Contour(c) => c.draw(area),
            Figure::Heatmap(c) => c.draw(area),
            Figure::Images(c) => c.draw(area),
        }
    }
}

macro_rules! into_figure {
    ($($t:ident => $v:ident),*) => {$(
        impl From<$t> for Figure {
            fn from(f: $t) -> Figure {
                Figure::$v(f)
            }
        }
        impl From<&$t> for Figure {
            fn from(f: &$t) -> Figure {
                Figure::$v(f.clone())
            }
        }
    )*};
}
into_figure!(LineChart => Line, ContourPlot => Contour, Heatmap => Heatmap, ImageGrid => Images);

/// Writes `figure` as `<stem>.png`, `<stem>.svg` and `<stem>.json`,
/// creating the parent directory, and returns the three paths.
///
/// **Errors**: [`ExperimentsError::Plot`] if drawing fails,
/// [`ExperimentsError::Io`] if a file or the directory cannot be written.
///
/// ```
/// use experiments::plot::{save, LineChart, Series};
/// let dir = tempfile::tempdir().unwrap();
/// let chart = LineChart::new("t", "x", "y").with(Series::line("a", vec![(0.0, 1.0), (1.0, 2.0)]));
/// let [png, svg, json] = save(&chart.into(), &dir.path().join("sub/fig")).unwrap();
/// assert!(png.ends_with("fig.png") && svg.ends_with("fig.svg") && json.ends_with("fig.json"));
/// ```
pub fn save(figure: &Figure, stem: &Path) -> Result<[PathBuf; 3]> {
    font::register();
    if let Some(parent) = stem.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ExperimentsError::io(parent, e))?;
    }
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    let json = stem.with_extension("json");
    let size = figure.size();
    let failed = |path: &Path, message: String| ExperimentsError::Plot {
        path: path.to_path_buf(),
        message,
    };
    {
        let area = BitMapBackend::new(&png, size).into_drawing_area();
        figure.draw(&area).map_err(|m| failed(&png, m))?;
        area.present().map_err(|e| failed(&png, e.to_string()))?;
    }
    {
        let area = SVGBackend::new(&svg, size).into_drawing_area();
        figure.draw(&area).map_err(|m| failed(&svg, m))?;
        area.present().map_err(|e| failed(&svg, e.to_string()))?;
    }
    crate::report::write_json(&json, figure)?;
    Ok([png, svg, json])
}

/// Converts a plotters error into text.
pub(crate) fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}
