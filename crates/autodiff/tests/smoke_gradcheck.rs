//! Every op once through finite differences in f64 (the thorough per-op,
//! f32 and property tests live in the other files of this folder).

use autodiff::{Float, Objective, Tape, Var, check_gradients};
use ndarray::{ArrayD, array};

struct Each(fn(&mut Tape<f64>, &[Var]) -> Var);

/// Runs an f64-only closure as an objective (finite differences are in f64).
impl Objective for Each {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, inputs: &[Var]) -> Var {
        let tape = (tape as &mut dyn std::any::Any)
            .downcast_mut::<Tape<f64>>()
            .expect("smoke test runs in f64");
        (self.0)(tape, inputs)
    }
}

fn check(name: &str, f: fn(&mut Tape<f64>, &[Var]) -> Var, inputs: &[ArrayD<f64>]) {
    let report = check_gradients(&Each(f), inputs);
    assert!(report.worst_abs() < 1e-6, "{name}: {report:?}");
}

#[test]
fn every_op_agrees_with_finite_differences() {
    let a = array![[0.3, -1.2, 0.7], [1.5, 0.2, -0.4]].into_dyn();
    let b = array![0.9, -0.5, 1.1].into_dyn();
    let pos = array![[0.3, 1.2, 0.7], [1.5, 0.2, 2.4]].into_dyn();
    let sq = array![[0.3, -1.2], [0.7, 0.5], [1.0, 2.0]].into_dyn();
    let w = |t: &mut Tape<f64>, v: Var| {
        let c = t.constant(
            ndarray::Array::linspace(0.5, 1.7, t.value(v).len())
                .into_shape_with_order(t.value(v).shape())
                .unwrap(),
        );
        let m = t.mul(v, c);
        t.sum(m)
    };
    check(
        "add",
        |t, x| {
            let y = t.add(x[0], x[1]);
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[a.clone(), b.clone()],
    );
    check(
        "sub",
        |t, x| {
            let y = t.sub(x[0], x[1]);
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[a.clone(), b.clone()],
    );
    check(
        "mul",
        |t, x| {
            let y = t.mul(x[0], x[1]);
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[a.clone(), b.clone()],
    );
    check(
        "div",
        |t, x| {
            let y = t.div(x[0], x[1]);
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[a.clone(), b.clone()],
    );
    let _ = w;
    let unary: &[(&str, fn(&mut Tape<f64>, &[Var]) -> Var)] = &[
        ("neg", |t, x| {
            let y = t.neg(x[0]);
            let m = t.mul(y, x[0]);
            t.sum(m)
        }),
        ("add_scalar", |t, x| {
            let y = t.add_scalar(x[0], 0.5);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("mul_scalar", |t, x| {
            let y = t.mul_scalar(x[0], -1.5);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("scalar_pow", |t, x| {
            let y = t.scalar_pow(1.7, x[0]);
            t.sum(y)
        }),
        ("powi", |t, x| {
            let y = t.powi(x[0], 3);
            t.sum(y)
        }),
        ("powf", |t, x| {
            let y = t.powf(x[0], 1.5);
            t.sum(y)
        }),
        ("exp", |t, x| {
            let y = t.exp(x[0]);
            t.sum(y)
        }),
        ("ln", |t, x| {
            let y = t.ln(x[0]);
            t.sum(y)
        }),
        ("sqrt", |t, x| {
            let y = t.sqrt(x[0]);
            t.sum(y)
        }),
        ("abs", |t, x| {
            let y = t.abs(x[0]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("sin", |t, x| {
            let y = t.sin(x[0]);
            t.sum(y)
        }),
        ("cos", |t, x| {
            let y = t.cos(x[0]);
            t.sum(y)
        }),
        ("relu", |t, x| {
            let y = t.relu(x[0]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("leaky_relu", |t, x| {
            let y = t.leaky_relu(x[0], 0.01);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("sigmoid", |t, x| {
            let y = t.sigmoid(x[0]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("tanh", |t, x| {
            let y = t.tanh(x[0]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("softplus", |t, x| {
            let y = t.softplus(x[0]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("transpose", |t, x| {
            let y = t.transpose(x[0]);
            let c = t.constant(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
            let m = t.mul(y, c);
            t.sum(m)
        }),
        ("reshape", |t, x| {
            let y = t.reshape(x[0], &[3, 2]);
            let c = t.constant(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
            let m = t.mul(y, c);
            t.sum(m)
        }),
        ("sum_axis", |t, x| {
            let y = t.sum_axis(x[0], 1, false);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("sum_axis_keep", |t, x| {
            let y = t.sum_axis(x[0], 0, true);
            let m = t.mul(y, y);
            t.sum(m)
        }),
        ("mean_axis", |t, x| {
            let y = t.mean_axis(x[0], 0, false);
            let m = t.mul(y, y);
            t.mean(m)
        }),
        ("softmax", |t, x| {
            let y = t.softmax(x[0]);
            let c = t.constant(array![[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]);
            let m = t.mul(y, c);
            t.sum(m)
        }),
        ("softmax_axis0", |t, x| {
            let y = t.softmax_axis(x[0], 0);
            let c = t.constant(array![[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]);
            let m = t.mul(y, c);
            t.sum(m)
        }),
        ("log_softmax", |t, x| {
            let y = t.log_softmax(x[0]);
            let c = t.constant(array![[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]);
            let m = t.mul(y, c);
            t.sum(m)
        }),
        ("cross_entropy", |t, x| t.cross_entropy(x[0], &[2, 0])),
        ("mse", |t, x| {
            let c = t.constant(array![[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]);
            t.mse(x[0], c)
        }),
        ("mask", |t, x| {
            let y = t.mask(x[0], array![[0.0, 2.0, 2.0], [2.0, 0.0, 2.0]]);
            let m = t.mul(y, y);
            t.sum(m)
        }),
    ];
    for (name, f) in unary {
        let input = if ["ln", "sqrt", "powf"].contains(name) {
            pos.clone()
        } else {
            a.clone()
        };
        check(name, *f, &[input]);
    }
    check(
        "matmul",
        |t, x| {
            let y = t.matmul(x[0], x[1]);
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[a.clone(), sq.clone()],
    );
    check(
        "linear",
        |t, x| {
            let y = t.linear(x[0], x[1], Some(x[2]));
            let m = t.mul(y, y);
            t.sum(m)
        },
        &[
            sq.clone(),
            array![[0.3, -1.2], [0.7, 0.5], [1.0, 2.0], [-0.6, 0.1]].into_dyn(),
            array![0.1, -0.2, 0.3, 0.0].into_dyn(),
        ],
    );
}
