//! A vertical colour bar with tick labels and its label (what the colours
//! mean, with their unit).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{INK, line};
use super::text;

/// Width in pixels a colour bar takes: bar, tick labels and label.
pub(crate) const WIDTH: i32 = 150;
const BAR: i32 = 18;

/// A colour bar over `[top, bottom]` at horizontal position `x`: colours
/// `color(t)` for `t` from 0 (bottom) to 1 (top), labelled `ticks`
/// (`(t, text)`), with thin marks at `marks` (the isoline levels).
pub(crate) struct ColorBar<'a, F: Fn(f64) -> RGBColor> {
    pub(crate) color: F,
    pub(crate) ticks: Vec<(f64, String)>,
    pub(crate) marks: Vec<f64>,
    pub(crate) label: &'a str,
}

impl<F: Fn(f64) -> RGBColor> ColorBar<'_, F> {
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        x: i32,
        (top, bottom): (i32, i32),
    ) -> Result<(), String> {
        let h = (bottom - top).max(1);
        let steps = 128;
        for k in 0..steps {
            let y1 = bottom - h * k / steps;
            let y0 = bottom - h * (k + 1) / steps;
            let t = (k as f64 + 0.5) / steps as f64;
            root.draw(&Rectangle::new(
                [(x, y0), (x + BAR, y1)],
                (self.color)(t).filled(),
            ))
            .map_err(text)?;
        }
        let y = |t: f64| bottom - (t.clamp(0.0, 1.0) * h as f64).round() as i32;
        for &t in &self.marks {
            line(
                root,
                &[(x, y(t)), (x + BAR, y(t))],
                BLACK.mix(0.5).stroke_width(1),
            )?;
        }
        root.draw(&Rectangle::new(
            [(x, top), (x + BAR, bottom)],
            INK.stroke_width(1),
        ))
        .map_err(text)?;
        let font = ("sans-serif", 13).into_font().color(&INK);
        let mut widest = 0;
        for (t, label) in &self.ticks {
            line(
                root,
                &[(x + BAR, y(*t)), (x + BAR + 5, y(*t))],
                INK.stroke_width(1),
            )?;
            let style = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(label.clone(), (x + BAR + 8, y(*t)), style))
                .map_err(text)?;
            widest = widest.max(super::legend::text_width(label, 13) as i32);
        }
        let style = ("sans-serif", 15)
            .into_font()
            .color(&BLACK)
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let at = (x + BAR + 14 + widest + 22, (top + bottom) / 2);
        root.draw(&Text::new(self.label.to_string(), at, style))
            .map_err(text)
    }
}
