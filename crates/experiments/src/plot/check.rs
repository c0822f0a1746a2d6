//! What a figure promises, it shows: checks of a figure ([`check`]) and of
//! a study's figures together ([`check_study`]), used by
//! `experiments check-figures` and by the tests.
//!
//! The rules: every series has at least 2 finite points, or 1 with an end
//! marker (diverged / NaN at step k), or is a points series with 1 point;
//! within a figure no two legend entries share colour and dash, and no two
//! methods (series keys) share a colour; within a study a key keeps one
//! colour; axis ranges are not stretched (see [`axis`](super::axis) for the
//! limits, which the renderer applies to ranges it fits itself); colour
//! bars and axes are labelled; a unit field names one unit.

use std::collections::BTreeMap;
use std::fmt;

use super::axis::{MAX_DECADES, MAX_SPREAD, Scale, spread};
use super::series::{Dash, Series, SeriesStyle};
use super::{Figure, LineChart, PALETTE};

/// Which axis a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisName {
    /// The horizontal axis.
    X,
    /// The vertical axis.
    Y,
}

impl fmt::Display for AxisName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AxisName::X => "x",
            AxisName::Y => "y",
        })
    }
}

/// Something a figure gets wrong; [`Display`](fmt::Display) gives the
/// message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// A figure without a title.
    NoTitle,
    /// A series with too little to see: fewer than 2 finite points (1 with
    /// an end marker or as a points series).
    Invisible {
        /// The series' legend text.
        series: String,
        /// How many finite points it has.
        finite: usize,
    },
    /// Two legend entries of one key with the same colour and line pattern.
    SameLook {
        /// The first series.
        first: String,
        /// The second series.
        second: String,
        /// Their palette index.
        color: usize,
    },
    /// Two methods (series keys) with the same colour in one figure.
    SharedColor {
        /// The first key.
        first: String,
        /// The second key.
        second: String,
        /// Their palette index.
        color: usize,
    },
    /// A key drawn in different colours in one study: `(figure title,
    /// palette index)` per colour.
    KeyColors {
        /// The series key.
        key: String,
        /// One figure per colour used.
        colors: Vec<(String, usize)>,
    },
    /// An axis range that is invalid or stretched far beyond the data.
    AxisRange {
        /// The axis.
        axis: AxisName,
        /// Lower end in data units.
        lo: f64,
        /// Upper end in data units.
        hi: f64,
        /// Why it is wrong.
        why: String,
    },
    /// An axis without a description.
    NoAxisLabel(AxisName),
    /// A heat map or contour plot whose colour bar has no label.
    NoColorbarLabel,
    /// A unit field that names more than one unit ("s / MiB").
    MixedUnits {
        /// The axis.
        axis: AxisName,
        /// The unit text.
        unit: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoTitle => write!(f, "the figure has no title"),
            Problem::Invisible { series, finite } => write!(
                f,
                "series \"{series}\" has {finite} finite point(s): draw at least 2, or mark where it ended"
            ),
            Problem::SameLook {
                first,
                second,
                color,
            } => write!(
                f,
                "series \"{first}\" and \"{second}\" share colour {color} and line pattern"
            ),
            Problem::SharedColor {
                first,
                second,
                color,
            } => write!(
                f,
                "keys \"{first}\" and \"{second}\" share colour {color} in one figure"
            ),
            Problem::KeyColors { key, colors } => {
                let list: Vec<String> = colors
                    .iter()
                    .map(|(fig, c)| format!("colour {c} in \"{fig}\""))
                    .collect();
                write!(f, "key \"{key}\" has several colours: {}", list.join(", "))
            }
            Problem::AxisRange { axis, lo, hi, why } => {
                write!(f, "{axis} axis from {lo:e} to {hi:e}: {why}")
            }
            Problem::NoAxisLabel(axis) => write!(f, "the {axis} axis has no label"),
            Problem::NoColorbarLabel => write!(f, "the colour bar has no label"),
            Problem::MixedUnits { axis, unit } => {
                write!(
                    f,
                    "the {axis} axis unit \"{unit}\" names more than one unit"
                )
            }
        }
    }
}

