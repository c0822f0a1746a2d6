//! L1 and L2 penalties on parameters as loss terms on the tape (the
//! lecture's soft constraints), distinct from an optimizer's weight decay.

use autodiff::{Float, Tape, Var};

use crate::error::{Result, check_hyper};
use crate::module::Module;
use crate::param::{Param, ParamKind};

/// Which penalty to add.
///
/// * `L2`: `λ · Σ w²` — **without** a factor 1/2, so its gradient is `2λw`;
///   plain SGD on it equals weight decay with coefficient `2λ` (PyTorch's
///   `weight_decay = wd` corresponds to `λ = wd / 2`). With adaptive
///   optimizers (Adam) the two differ; decoupled decay (AdamW) lives in the
///   optimizer, not here.
/// * `L1`: `λ · Σ |w|`, gradient `λ·sign(w)` (0 at 0), which drives weights to
///   exactly zero under proximal methods and makes them sparse.
///
/// ```
/// assert_ne!(nn::Penalty::L1, nn::Penalty::L2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Penalty {
    /// `λ · Σ |w|`.
    L1,
    /// `λ · Σ w²` (no 1/2).
    L2,
}

/// Which parameters a penalty covers.
///
/// ```
/// let s = nn::ParamSelect::Names(vec!["layers.0.weight".into()]);
/// assert_ne!(s, nn::ParamSelect::All);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ParamSelect {
    /// Every parameter, biases and normalization scales included.
    All,
    /// Only weight matrices ([`ParamKind::Weight`]): the usual choice.
    #[default]
    Weights,
    /// The parameters with these full names.
    Names(Vec<String>),
}

impl ParamSelect {
    /// Whether `param` is covered.
    ///
    /// ```
    /// use nn::{Param, ParamKind, ParamSelect};
    /// let b = Param::new("bias", ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// assert!(!ParamSelect::Weights.matches(&b));
    /// assert!(ParamSelect::All.matches(&b));
    /// ```
    pub fn matches<T: Float>(&self, param: &Param<T>) -> bool {
        match self {
            ParamSelect::All => true,
            ParamSelect::Weights => param.kind() == ParamKind::Weight,
            ParamSelect::Names(names) => names.iter().any(|n| n == param.name()),
        }
    }
}

/// A penalty `λ · Σ ρ(w)` over selected parameters, added to the loss on the
/// tape so that its gradient flows with the data term's.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Linear, Mode, Module, Regularizer};
/// let mut layer = Linear::from_arrays(ndarray::array![[1.0, -2.0]], Some(ndarray::array![5.0])).unwrap();
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[0.0, 0.0]]);
/// let _ = layer.forward(&mut tape, x, Mode::Train);
/// let l2 = Regularizer::l2(0.5).unwrap().term(&mut tape, &layer);
/// assert_eq!(tape.scalar(l2), 0.5 * (1.0 + 4.0)); // the bias is not covered by default
/// let grads = tape.backward(l2).unwrap();
/// assert_eq!(layer.weight_param().grad(&grads).unwrap(), &ndarray::array![[1.0, -2.0]].into_dyn()); // 2λw
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Regularizer {
    penalty: Penalty,
    lambda: f64,
    select: ParamSelect,
}

impl Regularizer {
    /// A penalty of strength `lambda` on the weight matrices.
    ///
    /// **Errors**: [`NnError::InvalidHyperparameter`](crate::NnError::InvalidHyperparameter)
    /// unless `lambda` is finite and `>= 0`.
    ///
    /// ```
    /// assert!(nn::Regularizer::new(nn::Penalty::L1, 1e-4).is_ok());
    /// assert!(nn::Regularizer::new(nn::Penalty::L1, -1.0).is_err());
    /// ```
    pub fn new(penalty: Penalty, lambda: f64) -> Result<Self> {
        check_hyper(
            "lambda",
            lambda,
            lambda >= 0.0 && lambda.is_finite(),
            "finite and >= 0",
        )?;
        Ok(Regularizer {
            penalty,
            lambda,
            select: ParamSelect::Weights,
        })
    }

    /// `λ · Σ w²` on the weight matrices.
    ///
    /// **Errors**: as [`new`](Regularizer::new).
    ///
    /// ```
    /// assert_eq!(nn::Regularizer::l2(0.1).unwrap().penalty(), nn::Penalty::L2);
    /// ```
    pub fn l2(lambda: f64) -> Result<Self> {
        Self::new(Penalty::L2, lambda)
    }

