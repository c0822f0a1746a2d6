//! Series: named points with a style, a colour key, a dash and an end marker.

use serde::{Deserialize, Serialize};

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesStyle {
    /// A line through the points.
    #[default]
    Line,
    /// Markers only.
    Points,
    /// A line with a marker on every point.
    LinePoints,
}

/// One named series of `(x, y)` points, optionally with a band `(x, lo, hi)`
/// (for example the min–max spread over seeds around a mean).
///
/// ```
/// use experiments::plot::Series;
/// let s = Series::line("mean", vec![(0.0, 1.0), (1.0, 0.5)]).band(vec![(0.0, 0.9, 1.1), (1.0, 0.4, 0.6)]);
/// assert_eq!(s.points.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// The points, in drawing order (non-finite values are written to JSON
    /// as `null`).
    #[serde(with = "super::nonfinite::points")]
    pub points: Vec<(f64, f64)>,
    /// Shaded spread around the points, if any.
    #[serde(with = "super::nonfinite::bands")]
    pub band: Vec<(f64, f64, f64)>,
    /// Line, markers, or both.
    pub style: SeriesStyle,
    /// The method this series shows ("sgd", "kaiming"): series with the same
    /// key get the same colour in every figure of a study. `None` uses the
    /// label.
    pub key: Option<String>,
    /// Index into [`PALETTE`]; assigned from the key by the study's report
    /// when `None` (and by position when drawn outside a report).
    pub color: Option<usize>,
    /// Solid, dashed or dotted line.
    pub dash: Dash,
    /// How the series ended, when it stopped early: drawn as a marker at its
    /// last finite point and explained in the legend.
    pub end: Option<SeriesEnd>,
}

/// Line pattern of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dash {
    /// A solid line.
    #[default]
    Solid,
    /// Long dashes (for example a scaled variant of a method).
    Dashed,
    /// Dots.
    Dotted,
}

/// Why a series stops before the others.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "step")]
pub enum SeriesEnd {
    /// The run diverged (loss grew past the divergence threshold) at this step.
    Diverged(f64),
    /// The loss became NaN or infinite at this step.
    NonFinite(f64),
}

impl SeriesEnd {
    /// The legend's words for it: "diverged at step 12", "NaN at step 40".
    ///
    /// ```
    /// assert_eq!(experiments::plot::SeriesEnd::Diverged(12.0).describe(), "diverged at step 12");
    /// ```
    pub fn describe(&self) -> String {
        let step = |k: f64| super::ticks::linear(k);
        match *self {
            SeriesEnd::Diverged(k) => format!("diverged at step {}", step(k)),
            SeriesEnd::NonFinite(k) => format!("NaN at step {}", step(k)),
        }
    }
}

impl Series {
    /// A line series.
    ///
    /// ```
    /// let s = experiments::plot::Series::line("loss", vec![(1.0, 2.0)]);
    /// assert_eq!(s.label, "loss");
    /// ```
    pub fn line(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            ..Series::default()
        }
    }

    /// A marker-only series.
    ///
    /// ```
    /// use experiments::plot::{Series, SeriesStyle};
    /// assert_eq!(Series::points("runs", vec![]).style, SeriesStyle::Points);
    /// ```
    pub fn points(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            style: SeriesStyle::Points,
            ..Series::line(label, points)
        }
    }

    /// The same series with a shaded band `(x, lo, hi)`.
    ///
    /// ```
    /// let s = experiments::plot::Series::line("m", vec![]).band(vec![(0.0, -1.0, 1.0)]);
    /// assert_eq!(s.band.len(), 1);
    /// ```
    pub fn band(mut self, band: Vec<(f64, f64, f64)>) -> Self {
        self.band = band;
        self
    }

    /// The same series drawn with another [`SeriesStyle`].
    ///
    /// ```
    /// use experiments::plot::{Series, SeriesStyle};
    /// let s = Series::line("m", vec![]).style(SeriesStyle::LinePoints);
    /// assert_eq!(s.style, SeriesStyle::LinePoints);
    /// ```
    pub fn style(mut self, style: SeriesStyle) -> Self {
        self.style = style;
        self
    }

    /// The same series identified as method `key` (one colour per key
    /// across a study's figures).
    ///
    /// ```
    /// let s = experiments::plot::Series::line("sgd, lr 0.1", vec![]).key("sgd");
    /// assert_eq!(s.key.as_deref(), Some("sgd"));
    /// ```
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The same series with an explicit [`PALETTE`] colour.
    ///
    /// ```
    /// assert_eq!(experiments::plot::Series::line("a", vec![]).color(3).color, Some(3));
    /// ```
    pub fn color(mut self, index: usize) -> Self {
        self.color = Some(index);
        self
    }

    /// The same series drawn with line pattern `dash`.
    ///
    /// ```
    /// use experiments::plot::{Dash, Series};
    /// assert_eq!(Series::line("a", vec![]).dash(Dash::Dashed).dash, Dash::Dashed);
    /// ```
    pub fn dash(mut self, dash: Dash) -> Self {
        self.dash = dash;
        self
    }

    /// The same series marked as having diverged at `step`.
    ///
    /// ```
    /// use experiments::plot::{Series, SeriesEnd};
    /// assert_eq!(Series::line("a", vec![]).diverged_at(7.0).end, Some(SeriesEnd::Diverged(7.0)));
    /// ```
    pub fn diverged_at(mut self, step: f64) -> Self {
        self.end = Some(SeriesEnd::Diverged(step));
        self
    }

    /// The same series marked as having become NaN/∞ at `step`.
    ///
    /// ```
    /// use experiments::plot::{Series, SeriesEnd};
    /// assert_eq!(Series::line("a", vec![]).non_finite_at(9.0).end, Some(SeriesEnd::NonFinite(9.0)));
    /// ```
    pub fn non_finite_at(mut self, step: f64) -> Self {
        self.end = Some(SeriesEnd::NonFinite(step));
        self
    }

    /// The name that picks this series' colour: its key, else its label.
    ///
    /// ```
    /// let s = experiments::plot::Series::line("adam (lr 1e-3)", vec![]).key("adam");
    /// assert_eq!(s.color_key(), "adam");
    /// ```
    pub fn color_key(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.label)
    }

    /// Legend text including how the series ended.
    pub(crate) fn legend_text(&self) -> String {
        match &self.end {
            Some(end) if self.label.is_empty() => end.describe(),
            Some(end) => format!("{} ({})", self.label, end.describe()),
            None => self.label.clone(),
        }
    }
}
