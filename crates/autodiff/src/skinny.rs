//! Matrix products with one side of at most 16 columns or rows, the shapes
//! of a classifier's last layer and of every layer of a narrow MLP
//! (`60000×784 · 784×10`, its transpose `10×60000 · 60000×784`).
//!
//! General-purpose GEMM kernels pack both operands into panels sized for
//! square-ish blocks; on these shapes they spend most of their time packing
//! and run half-empty micro-tiles. These two kernels keep the skinny side in
//! 16-lane registers instead:
//!
//! - [`rows`] (`c = a·b` with `b` narrow, or with a short inner dimension):
//!   each output row is `Σ_p a[i,p]·b[p,·]`, with `b` copied once into
//!   zero-padded 16-wide panels and `a` streamed row by row, 8 rows at a
//!   time;
//! - [`cols`] (`c = a·b` with few output rows, as in `∂w = gᵀ·x`): each output
//!   column is `Σ_p b[p,j]·aᵀ[p,·]`, with `aᵀ` copied into one 16-wide panel and
//!   `b` streamed row by row.
//!
//! Both pick AVX-512, AVX2+FMA or plain code at run time and split large
//! products over rayon's threads. Scratch panels live in a per-thread buffer,
//! so steady-state training allocates nothing here.

use std::cell::RefCell;

use ndarray::{ArrayView2, ArrayViewMut2, Axis};

use crate::ops::linalg::PARALLEL_MIN_MACS;

/// Lanes of a register block: the skinny side is padded to this width.
const W: usize = 16;

/// `c = a·b` (`fresh`) or `c += a·b` on these kernels if the CPU has AVX2+FMA
/// or AVX-512 and the shapes fit (see [`rows_fits`], [`cols_fits`]); `false`
/// (and `c` untouched) otherwise. The caller has checked the shapes agree.
pub(crate) fn gemm(
    a: &ArrayView2<'_, f32>,
    b: &ArrayView2<'_, f32>,
    c: &mut ArrayViewMut2<'_, f32>,
    fresh: bool,
) -> bool {
    if isa().is_none() {
        return false;
    }
    if rows_fits(a, b)
        && let Some(out) = c.as_slice_mut()
    {
        rows(a, b, out, fresh);
        return true;
    }
    if cols_fits(a, b) {
        cols(a, b, c.view_mut(), fresh);
        return true;
    }
    false
}

/// Whether [`rows`] fits `a (m×k) · b (k×n)`: `a` is row-major and either `b`
/// is narrow or the inner dimension is short.
pub(crate) fn rows_fits<T>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    let (k, n) = b.dim();
    (n <= W || k <= W) && a.as_slice().is_some()
}

/// Whether [`cols`] fits `a (m×k) · b (k×n)`: few output rows, `b` row-major.
pub(crate) fn cols_fits<T>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    a.nrows() <= W && b.as_slice().is_some()
}

/// `c = a·b` (`fresh`) or `c += a·b`, for `a` row-major and `c` contiguous;
/// see [`rows_fits`].
fn rows(a: &ArrayView2<'_, f32>, b: &ArrayView2<'_, f32>, c: &mut [f32], fresh: bool) {
    let ((m, k), n) = (a.dim(), b.ncols());
    let panels = n.div_ceil(W);
    let a = a.as_slice().expect("rows: row-major a");
    with_scratch(panels * k * W, |bp| {
        // bp[panel][p][lane] = b[p, panel·W + lane], zero past n
        for (panel, chunk) in bp.chunks_exact_mut(k * W).enumerate() {
            let cols = panel * W..((panel + 1) * W).min(n);
            pack_lanes(b.slice(ndarray::s![.., cols]).t(), chunk);
        }
        let bp: &[f32] = bp;
        let run = |a: &[f32], c: &mut [f32]| dispatch_rows(a, k, bp, c, n, fresh);
        if m * n * k >= PARALLEL_MIN_MACS && m >= 16 {
            let per = m.div_ceil(rayon::current_num_threads().max(1) * 4).max(8);
            use rayon::prelude::*;
            c.par_chunks_mut(per * n)
                .zip(a.par_chunks(per * k))
                .for_each(|(c, a)| run(a, c));
        } else {
            run(a, c);
        }
    });
}