/// The problems of one figure (empty if none).
///
/// ```
/// use experiments::plot::{check, LineChart, Problem, Series};
/// let good = LineChart::new("loss", "epoch", "loss").with(Series::line("sgd", vec![(0.0, 1.0), (1.0, 0.5)]));
/// assert!(check(&good.into()).is_empty());
/// let lonely = LineChart::new("loss", "epoch", "loss").with(Series::line("sgd", vec![(0.0, 1.0)]));
/// assert!(matches!(check(&lonely.into())[..], [Problem::Invisible { .. }]));
/// ```
pub fn check(figure: &Figure) -> Vec<Problem> {
    let mut out = Vec::new();
    if figure.title().trim().is_empty() {
        out.push(Problem::NoTitle);
    }
    let labels = |out: &mut Vec<Problem>, x: &str, y: &str| {
        for (axis, label) in [(AxisName::X, x), (AxisName::Y, y)] {
            if label.trim().is_empty() {
                out.push(Problem::NoAxisLabel(axis));
            }
        }
    };
    match figure {
        Figure::Line(c) => {
            labels(&mut out, &c.x_label, &c.y_label);
            for (axis, unit) in [(AxisName::X, &c.x_unit), (AxisName::Y, &c.y_unit)] {
                if mixed_units(unit) {
                    out.push(Problem::MixedUnits {
                        axis,
                        unit: unit.clone(),
                    });
                }
            }
            check_series(&c.series, &mut out);
            check_ranges(c, &mut out);
        }
        Figure::Contour(c) => {
            labels(&mut out, &c.x_label, &c.y_label);
            if c.colorbar.trim().is_empty() {
                out.push(Problem::NoColorbarLabel);
            }
            check_series(&c.trajectories, &mut out);
            for (axis, (lo, hi)) in [(AxisName::X, c.x_range), (AxisName::Y, c.y_range)] {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    let why = "not a finite, increasing range".into();
                    out.push(Problem::AxisRange { axis, lo, hi, why });
                }
            }
        }
        Figure::Heatmap(h) => {
            labels(&mut out, &h.x_label, &h.y_label);
            if h.colorbar.trim().is_empty() {
                out.push(Problem::NoColorbarLabel);
            }
        }
        Figure::Images(_) => {}
    }
    out
}

/// The cross-figure problems of one study's figures: a key (a method) must
/// keep one colour in every figure.
///
/// ```
/// use experiments::plot::{check_study, LineChart, Series};
/// let pts = vec![(0.0, 1.0), (1.0, 0.5)];
/// let a = LineChart::new("a", "x", "y").with(Series::line("sgd", pts.clone()).color(1));
/// let b = LineChart::new("b", "x", "y").with(Series::line("sgd", pts).color(2));
/// assert_eq!(check_study(&[a.into(), b.into()]).len(), 1);
/// ```
pub fn check_study(figures: &[Figure]) -> Vec<Problem> {
    let mut colors: BTreeMap<String, BTreeMap<usize, String>> = BTreeMap::new();
    for figure in figures {
        for (i, s) in series_of(figure).iter().enumerate() {
            if s.color_key().is_empty() {
                continue;
            }
            colors
                .entry(s.color_key().to_string())
                .or_default()
                .entry(color(s, i))
                .or_insert_with(|| figure.title().to_string());
        }
    }
    colors
        .into_iter()
        .filter(|(_, c)| c.len() > 1)
        .map(|(key, c)| Problem::KeyColors {
            key,
            colors: c.into_iter().map(|(k, t)| (t, k)).collect(),
        })
        .collect()
}

fn series_of(figure: &Figure) -> &[Series] {
    match figure {
        Figure::Line(c) => &c.series,
        Figure::Contour(c) => &c.trajectories,
        Figure::Heatmap(_) | Figure::Images(_) => &[],
    }
}

/// The palette colour a series is drawn in (its index, else its position).
fn color(s: &Series, position: usize) -> usize {
    s.color.unwrap_or(position) % PALETTE.len()
}

