//! A labelled matrix of values as coloured cells.

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colorbar::{self, ColorBar};
use super::colors::diverging;
use super::{Draw, text, ticks};

/// A matrix drawn as cells coloured blue (negative) to red (positive), with
/// row and column labels, e.g. each hidden unit's contribution to each class.
///
/// ```
/// use experiments::plot::Heatmap;
/// let h = Heatmap::new("contribution", ndarray::array![[1.0, -1.0], [0.5, 0.0]])
///     .rows(vec!["unit 0".into(), "unit 1".into()])
///     .cols(vec!["0".into(), "1".into()]);
/// assert_eq!(h.row_labels.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heatmap {
    /// Title above the plot.
    pub title: String,
    /// The values, `values[[row, col]]`.
    #[serde(with = "super::nonfinite::matrix")]
    pub values: Array2<f64>,
    /// One label per row (row 0 drawn at the top).
    pub row_labels: Vec<String>,
    /// One label per column.
    pub col_labels: Vec<String>,
    /// Horizontal axis description.
    pub x_label: String,
    /// Vertical axis description.
    pub y_label: String,
    /// Colour-bar label with the unit of the values.
    pub colorbar: String,
}

impl Heatmap {
    /// A heatmap with numeric labels.
    ///
    /// ```
    /// let h = experiments::plot::Heatmap::new("m", ndarray::Array2::zeros((3, 2)));
    /// assert_eq!(h.col_labels, vec!["0", "1"]);
    /// ```
    pub fn new(title: impl Into<String>, values: Array2<f64>) -> Self {
        let (r, c) = values.dim();
        Heatmap {
            title: title.into(),
            row_labels: (0..r).map(|i| i.to_string()).collect(),
            col_labels: (0..c).map(|i| i.to_string()).collect(),
            values,
            x_label: String::new(),
            y_label: String::new(),
            colorbar: String::new(),
        }
    }

    /// Sets the row labels.
    ///
    /// ```
    /// let h = experiments::plot::Heatmap::new("m", ndarray::Array2::zeros((1, 1))).rows(vec!["a".into()]);
    /// assert_eq!(h.row_labels, vec!["a"]);
    /// ```
    pub fn rows(mut self, labels: Vec<String>) -> Self {
        self.row_labels = labels;
        self
    }

    /// Sets the column labels.
    ///
    /// ```
    /// let h = experiments::plot::Heatmap::new("m", ndarray::Array2::zeros((1, 1))).cols(vec!["b".into()]);
    /// assert_eq!(h.col_labels, vec!["b"]);
    /// ```
    pub fn cols(mut self, labels: Vec<String>) -> Self {
        self.col_labels = labels;
        self
    }

    /// Sets the colour bar's label (what the values are, with their unit).
    ///
    /// ```
    /// let h = experiments::plot::Heatmap::new("m", ndarray::Array2::zeros((1, 1))).colorbar("weight");
    /// assert_eq!(h.colorbar, "weight");
    /// ```
    pub fn colorbar(mut self, label: impl Into<String>) -> Self {
        self.colorbar = label.into();
        self
    }

    /// Sets the axis descriptions.
    ///
    /// ```
    /// let h = experiments::plot::Heatmap::new("m", ndarray::Array2::zeros((1, 1))).axes("class", "unit");
    /// assert_eq!(h.y_label, "unit");
    /// ```
    pub fn axes(mut self, x: impl Into<String>, y: impl Into<String>) -> Self {
        self.x_label = x.into();
        self.y_label = y.into();
        self
    }
}

impl Draw for Heatmap {
    fn size(&self) -> (u32, u32) {
        (900 + colorbar::WIDTH as u32, 600)
    }

    fn draw<DB: DrawingBackend>(&self, all: &DrawingArea<DB, Shift>) -> Result<(), String> {
        all.fill(&WHITE).map_err(text)?;
        let (w, h) = all.dim_in_pixel();
        let (root, _) = all.split_horizontally(w - colorbar::WIDTH as u32);
        let root = &root;
        let (rows, cols) = self.values.dim();
        let scale = self
            .values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, |m, v| m.max(v.abs()))
            .max(f64::MIN_POSITIVE);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(
                // plotters' integer ranges include their end
                (0..cols.max(1) as i32 - 1).into_segmented(),
                (0..rows.max(1) as i32 - 1).into_segmented(),
            )
            .map_err(text)?;
        let label = |labels: &[String], v: &SegmentValue<i32>, flip: bool| match v {
            SegmentValue::CenterOf(i) => {
                let i = if flip {
                    labels.len() as i32 - 1 - *i
                } else {
                    *i
                };
                labels.get(i.max(0) as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        let fx = |v: &SegmentValue<i32>| label(&self.col_labels, v, false);
        let fy = |v: &SegmentValue<i32>| label(&self.row_labels, v, true);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(cols)
            .y_labels(rows)
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(text)?;
        let cells = self.values.indexed_iter().map(|((r, c), &v)| {
            let y = (rows - 1 - r) as i32;
            let color = if v.is_finite() {
                diverging(v / scale)
            } else {
                RGBColor(0, 0, 0)
            };
            Rectangle::new(
                [
                    (SegmentValue::Exact(c as i32), SegmentValue::Exact(y)),
                    (
                        SegmentValue::Exact(c as i32 + 1),
                        SegmentValue::Exact(y + 1),
                    ),
                ],
                color.filled(),
            )
        });
        chart.draw_series(cells).map_err(text)?;
        let bar = ColorBar {
            color: |t: f64| diverging(2.0 * t - 1.0),
            ticks: ticks::ticks(super::Scale::Linear, -scale, scale, 6)
                .into_iter()
                .map(|t| ((t.at / scale + 1.0) / 2.0, t.label.unwrap_or_default()))
                .collect(),
            marks: Vec::new(),
            label: &self.colorbar,
        };
        let x = w as i32 - colorbar::WIDTH + 4;
        bar.draw(all, x, (62, h as i32 - 62))
    }
}
