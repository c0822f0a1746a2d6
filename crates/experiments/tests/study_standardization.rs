//! The standardization study in Tiny mode on real MNIST: standardized inputs
//! reach the target loss in fewer iterations than raw pixels, which need a
//! far smaller learning rate not to diverge.

mod study_support;

use experiments::report::Verdict;
use experiments::studies::standardization::{self, Config, InputScaling, verdict};
use experiments::study::Size;

#[test]
fn standardized_inputs_train_faster_and_tolerate_larger_rates_than_raw_pixels() {
    let dir = study_support::out_dir();
    let ctx = study_support::tiny_context(dir.path());
    let config = Config::for_size(Size::Tiny);
    let outcome = standardization::run(&config, &ctx.mnist().unwrap().train).unwrap();
    let target = outcome.target_loss;
    let raw = outcome.get(InputScaling::Raw).unwrap();
    let z = outcome.get(InputScaling::PerPixelZScore).unwrap();

    let z_iterations = z
        .best_run()
        .iterations_to(target)
        .expect("standardized inputs reach the target");
    let raw_iterations = raw.best_run().iterations_to(target).unwrap_or(usize::MAX);
    assert!(
        z_iterations < raw_iterations,
        "standardized: {z_iterations} iterations, raw: {raw_iterations}"
    );
    assert!(
        raw.largest_stable_lr() < 1e-3 * z.largest_stable_lr(),
        "raw pixels were stable up to lr {}, standardized up to {}",
        raw.largest_stable_lr(),
        z.largest_stable_lr()
    );
    // the standardized inputs' rate makes raw pixels diverge
    let raw_diverges_below = raw
        .smallest_diverging_lr()
        .expect("raw pixels diverge somewhere");
    assert!(raw_diverges_below < z.largest_stable_lr());
    assert!(raw.lambda_max > 1e3 * z.lambda_max);

    // The verdict follows the measurements: shown here, ...
    assert_eq!(verdict::frame(&outcome).verdict(), Verdict::Shown);
    // ... partly shown had [0, 1] inputs been as fast as standardized ones,
    // ... and not shown had raw pixels been as fast and as stable too.
    let mut partly = outcome.clone();
    let mut not_shown = outcome.clone();
    let z_best = z.best_run().clone();
    let z_runs = z.runs.clone();
    for s in &mut partly.scalings {
        if s.scaling == InputScaling::Unit {
            s.runs[s.best] = z_best.clone();
        }
    }
    assert_eq!(verdict::frame(&partly).verdict(), Verdict::PartlyShown);
    for s in &mut not_shown.scalings {
        if matches!(s.scaling, InputScaling::Unit | InputScaling::Raw) {
            s.runs = z_runs.clone();
            s.best = z.best;
        }
    }
    assert_eq!(
        verdict::frame(&not_shown).verdict(),
        Verdict::NotShownAtThisSize
    );

    let report = standardization::report(&outcome, &ctx.dir("standardization")).unwrap();
    assert!(report.frame.is_some());
    study_support::assert_report_complete(&report, &ctx.dir("standardization"));
    study_support::assert_registered(&report);
}
