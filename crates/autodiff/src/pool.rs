//! A pool of buffers kept across [`Tape::clear`](crate::Tape::clear), so that a
//! training loop stops allocating once its first step has run.

use std::collections::HashMap;

use ndarray::{ArrayD, IxDyn};

use crate::Float;

/// Free buffers, grouped by element count.
#[derive(Debug, Default)]
pub(crate) struct Pool<T> {
    free: HashMap<usize, Vec<Vec<T>>>,
}

impl<T: Float> Pool<T> {
    /// An array of `shape` whose contents are unspecified (stale values from an
    /// earlier step, or zeros): callers must overwrite every element.
    pub(crate) fn take(&mut self, shape: &[usize]) -> ArrayD<T> {
        let len: usize = shape.iter().product();
        let data = self
            .free
            .get_mut(&len)
            .and_then(Vec::pop)
            .unwrap_or_else(|| vec![T::zero(); len]);
        ArrayD::from_shape_vec(IxDyn(shape), data).expect("pool: buffer length matches shape")
    }

    /// Gives a buffer back for reuse.
    pub(crate) fn give(&mut self, array: ArrayD<T>) {
        let (data, offset) = array.into_raw_vec_and_offset();
        if offset.unwrap_or(0) == 0 && !data.is_empty() {
            self.free.entry(data.len()).or_default().push(data);
        }
    }

    /// Number of buffers waiting for reuse.
    pub(crate) fn len(&self) -> usize {
        self.free.values().map(Vec::len).sum()
    }
}
