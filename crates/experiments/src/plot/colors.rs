//! Colours: a categorical palette and two colour maps.

use plotters::style::RGBColor;

/// Ten distinguishable colours (matplotlib's "tab10"), for series.
///
/// ```
/// assert_eq!(experiments::plot::PALETTE.len(), 10);
/// ```
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn lerp(stops: &[(f64, [f64; 3])], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    for w in stops.windows(2) {
        let ((t0, c0), (t1, c1)) = (w[0], w[1]);
        if t <= t1 {
            let u = if t1 > t0 { (t - t0) / (t1 - t0) } else { 0.0 };
            let ch = |k: usize| (c0[k] + u * (c1[k] - c0[k])).round() as u8;
            return RGBColor(ch(0), ch(1), ch(2));
        }
    }
    let c = stops[stops.len() - 1].1;
    RGBColor(c[0] as u8, c[1] as u8, c[2] as u8)
}

/// A perceptually ordered map (viridis-like) from `t` in `[0, 1]`.
///
/// ```
/// let dark = experiments::plot::sequential(0.0);
/// let light = experiments::plot::sequential(1.0);
/// assert!(dark.1 < light.1);
/// ```
pub fn sequential(t: f64) -> RGBColor {
    lerp(
        &[
            (0.0, [68.0, 1.0, 84.0]),
            (0.25, [59.0, 82.0, 139.0]),
            (0.5, [33.0, 145.0, 140.0]),
            (0.75, [94.0, 201.0, 98.0]),
            (1.0, [253.0, 231.0, 37.0]),
        ],
        t,
    )
}

/// Blue (−1) through white (0) to red (+1), for signed values such as weights.
///
/// ```
/// assert_eq!(experiments::plot::diverging(0.0), plotters::style::RGBColor(247, 247, 247));
/// ```
pub fn diverging(t: f64) -> RGBColor {
    lerp(
        &[
            (0.0, [33.0, 102.0, 172.0]),
            (0.5, [247.0, 247.0, 247.0]),
            (1.0, [178.0, 24.0, 43.0]),
        ],
        (t + 1.0) / 2.0,
    )
}
