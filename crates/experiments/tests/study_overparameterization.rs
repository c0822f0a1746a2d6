//! §5: wider networks reach lower training loss with less spread across seeds.

mod support_c;

use experiments::studies::overparameterization::{Config, run};
use experiments::study::Size;

#[test]
fn wider_nets_train_lower_and_more_reliably() {
    let config = Config::for_size(Size::Tiny);
    let results = run(&config, &support_c::mnist()).unwrap();
    assert_eq!(results.len(), config.widths.len());
    let (narrow, wide) = (&results[0], results.last().unwrap());
    assert!(
        wide.mean_loss() < narrow.mean_loss(),
        "{} vs {}",
        wide.mean_loss(),
        narrow.mean_loss()
    );
    assert!(
        wide.loss_range() < narrow.loss_range(),
        "spread {} vs {}",
        wide.loss_range(),
        narrow.loss_range()
    );
    assert!(wide.mean_accuracy() > narrow.mean_accuracy());
}

#[test]
fn the_study_writes_its_figures_and_report() {
    let (_dir, report) = support_c::run_tiny("overparameterization");
    assert_eq!(report.figures.len(), 2);
    assert!(report.finding.contains("| width |"));
}
