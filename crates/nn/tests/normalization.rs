//! BatchNorm, LayerNorm and GroupNorm against hand computations.

use autodiff::Tape;
use ndarray::{Array1, Array2, ArrayD, Axis, array};
use nn::{BatchNorm1d, GroupNorm, LayerNorm, Mode, Module};

const EPS: f64 = 1e-5;

fn batches() -> Vec<Array2<f64>> {
    vec![
        array![
            [1.0, -2.0, 0.5],
            [3.0, 0.0, 1.5],
            [2.0, 4.0, -1.0],
            [0.0, 1.0, 2.0]
        ],
        array![[5.0, 1.0, 0.0], [-1.0, 2.0, 0.5], [2.5, -3.0, 1.0]],
        array![
            [0.2, 0.4, 0.6],
            [1.0, -1.0, 3.0],
            [-2.0, 0.0, 1.0],
            [4.0, 2.0, -2.0],
            [1.0, 1.0, 1.0]
        ],
    ]
}

fn forward(bn: &mut BatchNorm1d<f64>, x: &Array2<f64>, mode: Mode) -> ArrayD<f64> {
    let mut tape = Tape::new();
    let xv = tape.constant_copy(x);
    let y = bn.forward(&mut tape, xv, mode);
    tape.value(y).clone()
}

