//! The legend: a column to the right of the plot area, so it never covers
//! data. Long entries wrap onto several lines.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{line, off_scale_marker, stroke};
use super::series::Dash;
use super::text;

/// The mark drawn in an entry's swatch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    /// A line in the entry's dash.
    Line(Dash),
    /// A dot.
    Dot,
    /// A line with a dot at its left end (a trajectory and its start).
    Path(Dash),
    /// A cross (where a run stopped), after a line.
    Ended(Dash),
    /// A star (a minimizer).
    Star,
    /// A triangle (an off-scale value).
    OffScale,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) text: String,
    pub(crate) color: RGBColor,
    pub(crate) mark: Mark,
}

const FONT: u32 = 14;
const WRAP: u32 = 250;
const SWATCH: i32 = 34;
const LINE: i32 = 18;

/// Width in pixels of `s` in the legend's font.
pub(crate) fn text_width(s: &str, size: u32) -> u32 {
    super::font::register();
    ("sans-serif", size)
        .into_font()
        .box_size(s)
        .map(|(w, _)| w)
        .unwrap_or(s.chars().count() as u32 * size / 2 + 2)
}

/// `s` broken into lines at most [`WRAP`] pixels wide (at spaces).
fn wrap(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(last) if text_width(&format!("{last} {word}"), FONT) <= WRAP => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Width of the legend column (0 if there is nothing to show).
pub(crate) fn width(entries: &[Entry]) -> u32 {
    let widest = entries
        .iter()
        .flat_map(|e| wrap(&e.text))
        .map(|l| text_width(&l, FONT))
        .max();
    widest.map_or(0, |w| w + SWATCH as u32 + 30)
}

/// Draws the legend with its top-left corner at `(x, y)`.
pub(crate) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    entries: &[Entry],
) -> Result<(), String> {
    let font = ("sans-serif", FONT).into_font().color(&BLACK);
    let mut top = y + 4;
    for e in entries {
        let mid = top + LINE / 2;
        swatch(root, (x + 4, mid), e)?;
        for (i, l) in wrap(&e.text).into_iter().enumerate() {
            let style = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
            let at = (x + SWATCH + 10, mid + i as i32 * LINE);
            root.draw(&Text::new(l, at, style)).map_err(text)?;
            top += LINE;
        }
        top += 6;
    }
    Ok(())
}

fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    e: &Entry,
) -> Result<(), String> {
    let c = e.color;
    let seg = [(x, y), (x + SWATCH, y)];
    match e.mark {
        Mark::Line(dash) => stroke(root, &seg, c, 3, dash),
        Mark::Dot => root
            .draw(&Circle::new((x + SWATCH / 2, y), 4, c.filled()))
            .map_err(text),
        Mark::Path(dash) => {
            stroke(root, &seg, c, 3, dash)?;
            start_marker(root, (x + 3, y), c)
        }
        Mark::Ended(dash) => {
            stroke(root, &[(x, y), (x + SWATCH - 10, y)], c, 3, dash)?;
            cross(root, (x + SWATCH - 7, y), c)
        }
        Mark::Star => star(root, (x + SWATCH / 2, y), 8),
        Mark::OffScale => off_scale_marker(root, (x + SWATCH / 2, y + 3), (0, -1), c),
    }
}

/// The start of a trajectory: a filled dot in its colour with a white ring.
pub(crate) fn start_marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: (i32, i32),
    color: RGBColor,
) -> Result<(), String> {
    root.draw(&Circle::new(p, 7, WHITE.filled()))
        .map_err(text)?;
    root.draw(&Circle::new(p, 5, color.filled())).map_err(text)
}

/// Where a run stopped: a cross in its colour, outlined in white.
pub(crate) fn cross<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    color: RGBColor,
) -> Result<(), String> {
    let s = 6;
    for (style, w) in [(WHITE, 6), (color, 3)] {
        line(
            root,
            &[(x - s, y - s), (x + s, y + s)],
            style.stroke_width(w),
        )?;
        line(
            root,
            &[(x - s, y + s), (x + s, y - s)],
            style.stroke_width(w),
        )?;
    }
    Ok(())
}

/// A five-pointed black star with a white outline (a minimizer).
pub(crate) fn star<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    r: i32,
) -> Result<(), String> {
    let points: Vec<(i32, i32)> = (0..10)
        .map(|k| {
            let a = std::f64::consts::PI * (k as f64 / 5.0 - 0.5);
            let rad = if k % 2 == 0 {
                r as f64
            } else {
                r as f64 * 0.45
            };
            (
                x + (rad * a.cos()).round() as i32,
                y + (rad * a.sin()).round() as i32,
            )
        })
        .collect();
    root.draw(&Polygon::new(points.clone(), BLACK.filled()))
        .map_err(text)?;
    let mut ring = points;
    ring.push(ring[0]);
    line(root, &ring, WHITE.stroke_width(1))
}