/// `c = a·b` (`fresh`) or `c += a·b`, for `b` row-major and at most 16 rows
/// in `a` and `c`; see [`cols_fits`].
fn cols(a: &ArrayView2<'_, f32>, b: &ArrayView2<'_, f32>, c: ArrayViewMut2<'_, f32>, fresh: bool) {
    let ((m, k), n) = (a.dim(), b.ncols());
    let bs = b.as_slice().expect("cols: row-major b");
    with_scratch(k * W, |ap| {
        // ap[p][lane] = a[lane, p], zero past m
        pack_lanes(a.view(), ap);
        let ap: &[f32] = ap;
        let threads = if m * n * k >= PARALLEL_MIN_MACS {
            rayon::current_num_threads().max(1)
        } else {
            1
        };
        split_cols(ap, bs, n, c, 0, threads, fresh);
    });
}

/// `dst[q·W + lane] = src[lane, q]` for the (at most `W`) rows of `src`, zero
/// in the lanes past them: each row of `src` becomes one lane, read in its
/// own order (contiguous for the rows of a row-major weight).
fn pack_lanes(src: ArrayView2<'_, f32>, dst: &mut [f32]) {
    assert!(
        src.nrows() <= W && dst.len() == src.ncols() * W,
        "pack_lanes: {:?} into {}",
        src.shape(),
        dst.len()
    );
    dst.fill(0.0);
    for (lane, row) in src.rows().into_iter().enumerate() {
        let slots = dst.chunks_exact_mut(W);
        match row.as_slice() {
            Some(r) => slots.zip(r).for_each(|(slot, &v)| slot[lane] = v),
            None => slots.zip(row.iter()).for_each(|(slot, &v)| slot[lane] = v),
        }
    }
}

/// Runs [`cols`]'s kernel on columns `c0..` of `c`, split over `threads`
/// threads by halving.
fn split_cols(
    ap: &[f32],
    b: &[f32],
    n: usize,
    mut c: ArrayViewMut2<'_, f32>,
    c0: usize,
    threads: usize,
    fresh: bool,
) {
    let width = c.ncols();
    if threads <= 1 || width < 2 * W {
        dispatch_cols(ap, b, n, &mut c, c0, fresh);
        return;
    }
    let mid = (width / 2).div_ceil(W) * W;
    let (left, right) = c.split_at(Axis(1), mid);
    let half = threads / 2;
    rayon::join(
        || split_cols(ap, b, n, left, c0, threads - half, fresh),
        || split_cols(ap, b, n, right, c0 + mid, half, fresh),
    );
}

/// Sixteen f32 lanes in registers: one AVX-512 vector or two AVX2 ones.
/// The methods are only called from functions compiled with the matching
/// target features (see [`dispatch_rows`]).
trait Lanes: Copy {
    fn zero() -> Self;
    fn splat(x: f32) -> Self;
    fn load(from: &[f32; W]) -> Self;
    /// `self + x·y`.
    fn madd(self, x: Self, y: Self) -> Self;
    fn store(self, to: &mut [f32; W]);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{Lanes, W};

    #[derive(Clone, Copy)]
    pub(super) struct Avx512(__m512);

