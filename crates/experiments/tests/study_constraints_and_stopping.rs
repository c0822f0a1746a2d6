//! The constraints-and-stopping study: projection keeps every iterate in the
//! box, barrier solutions approach the bound as the barrier steepens, and
//! every stopping criterion fires with its own reason.

mod study_support;

use std::time::Duration;

use experiments::report::Verdict;
use experiments::studies::constraints_and_stopping::verdict;
use experiments::studies::constraints_and_stopping::{
    self, Config, ConstraintConfig, Enforcement, Firing, Quadratic, Rule, Step, StoppingConfig,
    combined, enforce, replay,
};
use experiments::study::Size;
use optim::StopReason;

#[test]
fn projection_keeps_every_iterate_exactly_inside_the_box() {
    let config = ConstraintConfig::default();
    let run = enforce(&Quadratic::lecture(), &config, Enforcement::Projection).unwrap();
    assert!(run.path.len() > 1);
    for b in &run.path {
        for &v in b {
            assert!(
                (config.lower..=config.upper).contains(&v),
                "iterate {b:?} left the box"
            );
        }
    }
    // the constrained minimizer of the lecture's quadratic is the corner (1, 1)
    assert_eq!(run.last(), [1.0, 1.0]);
    assert_eq!(run.violation(config.lower, config.upper), 0.0);
}

#[test]
fn barrier_solutions_approach_the_bound_as_the_barrier_steepens() {
    let config = ConstraintConfig::default();
    let f = Quadratic::lecture();
    let corner = [config.upper, config.upper];
    let distance = |b: [f64; 2]| (b[0] - corner[0]).hypot(b[1] - corner[1]);
    let mut previous = f64::INFINITY;
    for &m in &config.steepnesses {
        let run = enforce(&f, &config, Enforcement::Exponential { steepness: m }).unwrap();
        assert!(run.iterations.is_some(), "m = {m} did not converge");
        let d = distance(run.last());
        assert!(
            d < previous,
            "m = {m}: distance {d} is not below {previous}"
        );
        previous = d;
    }
    assert!(
        previous < 0.1,
        "the steepest barrier stopped {previous} from the bound"
    );
    // a shallow barrier is soft: its solution lies outside the box
    let shallow = enforce(&f, &config, Enforcement::Exponential { steepness: 1.0 }).unwrap();
    assert!(shallow.violation(config.lower, config.upper) > 0.1);
    // the log barrier never leaves the box and gets closer as μ shrinks
    let mut previous = f64::INFINITY;
    for &mu in &config.log_weights {
        let run = enforce(&f, &config, Enforcement::Logarithmic { weight: mu }).unwrap();
        assert!(
            run.path
                .iter()
                .all(|b| b.iter().all(|&v| v > config.lower && v < config.upper))
        );
        let d = distance(run.last());
        assert!(d < previous);
        previous = d;
    }
}

fn constructed_config() -> StoppingConfig {
    StoppingConfig {
        cost_threshold: 0.1,
        change_threshold: 1e-2,
        average_threshold: 5e-3,
        window: 10,
        accuracy_target: 0.9,
        max_iterations: 90,
        time_budget: Duration::from_millis(500),
        divergence_factor: 1.0,
    }
}

/// 100 iterations of `L_t = 2·0.95^t`, 10 ms each, accuracy `0.5 + t/200`
/// every 10 iterations, then a NaN at iteration 101.
fn constructed_run() -> Vec<Step> {
    let mut steps: Vec<Step> = (1..=100)
        .map(|t| Step {
            iteration: t,
            loss: 2.0 * 0.95f64.powi(t as i32),
            metric: (t % 10 == 0).then(|| 0.5 + t as f64 / 200.0),
            seconds: 0.01 * t as f64,
        })
        .collect();
    steps.push(Step {
        iteration: 101,
        loss: f64::NAN,
        metric: None,
        seconds: 1.01,
    });
    steps
}

/// The first iteration where `fires(t)` holds, found by brute force.
fn first(steps: &[Step], fires: impl Fn(usize) -> bool) -> u64 {
    steps[(0..steps.len()).find(|&i| fires(i)).unwrap()].iteration
}