    /// `λ · Σ |w|` on the weight matrices.
    ///
    /// **Errors**: as [`new`](Regularizer::new).
    ///
    /// ```
    /// assert_eq!(nn::Regularizer::l1(0.1).unwrap().lambda(), 0.1);
    /// ```
    pub fn l1(lambda: f64) -> Result<Self> {
        Self::new(Penalty::L1, lambda)
    }

    /// Covers `select` instead of the weight matrices.
    ///
    /// ```
    /// let r = nn::Regularizer::l2(0.1).unwrap().select(nn::ParamSelect::All);
    /// assert_eq!(r.selection(), &nn::ParamSelect::All);
    /// ```
    pub fn select(mut self, select: ParamSelect) -> Self {
        self.select = select;
        self
    }

    /// The penalty kind.
    ///
    /// ```
    /// assert_eq!(nn::Regularizer::l1(0.1).unwrap().penalty(), nn::Penalty::L1);
    /// ```
    pub fn penalty(&self) -> Penalty {
        self.penalty
    }

    /// The strength λ.
    ///
    /// ```
    /// assert_eq!(nn::Regularizer::l2(0.3).unwrap().lambda(), 0.3);
    /// ```
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// The covered parameters.
    ///
    /// ```
    /// assert_eq!(nn::Regularizer::l2(0.3).unwrap().selection(), &nn::ParamSelect::Weights);
    /// ```
    pub fn selection(&self) -> &ParamSelect {
        &self.select
    }

    /// Records the penalty on `tape` from the parameters' `Var`s of the last
    /// forward pass on this tape, and returns it as a 0-d value to add to the
    /// loss (a constant 0 when no parameter is selected).
    ///
    /// **Panics** if a selected parameter was not recorded (call `forward`
    /// on this tape first).
    ///
    /// ```
    /// use autodiff::Tape;
    /// use nn::{Mlp, Mode, Module, Regularizer};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = Mlp::<f64>::from_spec("3-4-2", &mut rng).unwrap();
    /// let mut tape = Tape::new();
    /// let x = tape.constant(ndarray::array![[1.0, 0.0, -1.0]]);
    /// let logits = mlp.forward(&mut tape, x, Mode::Train);
    /// let data = tape.cross_entropy(logits, &[1]);
    /// let reg = Regularizer::l1(1e-3).unwrap().term(&mut tape, &mlp);
    /// let loss = tape.add(data, reg);
    /// assert!(tape.scalar(loss) > tape.scalar(data));
    /// ```
    pub fn term<T: Float, M: Module<T> + ?Sized>(&self, tape: &mut Tape<T>, model: &M) -> Var {
        let mut total: Option<Var> = None;
        for p in model.params() {
            if !self.select.matches(p) {
                continue;
            }
            let w = p.var().unwrap_or_else(|| {
                panic!(
                    "Regularizer: parameter {} has not been recorded; run forward first",
                    p.name()
                )
            });
            let r = match self.penalty {
                Penalty::L1 => tape.abs(w),
                Penalty::L2 => tape.mul(w, w),
            };
            let s = tape.sum(r);
            total = Some(match total {
                Some(t) => tape.add(t, s),
                None => s,
            });
        }
        match total {
            Some(t) => tape.mul_scalar(t, T::of(self.lambda)),
            None => tape.constant(ndarray::arr0(T::zero())),
        }
    }

    /// The penalty's value for the current parameter values, without a tape
    /// (for reports).
    ///
    /// ```
    /// let layer = nn::Linear::from_arrays(ndarray::array![[3.0, -4.0]], None).unwrap();
    /// assert_eq!(nn::Regularizer::l1(0.5).unwrap().value(&layer), 3.5);
    /// ```
    pub fn value<T: Float, M: Module<T> + ?Sized>(&self, model: &M) -> f64 {
        let sum: f64 = model
            .params()
            .into_iter()
            .filter(|p| self.select.matches(p))
            .flat_map(|p| p.value().iter())
            .map(|w| match self.penalty {
                Penalty::L1 => w.as_f64().abs(),
                Penalty::L2 => w.as_f64() * w.as_f64(),
            })
            .sum();
        self.lambda * sum
    }
}
