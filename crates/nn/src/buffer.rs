//! Named non-trainable state of a module (running statistics, counters).

use autodiff::Float;
use ndarray::ArrayD;

use crate::param::join;

/// The contents of a [`Buffer`]: a float tensor, or an integer counter
/// (PyTorch's `num_batches_tracked` is an `int64` scalar).
///
/// ```
/// let v = nn::BufferValue::<f32>::Count(3);
/// assert!(matches!(v, nn::BufferValue::Count(3)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum BufferValue<T> {
    /// A float tensor of the model's element type.
    Float(ArrayD<T>),
    /// An integer scalar (stored as `I64` in checkpoints).
    Count(i64),
}

/// A named tensor that is part of the model's state but not trained by
/// gradient descent: BatchNorm's running statistics and batch counter.
///
/// ```
/// let b = nn::Buffer::new("running_mean", nn::BufferValue::Float(ndarray::ArrayD::<f64>::zeros(vec![4])));
/// assert_eq!(b.name(), "running_mean");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Buffer<T> {
    key: &'static str,
    name: String,
    value: BufferValue<T>,
}

impl<T: Float> Buffer<T> {
    /// A buffer called `key` inside its layer.
    ///
    /// ```
    /// let b = nn::Buffer::<f32>::new("num_batches_tracked", nn::BufferValue::Count(0));
    /// assert_eq!(b.key(), "num_batches_tracked");
    /// ```
    pub fn new(key: &'static str, value: BufferValue<T>) -> Self {
        Buffer {
            key,
            name: key.to_string(),
            value,
        }
    }

    /// Full dotted name, e.g. `layers.1.running_mean`.
    ///
    /// ```
    /// let b = nn::Buffer::<f32>::new("running_var", nn::BufferValue::Count(0));
    /// assert_eq!(b.name(), "running_var");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name inside its own layer.
    ///
    /// ```
    /// let b = nn::Buffer::<f32>::new("running_var", nn::BufferValue::Count(0));
    /// assert_eq!(b.key(), "running_var");
    /// ```
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The contents.
    ///
    /// ```
    /// let b = nn::Buffer::<f32>::new("num_batches_tracked", nn::BufferValue::Count(7));
    /// assert_eq!(b.value(), &nn::BufferValue::Count(7));
    /// ```
    pub fn value(&self) -> &BufferValue<T> {
        &self.value
    }

    /// The float tensor, `None` for a counter.
    ///
    /// ```
    /// let b = nn::Buffer::new("running_mean", nn::BufferValue::Float(ndarray::ArrayD::<f64>::zeros(vec![2])));
    /// assert_eq!(b.float().unwrap().len(), 2);
    /// ```
    pub fn float(&self) -> Option<&ArrayD<T>> {
        match &self.value {
            BufferValue::Float(a) => Some(a),
            BufferValue::Count(_) => None,
        }
    }

    /// The counter, `None` for a float tensor.
    ///
    /// ```
    /// let b = nn::Buffer::<f64>::new("num_batches_tracked", nn::BufferValue::Count(2));
    /// assert_eq!(b.count(), Some(2));
    /// ```
    pub fn count(&self) -> Option<i64> {
        match self.value {
            BufferValue::Count(n) => Some(n),
            BufferValue::Float(_) => None,
        }
    }

    pub(crate) fn value_mut(&mut self) -> &mut BufferValue<T> {
        &mut self.value
    }

    pub(crate) fn float_mut(&mut self) -> &mut ArrayD<T> {
        match &mut self.value {
            BufferValue::Float(a) => a,
            BufferValue::Count(_) => panic!("{}: buffer is a counter, not a tensor", self.name),
        }
    }

    pub(crate) fn set_prefix(&mut self, prefix: &str) {
        self.name = join(prefix, self.key);
    }
}
