//! Re-initializing every parameter of a model with one scheme.

use autodiff::Float;
use rand::Rng;

use crate::error::Result;
use crate::init::Init;
use crate::module::Module;
use crate::param::ParamKind;

/// Re-initializes a whole model in one call: every [`ParamKind::Weight`] with
/// `weights` and every [`ParamKind::Bias`] with `biases`; normalization scales
/// and shifts are left alone (they are 1 and 0 by construction).
///
/// **Errors**: as [`Init::spread`]; nothing is changed on error: every scheme
/// is checked against every shape before any parameter is overwritten.
///
/// ```
/// use nn::{FanMode, Init, MlpConfig, Module, Nonlinearity, init_model};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mut mlp = MlpConfig::parse("784-10-10").unwrap().build::<f32>(&mut rng).unwrap();
/// init_model(&mut mlp, Init::kaiming_normal(FanMode::FanIn, Nonlinearity::Relu), Init::Zeros, &mut rng).unwrap();
/// assert_eq!(mlp.param("layers.0.bias").unwrap().value().sum(), 0.0);
/// ```
pub fn init_model<T, M, R>(model: &mut M, weights: Init, biases: Init, rng: &mut R) -> Result<()>
where
    T: Float,
    M: Module<T> + ?Sized,
    R: Rng + ?Sized,
{
    let scheme = |kind| match kind {
        ParamKind::Weight => Some(weights),
        ParamKind::Bias => Some(biases),
        ParamKind::NormScale | ParamKind::NormShift => None,
    };
    for p in model.params() {
        if let Some(init) = scheme(p.kind()) {
            init.spread(p.value().shape())?;
        }
    }
    for p in model.params_mut() {
        if let Some(init) = scheme(p.kind()) {
            init.fill(&mut p.value_mut(), rng)?;
        }
    }
    Ok(())
}
