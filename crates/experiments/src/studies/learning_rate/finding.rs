//! The finding: the setting, one table row per swept rate, the range test
//! and the schedules.

use super::Config;
use super::checks::{GOOD_FACTOR, Regime};
use super::runs::Outcome;
use crate::studies::format::short;

/// The finding in Markdown, every statement computed from `out`.
pub(super) fn finding(config: &Config, out: &Outcome) -> String {
    let regimes = out.regimes();
    let mut table = String::from(
        "| lr | grid | final training loss | measured regime | diverged at step | feature roughness |\n\
         |---|---|---|---|---|---|\n",
    );
    for (r, g) in out.sweep.iter().zip(&regimes) {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            short(r.lr),
            if r.fine { "finer" } else { "coarse" },
            if r.diverged() {
                "\u{2014}".to_string()
            } else {
                format!("{:.4}", r.final_loss)
            },
            g.words(),
            r.diverged_at.map_or("\u{2014}".into(), |k| k.to_string()),
            if r.roughness.is_finite() {
                format!("{:.2}", r.roughness)
            } else {
                "\u{2014}".into()
            },
        ));
    }
    let best = out.best();
    let (glo, ghi) = out.good_region();
    let count = |g: Regime| regimes.iter().filter(|&&x| x == g).count();
    let s = out.finding.suggested_lr;
    let sched: Vec<String> = out
        .schedules
        .iter()
        .map(|s| {
            format!(
                "| {} | {:.4} | {:.2}% |",
                s.name,
                s.final_loss,
                100.0 * s.test_accuracy
            )
        })
        .collect();
    format!(
        "Plain SGD on {} ({} images, batch {}, {} epochs), the same initialization and \
         minibatches at every rate. The best rate is **lr {}** (final training loss {:.4}); \
         good rates (within {}\u{d7}) span {} to {}; {} rates were too low, {} high and {} \
         diverged.\n\n{table}\n\
         The range test ({} steps from 1e-4) has its smoothed minimum at lr {} and suggests \
         lr {}, {} the good region.\n\n\
         Schedules from lr {}:\n\n| schedule | final training loss | test accuracy |\n\
         |---|---|---|\n{}\n",
        config.model,
        config.train,
        config.batch,
        config.epochs,
        short(best.lr),
        best.final_loss,
        GOOD_FACTOR,
        short(glo),
        short(ghi),
        count(Regime::TooLow),
        count(Regime::High),
        count(Regime::Diverged),
        out.finding.points.len(),
        short(out.finding.min_loss_lr),
        short(s),
        if (glo..=ghi).contains(&s) {
            "inside"
        } else {
            "outside"
        },
        config.schedule_lr,
        sched.join("\n"),
    )
}
