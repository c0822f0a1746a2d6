//! Figures from measured data, written as PNG and SVG side by side.
//!
//! Every figure type implements [`Figure`]; [`save`] draws it twice, with
//! plotters' bitmap and SVG backends. Text uses the DejaVu Sans font embedded
//! in the binary, so no system fonts are needed.
//!
//! ```
//! use experiments::plot::{save, LineChart, Scale, Series};
//! let dir = tempfile::tempdir().unwrap();
//! let loss = Series::line("gd", (1..=50).map(|k| (k as f64, 1.0 / k as f64)).collect());
//! let chart = LineChart::new("loss", "iteration", "loss").y_scale(Scale::Log).with(loss);
//! let files = save(&chart, &dir.path().join("loss")).unwrap();
//! assert!(files.iter().all(|f| f.exists()));
//! ```

mod colors;
mod contour;
mod font;
mod heatmap;
mod image_grid;
mod line;
mod ticks;

pub use colors::{PALETTE, diverging, sequential};
pub use contour::ContourPlot;
pub use heatmap::Heatmap;
pub use image_grid::ImageGrid;
pub use line::{LineChart, Scale, Series, SeriesStyle};

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{ExperimentsError, Result};

/// Something that can draw itself on any plotters backend.
pub trait Figure {
    /// Size in pixels (also the SVG's size).
    fn size(&self) -> (u32, u32) {
        (900, 600)
    }

    /// Draws the figure on `area` (already sized to [`size`](Figure::size)).
    ///
    /// **Errors**: the backend's error, as text.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String>;
}

/// Writes `figure` as `<stem>.png` and `<stem>.svg`, creating the parent
/// directory, and returns both paths.
///
/// **Errors**: [`ExperimentsError::Plot`] if drawing fails,
/// [`ExperimentsError::Io`] if the directory cannot be created.
///
/// ```
/// use experiments::plot::{save, LineChart, Series};
/// let dir = tempfile::tempdir().unwrap();
/// let chart = LineChart::new("t", "x", "y").with(Series::line("a", vec![(0.0, 1.0), (1.0, 2.0)]));
/// let [png, svg] = save(&chart, &dir.path().join("sub/fig")).unwrap();
/// assert!(png.ends_with("fig.png") && svg.ends_with("fig.svg"));
/// ```
pub fn save(figure: &impl Figure, stem: &Path) -> Result<[PathBuf; 2]> {
    font::register();
    if let Some(parent) = stem.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ExperimentsError::io(parent, e))?;
    }
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
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
    Ok([png, svg])
}

/// Converts a plotters error into text.
pub(crate) fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}
