//! Property test: random compositions of ops on random shapes agree with
//! finite differences, on f64 and f32 tapes.
//!
//! A case is a chain of steps applied to an input `x` of shape `rows × cols`,
//! using a second input `y` that broadcasts against it (same shape, row,
//! column, `[1, cols]` or 0-d) and a square matrix `w`, then a scalar head.
//! Steps that need a positive argument (`ln`, `sqrt`, `powf`, a negative
//! `powi`, a denominator) get `v² + 1/2`. Cases whose values leave `[-100, 100]` (where a finite
//! difference says little) or that put an argument of `relu`, `leaky_relu`
//! or `abs` within `1e-3` of the kink (where it is not differentiable) are
//! rejected rather than checked.
//!
//! # Tolerance
//!
//! Elementwise, `|analytic - numeric| <= rtol·max(|analytic|, |numeric|,
//! floor)`, where `floor = floor₀·max(1, G)·max(1, M)` with `G` the largest
//! gradient anywhere in the graph and `M` the largest value. Rounding errors
//! of the backward pass are proportional to `G` (also where they cancel down
//! to a small input gradient), and those of the forward values (e.g. `cos` of
//! an argument near 100, known to `u·100`) to `M`.
//!
//! - `f64`: `rtol = 1e-4`, `floor₀ = 1e-3`. Looser than the per-op tests
//!   (`1e-6`): random compositions include steep oscillations such as
//!   `cos(v^2.2)`, whose third derivatives leave the finite difference itself
//!   off by up to `1e-5` relative even at the best of the steps tried. In
//!   three runs of 40,000 cases the worst was `7.8e-6`.
//! - `f32`: `rtol = 1e-3`, `floor₀ = 1e-2`, so an absolute error up to
//!   `1e-5·G·M` (`u₃₂·G·M` with u₃₂ = 6e-8 is the intrinsic error); in the
//!   same runs the worst was `6.6e-5`.
//!
//! A wrong backward formula gives an O(1) relative error and fails either.

mod common;

use autodiff::{Float, GradCheck, Objective, Tape, Var};
use common::weighted_sum;
use ndarray::{ArrayD, IxDyn};
use proptest::collection::vec;
use proptest::prelude::*;

/// The tolerance of one precision (see the module docs).
#[derive(Debug, Clone, Copy)]
struct Tolerance {
    rtol: f64,
    floor: f64,
}

const F64: Tolerance = Tolerance {
    rtol: 1e-4,
    floor: 1e-3,
};

const F32: Tolerance = Tolerance {
    rtol: 1e-3,
    floor: 1e-2,
};

#[derive(Debug, Clone, Copy)]
enum Unary {
    Neg,
    AddScalar(f64),
    MulScalar(f64),
    ScalarPow(f64),
    Powi(i32),
    Powf(f64),
    Exp,
    Ln,
    Sqrt,
    Abs,
    Sin,
    Cos,
    Relu,
    LeakyRelu(f64),
    Sigmoid,
    Tanh,
    Softplus,
    Softmax(usize),
    LogSoftmax(usize),
}

#[derive(Debug, Clone, Copy)]
enum Binary {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Unary(Unary),
    /// `cur ∘ y` (`swapped`: `y ∘ cur`), `y` broadcast.
    Binary(Binary, bool),
    /// `cur·cur + cur`: the current value fanned out.
    SelfFanOut,
    /// `cur + x`: the input used again.
    AddInput,
    /// `cur·w`.
    MatMul,
    /// `linear(cur, w, None) = cur·wᵀ`.
    Linear,
    /// `(w·curᵀ)ᵀ`, through two transposes.
    TransposedProduct,
    /// `cur + sum_axis(cur, axis, keepdim = true)`, broadcast back.
    SumBack(usize),
    /// `cur - mean_axis(cur, axis)` with `keepdim = false` along the last
    /// axis (a row vector broadcast back) or `true` along the first.
    Center(usize),
    /// Reshape to `cols × rows`, add the column sums there, reshape back.
    ReshapeMix,
}

