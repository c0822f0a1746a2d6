//! Line and scatter charts: the model and its builder. Drawing is in
//! `chart.rs`.

use serde::{Deserialize, Serialize};

use super::annotation::Annotation;
use super::axis::Scale;
use super::series::Series;

/// A chart of several series with labelled axes and a legend.
///
/// ```
/// use experiments::plot::{LineChart, Scale, Series};
/// let chart = LineChart::new("Loss per epoch", "epoch", "loss")
///     .y_scale(Scale::Log)
///     .with(Series::line("train", vec![(1.0, 0.5), (2.0, 0.3)]))
///     .with(Series::line("test", vec![(1.0, 0.6), (2.0, 0.4)]));
/// assert_eq!(chart.series.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineChart {
    /// Title above the chart.
    pub title: String,
    /// Horizontal axis description.
    pub x_label: String,
    /// Vertical axis description.
    pub y_label: String,
    /// Horizontal scale.
    pub x_scale: Scale,
    /// Vertical scale.
    pub y_scale: Scale,
    /// The series, drawn in order with [`PALETTE`] colours.
    pub series: Vec<Series>,
    /// Pixel size.
    pub size: (u32, u32),
    /// Names for x = 1, 2, ... (categories such as workloads); empty for a
    /// numeric axis.
    pub x_names: Vec<String>,
    /// Unit of the horizontal axis ("s", "MiB", "epoch"), empty if none.
    pub x_unit: String,
    /// Unit of the vertical axis, empty if none.
    pub y_unit: String,
    /// Fixed horizontal range (data units); `None` fits the data.
    pub x_range: Option<(f64, f64)>,
    /// Fixed vertical range (data units); `None` fits the data.
    pub y_range: Option<(f64, f64)>,
    /// Reference lines, points and text.
    pub annotations: Vec<Annotation>,
}

impl Default for LineChart {
    fn default() -> Self {
        LineChart::new("", "", "")
    }
}

impl LineChart {
    /// An empty chart with linear axes.
    ///
    /// ```
    /// let c = experiments::plot::LineChart::new("t", "x", "y");
    /// assert!(c.series.is_empty());
    /// ```
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        LineChart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            series: Vec::new(),
            size: (900, 600),
            x_names: Vec::new(),
            x_unit: String::new(),
            y_unit: String::new(),
            x_range: None,
            y_range: None,
            annotations: Vec::new(),
        }
    }

    /// Sets the axes' units.
    ///
    /// ```
    /// let c = experiments::plot::LineChart::new("t", "time", "memory").units("s", "MiB");
    /// assert_eq!(c.y_unit, "MiB");
    /// ```
    pub fn units(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_unit = x.into();
        self.y_unit = y.into();
        self
    }

    /// Fixes the vertical range (data units).
    ///
    /// ```
    /// assert_eq!(experiments::plot::LineChart::new("t", "x", "y").y_range(0.0, 1.0).y_range, Some((0.0, 1.0)));
    /// ```
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }

    /// Fixes the horizontal range (data units).
    ///
    /// ```
    /// assert_eq!(experiments::plot::LineChart::new("t", "x", "y").x_range(1.0, 9.0).x_range, Some((1.0, 9.0)));
    /// ```
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }

    /// Adds an annotation.
    ///
    /// ```
    /// use experiments::plot::{Annotation, LineChart};
    /// let c = LineChart::new("t", "x", "y").annotate(Annotation::hline(0.1, "target"));
    /// assert_eq!(c.annotations.len(), 1);
    /// ```
    pub fn annotate(mut self, annotation: Annotation) -> Self {
        self.annotations.push(annotation);
        self
    }

    /// Labels x = 1, 2, ... with `names` (and no other x position), for a
    /// categorical axis.
    ///
    /// ```
    /// use experiments::plot::LineChart;
    /// let c = LineChart::new("t", "workload", "s").x_names(["W1", "W2"]);
    /// assert_eq!(c.x_names, ["W1", "W2"]);
    /// ```
    pub fn x_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.x_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the horizontal scale.
    ///
    /// ```
    /// use experiments::plot::{LineChart, Scale};
    /// assert_eq!(LineChart::new("t", "x", "y").x_scale(Scale::Log).x_scale, Scale::Log);
    /// ```
    pub fn x_scale(mut self, scale: Scale) -> Self {
        self.x_scale = scale;
        self
    }

    /// Sets the vertical scale.
    ///
    /// ```
    /// use experiments::plot::{LineChart, Scale};
    /// assert_eq!(LineChart::new("t", "x", "y").y_scale(Scale::Log).y_scale, Scale::Log);
    /// ```
    pub fn y_scale(mut self, scale: Scale) -> Self {
        self.y_scale = scale;
        self
    }

    /// Adds a series.
    ///
    /// ```
    /// use experiments::plot::{LineChart, Series};
    /// let c = LineChart::new("t", "x", "y").with(Series::line("a", vec![]));
    /// assert_eq!(c.series.len(), 1);
    /// ```
    pub fn with(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }
}
