//! Line and scatter charts with optional log axes and shaded spread bands.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::colors::PALETTE;
use super::{Figure, text, ticks};

/// How an axis maps values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Shaded spread around the points, if any.
    pub band: Vec<(f64, f64, f64)>,
    /// Line, markers, or both.
    pub style: SeriesStyle,
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
#[derive(Debug, Clone, PartialEq)]
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
        }
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

impl Figure for LineChart {
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
        let (Some((x0, x1)), Some((y0, y1))) = (
            // categories get room for their names at the edges
            ticks::padded_range(xs, if self.x_names.is_empty() { 0.02 } else { 0.2 }),
            ticks::padded_range(ys, 0.05),
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
        mesh.x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
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
            let color = PALETTE[i % PALETTE.len()];
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
            let legend = move |(x, y): (i32, i32)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3))
            };
            let drawn = if series.style == SeriesStyle::Points {
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            } else {
                chart.draw_series(LineSeries::new(
                    points.iter().copied(),
                    color.stroke_width(2),
                ))
            };
            drawn
                .map_err(text)?
                .label(series.label.as_str())
                .legend(legend);
            if series.style == SeriesStyle::LinePoints {
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(text)?;
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