    // SAFETY (every block below): these are only inlined into functions
    // compiled with `avx512f` (checked at run time before the call), and the
    // loads and stores go through references to exactly 16 f32.
    impl Lanes for Avx512 {
        #[inline(always)]
        fn zero() -> Self {
            Avx512(unsafe { _mm512_setzero_ps() })
        }
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Avx512(unsafe { _mm512_set1_ps(x) })
        }
        #[inline(always)]
        fn load(from: &[f32; W]) -> Self {
            Avx512(unsafe { _mm512_loadu_ps(from.as_ptr()) })
        }
        #[inline(always)]
        fn madd(self, x: Self, y: Self) -> Self {
            Avx512(unsafe { _mm512_fmadd_ps(x.0, y.0, self.0) })
        }
        #[inline(always)]
        fn store(self, to: &mut [f32; W]) {
            unsafe { _mm512_storeu_ps(to.as_mut_ptr(), self.0) }
        }
    }

    #[derive(Clone, Copy)]
    pub(super) struct Avx2(__m256, __m256);

    // SAFETY (every block below): only inlined into functions compiled with
    // `avx2,fma` (checked at run time); loads and stores cover 16 f32.
    impl Lanes for Avx2 {
        #[inline(always)]
        fn zero() -> Self {
            unsafe { Avx2(_mm256_setzero_ps(), _mm256_setzero_ps()) }
        }
        #[inline(always)]
        fn splat(x: f32) -> Self {
            unsafe { Avx2(_mm256_set1_ps(x), _mm256_set1_ps(x)) }
        }
        #[inline(always)]
        fn load(from: &[f32; W]) -> Self {
            let p = from.as_ptr();
            unsafe { Avx2(_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8))) }
        }
        #[inline(always)]
        fn madd(self, x: Self, y: Self) -> Self {
            unsafe {
                Avx2(
                    _mm256_fmadd_ps(x.0, y.0, self.0),
                    _mm256_fmadd_ps(x.1, y.1, self.1),
                )
            }
        }
        #[inline(always)]
        fn store(self, to: &mut [f32; W]) {
            let p = to.as_mut_ptr();
            unsafe {
                _mm256_storeu_ps(p, self.0);
                _mm256_storeu_ps(p.add(8), self.1);
            }
        }
    }

    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) fn rows_avx512(
        a: &[f32],
        k: usize,
        bp: &[f32],
        c: &mut [f32],
        n: usize,
        fresh: bool,
    ) {
        super::rows_kernel::<Avx512, 8>(a, k, bp, c, n, fresh);
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn rows_avx2(a: &[f32], k: usize, bp: &[f32], c: &mut [f32], n: usize, fresh: bool) {
        super::rows_kernel::<Avx2, 4>(a, k, bp, c, n, fresh);
    }

    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) fn cols_avx512(
        ap: &[f32],
        b: &[f32],
        n: usize,
        c: &mut ndarray::ArrayViewMut2<'_, f32>,
        c0: usize,
        fresh: bool,
    ) {
        super::cols_kernel::<Avx512, 16>(ap, b, n, c, c0, fresh);
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn cols_avx2(
        ap: &[f32],
        b: &[f32],
        n: usize,
        c: &mut ndarray::ArrayViewMut2<'_, f32>,
        c0: usize,
        fresh: bool,
    ) {
        super::cols_kernel::<Avx2, 6>(ap, b, n, c, c0, fresh);
    }
}

/// Which kernels this CPU runs, if any.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Isa {
    Avx512,
    Avx2,
}

fn isa() -> Option<Isa> {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Some(Isa::Avx512);
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Some(Isa::Avx2);
        }
    }
    None
}

fn dispatch_rows(a: &[f32], k: usize, bp: &[f32], c: &mut [f32], n: usize, fresh: bool) {
    #[cfg(target_arch = "x86_64")]
    match isa() {
        // SAFETY: the CPU has the features the function enables.
        Some(Isa::Avx512) => unsafe { x86::rows_avx512(a, k, bp, c, n, fresh) },
        // SAFETY: as above.
        Some(Isa::Avx2) => unsafe { x86::rows_avx2(a, k, bp, c, n, fresh) },
        None => unreachable!("skinny kernels run only where `isa` found some"),
    }
}

fn dispatch_cols(
    ap: &[f32],
    b: &[f32],
    n: usize,
    c: &mut ArrayViewMut2<'_, f32>,
    c0: usize,
    fresh: bool,
) {
    #[cfg(target_arch = "x86_64")]
    match isa() {
        // SAFETY: the CPU has the features the function enables.
        Some(Isa::Avx512) => unsafe { x86::cols_avx512(ap, b, n, c, c0, fresh) },
        // SAFETY: as above.
        Some(Isa::Avx2) => unsafe { x86::cols_avx2(ap, b, n, c, c0, fresh) },
        None => unreachable!("skinny kernels run only where `isa` found some"),
    }
}

