//! The plot area of a chart: its pixel rectangle, axes with ticks and
//! descriptions, and drawing in data coordinates with clipping to the edge.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Scale;
use super::series::Dash;
use super::text;
use super::ticks::{Tick, ticks};

/// One axis: scale, shown range (axis coordinates) and ticks.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) ticks: Vec<Tick>,
}

impl Axis {
    /// An axis over `[lo, hi]` with about `target` labelled ticks.
    pub(crate) fn new(scale: Scale, (lo, hi): (f64, f64), target: usize) -> Self {
        Axis {
            lo,
            hi,
            ticks: ticks(scale, lo, hi, target),
        }
    }

    /// `v` (axis coordinates) as a fraction of the range, and whether it
    /// was clamped to the range.
    fn frac(&self, v: f64) -> (f64, bool) {
        let t = (v - self.lo) / (self.hi - self.lo);
        if t.is_nan() {
            return (0.0, true);
        }
        (t.clamp(0.0, 1.0), !(0.0..=1.0).contains(&t))
    }
}

/// A plot rectangle in pixels with its two axes.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// Left, top, right, bottom in pixels.
    pub(crate) rect: (i32, i32, i32, i32),
    pub(crate) x: Axis,
    pub(crate) y: Axis,
}

/// Grey used for axes and reference lines.
pub(crate) const INK: RGBColor = RGBColor(60, 60, 60);

impl Frame {
    /// The pixel of `(x, y)` in axis coordinates, clamped to the plot area,
    /// and whether it was clamped (off-scale).
    pub(crate) fn px(&self, x: f64, y: f64) -> ((i32, i32), bool) {
        let (l, t, r, b) = self.rect;
        let (fx, cx) = self.x.frac(x);
        let (fy, cy) = self.y.frac(y);
        let px = l as f64 + fx * (r - l) as f64;
        let py = b as f64 - fy * (b - t) as f64;
        ((px.round() as i32, py.round() as i32), cx || cy)
    }

    /// Draws grid lines, the border, ticks, tick labels and the axis
    /// descriptions.
    pub(crate) fn draw_axes<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x_desc: &str,
        y_desc: &str,
        grid: bool,
    ) -> Result<(), String> {
        let (l, t, r, b) = self.rect;
        let font = ("sans-serif", 14).into_font().color(&INK);
        let light = RGBColor(232, 232, 232);
        for tick in &self.x.ticks {
            let ((x, _), _) = self.px(tick.at, self.y.lo);
            let len = if tick.label.is_some() { 6 } else { 3 };
            if grid && tick.label.is_some() {
                line(root, &[(x, t), (x, b)], light.stroke_width(1))?;
            }
            line(root, &[(x, b), (x, b + len)], INK.stroke_width(1))?;
            if let Some(label) = &tick.label {
                let style = font.clone().pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(label.clone(), (x, b + 9), style))
                    .map_err(text)?;
            }
        }
        for tick in &self.y.ticks {
            let ((_, y), _) = self.px(self.x.lo, tick.at);
            let len = if tick.label.is_some() { 6 } else { 3 };
            if grid && tick.label.is_some() {
                line(root, &[(l, y), (r, y)], light.stroke_width(1))?;
            }
            line(root, &[(l - len, y), (l, y)], INK.stroke_width(1))?;
            if let Some(label) = &tick.label {
                let style = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(label.clone(), (l - 9, y), style))
                    .map_err(text)?;
            }
        }
        root.draw(&Rectangle::new([(l, t), (r, b)], INK.stroke_width(1)))
            .map_err(text)?;
        let desc = ("sans-serif", 16).into_font().color(&BLACK);
        let style = desc.clone().pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(x_desc.to_string(), ((l + r) / 2, b + 32), style))
            .map_err(text)?;
        let style = desc
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(y_desc.to_string(), (l - 76, (t + b) / 2), style))
            .map_err(text)
    }

    /// Draws a polyline through axis-coordinate points (a `None` breaks
    /// it), clamped to the plot area; returns the off-scale points' pixels,
    /// one per run of consecutive off-scale points.
    pub(crate) fn polyline<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        points: &[Option<(f64, f64)>],
        color: RGBColor,
        width: u32,
        dash: Dash,
    ) -> Result<Vec<(i32, i32)>, String> {
        let mut off = Vec::new();
        let mut piece: Vec<(i32, i32)> = Vec::new();
        let mut was_off = false;
        for p in points.iter().chain([&None]) {
            match p {
                Some((x, y)) => {
                    let (px, clamped) = self.px(*x, *y);
                    if clamped && !was_off {
                        off.push(px);
                    }
                    was_off = clamped;
                    piece.push(px);
                }
                None => {
                    was_off = false;
                    stroke(root, &piece, color, width, dash)?;
                    piece.clear();
                }
            }
        }
        Ok(off)
    }

    /// An off-scale marker for pixel `p` on the edge: a triangle just
    /// outside the plot area, pointing away from it.
    pub(crate) fn off_scale<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        p: (i32, i32),
        color: RGBColor,
    ) -> Result<(), String> {
        let (l, t, r, b) = self.rect;
        let (x, y) = p;
        let (dx, dy) = if y <= t {
            (0, -1)
        } else if y >= b {
            (0, 1)
        } else if x <= l {
            (-1, 0)
        } else if x >= r {
            (1, 0)
        } else {
            (0, -1)
        };
        off_scale_marker(root, (x + dx * 3, y + dy * 3), (dx, dy), color)
    }
}

/// A triangle of size 7 at `(x, y)` pointing in direction `(dx, dy)`.
pub(crate) fn off_scale_marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    (dx, dy): (i32, i32),
    color: RGBColor,
) -> Result<(), String> {
    let s = 7;
    let tip = (x + dx * s, y + dy * s);
    let a = (x - dy * s, y + dx * s);
    let c = (x + dy * s, y - dx * s);
    root.draw(&Polygon::new(vec![tip, a, c], color.filled()))
        .map_err(text)?;
    root.draw(&PathElement::new(
        vec![tip, a, c, tip],
        BLACK.stroke_width(1),
    ))
    .map_err(text)
}

/// A straight polyline in pixels.
pub(crate) fn line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    style: ShapeStyle,
) -> Result<(), String> {
    root.draw(&PathElement::new(points.to_vec(), style))
        .map_err(text)
}

/// A polyline in pixels drawn solid, dashed (8 on, 5 off) or dotted
/// (2 on, 4 off).
pub(crate) fn stroke<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Dash,
) -> Result<(), String> {
    if points.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(width);
    let (on, off) = match dash {
        Dash::Solid => return line(root, points, style),
        Dash::Dashed => (9.0, 5.0),
        Dash::Dotted => (2.5, 4.0),
    };
    let mut pieces: Vec<Vec<(i32, i32)>> = vec![vec![points[0]]];
    let mut drawing = true;
    let mut left = on;
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let len = dx.hypot(dy);
        let mut done = 0.0;
        while len - done > left {
            done += left;
            let p = (
                (a.0 as f64 + dx * done / len).round() as i32,
                (a.1 as f64 + dy * done / len).round() as i32,
            );
            if drawing {
                if let Some(v) = pieces.last_mut() {
                    v.push(p);
                }
            } else {
                pieces.push(vec![p]);
            }
            drawing = !drawing;
            left = if drawing { on } else { off };
        }
        left -= len - done;
        if drawing && let Some(v) = pieces.last_mut() {
            v.push(b);
        }
    }
    for piece in pieces.iter().filter(|p| p.len() >= 2) {
        line(root, piece, style)?;
    }
    Ok(())
}
