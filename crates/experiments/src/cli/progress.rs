//! Progress on stderr: an indicatif bar per epoch (only on a terminal) and
//! one summary line per epoch; warnings as they are raised.

use std::io::IsTerminal;

use experiments::train::{EpochRecord, EvalSplit, Observer, Warning};
use indicatif::{ProgressBar, ProgressStyle};

/// Redraw the loss on the bar every this many steps (no per-step formatting).
const MESSAGE_EVERY: usize = 25;

pub struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
    quiet: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
            quiet,
        }
    }
}

impl Observer for Progress {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, steps: usize) {
        if !self.terminal || self.quiet {
            return;
        }
        let bar = ProgressBar::new(steps as u64);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed_precise}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("epoch {epoch}/{epochs}"));
        self.bar = Some(bar);
    }

    fn step_done(&mut self, step: usize, loss: f64) {
        if let Some(bar) = &self.bar {
            bar.set_position(step as u64);
            if step % MESSAGE_EVERY == 1 {
                bar.set_message(format!("loss {loss:.4}"));
            }
        }
    }

    fn training_done(&mut self) {
        if let Some(bar) = &self.bar {
            bar.set_message("evaluating");
        }
    }

    fn epoch_done(&mut self, r: &EpochRecord) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.quiet {
            return;
        }
        let split = match r.eval_split {
            EvalSplit::Train => "train",
            EvalSplit::Validation => "val",
            EvalSplit::Test => "test",
        };
        let eval = r.eval.map_or("not evaluated".to_string(), |e| {
            format!("{split} loss {:.4} acc {:.2}%", e.loss, 100.0 * e.accuracy)
        });
        eprintln!(
            "epoch {:>3}  train loss {} acc {:.2}%  {eval}  lr {:.3e}  |grad| {:.3}  {:.2}s (+{:.2}s eval)",
            r.epoch,
            r.train.loss_text(),
            100.0 * r.train.accuracy,
            r.train.lr,
            r.train.grad_norm,
            r.train.seconds,
            r.eval_seconds
        );
        if let Some(stop) = r.stop.as_ref().filter(|s| s.is_divergence()) {
            eprintln!("diverged: {}", stop.message);
        }
    }

    fn warning(&mut self, w: &Warning) {
        let line = format!(
            "warning (epoch {}, step {}): {}; {}",
            w.epoch, w.step, w.message, w.advice
        );
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