#[derive(Debug, Clone, Copy)]
enum Head {
    WeightedSum,
    Mean,
    CrossEntropy,
    Mse,
    SumOfRowSquares,
}

#[derive(Debug, Clone)]
struct Case {
    rows: usize,
    cols: usize,
    y_shape: Vec<usize>,
    steps: Vec<Step>,
    head: Head,
    x: Vec<f64>,
    y: Vec<f64>,
    w: Vec<f64>,
    labels: Vec<usize>,
}

impl Case {
    fn inputs(&self) -> Vec<ArrayD<f64>> {
        let arr = |shape: &[usize], v: &[f64]| {
            ArrayD::from_shape_vec(IxDyn(shape), v.to_vec()).expect("generated to fit")
        };
        vec![
            arr(&[self.rows, self.cols], &self.x),
            arr(&self.y_shape, &self.y),
            arr(&[self.cols, self.cols], &self.w),
        ]
    }
}

/// What the interpreter saw: the largest magnitude of any value, and the
/// closest approach of a kink argument to its kink.
#[derive(Debug)]
struct Seen {
    max_abs: f64,
    kink_distance: f64,
    /// The value after each step.
    steps: Vec<Var>,
}

impl Seen {
    fn new() -> Self {
        Seen {
            max_abs: 0.0,
            kink_distance: f64::INFINITY,
            steps: Vec::new(),
        }
    }

    fn value<T: Float>(&mut self, t: &Tape<T>, v: Var) {
        self.steps.push(v);
        for &e in t.value(v) {
            let e = e.as_f64();
            self.max_abs = if e.is_finite() {
                self.max_abs.max(e.abs())
            } else {
                f64::INFINITY
            };
        }
    }

    fn kink<T: Float>(&mut self, t: &Tape<T>, v: Var) {
        for &e in t.value(v) {
            self.kink_distance = self.kink_distance.min(e.as_f64().abs());
        }
    }
}

/// `v² + 1/2`, a positive argument.
fn positive<T: Float>(t: &mut Tape<T>, v: Var) -> Var {
    let sq = t.mul(v, v);
    t.add_scalar(sq, T::of(0.5))
}

fn unary<T: Float>(t: &mut Tape<T>, op: Unary, v: Var, seen: &mut Seen) -> Var {
    use Unary::*;
    match op {
        Neg => t.neg(v),
        AddScalar(c) => t.add_scalar(v, T::of(c)),
        MulScalar(c) => t.mul_scalar(v, T::of(c)),
        ScalarPow(c) => t.scalar_pow(T::of(c), v),
        // a negative power of something near 0 is steep enough to defeat
        // any finite-difference step, so it gets a positive argument too
        Powi(n) if n < 0 => {
            let a = positive(t, v);
            t.powi(a, n)
        }
        Powi(n) => t.powi(v, n),
        Powf(p) => {
            let a = positive(t, v);
            t.powf(a, T::of(p))
        }
        Exp => t.exp(v),
        Ln => {
            let a = positive(t, v);
            t.ln(a)
        }
        Sqrt => {
            let a = positive(t, v);
            t.sqrt(a)
        }
        Abs => {
            seen.kink(t, v);
            t.abs(v)
        }
        Sin => t.sin(v),
        Cos => t.cos(v),
        Relu => {
            seen.kink(t, v);
            t.relu(v)
        }
        LeakyRelu(s) => {
            seen.kink(t, v);
            t.leaky_relu(v, T::of(s))
        }
        Sigmoid => t.sigmoid(v),
        Tanh => t.tanh(v),
        Softplus => t.softplus(v),
        Softmax(axis) => t.softmax_axis(v, axis),
        LogSoftmax(axis) => t.log_softmax_axis(v, axis),
    }
}

fn binary<T: Float>(t: &mut Tape<T>, op: Binary, a: Var, b: Var) -> Var {
    match op {
        Binary::Add => t.add(a, b),
        Binary::Sub => t.sub(a, b),
        Binary::Mul => t.mul(a, b),
        Binary::Div => {
            let d = positive(t, b);
            t.div(a, d)
        }
    }
}