/// Column means and variances with divisor n (biased) or n - 1 (unbiased),
/// written out as loops.
fn column_stats(x: &Array2<f64>, unbiased: bool) -> (Vec<f64>, Vec<f64>) {
    let n = x.nrows() as f64;
    let mut means = Vec::new();
    let mut vars = Vec::new();
    for col in x.columns() {
        let m = col.iter().sum::<f64>() / n;
        let ss = col.iter().map(|v| (v - m) * (v - m)).sum::<f64>();
        means.push(m);
        vars.push(if unbiased { ss / (n - 1.0) } else { ss / n });
    }
    (means, vars)
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

#[test]
fn running_statistics_after_several_batches_match_a_hand_computation() {
    let mut bn = BatchNorm1d::<f64>::new(3);
    let mut running_mean = [0.0; 3];
    let mut running_var = [1.0; 3];
    for x in batches() {
        forward(&mut bn, &x, Mode::Train);
        let (m, _) = column_stats(&x, false);
        let (_, v) = column_stats(&x, true);
        for j in 0..3 {
            running_mean[j] = 0.9 * running_mean[j] + 0.1 * m[j];
            running_var[j] = 0.9 * running_var[j] + 0.1 * v[j];
        }
    }
    for j in 0..3 {
        assert_close(bn.running_mean()[[j]], running_mean[j], "running_mean");
        assert_close(bn.running_var()[[j]], running_var[j], "running_var");
    }
    assert_eq!(bn.num_batches_tracked(), 3);
}

#[test]
fn train_output_uses_batch_statistics_with_biased_variance() {
    let mut bn = BatchNorm1d::<f64>::new(3);
    let (gamma, beta) = (array![2.0, 0.5, -1.0], array![0.1, -0.2, 0.3]);
    bn.param_mut("weight").unwrap().value_mut().assign(&gamma);
    bn.param_mut("bias").unwrap().value_mut().assign(&beta);
    let x = &batches()[0];
    let y = forward(&mut bn, x, Mode::Train);
    let (m, v) = column_stats(x, false);
    for ((i, j), &got) in y
        .clone()
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap()
        .indexed_iter()
    {
        let want = (x[[i, j]] - m[j]) / (v[j] + EPS).sqrt() * gamma[j] + beta[j];
        assert_close(got, want, "train output");
    }
}

#[test]
fn eval_output_uses_the_running_statistics() {
    let mut bn = BatchNorm1d::<f64>::new(3);
    for x in batches() {
        forward(&mut bn, &x, Mode::Train);
    }
    let gamma = array![1.5, -0.5, 2.0];
    bn.param_mut("weight").unwrap().value_mut().assign(&gamma);
    let (rm, rv) = (bn.running_mean().clone(), bn.running_var().clone());
    let x = array![[0.3, -0.4, 2.0], [1.0, 1.0, 1.0]];
    let y = forward(&mut bn, &x, Mode::Eval);
    for i in 0..2 {
        for j in 0..3 {
            let want = (x[[i, j]] - rm[[j]]) / (rv[[j]] + EPS).sqrt() * gamma[j];
            assert_close(y[[i, j]], want, "eval output");
        }
    }
    // eval leaves the state alone, and works on a single sample
    assert_eq!(bn.running_mean(), &rm);
    assert_eq!(bn.num_batches_tracked(), 3);
    let one = forward(&mut bn, &array![[0.3, -0.4, 2.0]], Mode::Eval);
    assert_eq!(one.index_axis(Axis(0), 0), y.index_axis(Axis(0), 0));
}

#[test]
fn batch_norm_backward_matches_the_closed_form() {
    // dx = γ/(N·σ) · (N·g - Σg - x̂·Σ(g·x̂)), the textbook BatchNorm backward.
    let mut bn = BatchNorm1d::<f64>::new(3);
    let x = batches()[2].clone();
    let g = array![
        [0.3, -1.0, 0.2],
        [1.0, 0.5, -0.4],
        [0.0, 2.0, 1.0],
        [-0.7, 0.1, 0.9],
        [0.4, -0.3, 0.0]
    ];
    let gamma = array![1.5, -0.5, 2.0];
    bn.param_mut("weight").unwrap().value_mut().assign(&gamma);
    let mut tape = Tape::new();
    let xv = tape.leaf(x.clone());
    let y = bn.forward(&mut tape, xv, Mode::Train);
    let gv = tape.constant(g.clone());
    let prod = tape.mul(y, gv);
    let loss = tape.sum(prod);
    let grads = tape.backward(loss).unwrap();
    let dx = grads.wrt(xv).unwrap();
    let (m, v) = column_stats(&x, false);
    let n = x.nrows() as f64;
    for j in 0..3 {
        let sigma = (v[j] + EPS).sqrt();
        let xhat: Array1<f64> = x.column(j).mapv(|t| (t - m[j]) / sigma);
        let sum_g = g.column(j).sum();
        let sum_gx = (&g.column(j) * &xhat).sum();
        for i in 0..x.nrows() {
            let want = gamma[j] / (n * sigma) * (n * g[[i, j]] - sum_g - xhat[i] * sum_gx);
            assert_close(dx[[i, j]], want, "dx");
        }
        // dγ = Σ g·x̂, dβ = Σ g
        let dgamma = bn.param("weight").unwrap().grad(&grads).unwrap()[[j]];
        let dbeta = bn.param("bias").unwrap().grad(&grads).unwrap()[[j]];
        assert_close(dgamma, sum_gx, "dgamma");
        assert_close(dbeta, sum_g, "dbeta");
    }
}

#[test]
#[should_panic(expected = "BatchNorm1d(3): training needs more than 1 value per feature")]
fn batch_norm_refuses_a_single_sample_in_training() {
    let mut bn = BatchNorm1d::<f64>::new(3);
    forward(&mut bn, &array![[1.0, 2.0, 3.0]], Mode::Train);
}

#[test]
fn f32_batch_norm_tracks_the_same_statistics() {
    let mut bn = BatchNorm1d::<f32>::new(3);
    for x in batches() {
        let mut tape = Tape::new();
        let xv = tape.constant(x.mapv(|v| v as f32));
        bn.forward(&mut tape, xv, Mode::Train);
    }
    let mut exact = BatchNorm1d::<f64>::new(3);
    for x in batches() {
        forward(&mut exact, &x, Mode::Train);
    }
    for j in 0..3 {
        assert!((f64::from(bn.running_var()[[j]]) - exact.running_var()[[j]]).abs() < 1e-5);
    }
}

#[test]
fn layer_norm_normalizes_each_sample_and_ignores_the_mode() {
    let mut ln = LayerNorm::<f64>::new(3);
    let (gamma, beta) = (array![2.0, 1.0, 0.5], array![0.0, 1.0, -1.0]);
    ln.param_mut("weight").unwrap().value_mut().assign(&gamma);
    ln.param_mut("bias").unwrap().value_mut().assign(&beta);
    let x = batches()[1].clone();
    let mut tape = Tape::new();
    let xv = tape.constant_copy(&x);
    let train = ln.forward(&mut tape, xv, Mode::Train);
    let eval = ln.forward(&mut tape, xv, Mode::Eval);
    assert_eq!(tape.value(train), tape.value(eval));
    let (m, v) = column_stats(&x.t().to_owned(), false); // per row
    for i in 0..x.nrows() {
        for j in 0..3 {
            let want = (x[[i, j]] - m[i]) / (v[i] + EPS).sqrt() * gamma[j] + beta[j];
            assert_close(tape.value(train)[[i, j]], want, "layer norm");
        }
    }
}

#[test]
fn group_norm_normalizes_each_group_of_channels() {
    let mut gn = GroupNorm::<f64>::new(2, 4).unwrap();
    let gamma = array![1.0, 2.0, 3.0, 4.0];
    gn.param_mut("weight").unwrap().value_mut().assign(&gamma);
    let x = array![[1.0, 2.0, 10.0, 40.0], [0.0, -3.0, 5.0, 5.5]];
    let mut tape = Tape::new();
    let xv = tape.constant_copy(&x);
    let y = gn.forward(&mut tape, xv, Mode::Train);
    let y_eval = gn.forward(&mut tape, xv, Mode::Eval);
    assert_eq!(tape.value(y), tape.value(y_eval));
    for i in 0..2 {
        for g in 0..2 {
            let group = [x[[i, 2 * g]], x[[i, 2 * g + 1]]];
            let m = (group[0] + group[1]) / 2.0;
            let v = ((group[0] - m).powi(2) + (group[1] - m).powi(2)) / 2.0;
            for k in 0..2 {
                let c = 2 * g + k;
                let want = (x[[i, c]] - m) / (v + EPS).sqrt() * gamma[c];
                assert_close(tape.value(y)[[i, c]], want, "group norm");
            }
        }
    }
}

#[test]
fn group_norm_with_one_group_equals_layer_norm_and_with_c_groups_is_per_channel() {
    let x = batches()[2].clone();
    let run = |m: &mut dyn Module<f64>| {
        let mut tape = Tape::new();
        let xv = tape.constant_copy(&x);
        let y = m.forward(&mut tape, xv, Mode::Train);
        tape.value(y).clone()
    };
    let one = run(&mut GroupNorm::new(1, 3).unwrap());
    let ln = run(&mut LayerNorm::new(3));
    for (a, b) in one.iter().zip(ln.iter()) {
        assert_close(*a, *b, "G = 1 vs LayerNorm");
    }
    // G = C on (N, C, L): each channel of each sample normalized over L
    let x3 = ndarray::Array3::from_shape_fn((2, 3, 4), |(n, c, l)| (n * 7 + c * 3 + l * l) as f64);
    let mut tape = Tape::new();
    let xv = tape.constant_copy(&x3);
    let y = GroupNorm::<f64>::new(3, 3)
        .unwrap()
        .forward(&mut tape, xv, Mode::Train);
    for n in 0..2 {
        for c in 0..3 {
            let lane = x3.slice(ndarray::s![n, c, ..]);
            let m = lane.mean().unwrap();
            let v = lane.mapv(|t| (t - m).powi(2)).mean().unwrap();
            for l in 0..4 {
                let want = (x3[[n, c, l]] - m) / (v + EPS).sqrt();
                assert_close(tape.value(y)[[n, c, l]], want, "G = C");
            }
        }
    }
}

#[test]
fn invalid_normalization_settings_are_typed_errors() {
    assert!(matches!(
        GroupNorm::<f64>::new(4, 6),
        Err(nn::NnError::GroupsDoNotDivide {
            num_groups: 4,
            num_channels: 6
        })
    ));
    assert!(matches!(
        GroupNorm::<f64>::new(0, 6),
        Err(nn::NnError::GroupsDoNotDivide { .. })
    ));
    assert!(BatchNorm1d::<f64>::with_options(3, 1e-5, -0.1).is_err());
    assert!(LayerNorm::<f64>::with_eps(3, f64::NAN).is_err());
}
