//! A 2-D function as filled level bands with optimizer trajectories on top.

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colors::{PALETTE, sequential};
use super::line::Series;
use super::{Draw, text, ticks};

/// Filled contour bands of `f(x, y)` sampled on a grid, with trajectories
/// (for example gradient descent and momentum on an ill-conditioned quadratic).
///
/// ```
/// use experiments::plot::{ContourPlot, Series};
/// let plot = ContourPlot::from_fn("x² + 10y²", (-2.0, 2.0), (-1.0, 1.0), 40, |x, y| x * x + 10.0 * y * y)
///     .with(Series::line("gd", vec![(1.5, 0.8), (1.2, -0.7), (1.0, 0.5)]));
/// assert_eq!(plot.values.dim(), (40, 40));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContourPlot {
    /// Title above the plot.
    pub title: String,
    /// Horizontal axis description.
    pub x_label: String,
    /// Vertical axis description.
    pub y_label: String,
    /// `(min, max)` of x.
    pub x_range: (f64, f64),
    /// `(min, max)` of y.
    pub y_range: (f64, f64),
    /// `values[[iy, ix]]` = f at the centre of cell (ix, iy), y increasing with iy.
    #[serde(with = "super::nonfinite::matrix")]
    pub values: Array2<f64>,
    /// Number of colour bands.
    pub levels: usize,
    /// Band on `ln(f - min)` rather than `f` (shows narrow valleys better).
    pub log_levels: bool,
    /// Paths drawn on top, in [`PALETTE`] colours, start marked by a square.
    pub trajectories: Vec<Series>,
    /// Colour-bar label with the unit of the values ("loss", "f(x, y)").
    pub colorbar: String,
    /// The minimizer, marked with a star when known.
    pub minimizer: Option<(f64, f64)>,
}

impl ContourPlot {
    /// Samples `f` on a `resolution × resolution` grid over the ranges.
    ///
    /// ```
    /// let p = experiments::plot::ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 8, |x, y| x + y);
    /// assert!(p.values[[7, 7]] > p.values[[0, 0]]);
    /// ```
    pub fn from_fn(
        title: impl Into<String>,
        x_range: (f64, f64),
        y_range: (f64, f64),
        resolution: usize,
        f: impl Fn(f64, f64) -> f64,
    ) -> Self {
        let n = resolution.max(2);
        let at = |(lo, hi): (f64, f64), i: usize| lo + (hi - lo) * (i as f64 + 0.5) / n as f64;
        let values = Array2::from_shape_fn((n, n), |(iy, ix)| f(at(x_range, ix), at(y_range, iy)));
        ContourPlot {
            title: title.into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_range,
            y_range,
            values,
            levels: 16,
            log_levels: true,
            trajectories: Vec::new(),
            colorbar: "f(x, y)".into(),
            minimizer: None,
        }
    }

    /// Adds a trajectory.
    ///
    /// ```
    /// use experiments::plot::{ContourPlot, Series};
    /// let p = ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).with(Series::line("a", vec![]));
    /// assert_eq!(p.trajectories.len(), 1);
    /// ```
    pub fn with(mut self, trajectory: Series) -> Self {
        self.trajectories.push(trajectory);
        self
    }

    /// Marks the minimizer at `(x, y)`.
    ///
    /// ```
    /// let p = experiments::plot::ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).minimizer(0.0, 0.5);
    /// assert_eq!(p.minimizer, Some((0.0, 0.5)));
    /// ```
    pub fn minimizer(mut self, x: f64, y: f64) -> Self {
        self.minimizer = Some((x, y));
        self
    }

    /// Sets the colour bar's label (what the values are, with their unit).
    ///
    /// ```
    /// let p = experiments::plot::ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).colorbar("loss");
    /// assert_eq!(p.colorbar, "loss");
    /// ```
    pub fn colorbar(mut self, label: impl Into<String>) -> Self {
        self.colorbar = label.into();
        self
    }

    /// Sets the axis descriptions.
    ///
    /// ```
    /// let p = experiments::plot::ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).labels("w1", "w2");
    /// assert_eq!(p.x_label, "w1");
    /// ```
    pub fn labels(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }

    /// Band index in `[0, 1]` of a value.
    fn level(&self, v: f64, lo: f64, hi: f64) -> f64 {
        let (v, lo, hi) = if self.log_levels {
            let floor = (hi - lo).abs() * 1e-6 + f64::MIN_POSITIVE;
            ((v - lo + floor).ln(), floor.ln(), (hi - lo + floor).ln())
        } else {
            (v, lo, hi)
        };
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        let bands = self.levels.max(2) as f64;
        (t * bands).floor().min(bands - 1.0) / (bands - 1.0)
    }
}

impl Draw for ContourPlot {
    fn size(&self) -> (u32, u32) {
        (800, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(text)?;
        let fmt = |v: &f64| ticks::linear(*v);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&fmt)
            .y_label_formatter(&fmt)
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(text)?;
        let (ny, nx) = self.values.dim();
        let (lo, hi) = ticks::padded_range(self.values.iter().copied(), 0.0).unwrap_or((0.0, 1.0));
        let (dx, dy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
        let cells = self.values.indexed_iter().map(|((iy, ix), &v)| {
            let (cx, cy) = (x0 + dx * ix as f64, y0 + dy * iy as f64);
            Rectangle::new(
                [(cx, cy), (cx + dx, cy + dy)],
                sequential(self.level(v, lo, hi)).filled(),
            )
        });
        chart.draw_series(cells).map_err(text)?;
        let clamp = |(x, y): (f64, f64)| (x.clamp(x0, x1), y.clamp(y0, y1));
        for (i, t) in self.trajectories.iter().enumerate() {
            let color = PALETTE[t.color.unwrap_or(i + 1) % PALETTE.len()];
            let pts: Vec<(f64, f64)> = t
                .points
                .iter()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .map(|&p| clamp(p))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
                .map_err(text)?
                .label(t.legend_text())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 2, color.filled())))
                .map_err(text)?;
            if let Some(&start) = pts.first() {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        start,
                        6,
                        BLACK.stroke_width(2),
                    )))
                    .map_err(text)?;
            }
        }
        if !self.trajectories.is_empty() {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(160, 160, 160))
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(text)?;
        }
        Ok(())
    }
}