/// Whether a unit field names two units: parts separated by " / ", " and ",
/// " & ", ";" or ", " (a unit such as "MiB/s" has no spaces around its slash).
fn mixed_units(unit: &str) -> bool {
    [" / ", " and ", " & ", ";", ", "]
        .iter()
        .any(|sep| unit.split(sep).filter(|p| !p.trim().is_empty()).count() > 1)
}

/// What tells a legend entry apart: colour, drawing style, dash (not for
/// points).
type Look = (usize, SeriesStyle, Option<Dash>);

fn check_series(series: &[Series], out: &mut Vec<Problem>) {
    let mut looks: Vec<(Look, &Series)> = Vec::new();
    let mut keys: BTreeMap<usize, &str> = BTreeMap::new();
    for (i, s) in series.iter().enumerate() {
        let finite = s
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .count();
        let enough =
            finite >= 2 || (finite >= 1 && (s.end.is_some() || s.style == SeriesStyle::Points));
        if !enough {
            let series = s.legend_text();
            out.push(Problem::Invisible { series, finite });
        }
        if s.legend_text().is_empty() {
            continue;
        }
        let c = color(s, i);
        let dash = (s.style != SeriesStyle::Points).then_some(s.dash);
        let look = (c, s.style, dash);
        // different keys in one colour are reported once, as SharedColor
        let same = |(l, f): &&(Look, &Series)| *l == look && f.color_key() == s.color_key();
        if let Some((_, first)) = looks.iter().find(same) {
            out.push(Problem::SameLook {
                first: first.legend_text(),
                second: s.legend_text(),
                color: c,
            });
        } else {
            looks.push((look, s));
        }
        match keys.get(&c) {
            Some(&k) if k != s.color_key() => out.push(Problem::SharedColor {
                first: k.to_string(),
                second: s.color_key().to_string(),
                color: c,
            }),
            Some(_) => {}
            None => {
                keys.insert(c, s.color_key());
            }
        }
    }
}

fn check_ranges(c: &LineChart, out: &mut Vec<Problem>) {
    let mut values = (Vec::new(), Vec::new());
    for s in &c.series {
        for &(x, y) in &s.points {
            values.0.extend(c.x_scale.map(x).filter(|v| v.is_finite()));
            values.1.extend(c.y_scale.map(y).filter(|v| v.is_finite()));
        }
    }
    let shown = c.ranges();
    let axes = [
        (
            AxisName::X,
            c.x_scale,
            c.x_range,
            shown.map(|s| s.0),
            values.0,
        ),
        (
            AxisName::Y,
            c.y_scale,
            c.y_range,
            shown.map(|s| s.1),
            values.1,
        ),
    ];
    for (axis, scale, fixed, shown, mut data) in axes {
        if axis == AxisName::X && !c.x_names.is_empty() {
            continue;
        }
        let unmap = |v: f64| match scale {
            Scale::Linear => v,
            Scale::Log => 10f64.powf(v),
        };
        if let Some((lo, hi)) = fixed {
            let valid = lo.is_finite() && hi.is_finite() && lo < hi;
            if !valid || (scale == Scale::Log && lo <= 0.0) {
                let why = "not a finite, increasing range (positive on a log axis)".into();
                out.push(Problem::AxisRange { axis, lo, hi, why });
                continue;
            }
        }
        let Some((lo, hi)) = shown else { continue };
        let problem = |why: String| Problem::AxisRange {
            axis,
            lo: unmap(lo),
            hi: unmap(hi),
            why,
        };
        match scale {
            // the renderer pads a fitted log range by 2% on each side
            Scale::Log if hi - lo > MAX_DECADES * 1.04 + 0.1 + 1e-9 => out.push(problem(format!(
                "spans {:.0} decades (at most {MAX_DECADES})",
                hi - lo
            ))),
            Scale::Linear if !data.is_empty() => {
                data.sort_by(f64::total_cmp);
                let s = spread(&data);
                let limit = (2.0 * MAX_SPREAD + 1.0) * s * 1.1;
                if s > 0.0 && hi - lo > limit {
                    out.push(problem(format!(
                        "{:.0} times the data's spread {s:e} (at most {:.0})",
                        (hi - lo) / s,
                        2.0 * MAX_SPREAD + 1.0
                    )));
                }
            }
            _ => {}
        }
    }
}