/// `c[i, ·] (+)= Σ_p a[i,p]·b[p,·]`, `R` rows at a time so each load of a
/// panel row feeds `R` multiply-adds.
#[inline(always)]
fn rows_kernel<L: Lanes, const R: usize>(
    a: &[f32],
    k: usize,
    bp: &[f32],
    c: &mut [f32],
    n: usize,
    fresh: bool,
) {
    let m = c.len() / n;
    let mut i = 0;
    while i < m {
        if i + R <= m {
            rows_block::<L, R>(
                &a[i * k..(i + R) * k],
                k,
                bp,
                &mut c[i * n..(i + R) * n],
                n,
                fresh,
            );
            i += R;
        } else {
            rows_block::<L, 1>(
                &a[i * k..(i + 1) * k],
                k,
                bp,
                &mut c[i * n..(i + 1) * n],
                n,
                fresh,
            );
            i += 1;
        }
    }
}

#[inline(always)]
fn rows_block<L: Lanes, const R: usize>(
    a: &[f32],
    k: usize,
    bp: &[f32],
    c: &mut [f32],
    n: usize,
    fresh: bool,
) {
    let a: [&[f32]; R] = std::array::from_fn(|r| &a[r * k..(r + 1) * k]);
    for (panel, b) in bp.chunks_exact(k * W).enumerate() {
        let mut acc = [L::zero(); R];
        for (p, lanes) in b.chunks_exact(W).enumerate() {
            let y = L::load(lanes.try_into().expect("W lanes"));
            for (acc, a) in acc.iter_mut().zip(&a) {
                *acc = acc.madd(L::splat(a[p]), y);
            }
        }
        let j0 = panel * W;
        let width = (n - j0).min(W);
        for (r, acc) in acc.iter().enumerate() {
            let mut sum = [0.0; W];
            acc.store(&mut sum);
            let out = &mut c[r * n + j0..r * n + j0 + width];
            if fresh {
                out.copy_from_slice(&sum[..width]);
            } else {
                out.iter_mut().zip(sum).for_each(|(o, v)| *o += v);
            }
        }
    }
}

/// `c[·, j] (+)= Σ_p b[p, c0+j]·aᵀ[p,·]` for every column `j` of `c`, `CB`
/// columns at a time, then 4, then 1.
#[inline(always)]
fn cols_kernel<L: Lanes, const CB: usize>(
    ap: &[f32],
    b: &[f32],
    n: usize,
    c: &mut ArrayViewMut2<'_, f32>,
    c0: usize,
    fresh: bool,
) {
    let width = c.ncols();
    let mut j = 0;
    while j < width {
        if j + CB <= width {
            cols_block::<L, CB>(ap, b, n, c, c0, j, fresh);
            j += CB;
        } else if j + 4 <= width {
            cols_block::<L, 4>(ap, b, n, c, c0, j, fresh);
            j += 4;
        } else {
            cols_block::<L, 1>(ap, b, n, c, c0, j, fresh);
            j += 1;
        }
    }
}

#[inline(always)]
fn cols_block<L: Lanes, const CB: usize>(
    ap: &[f32],
    b: &[f32],
    n: usize,
    c: &mut ArrayViewMut2<'_, f32>,
    c0: usize,
    j: usize,
    fresh: bool,
) {
    let mut acc = [L::zero(); CB];
    let col = c0 + j;
    for (lanes, row) in ap.chunks_exact(W).zip(b.chunks_exact(n)) {
        let y = L::load(lanes.try_into().expect("W lanes"));
        let x: &[f32; CB] = row[col..col + CB].try_into().expect("CB columns");
        for (acc, &x) in acc.iter_mut().zip(x) {
            *acc = acc.madd(L::splat(x), y);
        }
    }
    let m = c.nrows();
    for (q, acc) in acc.iter().enumerate() {
        let mut sum = [0.0; W];
        acc.store(&mut sum);
        for (i, &v) in sum.iter().enumerate().take(m) {
            let out = &mut c[[i, j + q]];
            *out = if fresh { v } else { *out + v };
        }
    }
}

