//! The frame (claim, checks, verdict) and the finding, both computed from
//! the measured outcome.

use super::BASE_BATCH;
use super::runs::{Group, Outcome};
use crate::report::{Frame, Source};
use crate::studies::format::short;
use crate::studies::spread::Spread;

fn kib(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= f64::from(1 << 20) {
        format!("{} MiB", short(b / f64::from(1 << 20)))
    } else {
        format!("{} KiB", short(b / 1024.0))
    }
}

/// `mean (min to max)`, scaled by `k`.
fn range(s: Spread, k: f64) -> String {
    format!(
        "{} ({} to {})",
        short(k * s.mean),
        short(k * s.min),
        short(k * s.max)
    )
}

/// Gap and training accuracy of a group, diverged seeds left out.
fn gap(g: &Group<'_>) -> Spread {
    g.of(|r| {
        if r.diverged_at.is_some() {
            f64::NAN
        } else {
            r.gap()
        }
    })
}

/// The teaching frame with its checks, each decided by the measurements:
/// memory grows with the batch, a larger batch makes an epoch cheaper but
/// an update dearer, small batches make more progress per epoch at a fixed
/// rate, the scaled rate helps the large batches, and small batches
/// generalize better (a smaller train − test gap beyond the seed spread).
pub fn frame(outcome: &Outcome) -> Frame {
    let c = &outcome.config;
    let frame = Frame::new(
        Source::Notes,
        "Batch Size",
        "Larger batch size means larger memory required to train a single batch at one time. \
         Larger batch size means fewer updates per epoch. […] Generalization ∝ 1/b […] \
         [Learning rate] should be scaled according to batch size: LR' = LR × (b/32)",
        format!(
            "MLP 784-{}-10 trained with plain SGD for {} epochs on {} MNIST images at batch \
             sizes {} (the last is the full batch), each at the fixed lr {} and at lr·b/32 \
             capped at {}, from {} seeds; one step's memory measured per batch size.",
            c.hidden,
            c.epochs,
            outcome.train_examples,
            batches(outcome),
            c.lr,
            c.lr_max,
            c.seeds.len()
        ),
        "the measured memory rising with the batch (memory), an epoch getting cheaper while an \
         update gets dearer (time), small batches ahead per epoch but behind per update \
         (loss-epochs, loss-updates), the dashed scaled-lr curves below the solid ones for \
         large batches, and the gap per batch size with its seed band (gap).",
    );
    let fixed = outcome.groups(false);
    let scaled = outcome.groups(true);
    let (Some(small), Some(full)) = (fixed.first(), fixed.last()) else {
        return frame.check("no run was made", false);
    };
    let (m0, m1) = (outcome.memory.first(), outcome.memory.last());
    let grows = outcome
        .memory
        .windows(2)
        .all(|w| w[1].measured_bytes > w[0].measured_bytes);
    let frame = match (m0, m1) {
        (Some(m0), Some(m1)) => frame.check(
            format!(
                "one step's measured memory {} with the batch: {} at b = {}, {} at b = {} ({}×)",
                if grows {
                    "grows"
                } else {
                    "does not grow steadily"
                },
                kib(m0.measured_bytes),
                m0.batch,
                kib(m1.measured_bytes),
                m1.batch,
                short(m1.measured_bytes as f64 / m0.measured_bytes.max(1) as f64)
            ),
            grows,
        ),
        _ => frame.check("no memory was measured", false),
    };
    let (u0, u1) = (
        small.of(|r| r.seconds_per_update()),
        full.of(|r| r.seconds_per_update()),
    );
    let (e0, e1) = (
        small.of(|r| r.seconds_per_epoch),
        full.of(|r| r.seconds_per_epoch),
    );
    let cheaper = u1.mean > u0.mean && e1.mean < e0.mean;
    let frame = frame.check(
        format!(
            "an update takes {} s at b = {} and {} s at the full batch, an epoch {} s ({} \
             updates) and {} s ({} update{})",
            short(u0.mean),
            small.batch,
            short(u1.mean),
            short(e0.mean),
            small.updates_per_epoch(),
            short(e1.mean),
            full.updates_per_epoch(),
            if full.updates_per_epoch() == 1 {
                ""
            } else {
                "s"
            }
        ),
        cheaper,
    );
    let (l0, l1) = (small.final_loss(), full.final_loss());
    let frame = frame.check(
        format!(
            "after the same {} epochs at the fixed lr, the training loss is {} at b = {} and {} \
             at the full batch{}",
            c.epochs,
            range(l0, 1.0),
            small.batch,
            range(l1, 1.0),
            if l0.below(&l1) {
                ": every small-batch seed ends lower"
            } else {
                ""
            }
        ),
        l0.below(&l1),
    );
    let large: Vec<(&Group<'_>, &Group<'_>)> = fixed
        .iter()
        .zip(&scaled)
        .filter(|(f, _)| f.batch > BASE_BATCH)
        .collect();
    let helped = large
        .iter()
        .filter(|(f, s)| s.diverged() == 0 && s.final_loss().mean < f.final_loss().mean)
        .count();
    let frame = frame.check(
        format!(
            "the scaled rate lowers the final loss at {helped} of the {} batches above \
             {BASE_BATCH} ({})",
            large.len(),
            large
                .iter()
                .map(|(f, s)| format!(
                    "b = {}: {} → {}",
                    f.batch,
                    short(f.final_loss().mean),
                    if s.diverged() > 0 {
                        "diverged".to_string()
                    } else {
                        short(s.final_loss().mean)
                    }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        !large.is_empty() && helped == large.len(),
    );
    let (g0, g1) = (gap(small), gap(full));
    frame.check(
        format!(
            "the generalization gap (training − test accuracy) at the fixed lr is {} pp at b = \
             {} and {} pp at the full batch: {}",
            range(g0, 100.0),
            small.batch,
            range(g1, 100.0),
            if g0.below(&g1) {
                "smaller for the small batch on every seed"
            } else if g1.below(&g0) {
                "larger for the small batch on every seed"
            } else {
                "the seeds' ranges overlap"
            }
        ),
        g0.below(&g1),
    )
}

fn batches(outcome: &Outcome) -> String {
    let b: Vec<String> = outcome
        .groups(false)
        .iter()
        .map(|g| g.batch.to_string())
        .collect();
    b.join(", ")
}

/// The finding: divergence, the generalization result stated honestly, and
/// the tables of every batch size and of the memory.
pub fn finding(outcome: &Outcome) -> String {
    let c = &outcome.config;
    let fixed = outcome.groups(false);
    let (Some(small), Some(full)) = (fixed.first(), fixed.last()) else {
        return "No runs.".to_string();
    };
    let mut s = Vec::new();
    let diverged: Vec<String> = outcome
        .groups(false)
        .iter()
        .chain(&outcome.groups(true))
        .filter(|g| g.diverged() > 0)
        .map(|g| {
            format!(
                "b = {} at lr {} ({} of {} seeds)",
                g.batch,
                short(g.lr()),
                g.diverged(),
                g.runs.len()
            )
        })
        .collect();
    s.push(if diverged.is_empty() {
        format!(
            "**No run diverged** (a non-finite step loss, or one above {}× the reference, would \
             count).",
            c.divergence_factor
        )
    } else {
        format!("**Diverged**: {}.", diverged.join(", "))
    });
    let (g0, g1) = (gap(small), gap(full));
    let (t0, t1) = (
        small.of(|r| r.train_accuracy),
        full.of(|r| r.train_accuracy),
    );
    s.push(format!(
        "**Generalization**: at the fixed lr the gap between training and test accuracy is {} \
         pp at b = {} and {} pp at the full batch, so {}.",
        range(g0, 100.0),
        small.batch,
        range(g1, 100.0),
        if g0.below(&g1) {
            "here the small batch generalizes better, as the notes say"
        } else if g1.below(&g0) {
            "here the small batch does not generalize better: its gap is larger on every seed"
        } else {
            "the seeds cannot tell the two apart"
        }
    ));
    if t1.mean < t0.mean - 0.05 {
        s.push(format!(
            "The comparison is confounded: with {} update(s) per epoch the full batch reaches \
             only {:.1}% training accuracy against {:.1}% at b = {}, so its small gap mostly \
             shows that it has not fit the training set yet.",
            full.updates_per_epoch(),
            100.0 * t1.mean,
            100.0 * t0.mean,
            small.batch
        ));
    }
    let rows: Vec<String> = fixed
        .iter()
        .chain(&outcome.groups(true))
        .map(|g| {
            format!(
                "| {} | {} | {}{} | {} | {} | {} | {} | {:.1}% | {:.1}% | {} |",
                g.batch,
                if g.scaled { "scaled" } else { "fixed" },
                short(g.lr()),
                if g.capped() { " (capped)" } else { "" },
                g.updates_per_epoch(),
                range(g.final_loss(), 1.0),
                short(g.of(|r| r.seconds_per_epoch).mean),
                short(g.of(|r| r.seconds_per_update()).mean),
                100.0 * g.of(|r| r.train_accuracy).mean,
                100.0 * g.of(|r| r.test_accuracy).mean,
                range(gap(g), 100.0),
            )
        })
        .collect();
    let memory: Vec<String> = outcome
        .memory
        .iter()
        .map(|m| {
            format!(
                "| {} | {} | {} |",
                m.batch,
                kib(m.measured_bytes),
                kib(m.estimate_bytes)
            )
        })
        .collect();
    format!(
        "{}\n\nMeans over {} seeds (range: min to max).\n\n\
         | batch | lr rule | lr | updates/epoch | final training loss | s/epoch | s/update | \
         training accuracy | test accuracy | gap (pp) |\n\
         |---|---|---|---|---|---|---|---|---|---|\n{}\n\n\
         Memory of one training step: measured from the tape's and the gradients' buffers, \
         against the estimate 8·b·(784 + 2·{} + 10) bytes.\n\n\
         | batch | measured | estimate |\n|---|---|---|\n{}\n",
        s.join(" "),
        c.seeds.len(),
        rows.join("\n"),
        c.hidden,
        memory.join("\n"),
    )
}
