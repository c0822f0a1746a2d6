//! Fan-in and fan-out of a weight tensor, as PyTorch computes them.

/// Which fan a Kaiming scheme preserves: `FanIn` keeps the variance of the
/// forward activations, `FanOut` that of the backward gradients.
///
/// ```
/// let mode = nn::FanMode::FanIn;
/// assert_ne!(mode, nn::FanMode::FanOut);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FanMode {
    /// Use the number of inputs of each unit.
    FanIn,
    /// Use the number of outputs.
    FanOut,
}

/// Fan-in and fan-out of a weight tensor, computed like PyTorch's
/// `_calculate_fan_in_and_fan_out`: for shape `(out, in, k1, k2, ...)`,
/// `fan_in = in·k1·k2···` and `fan_out = out·k1·k2···`.
///
/// ```
/// let fans = nn::Fans::of(&[10, 784]).unwrap();
/// assert_eq!((fans.fan_in, fans.fan_out), (784, 10));
/// assert!(nn::Fans::of(&[10]).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fans {
    /// Inputs per unit.
    pub fan_in: usize,
    /// Outputs per unit.
    pub fan_out: usize,
}

impl Fans {
    /// The fans of `shape`, `None` for fewer than 2 axes (PyTorch raises).
    ///
    /// ```
    /// let fans = nn::Fans::of(&[8, 4, 3, 3]).unwrap();
    /// assert_eq!((fans.fan_in, fans.fan_out), (36, 72));
    /// ```
    pub fn of(shape: &[usize]) -> Option<Fans> {
        if shape.len() < 2 {
            return None;
        }
        let receptive: usize = shape[2..].iter().product();
        Some(Fans {
            fan_in: shape[1] * receptive,
            fan_out: shape[0] * receptive,
        })
    }

    /// The fan selected by `mode`.
    ///
    /// ```
    /// let fans = nn::Fans::of(&[10, 784]).unwrap();
    /// assert_eq!(fans.get(nn::FanMode::FanOut), 10);
    /// ```
    pub fn get(self, mode: FanMode) -> usize {
        match mode {
            FanMode::FanIn => self.fan_in,
            FanMode::FanOut => self.fan_out,
        }
    }
}