thread_local! {
    /// Per-thread scratch for the padded panels.
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on a per-thread scratch slice of `len` elements (contents
/// unspecified), growing the buffer only when a larger one is asked for.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
            f(&mut buf[..len])
        }
        // re-entered on this thread (a rayon task run while waiting): use a
        // fresh buffer rather than alias the borrowed one
        Err(_) => f(&mut vec![0.0; len]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn filled(m: usize, n: usize, seed: usize) -> Array2<f64> {
        Array2::from_shape_fn((m, n), |(i, j)| {
            (((i * 7 + j * 13 + seed * 31) % 23) as f64 - 11.0) / 8.0
        })
    }

    fn close(x: &Array2<f32>, y: &Array2<f64>) -> bool {
        x.shape() == y.shape()
            && x.iter()
                .zip(y)
                .all(|(&a, b)| (f64::from(a) - b).abs() <= 1e-4 * (1.0 + b.abs()))
    }

    /// Runs `kernel` on `a (m×k)·b (k×n)`, fresh and accumulating, with `a`
    /// row-major and transposed, against ndarray's f64 product.
    fn check(m: usize, k: usize, n: usize, kernel: &str) {
        let (a, b) = (filled(m, k, 1), filled(k, n, 2));
        let start = filled(m, n, 3);
        let (a32, b32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32));
        let at32 = a32.t().to_owned(); // so at32.t() is a column-major view of a
        for fresh in [true, false] {
            let base = if fresh {
                Array2::zeros((m, n))
            } else {
                start.clone()
            };
            let expect = &base + &a.dot(&b);
            for a_view in [a32.view(), at32.t()] {
                let mut c = base.mapv(|v| v as f32);
                match kernel {
                    "rows" => {
                        if !rows_fits(&a_view, &b32.view()) {
                            continue;
                        }
                        rows(&a_view, &b32.view(), c.as_slice_mut().unwrap(), fresh);
                    }
                    _ => {
                        assert!(cols_fits(&a_view, &b32.view()));
                        cols(&a_view, &b32.view(), c.view_mut(), fresh);
                    }
                }
                assert!(close(&c, &expect), "{kernel} {m}×{k}·{k}×{n} fresh={fresh}");
            }
        }
    }

    #[test]
    fn narrow_products_match_ndarray() {
        if isa().is_none() {
            return; // the kernels are never called on this CPU
        }
        for (m, k, n) in [
            (1, 1, 1),
            (7, 5, 3),
            (9, 784, 10),
            (33, 10, 10),
            (17, 16, 16),
            (5, 3, 40),
            (300, 40, 17),
            (3000, 784, 10),
        ] {
            check(m, k, n, "rows");
        }
        // b transposed, as in linear's x·wᵀ
        let (a, w) = (filled(20, 30, 4), filled(10, 30, 5));
        let (a32, w32) = (a.mapv(|v| v as f32), w.mapv(|v| v as f32));
        let mut got = Array2::zeros((20, 10));
        assert!(gemm(&a32.view(), &w32.t(), &mut got.view_mut(), true));
        assert!(close(&got, &a.dot(&w.t())));
    }

    #[test]
    fn few_row_products_match_ndarray() {
        if isa().is_none() {
            return;
        }
        for (m, k, n) in [
            (1, 1, 1),
            (10, 3000, 784),
            (16, 50, 37),
            (3, 7, 5),
            (10, 200, 10),
        ] {
            check(m, k, n, "cols");
        }
    }

    #[test]
    fn wide_products_are_left_to_gemm() {
        let (a, b) = (
            Array2::<f32>::zeros((64, 64)),
            Array2::<f32>::zeros((64, 64)),
        );
        let mut c = Array2::<f32>::zeros((64, 64));
        assert!(!gemm(&a.view(), &b.view(), &mut c.view_mut(), true));
    }
}
