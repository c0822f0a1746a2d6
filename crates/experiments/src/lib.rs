#![doc = include_str!("../README.md")]
//!
//! # Map
//!
//! - [`plot`]: figures (line charts with log axes and spread bands, contour
//!   plots with trajectories, heatmaps, image grids) as PNG and SVG.
//! - [`report`]: each study's finding, figures and data, and the results index.
//! - [`study`]: the lecture's studies, in order.
//! - [`train`]: the training loop, its diagnostics, checkpoints and the
//!   learning-rate range test.

#![warn(missing_docs)]

pub mod bench;
mod error;
pub mod plot;
pub mod report;
pub mod studies;
pub mod study;
pub mod train;

pub use error::{ExperimentsError, Result};
