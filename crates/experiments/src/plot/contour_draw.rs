//! Drawing a [`ContourPlot`]: a shaded field, smooth isolines, a colour bar,
//! equal aspect, trajectories with one start dot each in their own colour,
//! the minimizer as a star, and the legend to the right.

use ndarray::Array2;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::Scale;
use super::chart::{color_of, title};
use super::colorbar::{self, ColorBar};
use super::colors::sequential;
use super::contour::{ContourPlot, Levels};
use super::frame::{Axis, Frame};
use super::isolines::isolines;
use super::legend::{self, Entry, Mark, cross, star, start_marker};
use super::{Draw, text, ticks};

const LEFT: i32 = 96;
const TOP: i32 = 48;
const BOTTOM: i32 = 64;
/// The longer side of the plot area in pixels.
const SIDE: f64 = 600.0;

/// A field colour: the sequential map lightened, so paths stand out.
fn shade(t: f64) -> RGBColor {
    let c = sequential(t);
    let l = |v: u8| (v as f64 + 0.3 * (255.0 - v as f64)).round() as u8;
    RGBColor(l(c.0), l(c.1), l(c.2))
}

impl ContourPlot {
    /// Plot-area width and height in pixels.
    fn plot_size(&self) -> (i32, i32) {
        let (dx, dy) = (
            (self.x_range.1 - self.x_range.0).abs(),
            (self.y_range.1 - self.y_range.0).abs(),
        );
        if !(self.equal_aspect && dx > 0.0 && dy > 0.0) {
            return (SIDE as i32, (SIDE * 0.85) as i32);
        }
        let (w, h) = if dx >= dy {
            (SIDE, SIDE * dy / dx)
        } else {
            (SIDE * dx / dy, SIDE)
        };
        (w.round().max(24.0) as i32, h.round().max(24.0) as i32)
    }

    fn entries(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .trajectories
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.legend_text().is_empty())
            .map(|(i, t)| Entry {
                text: t.legend_text(),
                color: color_of(t, i),
                mark: if t.end.is_some() {
                    Mark::Ended(t.dash)
                } else {
                    Mark::Path(t.dash)
                },
            })
            .collect();
        if !self.trajectories.is_empty() {
            out.push(Entry {
                text: "start of each path (dot in its colour)".into(),
                color: RGBColor(120, 120, 120),
                mark: Mark::Dot,
            });
        }
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let outside = |&(x, y): &(f64, f64)| {
            x.is_finite() && y.is_finite() && !((x0..=x1).contains(&x) && (y0..=y1).contains(&y))
        };
        if self
            .trajectories
            .iter()
            .any(|t| t.points.iter().any(outside))
        {
            out.push(Entry {
                text: "off-scale point, drawn at the edge".into(),
                color: RGBColor(150, 150, 150),
                mark: Mark::OffScale,
            });
        }
        if self.minimizer.is_some() {
            out.push(Entry {
                text: "minimizer".into(),
                color: BLACK,
                mark: Mark::Star,
            });
        }
        out
    }

    /// Colour-bar ticks `(t, label)` at round values: 1, 2, 5 × 10^k
    /// (decades only for log levels), at least 5% of the bar apart.
    fn bar_ticks(&self, levels: &Levels) -> Vec<(f64, String)> {
        let (lo, hi) = (levels.lo, levels.hi);
        let mut values: Vec<f64> = if self.log_levels {
            let top = hi.abs().max(lo.abs()).max(f64::MIN_POSITIVE).log10().ceil() as i32;
            (top - 12..=top)
                .flat_map(|k| [10f64.powi(k), -(10f64.powi(k))])
                .chain([0.0])
                .collect()
        } else {
            ticks::ticks(Scale::Linear, lo, hi, 6)
                .into_iter()
                .map(|t| t.at)
                .collect()
        };
        values.retain(|v| (lo..=hi).contains(v));
        values.sort_by(|a, b| b.total_cmp(a));
        let mut out: Vec<(f64, String)> = Vec::new();
        for v in values {
            let t = levels.position(v);
            if out.last().is_none_or(|(last, _)| last - t >= 0.05) {
                out.push((t, ticks::linear(v)));
            }
        }
        out
    }
}

