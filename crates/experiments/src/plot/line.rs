//! Line and scatter charts with optional log axes and shaded spread bands.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::annotation::{Annotation, AnnotationKind};
use super::colors::PALETTE;
use super::{Draw, text, ticks};

/// How an axis maps values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Values as they are.
    #[default]
    Linear,
    /// `log10` of the values; non-positive values are left out.
    Log,
}

impl Scale {
    fn map(self, v: f64) -> Option<f64> {
        match self {
            Scale::Linear => v.is_finite().then_some(v),
            Scale::Log => (v.is_finite() && v > 0.0).then(|| v.log10()),
        }
    }

    fn label(self, v: f64) -> String {
        match self {
            Scale::Linear => ticks::linear(v),
            Scale::Log => ticks::log10(v),
        }
    }
}

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

    fn mapped(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        Some((self.x_scale.map(x)?, self.y_scale.map(y)?))
    }
}

impl Draw for LineChart {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        let lines: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .filter_map(|&(x, y)| self.mapped(x, y))
                    .collect()
            })
            .collect();
        let bands: Vec<Vec<(f64, f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                s.band
                    .iter()
                    .filter_map(|&(x, lo, hi)| {
                        let (x, lo) = self.mapped(x, lo)?;
                        Some((x, lo, self.y_scale.map(hi)?))
                    })
                    .collect()
            })
            .collect();
        let xs = lines.iter().flatten().map(|p| p.0);
        let ys = lines
            .iter()
            .flatten()
            .map(|p| p.1)
            .chain(bands.iter().flatten().flat_map(|b| [b.1, b.2]));
        let fixed = |r: Option<(f64, f64)>, scale: Scale| {
            r.and_then(|(lo, hi)| Some((scale.map(lo)?, scale.map(hi)?)))
        };
        let (Some((x0, x1)), Some((y0, y1))) = (
            // categories get room for their names at the edges
            fixed(self.x_range, self.x_scale).or_else(|| {
                ticks::padded_range(xs, if self.x_names.is_empty() { 0.02 } else { 0.2 })
            }),
            fixed(self.y_range, self.y_scale).or_else(|| ticks::padded_range(ys, 0.05)),
        ) else {
            return draw_empty(root, &self.title);
        };
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(text)?;
        let (xs, ys) = (self.x_scale, self.y_scale);
        let names = &self.x_names;
        let fx = move |v: &f64| {
            if names.is_empty() {
                return xs.label(*v);
            }
            let i = v.round();
            match names.get((i as usize).wrapping_sub(1)) {
                Some(name) if (v - i).abs() < 1e-6 && i >= 1.0 => name.clone(),
                _ => String::new(),
            }
        };
        let fy = move |v: &f64| ys.label(*v);
        let mut mesh = chart.configure_mesh();
        if !self.x_names.is_empty() {
            mesh.x_labels(self.x_names.len());
        }
        let (x_desc, y_desc) = (
            with_unit(&self.x_label, &self.x_unit),
            with_unit(&self.y_label, &self.y_unit),
        );
        mesh.x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .light_line_style(RGBColor(235, 235, 235))
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(text)?;
        for (i, (series, (points, band))) in
            self.series.iter().zip(lines.iter().zip(&bands)).enumerate()
        {
            let color = PALETTE[series.color.unwrap_or(i) % PALETTE.len()];
            if band.len() >= 2 {
                let mut outline: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.1)).collect();
                outline.extend(band.iter().rev().map(|b| (b.0, b.2)));
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        color.mix(0.18).filled(),
                    )))
                    .map_err(text)?;
            }
            let dash = series.dash;
            // two strokes: touching for a solid line, with a gap for dashes
            let gap = if dash == Dash::Solid { 0 } else { 5 };
            let legend = move |(x, y): (i32, i32)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (11 - gap, 0)], color.stroke_width(3))
                    + PathElement::new(vec![(11 + gap, 0), (22, 0)], color.stroke_width(3))
            };
            let style = color.stroke_width(2);
            let drawn = match (series.style, dash) {
                (SeriesStyle::Points, _) => {
                    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                }
                (_, Dash::Solid) => {
                    chart.draw_series(LineSeries::new(points.iter().copied(), style))
                }
                (_, Dash::Dashed) => {
                    chart.draw_series(DashedLineSeries::new(points.iter().copied(), 8, 5, style))
                }
                (_, Dash::Dotted) => {
                    chart.draw_series(DashedLineSeries::new(points.iter().copied(), 2, 4, style))
                }
            };
            drawn
                .map_err(text)?
                .label(series.legend_text())
                .legend(legend);
            if series.style == SeriesStyle::LinePoints {
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(text)?;
            }
            if let (Some(_), Some(&last)) = (series.end, points.last()) {
                chart
                    .draw_series(std::iter::once(Cross::new(last, 8, color.stroke_width(3))))
                    .map_err(text)?;
            }
        }
        for a in &self.annotations {
            let (xl, yl) = (x0 + 0.01 * (x1 - x0), y1 - 0.04 * (y1 - y0));
            let grey = RGBColor(90, 90, 90);
            let font = ("sans-serif", 13).into_font().color(&grey);
            match a.kind {
                AnnotationKind::VLine => {
                    if let Some(x) = self.x_scale.map(a.x) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x, y0), (x, y1)],
                                grey.stroke_width(1),
                            )))
                            .map_err(text)?;
                        chart
                            .draw_series(std::iter::once(Text::new(a.text.clone(), (x, yl), font)))
                            .map_err(text)?;
                    }
                }
                AnnotationKind::HLine => {
                    if let Some(y) = self.y_scale.map(a.y) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x0, y), (x1, y)],
                                grey.stroke_width(1),
                            )))
                            .map_err(text)?;
                        chart
                            .draw_series(std::iter::once(Text::new(a.text.clone(), (xl, y), font)))
                            .map_err(text)?;
                    }
                }
                AnnotationKind::Point | AnnotationKind::Text => {
                    if let Some(p) = self.mapped(a.x, a.y) {
                        if a.kind == AnnotationKind::Point {
                            chart
                                .draw_series(std::iter::once(TriangleMarker::new(
                                    p,
                                    7,
                                    BLACK.filled(),
                                )))
                                .map_err(text)?;
                        }
                        chart
                            .draw_series(std::iter::once(Text::new(a.text.clone(), p, font)))
                            .map_err(text)?;
                    }
                }
            }
        }
        if self.series.iter().any(|s| !s.label.is_empty()) {
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

/// An axis description with its unit: "time (s)".
pub(crate) fn with_unit(label: &str, unit: &str) -> String {
    if unit.is_empty() {
        label.to_string()
    } else {
        format!("{label} ({unit})")
    }
}

/// A titled figure that says there was nothing to plot (all values non-finite).
pub(crate) fn draw_empty<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(title.to_string(), (20, 20), ("sans-serif", 22)))
        .map_err(text)?;
    root.draw(&Text::new(
        "no finite values to plot".to_string(),
        (w as i32 / 2 - 110, h as i32 / 2),
        ("sans-serif", 18),
    ))
    .map_err(text)
}
