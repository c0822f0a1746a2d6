//! One optimizer step on 1M f32 parameters (one contiguous tensor), for each
//! optimizer: the figure compared with PyTorch's single-tensor `step()`.
//!
//! Run with `cargo bench -p optim --bench optim_step`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array1;
use optim::{
    AdadeltaConfig, AdagradConfig, AdamConfig, AdamWConfig, AdamaxConfig, Momentum, NAdamConfig,
    Optimizer, ParamMut, RAdamConfig, RmsPropConfig, SgdConfig,
};

const N: usize = 1 << 20;

fn bench_one(c: &mut Criterion, name: &str, mut opt: Box<dyn Optimizer<f32>>) {
    let mut param = Array1::from_shape_fn(N, |i| ((i % 1000) as f32 - 500.0) * 1e-3);
    let grad = Array1::from_shape_fn(N, |i| ((i % 777) as f32 - 388.0) * 1e-4);
    // The first step allocates the state; time the steady state.
    opt.step(&mut [ParamMut::new("w", param.view_mut(), grad.view())])
        .expect("valid step");
    let mut group = c.benchmark_group("optim_step");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            opt.step(&mut [ParamMut::new("w", param.view_mut(), grad.view())])
                .expect("valid step");
        })
    });
    group.finish();
}

fn optimizers(c: &mut Criterion) {
    let all: Vec<(&str, Box<dyn Optimizer<f32>>)> = vec![
        (
            "sgd",
            Box::new(SgdConfig::default().lr(0.01).build().unwrap()),
        ),
        (
            "sgd_momentum",
            Box::new(
                SgdConfig::default()
                    .lr(0.01)
                    .momentum(Momentum::heavy(0.9))
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "sgd_nesterov",
            Box::new(
                SgdConfig::default()
                    .lr(0.01)
                    .momentum(Momentum::Nesterov { momentum: 0.9 })
                    .build()
                    .unwrap(),
            ),
        ),
        (
            "adagrad",
            Box::new(AdagradConfig::default().build().unwrap()),
        ),
        (
            "rmsprop",
            Box::new(RmsPropConfig::default().build().unwrap()),
        ),
        ("adam", Box::new(AdamConfig::default().build().unwrap())),
        (
            "adam_amsgrad",
            Box::new(AdamConfig::default().amsgrad(true).build().unwrap()),
        ),
        ("adamw", Box::new(AdamWConfig::default().build().unwrap())),
        (
            "adadelta",
            Box::new(AdadeltaConfig::default().build().unwrap()),
        ),
        ("adamax", Box::new(AdamaxConfig::default().build().unwrap())),
        ("nadam", Box::new(NAdamConfig::default().build().unwrap())),
        ("radam", Box::new(RAdamConfig::default().build().unwrap())),
    ];
    for (name, opt) in all {
        bench_one(c, name, opt);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = optimizers
}
criterion_main!(benches);
