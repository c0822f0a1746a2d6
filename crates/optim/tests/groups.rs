//! Parameter groups, schedules per group, state keyed by name, and the
//! step's error paths.

mod common;

use common::Model;
use ndarray::{Array2, array, s};
use optim::{
    AdamWConfig, CosineAnnealingLr, OptimError, Optimizer, ParamGroup, ParamMut, PlateauConfig,
    SgdConfig, StepLr,
};

#[test]
fn groups_get_their_own_lr_and_weight_decay() {
    let mut opt = SgdConfig::default()
        .lr(0.1)
        .weight_decay(0.5)
        .group(ParamGroup::matching(|n| n.ends_with(".bias")).weight_decay(0.0))
        .group(ParamGroup::names(["head.weight"]).lr(1.0))
        .build::<f64>()
        .unwrap();
    let (mut w, mut b, mut h) = (array![1.0], array![1.0], array![1.0]);
    let g = array![1.0];
    opt.step(&mut [
        ParamMut::new("body.weight", w.view_mut(), g.view()),
        ParamMut::new("body.bias", b.view_mut(), g.view()),
        ParamMut::new("head.weight", h.view_mut(), g.view()),
    ])
    .unwrap();
    // θ ← θ − lr·(g + wd·θ)
    assert_eq!(w[0], 1.0 + -0.1 * (1.0 + 0.5 * 1.0));
    assert_eq!(b[0], 1.0 + -0.1 * 1.0);
    assert_eq!(h[0], 1.0 - (1.0 + 0.5 * 1.0));
    assert_eq!(opt.group_of("body.bias"), 1);
    assert_eq!(opt.group_of("head.weight"), 2);
    assert_eq!(opt.group_of("anything.else"), 0);
}

#[test]
fn the_first_matching_group_wins() {
    let opt = SgdConfig::default()
        .group(ParamGroup::matching(|n| n.contains("norm")).weight_decay(0.0))
        .group(ParamGroup::matching(|n| n.ends_with("bias")).lr(0.5))
        .build::<f32>()
        .unwrap();
    assert_eq!(opt.group_of("norm.bias"), 1);
    assert_eq!(opt.group_of("fc.bias"), 2);
}

#[test]
fn schedules_scale_each_group_from_its_own_initial_lr() {
    let mut opt = AdamWConfig::default()
        .lr(1e-3)
        .group(ParamGroup::names(["head"]).lr(1e-2))
        .build::<f32>()
        .unwrap();
    let cosine = CosineAnnealingLr::new(10, 0.0).unwrap();
    opt.apply_schedule(&cosine, 5).unwrap();
    let half = (1.0 + (std::f64::consts::PI * 5.0 / 10.0).cos()) / 2.0;
    assert_eq!(opt.groups()[0].lr, 1e-3 * half);
    assert_eq!(opt.groups()[1].lr, 1e-2 * half);
    assert_eq!(opt.groups()[1].initial_lr, 1e-2);
    // Applying a schedule is a pure function of the step: going back works.
    opt.apply_schedule(&cosine, 0).unwrap();
    assert_eq!(opt.lr(), 1e-3);
    // A closure is a schedule; a negative rate is refused and changes nothing.
    let err = opt.apply_schedule(&|base: f64, _| -base, 1).unwrap_err();
    assert!(matches!(
        err,
        OptimError::InvalidHyperparameter { name: "lr", .. }
    ));
    assert_eq!(opt.groups()[1].lr, 1e-2);
}

#[test]
fn setting_learning_rates() {
    let mut opt = SgdConfig::default()
        .group(ParamGroup::names(["b"]).lr(0.5))
        .build::<f64>()
        .unwrap();
    opt.set_lr(0.2).unwrap();
    assert!(opt.groups().iter().all(|g| g.lr == 0.2));
    opt.set_group_lr(1, 0.3).unwrap();
    assert_eq!(opt.groups()[1].lr, 0.3);
    assert_eq!(
        opt.set_group_lr(2, 0.1),
        Err(OptimError::NoSuchGroup {
            group: 2,
            groups: 2
        })
    );
    assert!(opt.set_lr(f64::NAN).is_err());
    assert!(opt.set_group_lr(0, -0.1).is_err());
    assert_eq!(opt.lr(), 0.2);
}

#[test]
fn plateau_reduces_every_group() {
    let mut opt = SgdConfig::default()
        .lr(1.0)
        .group(ParamGroup::names(["b"]).lr(0.1))
        .build::<f64>()
        .unwrap();
    let mut plateau = PlateauConfig::default()
        .patience(0)
        .factor(0.5)
        .min_lrs(vec![0.0, 0.08])
        .build()
        .unwrap();
    assert!(!opt.step_plateau(&mut plateau, 1.0).unwrap());
    assert!(opt.step_plateau(&mut plateau, 1.0).unwrap());
    assert_eq!((opt.groups()[0].lr, opt.groups()[1].lr), (0.5, 0.08));
    let mut wrong = PlateauConfig::default()
        .min_lrs(vec![0.0, 0.0, 0.0])
        .build()
        .unwrap();
    assert!(matches!(
        opt.step_plateau(&mut wrong, 1.0),
        Err(OptimError::LengthMismatch { .. })
    ));
}

