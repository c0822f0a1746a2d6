//! Training loop and the studies that reproduce the lecture.
//!
//! Work in progress: arrives with the trainer and studies issues.
