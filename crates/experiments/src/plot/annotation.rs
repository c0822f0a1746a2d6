//! Marks on a chart that are not data series: labelled points, reference
//! lines and text.

use serde::{Deserialize, Serialize};

/// What an [`Annotation`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// Text at `(x, y)`.
    #[default]
    Text,
    /// A marked point at `(x, y)` with its text beside it (a minimizer, a start).
    Point,
    /// A vertical line at `x` (y ignored), labelled at the top.
    VLine,
    /// A horizontal line at `y` (x ignored), labelled at the right.
    HLine,
}

/// A labelled mark in data coordinates.
///
/// ```
/// use experiments::plot::{Annotation, AnnotationKind};
/// let a = Annotation::vline(100.0, "budget");
/// assert_eq!(a.kind, AnnotationKind::VLine);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Annotation {
    /// What is drawn.
    pub kind: AnnotationKind,
    /// Horizontal position (data units, before any log mapping).
    #[serde(with = "super::nonfinite::scalar")]
    pub x: f64,
    /// Vertical position (data units, before any log mapping).
    #[serde(with = "super::nonfinite::scalar")]
    pub y: f64,
    /// The text shown.
    pub text: String,
}

impl Annotation {
    /// Text at `(x, y)`.
    ///
    /// ```
    /// assert_eq!(experiments::plot::Annotation::text(1.0, 2.0, "a").y, 2.0);
    /// ```
    pub fn text(x: f64, y: f64, text: impl Into<String>) -> Self {
        Annotation {
            kind: AnnotationKind::Text,
            x,
            y,
            text: text.into(),
        }
    }

    /// A marked point at `(x, y)` labelled `text`.
    ///
    /// ```
    /// assert_eq!(experiments::plot::Annotation::point(0.0, 0.0, "minimum").text, "minimum");
    /// ```
    pub fn point(x: f64, y: f64, text: impl Into<String>) -> Self {
        Annotation {
            kind: AnnotationKind::Point,
            ..Annotation::text(x, y, text)
        }
    }

    /// A vertical reference line at `x`.
    ///
    /// ```
    /// assert_eq!(experiments::plot::Annotation::vline(3.0, "k").x, 3.0);
    /// ```
    pub fn vline(x: f64, text: impl Into<String>) -> Self {
        Annotation {
            kind: AnnotationKind::VLine,
            ..Annotation::text(x, f64::NAN, text)
        }
    }

    /// A horizontal reference line at `y`.
    ///
    /// ```
    /// assert_eq!(experiments::plot::Annotation::hline(0.5, "target").y, 0.5);
    /// ```
    pub fn hline(y: f64, text: impl Into<String>) -> Self {
        Annotation {
            kind: AnnotationKind::HLine,
            ..Annotation::text(f64::NAN, y, text)
        }
    }
}
