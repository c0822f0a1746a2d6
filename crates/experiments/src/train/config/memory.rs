//! How much memory a configuration needs, estimated before anything large is
//! allocated, and how much the machine (or the process's limits) can give.
//!
//! The estimate is deliberately generous (it counts every copy the trainer
//! may hold at once) but it is an estimate, not a bound. All arithmetic
//! saturates, so absurd widths or epoch counts give a huge number, never an
//! overflow.

use std::fmt;

use nn::Norm;

use super::error::ConfigError;
use super::{DivergencePolicy, DtypeChoice, InitChoice, OptimizerChoice, TrainConfig};

/// Bytes kept per optimizer step of history: the step loss, its copy in a
/// checkpoint, its JSON text and the points of the step plot.
const PER_STEP: u64 = 80;
/// Bytes kept per epoch of history: the record, its copies and JSON lines.
const PER_EPOCH: u64 = 4096;
/// Tape nodes (value and gradient) kept per hidden unit and example.
const NODES_PER_LAYER: u64 = 4;

/// What a configuration needs, by part, in bytes.
///
/// ```
/// use experiments::train::{MemoryEstimate, TrainConfig};
/// let small = MemoryEstimate::of(&TrainConfig::default(), 60_000);
/// assert!(small.total() < 200 << 20);
/// let huge = TrainConfig { model: "784-100000-100000-10".into(), ..TrainConfig::default() };
/// assert!(MemoryEstimate::of(&huge, 60_000).total() > 100 << 30);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryEstimate {
    /// Parameters with their gradients, diagnostics and serialized copies.
    pub parameters: u64,
    /// The optimizer's per-parameter state.
    pub optimizer: u64,
    /// Activations and their gradients for one minibatch.
    pub activations: u64,
    /// Activations of one evaluation chunk.
    pub evaluation: u64,
    /// Per-step and per-epoch records of the whole run (0 with a time limit,
    /// which bounds them instead).
    pub history: u64,
}

impl MemoryEstimate {
    /// The estimate for `config` training on `train_examples` examples.
    /// A malformed model spec counts as nothing (validation reports it).
    pub fn of(config: &TrainConfig, train_examples: usize) -> Self {
        let elem: u64 = match config.dtype {
            DtypeChoice::F32 => 4,
            DtypeChoice::F64 => 8,
        };
        let sizes: Vec<u64> = config
            .mlp_config()
            .map(|m| m.sizes().iter().map(|&s| s as u64).collect())
            .unwrap_or_default();
        let (params, largest, units) = count(&sizes, config.norm.0);
        let rollback = config.on_divergence == DivergencePolicy::Rollback;
        let slots = state_slots(config.optimizer, config.momentum);
        // value, gradient, pre-step copy for diagnostics, serialized checkpoint
        let mut copies: u64 = 4;
        if rollback {
            copies += 1 + slots;
        }
        let init_workspace = match config.init {
            InitChoice::Orthogonal => largest.saturating_mul(8 * 3),
            _ => 0,
        };
        let nodes = NODES_PER_LAYER
            + if config.norm.0 == Norm::None { 0 } else { 4 }
            + if config.dropout > 0.0 { 2 } else { 0 };
        let per_row = units.saturating_mul(nodes).saturating_mul(elem);
        let batch = config.batch.min(train_examples.max(1)) as u64;
        let chunk = config.eval_chunk.min(train_examples.max(10_000)) as u64;
        let history = match config.time_limit {
            Some(_) => 0,
            None => {
                let steps_per_epoch = train_examples.div_ceil(config.batch.max(1)) as u64;
                let steps = steps_per_epoch.saturating_mul(config.epochs as u64);
                steps
                    .saturating_mul(PER_STEP)
                    .saturating_add((config.epochs as u64).saturating_mul(PER_EPOCH))
            }
        };
        MemoryEstimate {
            parameters: params
                .saturating_mul(elem)
                .saturating_mul(copies)
                .saturating_add(init_workspace),
            optimizer: params.saturating_mul(elem).saturating_mul(slots),
            activations: per_row.saturating_mul(batch),
            evaluation: per_row.saturating_mul(chunk),
            history,
        }
    }

    /// The estimate of the learning-rate range test: the model as for
    /// training, plus `steps` points of the sweep (no epoch history).
    pub fn of_lr_find(config: &TrainConfig, train_examples: usize, steps: usize) -> Self {
        let bounded = TrainConfig {
            time_limit: Some(1.0),
            ..config.clone()
        };
        MemoryEstimate {
            history: (steps as u64).saturating_mul(PER_STEP),
            ..MemoryEstimate::of(&bounded, train_examples)
        }
    }

    /// The sum of the parts (saturating).
    pub fn total(&self) -> u64 {
        [
            self.optimizer,
            self.activations,
            self.evaluation,
            self.history,
        ]
        .iter()
        .fold(self.parameters, |a, &b| a.saturating_add(b))
    }

    /// `Ok` if the estimate fits in `available`; otherwise
    /// [`ConfigError::Memory`] naming both (and the largest part).
    ///
    /// **Errors**: the estimate exceeds what is available.
    pub fn check(&self, available: Available) -> Result<(), ConfigError> {
        if self.total() <= available.bytes {
            return Ok(());
        }
        let parts = [
            ("parameters", self.parameters),
            ("optimizer state", self.optimizer),
            ("minibatch activations", self.activations),
            ("evaluation buffers", self.evaluation),
            (
                "the run's history (epochs × steps; --time-limit bounds it)",
                self.history,
            ),
        ];
        let largest = parts.iter().max_by_key(|p| p.1).map_or("", |p| p.0);
        Err(ConfigError::Memory {
            needed: Bytes(self.total()),
            largest,
            available: Bytes(available.bytes),
            limit: available.source,
        })
    }
}

