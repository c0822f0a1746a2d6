//! A grid of small images, e.g. the input weights of hidden units as 28×28
//! pictures.

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colors::diverging;
use super::{Draw, text};

/// Signed images drawn blue (negative) to white (0) to red (positive), each
/// scaled to its own largest magnitude, with a caption per image.
///
/// ```
/// use experiments::plot::ImageGrid;
/// let w = ndarray::Array2::from_shape_fn((28, 28), |(r, c)| (r as f64 - c as f64) / 28.0);
/// let grid = ImageGrid::new("hidden units", 5).with("unit 0", w);
/// assert_eq!(grid.images.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageGrid {
    /// Title above the grid.
    pub title: String,
    /// `(caption, pixels)`, pixels indexed `[row, col]`.
    #[serde(with = "super::nonfinite::images")]
    pub images: Vec<(String, Array2<f64>)>,
    /// Images per row.
    pub columns: usize,
}

impl ImageGrid {
    /// An empty grid with `columns` images per row.
    ///
    /// ```
    /// assert_eq!(experiments::plot::ImageGrid::new("g", 4).columns, 4);
    /// ```
    pub fn new(title: impl Into<String>, columns: usize) -> Self {
        ImageGrid {
            title: title.into(),
            images: Vec::new(),
            columns: columns.max(1),
        }
    }

    /// Adds an image.
    ///
    /// ```
    /// let g = experiments::plot::ImageGrid::new("g", 2).with("a", ndarray::Array2::zeros((2, 2)));
    /// assert_eq!(g.images[0].0, "a");
    /// ```
    pub fn with(mut self, caption: impl Into<String>, pixels: Array2<f64>) -> Self {
        self.images.push((caption.into(), pixels));
        self
    }

    fn rows(&self) -> usize {
        self.images.len().div_ceil(self.columns).max(1)
    }
}

const CELL: u32 = 160;
const CAPTION: u32 = 22;
const TITLE: u32 = 40;

impl Draw for ImageGrid {
    fn size(&self) -> (u32, u32) {
        (
            self.columns as u32 * CELL,
            TITLE + self.rows() as u32 * (CELL + CAPTION),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        root.draw(&Text::new(self.title.clone(), (12, 10), ("sans-serif", 22)))
            .map_err(text)?;
        for (k, (caption, img)) in self.images.iter().enumerate() {
            let (gr, gc) = ((k / self.columns) as i32, (k % self.columns) as i32);
            let x0 = gc * CELL as i32;
            let y0 = TITLE as i32 + gr * (CELL + CAPTION) as i32;
            root.draw(&Text::new(
                caption.clone(),
                (x0 + 8, y0 + 2),
                ("sans-serif", 14),
            ))
            .map_err(text)?;
            let (h, w) = img.dim();
            if h == 0 || w == 0 {
                continue;
            }
            let side = (CELL as i32 - 12) / h.max(w) as i32;
            let scale = img
                .iter()
                .filter(|v| v.is_finite())
                .fold(0.0_f64, |m, v| m.max(v.abs()))
                .max(f64::MIN_POSITIVE);
            let (ox, oy) = (x0 + 6, y0 + CAPTION as i32);
            for ((r, c), &v) in img.indexed_iter() {
                let (px, py) = (ox + c as i32 * side, oy + r as i32 * side);
                let color = if v.is_finite() {
                    diverging(v / scale)
                } else {
                    RGBColor(0, 0, 0)
                };
                root.draw(&Rectangle::new(
                    [(px, py), (px + side, py + side)],
                    color.filled(),
                ))
                .map_err(text)?;
            }
        }
        Ok(())
    }
}
