//! Drawing a [`LineChart`]: robust axis ranges, hand-written ticks, series
//! with dashes, bands, end crosses and off-scale markers, annotations, and
//! the legend in a column to the right of the plot area.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::annotation::AnnotationKind;
use super::axis::fit;
use super::colors::PALETTE;
use super::frame::{Axis, Frame, INK};
use super::legend::{self, Entry, Mark, cross};
use super::line::LineChart;
use super::series::{Series, SeriesStyle};
use super::ticks::Tick;
use super::{Draw, text};

/// Plot-area margins: left, top, right, bottom (pixels).
pub(crate) const MARGINS: (i32, i32, i32, i32) = (96, 48, 20, 64);

/// A series' colour: its palette index, else its position.
pub(crate) fn color_of(series: &Series, position: usize) -> RGBColor {
    PALETTE[series.color.unwrap_or(position) % PALETTE.len()]
}

impl LineChart {
    /// Points in axis coordinates; `None` where a value is not finite.
    fn mapped(&self, s: &Series) -> Vec<Option<(f64, f64)>> {
        s.points
            .iter()
            .map(|&(x, y)| Some((self.x_scale.map(x)?, self.y_scale.map(y)?)))
            .collect()
    }

    /// The shown x and y ranges (axis coordinates), as the renderer and
    /// [`check`](super::check) see them.
    pub(crate) fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for s in &self.series {
            for p in self.mapped(s).into_iter().flatten() {
                xs.push(p.0);
                ys.push(p.1);
            }
            for &(x, lo, hi) in &s.band {
                xs.extend(self.x_scale.map(x));
                ys.extend(self.y_scale.map(lo));
                ys.extend(self.y_scale.map(hi));
            }
        }
        for a in &self.annotations {
            match a.kind {
                AnnotationKind::VLine => xs.extend(self.x_scale.map(a.x)),
                AnnotationKind::HLine => ys.extend(self.y_scale.map(a.y)),
                AnnotationKind::Point | AnnotationKind::Text => {}
            }
        }
        let x = if self.x_names.is_empty() {
            fit(&xs, self.x_range, self.x_scale)?
        } else {
            (0.5, self.x_names.len() as f64 + 0.5)
        };
        Some((x, fit(&ys, self.y_range, self.y_scale)?))
    }

    fn entries(&self, off_scale: bool) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.legend_text().is_empty())
            .map(|(i, s)| Entry {
                text: s.legend_text(),
                color: color_of(s, i),
                mark: match (s.end, s.style) {
                    (Some(_), _) => Mark::Ended(s.dash),
                    (None, SeriesStyle::Points) => Mark::Dot,
                    (None, _) => Mark::Line(s.dash),
                },
            })
            .collect();
        if off_scale {
            out.push(Entry {
                text: "off-scale value, drawn at the edge".into(),
                color: RGBColor(150, 150, 150),
                mark: Mark::OffScale,
            });
        }
        out
    }

    /// Whether any value falls outside the shown ranges.
    fn any_off_scale(&self, frame: &Frame) -> bool {
        self.series.iter().any(|s| {
            self.mapped(s)
                .into_iter()
                .flatten()
                .any(|(x, y)| frame.px(x, y).1)
        })
    }

    fn frame(&self) -> Option<Frame> {
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let (l, t, r, b) = MARGINS;
        let rect = (l, t, w - r, h - b);
        let (xr, yr) = self.ranges()?;
        let mut x = Axis::new(self.x_scale, xr, ((rect.2 - rect.0) / 90) as usize);
        if !self.x_names.is_empty() {
            x.ticks = (1..=self.x_names.len())
                .map(|i| Tick {
                    at: i as f64,
                    label: Some(self.x_names[i - 1].clone()),
                })
                .collect();
        }
        let y = Axis::new(self.y_scale, yr, ((rect.3 - rect.1) / 55) as usize);
        Some(Frame { rect, x, y })
    }
}

impl Draw for LineChart {
    fn size(&self) -> (u32, u32) {
        let off = self.frame().is_some_and(|f| self.any_off_scale(&f));
        let legend = legend::width(&self.entries(off));
        (self.size.0 + legend, self.size.1)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        title(root, &self.title)?;
        let Some(frame) = self.frame() else {
            return draw_empty(root, &self.title);
        };
        frame.draw_axes(
            root,
            &with_unit(&self.x_label, &self.x_unit),
            &with_unit(&self.y_label, &self.y_unit),
            true,
        )?;
        let mut off = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let color = color_of(s, i);
            band(root, &frame, self, s, color)?;
            let points = self.mapped(s);
            let dots = s.style != SeriesStyle::Line;
            if s.style != SeriesStyle::Points {
                for p in frame.polyline(root, &points, color, 2, s.dash)? {
                    off.push((p, color));
                }
            }
            let finite: Vec<(f64, f64)> = points.iter().flatten().copied().collect();
            for &(x, y) in &finite {
                let (p, clamped) = frame.px(x, y);
                if dots {
                    root.draw(&Circle::new(p, 3, color.filled()))
                        .map_err(text)?;
                }
                if clamped && s.style == SeriesStyle::Points {
                    off.push((p, color));
                }
            }
            if let (Some(_), Some(&(x, y))) = (s.end, finite.last()) {
                cross(root, frame.px(x, y).0, color)?;
            }
        }
        for (p, color) in &off {
            frame.off_scale(root, *p, *color)?;
        }
        annotations(root, &frame, self)?;
        let (_, t, r, _) = frame.rect;
        legend::draw(root, (r + 16, t), &self.entries(!off.is_empty()))
    }
}