/// Parameter count, largest weight matrix and hidden + output units.
fn count(sizes: &[u64], norm: Norm) -> (u64, u64, u64) {
    let (mut params, mut largest, mut units) = (0u64, 0u64, 0u64);
    for pair in sizes.windows(2) {
        let weight = pair[0].saturating_mul(pair[1]);
        largest = largest.max(weight);
        params = params.saturating_add(weight).saturating_add(pair[1]);
        units = units.saturating_add(pair[1]);
    }
    if norm != Norm::None {
        let hidden = sizes.iter().skip(1).take(sizes.len().saturating_sub(2));
        // scale and shift, and BatchNorm's running statistics
        let per_unit = if norm == Norm::Batch { 4 } else { 2 };
        params = hidden.fold(params, |p, &w| p.saturating_add(w.saturating_mul(per_unit)));
    }
    // the input batch itself
    units = units.saturating_add(sizes.first().copied().unwrap_or(0));
    (params, largest, units)
}

/// Arrays of optimizer state per parameter (an upper bound per optimizer).
fn state_slots(optimizer: OptimizerChoice, momentum: Option<f64>) -> u64 {
    match optimizer {
        OptimizerChoice::Sgd => u64::from(momentum.is_some_and(|m| m > 0.0)),
        OptimizerChoice::Momentum | OptimizerChoice::Nesterov | OptimizerChoice::Adagrad => 1,
        // rmsprop (centered, with momentum) and the Adam family
        _ => 3,
    }
}

/// A byte count shown as `3.4 TB` (decimal units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == u64::MAX {
            return write!(f, "more than 18 EB");
        }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        let mut x = self.0 as f64;
        let mut u = 0;
        while x >= 1000.0 && u + 1 < units.len() {
            x /= 1000.0;
            u += 1;
        }
        if u == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{x:.1} {}", units[u])
        }
    }
}

/// Memory this process may still use, and what limits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Available {
    /// Bytes.
    pub bytes: u64,
    /// Where the number comes from (`MemAvailable`, the address-space
    /// limit, the cgroup limit).
    pub source: &'static str,
}

impl Available {
    /// The smallest of: the kernel's `MemAvailable`, the room left under
    /// the address-space limit (`ulimit -v`), and the room left in the
    /// memory cgroup. Where none can be read (not Linux), 256 TB: the
    /// x86-64 address space, so that only absurd sizes are refused.
    pub fn now() -> Self {
        let candidates = [
            mem_available().map(|b| (b, "MemAvailable in /proc/meminfo")),
            address_space_room().map(|b| (b, "the address-space limit (ulimit -v)")),
            cgroup_room().map(|b| (b, "the memory cgroup limit")),
        ];
        candidates.into_iter().flatten().min_by_key(|c| c.0).map_or(
            Available {
                bytes: 1 << 48,
                source: "the address space",
            },
            |(bytes, source)| Available { bytes, source },
        )
    }
}

/// A `Key:   123 kB` line of a `/proc` file, in bytes.
fn proc_kb(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb.saturating_mul(1024))
}

fn mem_available() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemAvailable:")
}

/// The soft address-space limit minus what is mapped already.
fn address_space_room() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    let soft = line.split_whitespace().nth(3)?;
    let limit: u64 = soft.parse().ok()?; // "unlimited" does not parse
    let used = proc_kb("/proc/self/status", "VmSize:").unwrap_or(0);
    Some(limit.saturating_sub(used))
}

/// cgroup v2: `memory.max` minus `memory.current`.
fn cgroup_room() -> Option<u64> {
    let read = |name: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/fs/cgroup/{name}"))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let max = read("memory.max")?; // "max" does not parse
    Some(max.saturating_sub(read("memory.current").unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_widths_saturate_instead_of_overflowing() {
        let (params, largest, units) = count(&[784, u64::MAX, u64::MAX, 10], Norm::Batch);
        assert_eq!((params, largest, units), (u64::MAX, u64::MAX, u64::MAX));
        let c = TrainConfig {
            model: "784-1099511627776-10".into(),
            ..TrainConfig::default()
        };
        let e = MemoryEstimate::of(&c, 60_000);
        assert!(e.total() > 1 << 50, "{e:?}");
        let err = MemoryEstimate {
            history: u64::MAX,
            ..e
        }
        .check(Available {
            bytes: 8 << 30,
            source: "test",
        })
        .unwrap_err();
        assert!(err.to_string().contains("needs more than 18 EB"), "{err}");
        assert!(err.to_string().contains("8.6 GB is available"), "{err}");
    }

    #[test]
    fn history_counts_only_without_a_time_limit() {
        let c = TrainConfig {
            epochs: 1_000_000_000,
            ..TrainConfig::default()
        };
        assert!(MemoryEstimate::of(&c, 60_000).history > 1 << 40);
        let limited = TrainConfig {
            time_limit: Some(2.0),
            ..c
        };
        assert_eq!(MemoryEstimate::of(&limited, 60_000).history, 0);
    }

    #[test]
    fn the_default_fits_and_the_numbers_print() {
        let e = MemoryEstimate::of(&TrainConfig::default(), 60_000);
        assert!(e.check(Available::now()).is_ok(), "{e:?}");
        assert_eq!(Bytes(3_752_000_000_000).to_string(), "3.8 TB");
        assert_eq!(Bytes(512).to_string(), "512 B");
    }
}
