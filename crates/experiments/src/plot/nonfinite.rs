//! Serde forms for figure data that may hold NaN or ±∞: JSON has no such
//! numbers, so they are written as `null` and read back as NaN. A figure's
//! JSON therefore still shows where a series stopped being finite.

use ndarray::Array2;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn out(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn back(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// `Vec<(x, y)>` with non-finite values as `null`.
pub(crate) mod points {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(p: &[(f64, f64)], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<_> = p.iter().map(|&(x, y)| (out(x), out(y))).collect();
        v.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(f64, f64)>, D::Error> {
        let v: Vec<(Option<f64>, Option<f64>)> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|(x, y)| (back(x), back(y))).collect())
    }
}

/// `Vec<(x, lo, hi)>` with non-finite values as `null`.
pub(crate) mod bands {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(p: &[(f64, f64, f64)], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<_> = p
            .iter()
            .map(|&(x, a, b)| (out(x), out(a), out(b)))
            .collect();
        v.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(f64, f64, f64)>, D::Error> {
        let v: Vec<(Option<f64>, Option<f64>, Option<f64>)> = Vec::deserialize(d)?;
        Ok(v.into_iter()
            .map(|(x, a, b)| (back(x), back(a), back(b)))
            .collect())
    }
}

#[derive(Serialize, Deserialize)]
struct Matrix {
    rows: usize,
    cols: usize,
    /// Row-major values.
    data: Vec<Option<f64>>,
}

/// An `Array2<f64>` as `{rows, cols, data}` (row-major, non-finite as `null`).
pub(crate) mod matrix {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(m: &Array2<f64>, s: S) -> Result<S::Ok, S::Error> {
        let (rows, cols) = m.dim();
        Matrix {
            rows,
            cols,
            data: m.iter().map(|&v| out(v)).collect(),
        }
        .serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Array2<f64>, D::Error> {
        let m = Matrix::deserialize(d)?;
        let data = m.data.into_iter().map(back).collect();
        Array2::from_shape_vec((m.rows, m.cols), data).map_err(serde::de::Error::custom)
    }
}

/// `Vec<(caption, image)>` for image grids.
pub(crate) mod images {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Image {
        caption: String,
        #[serde(with = "matrix")]
        pixels: Array2<f64>,
    }

    pub(crate) fn serialize<S: Serializer>(
        v: &[(String, Array2<f64>)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let v: Vec<Image> = v
            .iter()
            .map(|(c, p)| Image {
                caption: c.clone(),
                pixels: p.clone(),
            })
            .collect();
        v.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, Array2<f64>)>, D::Error> {
        let v: Vec<Image> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|i| (i.caption, i.pixels)).collect())
    }
}

/// One `f64`, non-finite as `null`.
pub(crate) mod scalar {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        out(*v).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(back(Option::<f64>::deserialize(d)?))
    }
}
