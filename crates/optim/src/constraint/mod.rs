//! Constraints: box bounds enforced by projection after a step, and barrier
//! functions added to the objective with their gradients.

mod barrier;
mod bounds;

pub use barrier::{Barrier, ExpBarrier, LogBarrier, Side};
pub use bounds::BoxBounds;
