//! Steady-state training allocates nothing per step: the tape's buffer pool,
//! the reused gradient arrays and the optimizer's in-place updates make an
//! epoch's allocation count independent of its number of steps. (Its own test
//! binary: the counting allocator sees every thread of the process.)

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use experiments::train::{OptimizerChoice, TrainConfig, Trainer};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Held by each test: the counter is process-wide, so tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Allocations during the third epoch of W1's model and optimizer (784-10-10,
/// SGD, batch 128) on `examples` training images.
fn third_epoch_allocations(examples: usize, optimizer: OptimizerChoice) -> usize {
    let config = TrainConfig {
        model: "784-10-10".into(),
        optimizer,
        lr: 0.01,
        batch: 128,
        subset: Some(examples),
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    trainer.train_epoch().unwrap();
    trainer.train_epoch().unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let epoch = trainer.train_epoch().unwrap();
    let used = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(epoch.steps as usize, examples / 128);
    used
}

#[test]
fn an_epoch_allocates_the_same_whatever_its_length() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    common::mnist(); // load the data before counting
    for optimizer in [OptimizerChoice::Sgd, OptimizerChoice::Adam] {
        let short = third_epoch_allocations(128 * 10, optimizer);
        let long = third_epoch_allocations(128 * 60, optimizer);
        // 50 more steps; a few reallocations of per-epoch logs (which grow by
        // doubling) are allowed, one allocation per step is not
        assert!(
            long <= short + 4,
            "{optimizer:?}: {short} allocations in a 10-step epoch, {long} in a 60-step one"
        );
    }
}

#[test]
fn a_full_batch_step_allocates_nothing_once_warm() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    common::mnist();
    let config = TrainConfig {
        model: "784-10-10".into(),
        lr: 0.5,
        batch: 60_000,
        subset: Some(5000),
        eval_chunk: 1024, // five chunks, the last one short
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&config, common::mnist()).unwrap();
    trainer.full_batch_step().unwrap();
    trainer.full_batch_step().unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..3 {
        trainer.full_batch_step().unwrap();
    }
    let used = ALLOCATIONS.load(Ordering::Relaxed) - before;
    // the per-step loss log may grow once
    assert!(used <= 1, "{used} allocations in three full-batch steps");
}