/// Records `case` on `t` with inputs `p = [x, y, w]`.
fn run<T: Float>(case: &Case, t: &mut Tape<T>, p: &[Var], seen: &mut Seen) -> Var {
    let (x, y, w) = (p[0], p[1], p[2]);
    let (rows, cols) = (case.rows, case.cols);
    let mut cur = x;
    for &step in &case.steps {
        cur = match step {
            Step::Unary(op) => unary(t, op, cur, seen),
            Step::Binary(op, false) => binary(t, op, cur, y),
            Step::Binary(op, true) => binary(t, op, y, cur),
            Step::SelfFanOut => {
                let sq = t.mul(cur, cur);
                t.add(sq, cur)
            }
            Step::AddInput => t.add(cur, x),
            Step::MatMul => t.matmul(cur, w),
            Step::Linear => t.linear(cur, w, None),
            Step::TransposedProduct => {
                let ct = t.transpose(cur);
                let p = t.matmul(w, ct);
                t.transpose(p)
            }
            Step::SumBack(axis) => {
                let s = t.sum_axis(cur, axis, true);
                t.add(cur, s)
            }
            Step::Center(axis) => {
                let m = t.mean_axis(cur, axis, axis == 0);
                let m = if axis == 0 {
                    m
                } else {
                    t.reshape(m, &[rows, 1])
                };
                t.sub(cur, m)
            }
            Step::ReshapeMix => {
                let r = t.reshape(cur, &[cols, rows]);
                let s = t.sum_axis(r, 0, false);
                let mixed = t.add(r, s);
                t.reshape(mixed, &[rows, cols])
            }
        };
        seen.value(t, cur);
    }
    match case.head {
        Head::WeightedSum => weighted_sum(t, cur),
        Head::Mean => t.mean(cur),
        Head::CrossEntropy => t.cross_entropy(cur, &case.labels),
        Head::Mse => t.mse(cur, y),
        Head::SumOfRowSquares => {
            let sq = t.mul(cur, cur);
            let rows = t.sum_axis(sq, 1, false);
            weighted_sum(t, rows)
        }
    }
}

struct Program<'a>(&'a Case);

impl Objective for Program<'_> {
    fn eval<T: Float>(&self, t: &mut Tape<T>, p: &[Var]) -> Var {
        run(self.0, t, p, &mut Seen::new())
    }
}

