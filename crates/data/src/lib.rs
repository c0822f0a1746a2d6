//! Datasets for optilab: IDX files, MNIST, Fashion-MNIST.
//!
//! Work in progress: arrives with the `data` issue.
