//! Stopping criteria combined with OR on simulated training runs.

use std::time::Duration;

use optim::{
    AnyOf, Convergence, CostBelow, Criterion, Divergence, Goal, ManualClock, MaxIterations,
    MetricThreshold, Observation, StopReason, TimeBudget,
};

/// Feeds `losses` (with metrics) until a criterion fires; returns the
/// iteration and the reason.
fn run(
    stop: &mut dyn Criterion,
    losses: &[(f64, Option<f64>)],
    clock: Option<&ManualClock>,
) -> Option<(u64, StopReason)> {
    for (i, &(loss, metric)) in losses.iter().enumerate() {
        if let Some(clock) = clock {
            clock.advance(Duration::from_secs(10));
        }
        let mut obs = Observation::new(i as u64 + 1, loss);
        obs.metric = metric;
        if let Some(reason) = stop.check(&obs) {
            return Some((obs.iteration, reason));
        }
    }
    None
}

fn decaying(n: usize) -> Vec<(f64, Option<f64>)> {
    (0..n).map(|i| (0.9_f64.powi(i as i32), None)).collect()
}

#[test]
fn the_first_criterion_to_fire_reports_why() {
    let clock = ManualClock::new();
    let mut stop = AnyOf::new()
        .or(CostBelow::new(0.5))
        .or(MaxIterations::new(100))
        .or(TimeBudget::new(Duration::from_secs(60), clock.clone()));
    // 0.9^7 = 0.478 at iteration 8, before the 60 s budget (6 iterations)? No:
    // the clock runs out first, at iteration 6.
    let (iteration, reason) = run(&mut stop, &decaying(50), Some(&clock)).unwrap();
    assert_eq!(iteration, 6);
    assert_eq!(
        reason,
        StopReason::TimeBudget {
            elapsed: Duration::from_secs(60),
            budget: Duration::from_secs(60)
        }
    );
    let mut stop = CostBelow::new(0.5).or(MaxIterations::new(100));
    let (iteration, reason) = run(&mut stop, &decaying(50), None).unwrap();
    assert_eq!(iteration, 8);
    assert!(matches!(reason, StopReason::CostReached { .. }));
}

#[test]
fn convergence_over_a_moving_average_ignores_noise() {
    // A plateau at 1.0 with ±0.05 alternating noise: consecutive changes are
    // 0.1, but the 2-epoch moving average does not move at all.
    let noisy: Vec<(f64, Option<f64>)> = (0..20)
        .map(|i| (1.0 + if i % 2 == 0 { 0.05 } else { -0.05 }, None))
        .collect();
    let mut single = Convergence::new(0.01, 1)
        .unwrap()
        .or(MaxIterations::new(20));
    assert!(matches!(
        run(&mut single, &noisy, None),
        Some((20, StopReason::MaxIterations { .. }))
    ));
    let mut averaged = Convergence::new(0.01, 2).unwrap();
    let (iteration, reason) = run(&mut averaged, &noisy, None).unwrap();
    assert_eq!(iteration, 3);
    assert!(matches!(reason, StopReason::Converged { change, .. } if change < 0.01));
}

#[test]
fn metric_targets_in_both_directions() {
    let run_metric = |goal, threshold, metrics: &[f64]| {
        let losses: Vec<_> = metrics.iter().map(|&m| (1.0, Some(m))).collect();
        run(&mut MetricThreshold::new(threshold, goal), &losses, None).map(|(i, _)| i)
    };
    assert_eq!(
        run_metric(Goal::AtLeast, 0.9, &[0.5, 0.8, 0.91, 0.95]),
        Some(3)
    );
    assert_eq!(run_metric(Goal::AtMost, 0.1, &[0.5, 0.2, 0.1]), Some(3));
    assert_eq!(run_metric(Goal::AtLeast, 0.99, &[0.5, 0.8]), None);
}

#[test]
fn divergence_catches_nan_and_blow_ups() {
    let mut stop = Divergence::new(2.0).unwrap();
    let blow_up = [(1.0, None), (0.5, None), (1.2, None), (1.6, None)];
    // 1.2 − 0.5 = 0.7 ≤ 2·0.5, 1.6 − 0.5 = 1.1 > 1.0
    assert_eq!(
        run(&mut stop, &blow_up, None),
        Some((
            4,
            StopReason::Diverged {
                loss: 1.6,
                best: 0.5
            }
        ))
    );
    let mut stop = Divergence::new(2.0).unwrap().or(MaxIterations::new(10));
    let nan = [(1.0, None), (f64::INFINITY, None)];
    assert!(matches!(
        run(&mut stop, &nan, None),
        Some((2, StopReason::NonFiniteLoss { .. }))
    ));
}

#[test]
fn reasons_read_well() {
    let reason = StopReason::Converged {
        change: 1e-9,
        threshold: 1e-6,
    };
    assert_eq!(
        reason.to_string(),
        "loss changed by 0.000000001 < 0.000001: converged"
    );
}
