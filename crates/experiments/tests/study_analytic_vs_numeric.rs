//! The analytic-versus-numeric study in Tiny mode: the normal equations,
//! gradient descent and SGD agree on linear regression; logistic regression
//! is solved by iterating, Newton in far fewer iterations than GD.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::analytic_vs_numeric::verdict;
use experiments::studies::analytic_vs_numeric::{
    Config, LinearMethod, LogisticMethod, max_abs_difference, report, run,
};
use experiments::study::Size;

#[test]
fn same_answer_different_costs() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();

    // Well-conditioned least squares: GD agrees with the normal equations to 1e-6.
    assert!(outcome.difference(LinearMethod::GradientDescent) < 1e-6);
    // SGD gets close: within 1e-2, and within 3 standard errors of the weights.
    let sgd = outcome.difference(LinearMethod::Sgd);
    assert!(
        sgd < 1e-2 && sgd < 3.0 * outcome.standard_error,
        "SGD off by {sgd}"
    );

    // Costs: one pass for the normal equations; GD and SGD iterate.
    let ne = outcome.solution(LinearMethod::NormalEquations).unwrap();
    let gd = outcome.solution(LinearMethod::GradientDescent).unwrap();
    assert_eq!(ne.iterations, 1);
    assert!(gd.iterations > 5 && gd.flops > 0.0 && ne.flops > 0.0);
    // The normal equations' cost grows faster with p than gradient descent's.
    let first = outcome.scaling.first().unwrap();
    let last = outcome.scaling.last().unwrap();
    let ratio = |p: &experiments::studies::analytic_vs_numeric::ScalingPoint| {
        p.gradient_descent.1 / p.normal_equations.1
    };
    assert!(ratio(last) < ratio(first), "{:?}", outcome.scaling);
    assert!(outcome.scaling.iter().all(|p| p.difference < 1e-6));

    // Logistic regression: both iterate to the same weights; Newton in a
    // handful of iterations, GD in many more.
    let lgd = outcome.fit(LogisticMethod::GradientDescent).unwrap();
    let newton = outcome.fit(LogisticMethod::Newton).unwrap();
    assert!(newton.iterations <= 10, "{}", newton.iterations);
    assert!(lgd.iterations > 5 * newton.iterations);
    assert!(max_abs_difference(&lgd.w, &newton.w) < 1e-6);
}

#[test]
fn report_has_every_figure() {
    let dir = study_support::out_dir();
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    let report = report(&outcome, dir.path()).unwrap();
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
}

#[test]
fn the_verdict_follows_the_measurements() {
    let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    assert_eq!(verdict::frame(&outcome).verdict(), Verdict::Shown);

    // Had SGD stopped far from the closed form, the claim would be partly shown ...
    let mut partly = outcome.clone();
    let sgd = partly
        .solutions
        .iter_mut()
        .find(|s| s.method == LinearMethod::Sgd)
        .unwrap();
    sgd.w.iter_mut().for_each(|w| *w += 1.0);
    assert_eq!(verdict::frame(&partly).verdict(), Verdict::PartlyShown);

    // ... and had no iterative method matched and gradient descent been as
    // quick as Newton, not at all.
    let mut not_shown = partly;
    for s in &mut not_shown.solutions {
        if s.method == LinearMethod::GradientDescent {
            s.w.iter_mut().for_each(|w| *w += 1.0);
        }
    }
    for fit in &mut not_shown.logistic {
        if fit.method == LogisticMethod::GradientDescent {
            fit.iterations = 3;
            fit.w.iter_mut().for_each(|w| *w += 1.0);
        }
    }
    assert_eq!(
        verdict::frame(&not_shown).verdict(),
        Verdict::NotShownAtThisSize
    );
}