fn band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    chart: &LineChart,
    s: &Series,
    color: RGBColor,
) -> Result<(), String> {
    let (xs, ys) = (chart.x_scale, chart.y_scale);
    let rows: Vec<(f64, f64, f64)> = s
        .band
        .iter()
        .filter_map(|&(x, lo, hi)| Some((xs.map(x)?, ys.map(lo)?, ys.map(hi)?)))
        .collect();
    if rows.len() < 2 {
        return Ok(());
    }
    let mut outline: Vec<(i32, i32)> = rows.iter().map(|b| frame.px(b.0, b.1).0).collect();
    outline.extend(rows.iter().rev().map(|b| frame.px(b.0, b.2).0));
    root.draw(&Polygon::new(outline, color.mix(0.18).filled()))
        .map_err(text)
}

fn annotations<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    chart: &LineChart,
) -> Result<(), String> {
    let (l, t, r, b) = frame.rect;
    let font = ("sans-serif", 13).into_font().color(&INK);
    let (xs, ys) = (chart.x_scale, chart.y_scale);
    for a in &chart.annotations {
        let style = font.clone().pos(Pos::new(HPos::Left, VPos::Bottom));
        match a.kind {
            AnnotationKind::VLine => {
                let Some(x) = xs.map(a.x) else { continue };
                let ((px, _), off) = frame.px(x, frame.y.lo);
                if off {
                    continue;
                }
                super::frame::line(root, &[(px, t), (px, b)], INK.stroke_width(1))?;
                root.draw(&Text::new(a.text.clone(), (px + 4, t + 16), style))
                    .map_err(text)?;
            }
            AnnotationKind::HLine => {
                let Some(y) = ys.map(a.y) else { continue };
                let ((_, py), off) = frame.px(frame.x.lo, y);
                if off {
                    continue;
                }
                super::frame::line(root, &[(l, py), (r, py)], INK.stroke_width(1))?;
                root.draw(&Text::new(a.text.clone(), (l + 6, py - 2), style))
                    .map_err(text)?;
            }
            AnnotationKind::Point | AnnotationKind::Text => {
                let (Some(x), Some(y)) = (xs.map(a.x), ys.map(a.y)) else {
                    continue;
                };
                let (p, _) = frame.px(x, y);
                if a.kind == AnnotationKind::Point {
                    root.draw(&TriangleMarker::new(p, 6, BLACK.filled()))
                        .map_err(text)?;
                }
                root.draw(&Text::new(a.text.clone(), (p.0 + 8, p.1 - 4), style))
                    .map_err(text)?;
            }
        }
    }
    Ok(())
}

/// The figure's title, centred at the top.
pub(crate) fn title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<(), String> {
    let (w, _) = root.dim_in_pixel();
    let style = ("sans-serif", 20)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    root.draw(&Text::new(title.to_string(), (w as i32 / 2, 12), style))
        .map_err(text)
}

/// An axis description with its unit: "time (s)".
pub(crate) fn with_unit(label: &str, unit: &str) -> String {
    if unit.is_empty() {
        label.to_string()
    } else {
        format!("{label} ({unit})")
    }
}

/// A figure that says there was nothing to plot (all values non-finite).
pub(crate) fn draw_empty<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    _title: &str,
) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let style = ("sans-serif", 18)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new(
        "no finite values to plot".to_string(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
    .map_err(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::{Scale, Series};

    #[test]
    fn ranges_ignore_an_exploded_point_and_an_underflow() {
        let mut pts: Vec<(f64, f64)> = (1..=50).map(|k| (k as f64, 1.0 / k as f64)).collect();
        pts.push((51.0, 1e-300));
        pts.push((52.0, 0.0));
        let c = LineChart::new("t", "x", "y")
            .y_scale(Scale::Log)
            .with(Series::line("a", pts));
        let (_, (lo, hi)) = c.ranges().unwrap();
        assert!(lo > -2.0 && hi < 0.2, "{lo} {hi}");
        let mut pts: Vec<(f64, f64)> = (1..=50)
            .map(|k| (k as f64, 2.0 - 0.01 * k as f64))
            .collect();
        pts.push((51.0, 1e11));
        let c = LineChart::new("t", "x", "y").with(Series::line("a", pts));
        let (_, (_, hi)) = c.ranges().unwrap();
        assert!(hi < 3.0, "{hi}");
    }
}
