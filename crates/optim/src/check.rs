//! Range checks for hyperparameters, shared by every config's `build()`.

use crate::error::{OptimError, Result};

fn invalid(name: &'static str, value: f64, expected: &'static str) -> OptimError {
    OptimError::InvalidHyperparameter {
        name,
        value,
        expected,
    }
}

/// `value` is finite and `>= 0` (learning rates, weight decay, ...).
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(invalid(name, value, "a finite number >= 0"))
    }
}

/// `value` is finite and `> 0` (eps, step sizes, ...).
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(invalid(name, value, "a finite number > 0"))
    }
}

/// `value` lies in `[0, 1)` (betas, momentum).
pub(crate) fn unit_half_open(name: &'static str, value: f64) -> Result<f64> {
    if (0.0..1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(name, value, "a number in [0, 1)"))
    }
}

/// `value` lies in `[0, 1]` (dampening, rho, factors).
pub(crate) fn unit_closed(name: &'static str, value: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(name, value, "a number in [0, 1]"))
    }
}

/// `value` is finite (any sign).
pub(crate) fn finite(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(invalid(name, value, "a finite number"))
    }
}

/// A count that must be at least one (step sizes of schedules, periods).
pub(crate) fn at_least_one(name: &'static str, value: u64) -> Result<u64> {
    if value >= 1 {
        Ok(value)
    } else {
        Err(invalid(name, value as f64, "an integer >= 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(non_negative("lr", 0.0).is_ok());
        assert!(non_negative("lr", f64::NAN).is_err());
        assert!(non_negative("lr", f64::INFINITY).is_err());
        assert!(positive("eps", 0.0).is_err());
        assert!(unit_half_open("betas[0]", 1.0).is_err());
        assert!(unit_half_open("betas[0]", -0.0).is_ok());
        assert!(unit_closed("rho", 1.0).is_ok());
        assert!(unit_closed("rho", f64::NAN).is_err());
        assert!(finite("x", f64::NEG_INFINITY).is_err());
        assert!(at_least_one("step_size", 0).is_err());
    }
}