fn unary_op() -> impl Strategy<Value = Unary> {
    use Unary::*;
    prop_oneof![
        Just(Neg),
        (-2.0..2.0).prop_map(AddScalar),
        (-2.0..2.0).prop_map(MulScalar),
        (0.2..3.0).prop_map(ScalarPow),
        (-2i32..=3).prop_map(Powi),
        (-1.5..2.5).prop_map(Powf),
        Just(Exp),
        Just(Ln),
        Just(Sqrt),
        Just(Abs),
        Just(Sin),
        Just(Cos),
        Just(Relu),
        (0.0..0.5).prop_map(LeakyRelu),
        Just(Sigmoid),
        Just(Tanh),
        Just(Softplus),
        (0usize..2).prop_map(Softmax),
        (0usize..2).prop_map(LogSoftmax),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let binary = prop_oneof![
        Just(Binary::Add),
        Just(Binary::Sub),
        Just(Binary::Mul),
        Just(Binary::Div)
    ];
    prop_oneof![
        4 => unary_op().prop_map(Step::Unary),
        3 => (binary, any::<bool>()).prop_map(|(op, s)| Step::Binary(op, s)),
        1 => Just(Step::SelfFanOut),
        1 => Just(Step::AddInput),
        1 => Just(Step::MatMul),
        1 => Just(Step::Linear),
        1 => Just(Step::TransposedProduct),
        1 => (0usize..2).prop_map(Step::SumBack),
        1 => (0usize..2).prop_map(Step::Center),
        1 => Just(Step::ReshapeMix),
    ]
}

fn head() -> impl Strategy<Value = Head> {
    prop_oneof![
        Just(Head::WeightedSum),
        Just(Head::Mean),
        Just(Head::CrossEntropy),
        Just(Head::Mse),
        Just(Head::SumOfRowSquares),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        1usize..=4,
        1usize..=4,
        0usize..5,
        vec(step(), 1..=5),
        head(),
    )
        .prop_flat_map(|(rows, cols, which_y, steps, head)| {
            let y_shape = match which_y {
                0 => vec![rows, cols],
                1 => vec![cols],
                2 => vec![rows, 1],
                3 => vec![1, cols],
                _ => vec![],
            };
            let ny: usize = y_shape.iter().product();
            (
                Just((rows, cols, y_shape, steps, head)),
                vec(-2.0..2.0, rows * cols),
                vec(-2.0..2.0, ny),
                vec(-1.0..1.0, cols * cols),
                vec(0..cols, rows),
            )
        })
        .prop_map(
            |((rows, cols, y_shape, steps, head), x, y, w, labels)| Case {
                rows,
                cols,
                y_shape,
                steps,
                head,
                x,
                y,
                w,
                labels,
            },
        )
}

/// Finite-difference steps tried in turn: the check passes if the tape agrees
/// with the differences at any of them. Truncation error grows as `h²·|f'''|`
/// and rounding error as `u·|f|/h`, and a random composition can make either
/// large (`sin` of a steep power oscillates quickly; a head of squares of
/// values near 100 is large), while a wrong backward formula disagrees at
/// every step.
const STEPS: [f64; 4] = [1e-5, 1e-6, 1e-7, 1e-4];

/// Checks `case` on a `T` tape; `Err` describes the disagreement.
fn check<T: Float>(case: &Case, inputs: &[ArrayD<f64>], tol: Tolerance) -> Result<(), String> {
    // G and M of the module docs, from an f64 tape
    let mut tape = Tape::<f64>::new();
    let vars: Vec<Var> = inputs.iter().map(|a| tape.leaf(a.clone())).collect();
    let mut seen = Seen::new();
    let loss = run(case, &mut tape, &vars, &mut seen);
    let largest = match tape.backward(loss) {
        Ok(g) => vars
            .iter()
            .chain(&seen.steps)
            .filter_map(|v| g.wrt(*v))
            .flat_map(|g| g.iter().copied())
            .fold(0.0, |m: f64, v| m.max(v.abs())),
        Err(_) => 0.0,
    };
    let floor = tol.floor * largest.max(1.0) * seen.max_abs.max(1.0);
    let cast: Vec<ArrayD<T>> = inputs.iter().map(|a| a.mapv(T::of)).collect();
    let mut reports = Vec::new();
    for step in STEPS {
        let check = GradCheck {
            step,
            rel_floor: floor,
        };
        let report = check.run(&Program(case), &cast);
        if report.worst_rel() <= tol.rtol {
            return Ok(());
        }
        reports.push((step, report));
    }
    Err(format!(
        "{}: {reports:?} (largest gradient {largest}, largest value {})",
        T::NAME,
        seen.max_abs
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_compositions_agree_with_finite_differences(case in case()) {
        let inputs = case.inputs();
        let mut seen = Seen::new();
        let mut tape = Tape::<f64>::new();
        let vars: Vec<Var> = inputs.iter().map(|a| tape.leaf(a.clone())).collect();
        let loss = run(&case, &mut tape, &vars, &mut seen);
        seen.value(&tape, loss);
        prop_assume!(seen.max_abs <= 100.0, "values too large: {}", seen.max_abs);
        prop_assume!(seen.kink_distance > 1e-3, "too close to a kink");
        let f64_result = check::<f64>(&case, &inputs, F64);
        prop_assert!(f64_result.is_ok(), "{}", f64_result.unwrap_err());
        let f32_result = check::<f32>(&case, &inputs, F32);
        prop_assert!(f32_result.is_ok(), "{}", f32_result.unwrap_err());
    }
}