#[test]
fn each_stopping_criterion_fires_with_its_own_reason_on_a_constructed_run() {
    let config = constructed_config();
    let steps = constructed_run();
    let loss = |i: usize| steps[i].loss;
    // closed forms: cost at t = 59 (2·0.95^t ≤ 0.1), change at t = 46
    // (0.1·0.95^(t−1) < 0.01), moving average at t = 65, accuracy at t = 80,
    // budget at t = 50 (0.01·t ≥ 0.5), maximum at 90, NaN at 101
    let expected = [
        (Rule::CostThreshold, first(&steps, |i| loss(i) <= 0.1)),
        (
            Rule::LossChange,
            first(&steps, |i| i >= 1 && (loss(i) - loss(i - 1)).abs() < 1e-2),
        ),
        (
            Rule::MovingAverage,
            first(&steps, |i| {
                i >= 10 && ((loss(i) - loss(i - 10)) / 10.0).abs() < 5e-3
            }),
        ),
        (Rule::MetricThreshold, 80),
        (Rule::MaxIterations, 90),
        (
            Rule::TimeBudget,
            first(&steps, |i| steps[i].seconds >= 0.5 - 1e-12),
        ),
        (Rule::Divergence, 101),
    ];
    assert_eq!(
        expected.iter().map(|e| e.1).collect::<Vec<_>>(),
        [59, 46, 65, 80, 90, 50, 101]
    );
    let fired = replay(&steps, &config).unwrap();
    assert_eq!(fired.len(), Rule::ALL.len());
    for ((rule, firing), (expected_rule, iteration)) in fired.iter().zip(expected) {
        assert_eq!(*rule, expected_rule);
        let firing = firing.unwrap_or_else(|| panic!("{} did not fire", rule.label()));
        assert_eq!(firing.step.iteration, iteration, "{}", rule.label());
        let own_reason = match rule {
            Rule::CostThreshold => matches!(firing.reason, StopReason::CostReached { .. }),
            Rule::LossChange | Rule::MovingAverage => {
                matches!(firing.reason, StopReason::Converged { .. })
            }
            Rule::MetricThreshold => matches!(firing.reason, StopReason::MetricReached { .. }),
            Rule::MaxIterations => {
                matches!(firing.reason, StopReason::MaxIterations { iterations: 90 })
            }
            Rule::TimeBudget => matches!(firing.reason, StopReason::TimeBudget { .. }),
            Rule::Divergence => {
                matches!(firing.reason, StopReason::NonFiniteLoss { loss } if loss.is_nan())
            }
        };
        assert!(
            own_reason,
            "{} fired with {:?}",
            rule.label(),
            firing.reason
        );
    }
    // combined, the earliest wins: the loss-change test at 46
    let (step, reason) = combined(&steps, &config).unwrap().unwrap();
    assert_eq!(step.iteration, 46);
    assert!(matches!(reason, StopReason::Converged { .. }));
}

#[test]
fn divergence_fires_on_a_loss_far_above_the_best() {
    let steps: Vec<Step> = [1.0, 0.8, 1.7]
        .iter()
        .enumerate()
        .map(|(i, &loss)| Step {
            iteration: i as u64 + 1,
            loss,
            metric: None,
            seconds: 0.0,
        })
        .collect();
    let fired = replay(&steps, &constructed_config()).unwrap();
    let (_, divergence) = fired.iter().find(|(r, _)| *r == Rule::Divergence).unwrap();
    let divergence = divergence.unwrap();
    assert_eq!(divergence.step.iteration, 3);
    assert_eq!(
        divergence.reason,
        StopReason::Diverged {
            loss: 1.7,
            best: 0.8
        }
    );
}

#[test]
fn the_study_runs_tiny_and_reports_every_figure() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let config = Config::for_size(Size::Tiny);
    let outcome = constraints_and_stopping::run(&config, &ctx.mnist().unwrap().train).unwrap();
    // the recorded run trains, and the iteration budget fires where it should
    let max = outcome.firing(Rule::MaxIterations).unwrap();
    assert_eq!(max.step.iteration, config.stopping.max_iterations);
    let observed = &outcome.normal.observations;
    assert!(observed.last().unwrap().loss < 0.5 * observed[0].loss);
    // the run at a far too large learning rate is stopped by the divergence test
    let diverged = outcome
        .diverging_firings
        .iter()
        .find(|(r, _)| *r == Rule::Divergence)
        .and_then(|(_, f)| *f)
        .expect("the divergence criterion fires on the large learning rate");
    assert!(diverged.step.iteration < 20);

    // The verdict follows the measurements. A tiny run may be too short for
    // the moving-average test to fire, but the rest holds ...
    assert_ne!(
        verdict::frame(&outcome).verdict(),
        Verdict::NotShownAtThisSize
    );
    // ... so had every criterion fired (say on the last step), it is shown, ...
    let mut shown = outcome.clone();
    let last = *shown.normal.observations.last().unwrap();
    for (rule, firing) in &mut shown.firings {
        if firing.is_none() && *rule != Rule::Divergence {
            *firing = Some(Firing {
                rule: *rule,
                step: last,
                reason: StopReason::MaxIterations {
                    iterations: last.iteration,
                },
            });
        }
    }
    let frame = verdict::frame(&shown);
    assert_eq!(frame.verdict(), Verdict::Shown, "{frame:#?}");
    // ... partly shown had the barrier solutions moved away as m grew, ...
    let mut partly = shown;
    for run in &mut partly.constraint_runs {
        if let Enforcement::Exponential { steepness } = run.enforcement {
            run.path.push([1.0 + steepness, 1.0]);
        }
    }
    assert_eq!(verdict::frame(&partly).verdict(), Verdict::PartlyShown);
    // ... and not shown had no criterion fired either.
    let mut not_shown = partly;
    not_shown.firings.iter_mut().for_each(|f| f.1 = None);
    not_shown
        .diverging_firings
        .iter_mut()
        .for_each(|f| f.1 = None);
    not_shown.combined = None;
    assert_eq!(
        verdict::frame(&not_shown).verdict(),
        Verdict::NotShownAtThisSize
    );

    let out = ctx.dir(constraints_and_stopping::NAME);
    let report = constraints_and_stopping::report(&outcome, &out).unwrap();
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &out);
    study_support::assert_registered(&report);
}
