//! The random-search study in Tiny mode: random search is competitive with
//! one weight, and its cost to the target grows with the dimension while
//! gradient descent's barely moves.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::random_search::{self, Config, Method, checks};
use experiments::study::Size;

#[test]
fn random_search_pays_for_dimension_and_gradient_descent_does_not() {
    let config = Config::for_size(Size::Tiny);
    let outcome = random_search::run(&config).unwrap();

    // one weight: every method gets close to the minimum within the budget
    let ow = &outcome.one_weight;
    for run in &ow.runs {
        let gap = run.best() - ow.min_loss;
        assert!(gap < 1e-4, "{} left a gap of {gap}", run.method.label());
    }

    let (first, last) = (outcome.dims.first().unwrap(), outcome.dims.last().unwrap());
    assert!(last.dim > first.dim);
    let gd = last.gd_cost.expect("gradient descent reaches the target");
    let rs = last.rs_median().unwrap_or(f64::INFINITY);
    assert!(
        rs > 5.0 * gd,
        "at d = {} random search needed {rs} evaluations, gradient descent {gd}",
        last.dim
    );
    let rs_first = first
        .rs_median()
        .expect("random search reaches the target at d = 2");
    assert!(
        rs > 4.0 * rs_first,
        "random search's cost went from {rs_first} (d = {}) to {rs} (d = {})",
        first.dim,
        last.dim
    );
    // gradient descent's cost barely changes: within a small factor
    let gd_first = first.gd_cost.unwrap();
    assert!(
        gd <= 10.0 * gd_first,
        "GD's cost went from {gd_first} to {gd}"
    );

    assert_eq!(
        checks(&outcome).verdict(),
        Verdict::Shown,
        "{:?}",
        checks(&outcome)
    );
    verdict_follows_the_measurements(outcome.clone());

    let dir = study_support::out_dir();
    let report = random_search::report(&outcome, dir.path()).unwrap();
    study_support::assert_report_complete(&report, dir.path());
    study_support::assert_registered(&report);
}

/// The checks on modified outcomes: random search as cheap as gradient
/// descent in every dimension, then also far behind with one weight.
fn verdict_follows_the_measurements(mut outcome: random_search::Outcome) {
    for d in &mut outcome.dims {
        let gd = d.gd_cost;
        d.rs_costs.iter_mut().for_each(|c| *c = gd);
    }
    assert_eq!(checks(&outcome).verdict(), Verdict::PartlyShown);
    let min = outcome.one_weight.min_loss;
    for run in &mut outcome.one_weight.runs {
        if !matches!(run.method, Method::GradientDescent { .. }) {
            run.trace.iter_mut().for_each(|p| p.best = min + 1.0);
        }
    }
    assert_eq!(checks(&outcome).verdict(), Verdict::NotShownAtThisSize);
}