#[test]
fn state_follows_names_not_positions() {
    let build = || {
        SgdConfig::default()
            .lr(0.1)
            .momentum(optim::Momentum::heavy(0.9))
            .build::<f64>()
            .unwrap()
    };
    let (mut forward, mut backward) = (build(), build());
    let (mut a1, mut b1) = (array![1.0, 2.0], array![3.0]);
    let (mut a2, mut b2) = (a1.clone(), b1.clone());
    for step in 0..4 {
        let (ga, gb) = (&a1 * 0.5, &b1 * 2.0);
        forward
            .step(&mut [
                ParamMut::new("a", a1.view_mut(), ga.view()),
                ParamMut::new("b", b1.view_mut(), gb.view()),
            ])
            .unwrap();
        let (ga, gb) = (&a2 * 0.5, &b2 * 2.0);
        let mut pa = ParamMut::new("a", a2.view_mut(), ga.view());
        let mut pb = ParamMut::new("b", b2.view_mut(), gb.view());
        if step % 2 == 0 {
            std::mem::swap(&mut pa, &mut pb);
        }
        backward.step(&mut [pa, pb]).unwrap();
    }
    assert_eq!((a1, b1), (a2, b2));
}

#[test]
fn parameters_left_out_keep_their_state() {
    let mut opt = AdamWConfig::default().build::<f64>().unwrap();
    let mut model = Model::<f64>::new(&[1.0, -1.0, 0.5]);
    model.step(&mut opt, 1.0).unwrap();
    let g = array![1.0, 1.0, 1.0];
    opt.step(&mut [ParamMut::new("layers.0.bias", model.b.view_mut(), g.view())])
        .unwrap();
    assert_eq!(opt.step_count("layers.0.weight"), Some(1));
    assert_eq!(opt.step_count("layers.0.bias"), Some(2));
}

#[test]
fn step_errors_name_the_parameter_and_move_nothing() {
    let mut opt = SgdConfig::default().lr(1.0).build::<f32>().unwrap();
    let (mut a, mut b) = (array![1.0_f32], array![2.0_f32]);
    let g = array![1.0_f32];
    let err = opt
        .step(&mut [
            ParamMut::new("a", a.view_mut(), g.view()),
            ParamMut::without_grad("b", b.view_mut()),
        ])
        .unwrap_err();
    assert_eq!(err, OptimError::MissingGradient { param: "b".into() });
    assert_eq!(err.to_string(), "parameter `b` got no gradient");
    let err = opt
        .step(&mut [
            ParamMut::new("a", a.view_mut(), g.view()),
            ParamMut::new("a", b.view_mut(), g.view()),
        ])
        .unwrap_err();
    assert_eq!(err, OptimError::DuplicateParam { param: "a".into() });
    let wrong = array![[1.0_f32]];
    let err = opt
        .step(&mut [ParamMut::new("a", a.view_mut(), wrong.view())])
        .unwrap_err();
    assert_eq!(
        err,
        OptimError::GradShapeMismatch {
            param: "a".into(),
            value: vec![1],
            grad: vec![1, 1]
        }
    );
    assert_eq!((a[0], b[0]), (1.0, 2.0));
    // A good step after the errors works as usual.
    opt.step(&mut [ParamMut::new("a", a.view_mut(), g.view())])
        .unwrap();
    assert_eq!(a[0], 0.0);
}

#[test]
fn strided_views_are_updated_like_contiguous_arrays() {
    let mut strided_opt = AdamWConfig::default().lr(0.1).build::<f64>().unwrap();
    let mut dense_opt = AdamWConfig::default().lr(0.1).build::<f64>().unwrap();
    let mut big = Array2::from_shape_fn((4, 6), |(i, j)| (i * 6 + j) as f64 * 0.1 - 1.0);
    let mut dense = big.slice(s![..;2, 1..;2]).to_owned();
    for _ in 0..3 {
        let grad = dense.mapv(|v| v * v - 0.5);
        let grad_t = grad.t().to_owned();
        dense_opt
            .step(&mut [ParamMut::new("p", dense.view_mut(), grad.view())])
            .unwrap();
        strided_opt
            .step(&mut [ParamMut::new(
                "p",
                big.slice_mut(s![..;2, 1..;2]),
                grad_t.t(),
            )])
            .unwrap();
    }
    assert_eq!(big.slice(s![..;2, 1..;2]), dense);
    // Elements outside the view are untouched.
    assert_eq!(big[[1, 0]], 6.0 * 0.1 - 1.0);
}

#[test]
fn the_step_schedule_from_the_readme() {
    // StepLr on an optimizer: lr halves every 2 steps from each group's start.
    let mut opt = SgdConfig::default().lr(0.8).build::<f32>().unwrap();
    let schedule = StepLr::new(2, 0.5).unwrap();
    let lrs: Vec<f64> = (0..6)
        .map(|step| {
            opt.apply_schedule(&schedule, step).unwrap();
            opt.lr()
        })
        .collect();
    assert_eq!(lrs, [0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
}

#[test]
fn maximize_is_per_group_and_negates_before_weight_decay() {
    // Group 1 climbs: g' = −g + λθ = −1 + 0.5·2 = 0, so θ stays; group 0
    // descends: g' = g + λθ = 2, θ = 2 − 0.5·2.
    let mut opt = SgdConfig::default()
        .lr(0.5)
        .weight_decay(0.5)
        .group(ParamGroup::names(["up"]).maximize(true))
        .build::<f64>()
        .unwrap();
    assert!(!opt.groups()[0].maximize && opt.groups()[1].maximize);
    let (mut down, mut up) = (array![2.0], array![2.0]);
    let g = array![1.0];
    opt.step(&mut [
        ParamMut::new("down", down.view_mut(), g.view()),
        ParamMut::new("up", up.view_mut(), g.view()),
    ])
    .unwrap();
    assert_eq!((down[0], up[0]), (1.0, 2.0));
}