impl Draw for ContourPlot {
    fn size(&self) -> (u32, u32) {
        let (w, h) = self.plot_size();
        let legend = legend::width(&self.entries()) as i32;
        let width = LEFT + w + 24 + colorbar::WIDTH + legend + 10;
        let height = TOP + h.max(260) + BOTTOM;
        (width as u32, height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        title(root, &self.title)?;
        let (w, h) = self.plot_size();
        let rect = (LEFT, TOP, LEFT + w, TOP + h);
        let frame = Frame {
            rect,
            x: Axis::new(Scale::Linear, self.x_range, (w / 90).max(2) as usize),
            y: Axis::new(Scale::Linear, self.y_range, (h / 60).max(2) as usize),
        };
        let levels = self.levels_scale();
        let grid = self.values.mapv(|v| levels.position(v));
        field(root, &frame, &grid)?;
        let n = self.levels.max(2);
        let marks: Vec<f64> = (1..n).map(|k| k as f64 / n as f64).collect();
        for &t in &marks {
            for iso in isolines(&grid, t) {
                let px: Vec<(i32, i32)> = iso
                    .iter()
                    .map(|&(i, j)| grid_px(&frame, self, i, j))
                    .collect();
                super::frame::line(root, &px, BLACK.mix(0.45).stroke_width(1))?;
            }
        }
        frame.draw_axes(root, &self.x_label, &self.y_label, false)?;
        let mut off = Vec::new();
        for (i, t) in self.trajectories.iter().enumerate() {
            let color = color_of(t, i);
            let pts: Vec<Option<(f64, f64)>> = t
                .points
                .iter()
                .map(|&(x, y)| (x.is_finite() && y.is_finite()).then_some((x, y)))
                .collect();
            off.extend(frame.polyline(root, &pts, color, 2, t.dash)?);
            let finite: Vec<(f64, f64)> = pts.iter().flatten().copied().collect();
            if finite.len() <= 60 {
                for &(x, y) in &finite[1.min(finite.len())..] {
                    root.draw(&Circle::new(frame.px(x, y).0, 2, color.filled()))
                        .map_err(text)?;
                }
            }
            if let Some(&(x, y)) = finite.first() {
                start_marker(root, frame.px(x, y).0, color)?;
            }
            if let (Some(_), Some(&(x, y))) = (t.end, finite.last()) {
                cross(root, frame.px(x, y).0, color)?;
            }
        }
        for p in off {
            frame.off_scale(root, p, RGBColor(150, 150, 150))?;
        }
        if let Some((x, y)) = self.minimizer {
            star(root, frame.px(x, y).0, 10)?;
        }
        let bar = ColorBar {
            color: shade,
            ticks: self.bar_ticks(&levels),
            marks,
            label: &self.colorbar,
        };
        let bar_x = rect.2 + 24;
        bar.draw(root, bar_x, (TOP, TOP + h.max(260)))?;
        legend::draw(root, (bar_x + colorbar::WIDTH, TOP), &self.entries())
    }
}

/// The pixel of fractional grid position `(i, j)` (sample centres).
fn grid_px(frame: &Frame, plot: &ContourPlot, i: f64, j: f64) -> (i32, i32) {
    let (ny, nx) = plot.values.dim();
    let (x0, x1) = plot.x_range;
    let (y0, y1) = plot.y_range;
    let x = x0 + (x1 - x0) * (i + 0.5) / nx as f64;
    let y = y0 + (y1 - y0) * (j + 0.5) / ny as f64;
    frame.px(x, y).0
}

/// The field as pixel-sized bilinear cells in continuous colour (runs of
/// equal colour in a row merged into one rectangle).
fn field<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    grid: &Array2<f64>,
) -> Result<(), String> {
    let (ny, nx) = grid.dim();
    if nx == 0 || ny == 0 {
        return Ok(());
    }
    let (l, t, r, b) = frame.rect;
    let cell = 3;
    let sample = |px: i32, py: i32| -> f64 {
        // fractional grid position of the pixel's centre
        let fx = (px - l) as f64 / (r - l) as f64 * nx as f64 - 0.5;
        let fy = (b - py) as f64 / (b - t) as f64 * ny as f64 - 0.5;
        let (fx, fy) = (
            fx.clamp(0.0, (nx - 1) as f64),
            fy.clamp(0.0, (ny - 1) as f64),
        );
        let (i, j) = (fx.floor() as usize, fy.floor() as usize);
        let (i1, j1) = ((i + 1).min(nx - 1), (j + 1).min(ny - 1));
        let (u, v) = (fx - i as f64, fy - j as f64);
        let g = |a: usize, c: usize| grid[[c, a]];
        (1.0 - v) * ((1.0 - u) * g(i, j) + u * g(i1, j))
            + v * ((1.0 - u) * g(i, j1) + u * g(i1, j1))
    };
    let mut py = t;
    while py < b {
        let y1 = (py + cell).min(b);
        let mut px = l;
        let mut run: Option<(i32, RGBColor)> = None;
        while px < r {
            let v = sample(px + cell / 2, py + cell / 2);
            let c = if v.is_finite() {
                shade((v * 128.0).round() / 128.0)
            } else {
                RGBColor(200, 200, 200)
            };
            match run {
                Some((_, rc)) if rc == c => {}
                Some((x0, rc)) => {
                    root.draw(&Rectangle::new([(x0, py), (px, y1)], rc.filled()))
                        .map_err(text)?;
                    run = Some((px, c));
                }
                None => run = Some((px, c)),
            }
            px += cell;
        }
        if let Some((x0, rc)) = run {
            root.draw(&Rectangle::new([(x0, py), (r, y1)], rc.filled()))
                .map_err(text)?;
        }
        py = y1;
    }
    Ok(())
}
