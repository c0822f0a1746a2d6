//! The reverse sweep: one loop over the tape from the loss back to the leaves.

use crate::error::{AutodiffError, Result};
use crate::gradients::Gradients;
use crate::op::Op;
use crate::ops::{arith, linalg, reduce, softmax, unary};
use crate::{Float, Tape, Var};

impl<T: Float> Tape<T> {
    /// Gradients of the scalar `loss` with respect to every value that needs
    /// one. Creation order is topological, so this is one reverse loop that
    /// accumulates into each parent's gradient; a value used several times
    /// receives the sum of its contributions.
    ///
    /// **Errors**: [`AutodiffError::NonScalarLoss`] if `loss` has more than one
    /// element, [`AutodiffError::NoGradientPath`] if it depends on no leaf that
    /// needs a gradient.
    ///
    /// ```
    /// use autodiff::Tape;
    /// let mut tape = Tape::<f64>::new();
    /// let x = tape.leaf(ndarray::arr0(3.0));
    /// let x2 = tape.mul(x, x);
    /// let y = tape.add(x2, x);           // x² + x: x is used twice
    /// let grads = tape.backward(y).unwrap();
    /// assert_eq!(grads.wrt(x).unwrap()[[]], 7.0); // 2x + 1
    /// ```
    pub fn backward(&self, loss: Var) -> Result<Gradients<T>> {
        let mut grads = Gradients::new();
        self.backward_into(loss, &mut grads)?;
        Ok(grads)
    }

    /// Like [`backward`](Tape::backward), writing into `grads` and reusing
    /// its buffers (no allocation when the graph's shapes repeat).
    ///
    /// **Errors**: as [`backward`](Tape::backward).
    ///
    /// ```
    /// use autodiff::{Gradients, Tape};
    /// let mut tape = Tape::<f32>::new();
    /// let mut grads = Gradients::new();
    /// let w = tape.leaf(ndarray::array![1.0_f32, -2.0]);
    /// let loss = tape.sum(w);
    /// tape.backward_into(loss, &mut grads).unwrap();
    /// assert_eq!(grads.wrt(w).unwrap().sum(), 2.0);
    /// ```
    pub fn backward_into(&self, loss: Var, grads: &mut Gradients<T>) -> Result<()> {
        let node = self.node(loss);
        if node.value.len() != 1 {
            return Err(AutodiffError::NonScalarLoss {
                shape: node.value.shape().to_vec(),
            });
        }
        if !node.requires_grad {
            return Err(AutodiffError::NoGradientPath);
        }
        let last = loss.index();
        grads.reset(last + 1, loss.epoch);
        grads.seed(last, node.value.shape());
        for i in (0..=last).rev() {
            let node = &self.nodes[i];
            if !node.requires_grad || !grads.is_written(i) || matches!(node.op, Op::Leaf) {
                continue;
            }
            let (g, mut slots) = grads.split(i);
            let out = &node.value;
            match &node.op {
                Op::Leaf => {}
                Op::Add(..) | Op::Sub(..) | Op::Mul(..) | Op::Div(..) => {
                    arith::binary_backward(self, &node.op, out, g, &mut slots)
                }
                Op::Neg(_)
                | Op::AddScalar(_)
                | Op::MulScalar(..)
                | Op::ScalarPow(..)
                | Op::Powi(..)
                | Op::Powf(..) => arith::unary_backward(self, &node.op, out, g, &mut slots),
                Op::Exp(_)
                | Op::Ln(_)
                | Op::Sqrt(_)
                | Op::Abs(_)
                | Op::Sin(_)
                | Op::Cos(_)
                | Op::Relu(_)
                | Op::LeakyRelu(..)
                | Op::Sigmoid(_)
                | Op::Tanh(_)
                | Op::Softplus(_) => unary::backward(self, &node.op, out, g, &mut slots),
                Op::MatMul(..) | Op::Linear(..) | Op::Transpose(_) => {
                    linalg::backward(self, &node.op, g, &mut slots)
                }
                Op::Reshape(_) | Op::Sum(_) | Op::SumAxis { .. } => {
                    reduce::backward(self, &node.op, g, &mut slots)
                }
                Op::Softmax(..) | Op::LogSoftmax(..) | Op::CrossEntropy { .. } => {
                    softmax::backward(self, &node.op, out, g, &mut slots)
                }
            }
        }
        Ok(())
    }
}
