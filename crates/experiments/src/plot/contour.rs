//! A 2-D function as a shaded field with smooth isolines and a colour bar,
//! with optimizer trajectories on top. Drawing is in `contour_draw.rs`.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::series::Series;

/// Isolines of `f(x, y)` sampled on a grid, with trajectories
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
    /// Number of isolines (and colour-bar marks).
    pub levels: usize,
    /// Band on `ln(f - min)` rather than `f` (shows narrow valleys better).
    pub log_levels: bool,
    /// Paths drawn on top in [`PALETTE`](super::PALETTE) colours, each
    /// start marked by a dot in the path's colour.
    pub trajectories: Vec<Series>,
    /// Colour-bar label with the unit of the values ("loss", "f(x, y)").
    pub colorbar: String,
    /// The minimizer, marked with a star when known.
    pub minimizer: Option<(f64, f64)>,
    /// Same data units per pixel on both axes (true unless x and y are
    /// different kinds of quantity).
    #[serde(default = "yes")]
    pub equal_aspect: bool,
}

fn yes() -> bool {
    true
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
            equal_aspect: true,
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

    /// Draws with the same data units per pixel on both axes (`true`, the
    /// default) or fills the plot area (`false`, when x and y are different
    /// kinds of quantity).
    ///
    /// ```
    /// let p = experiments::plot::ContourPlot::from_fn("f", (0.0, 1.0), (0.0, 1.0), 4, |x, _| x).equal_aspect(false);
    /// assert!(!p.equal_aspect);
    /// ```
    pub fn equal_aspect(mut self, equal: bool) -> Self {
        self.equal_aspect = equal;
        self
    }

    /// The colour scale of the values: `[lo, hi]` of the finite values,
    /// and for log levels the offset that keeps `ln(v - lo)` finite (the
    /// 1% quantile of `v - lo`, so levels are not spent below the grid's
    /// resolution).
    pub(crate) fn levels_scale(&self) -> Levels {
        let mut v: Vec<f64> = self
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        v.sort_by(f64::total_cmp);
        let (lo, hi) = match (v.first(), v.last()) {
            (Some(&lo), Some(&hi)) if hi > lo => (lo, hi),
            (Some(&lo), _) => (lo, lo + 1.0),
            _ => (0.0, 1.0),
        };
        let q = v.get(v.len() / 100).map_or(0.0, |&q| q - lo);
        Levels {
            lo,
            hi,
            floor: self
                .log_levels
                .then(|| q.max((hi - lo) * 1e-6) + f64::MIN_POSITIVE),
        }
    }
}

/// Where values fall on a contour plot's colour scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Levels {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    /// `Some(offset)` for a scale on `ln(v - lo + offset)`.
    floor: Option<f64>,
}

impl Levels {
    /// Position in `[0, 1]` of a value.
    pub(crate) fn position(&self, v: f64) -> f64 {
        let f = |v: f64| match self.floor {
            Some(floor) => (v - self.lo + floor).ln(),
            None => v,
        };
        let (a, b) = (f(self.lo), f(self.hi));
        if b > a {
            ((f(v) - a) / (b - a)).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}
