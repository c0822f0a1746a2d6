//! Gzip bombs and forged headers cost no memory beyond the bytes really
//! there. This test binary counts every allocation (its own global
//! allocator), so its tests run one at a time under a lock.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use data::{DataError, Dataset, Split, load_split, read_idx};
use flate2::write::GzEncoder;

/// The system allocator, counting live bytes, their peak and the largest
/// single request (even one that fails).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::SeqCst);
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::SeqCst);
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `f`; returns its result, the peak growth of live bytes and the
/// largest single allocation request made meanwhile.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    LARGEST.store(0, Ordering::SeqCst);
    let out = f();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(base);
    (out, peak, LARGEST.load(Ordering::SeqCst))
}

/// An IDX header of unsigned bytes with these sizes, then `zeros` zero bytes, gzipped.
fn bomb(dims: &[u32], zeros: usize) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&[0, 0, 8, dims.len() as u8]).unwrap();
    for d in dims {
        gz.write_all(&d.to_be_bytes()).unwrap();
    }
    let block = vec![0u8; 1 << 16];
    for _ in 0..zeros / block.len() {
        gz.write_all(&block).unwrap();
    }
    gz.finish().unwrap()
}

const MIB: usize = 1 << 20;

#[test]
fn a_forged_training_images_header_is_refused_before_allocating() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The file: 2^31 images of 28x28 declared, 4 MB of zeros present.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mnist");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("train-images-idx3-ubyte.gz");
    std::fs::write(&path, bomb(&[1 << 31, 28, 28], 4 * MIB)).unwrap();
    std::fs::write(folder.join("train-labels-idx1-ubyte"), [0u8; 8]).unwrap();

    let (result, peak, largest) = measured(|| load_split(Dataset::Mnist, Split::Train, dir.path()));
    let err = result.unwrap_err();
    assert!(
        matches!(
            err.root(),
            DataError::PayloadTooLarge { declared, limit: 47_040_000, .. }
                if *declared == (1u64 << 31) * 784
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("train-images-idx3-ubyte.gz"),
        "{err}"
    );
    assert!(largest < MIB, "largest allocation {largest} bytes");
    assert!(peak < 2 * MIB, "peak {peak} bytes");
}

#[test]
fn inflating_stops_right_after_the_declared_payload() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // 1000 bytes declared, 16 MB of zeros behind them: trailing data, found
    // without inflating the 16 MB into memory.
    let gz = bomb(&[1000], 16 * MIB);
    let (result, peak, largest) = measured(|| read_idx(&gz[..], 1));
    let err = result.unwrap_err();
    assert!(
        matches!(err, DataError::TrailingData { payload: 1000 }),
        "{err}"
    );
    assert!(largest < MIB, "largest allocation {largest} bytes");
    assert!(peak < 2 * MIB, "peak {peak} bytes");
}

#[test]
fn a_bomb_under_the_cap_costs_only_what_it_inflates_to() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // 900 MB declared (allowed for a generic IDX file), 2 MB present.
    let gz = bomb(&[900_000_000], 2 * MIB);
    let (result, peak, largest) = measured(|| read_idx(&gz[..], 1));
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TruncatedPayload {
                expected: 900_000_000,
                found
            } if found == 2 * MIB as u64
        ),
        "{err}"
    );
    // The first reservation is capped at 64 MiB, whatever the header says.
    assert!(largest <= 64 * MIB, "largest allocation {largest} bytes");
    assert!(peak < 80 * MIB, "peak {peak} bytes");
}
