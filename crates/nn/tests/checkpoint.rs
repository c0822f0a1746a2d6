//! safetensors checkpoints: bit-exact round trips with PyTorch names, and
//! typed refusals of every kind of mismatch without a partial load.

use autodiff::Tape;
use ndarray::array;
use nn::{
    Mlp, MlpConfig, Mode, Module, NnError, Norm, checkpoint_to_bytes, load_checkpoint,
    load_checkpoint_bytes, save_checkpoint,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use safetensors::{Dtype, SafeTensors, tensor::TensorView};

fn bn_mlp<T: autodiff::Float>(seed: u64) -> Mlp<T> {
    let mut rng = StdRng::seed_from_u64(seed);
    MlpConfig::parse("4-6-3")
        .unwrap()
        .norm(Norm::Batch)
        .build::<T>(&mut rng)
        .unwrap()
}

/// A few training-mode forwards so the running statistics are non-trivial.
fn warm_up<T: autodiff::Float>(mlp: &mut Mlp<T>) {
    let x = array![
        [0.5, -1.0, 2.0, 0.3],
        [1.5, 0.2, -0.7, 1.0],
        [-1.0, 2.0, 0.1, -0.5]
    ];
    for _ in 0..3 {
        let mut tape = Tape::new();
        let xv = tape.constant(x.mapv(T::of));
        mlp.forward(&mut tape, xv, Mode::Train);
    }
}

/// Every parameter and float buffer as raw bits, plus the counters.
fn state_bits<T: autodiff::Float, M: Module<T>>(m: &M) -> Vec<(String, Vec<u64>)> {
    let bits = |a: &ndarray::ArrayD<T>| a.iter().map(|x| x.as_f64().to_bits()).collect();
    let mut out: Vec<(String, Vec<u64>)> = m
        .params()
        .iter()
        .map(|p| (p.name().to_string(), bits(p.value())))
        .collect();
    for b in m.buffers() {
        let v = match b.value() {
            nn::BufferValue::Float(a) => bits(a),
            nn::BufferValue::Count(n) => vec![*n as u64],
        };
        out.push((b.name().to_string(), v));
    }
    out
}

/// Re-serializes `bytes` after `edit` changes the list of (name, dtype, shape, data).
fn rewrite(
    bytes: &[u8],
    edit: impl FnOnce(&mut Vec<(String, Dtype, Vec<usize>, Vec<u8>)>),
) -> Vec<u8> {
    let file = SafeTensors::deserialize(bytes).unwrap();
    let mut tensors: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = file
        .tensors()
        .into_iter()
        .map(|(n, v)| (n, v.dtype(), v.shape().to_vec(), v.data().to_vec()))
        .collect();
    edit(&mut tensors);
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    safetensors::serialize(views, None).unwrap()
}

#[test]
fn names_dtypes_and_shapes_follow_pytorch() {
    let mlp = bn_mlp::<f32>(0);
    let bytes = checkpoint_to_bytes(&mlp).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "layers.0.bias",
            "layers.0.weight",
            "layers.1.bias",
            "layers.1.num_batches_tracked",
            "layers.1.running_mean",
            "layers.1.running_var",
            "layers.1.weight",
            "layers.3.bias",
            "layers.3.weight",
        ]
    );
    let w = file.tensor("layers.0.weight").unwrap();
    assert_eq!((w.dtype(), w.shape()), (Dtype::F32, &[6, 4][..]));
    let count = file.tensor("layers.1.num_batches_tracked").unwrap();
    assert_eq!((count.dtype(), count.shape()), (Dtype::I64, &[][..]));
    let f64_bytes = checkpoint_to_bytes(&bn_mlp::<f64>(0)).unwrap();
    let f64_file = SafeTensors::deserialize(&f64_bytes).unwrap();
    assert_eq!(
        f64_file.tensor("layers.3.weight").unwrap().dtype(),
        Dtype::F64
    );
}

#[test]
fn round_trip_through_a_file_is_bit_exact_for_f32_and_f64() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mlp.safetensors");

    let mut a = bn_mlp::<f32>(1);
    warm_up(&mut a);
    // awkward values survive too: -0, a subnormal, infinities, NaN with payload
    let specials = [
        -0.0,
        f32::from_bits(1),
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::from_bits(0x7fc0_1234),
    ];
    for (w, s) in a.linear_weight_mut(0).iter_mut().zip(specials) {
        *w = s;
    }
    save_checkpoint(&a, &path).unwrap();
    let mut b = bn_mlp::<f32>(2);
    assert_ne!(state_bits(&a), state_bits(&b));
    load_checkpoint(&mut b, &path).unwrap();
    assert_eq!(state_bits(&a), state_bits(&b));
    assert_eq!(b.linear_weight(0)[[1, 0]].to_bits(), 0x7fc0_1234);
    assert_eq!(b.layers().child(1).unwrap().buffers()[2].count(), Some(3));

    let mut c = bn_mlp::<f64>(3);
    warm_up(&mut c);
    save_checkpoint(&c, &path).unwrap(); // overwrites the f32 file
    let mut d = bn_mlp::<f64>(4);
    load_checkpoint(&mut d, &path).unwrap();
    assert_eq!(state_bits(&c), state_bits(&d));
}

#[test]
fn the_write_is_atomic_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    save_checkpoint(&bn_mlp::<f32>(0), &path).unwrap();
    save_checkpoint(&bn_mlp::<f32>(1), &path).unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, [std::ffi::OsString::from("model.safetensors")]);
    let missing_dir = dir.path().join("no/such/dir/model.safetensors");
    assert!(matches!(
        save_checkpoint(&bn_mlp::<f32>(0), &missing_dir),
        Err(NnError::Io { .. })
    ));
    assert!(!missing_dir.exists());
}

/// Loads `bytes` into a fresh model and checks that it failed with `check`
/// and left the model unchanged.
fn refused(bytes: &[u8], check: impl Fn(&NnError) -> bool) {
    let mut m = bn_mlp::<f32>(9);
    let before = state_bits(&m);
    let err = load_checkpoint_bytes(&mut m, bytes).unwrap_err();
    assert!(check(&err), "unexpected error: {err}");
    assert_eq!(
        state_bits(&m),
        before,
        "a failed load must not change the model"
    );
}

#[test]
fn a_missing_tensor_is_refused_by_name() {
    let good = checkpoint_to_bytes(&bn_mlp::<f32>(0)).unwrap();
    let bytes = rewrite(&good, |t| t.retain(|(n, ..)| n != "layers.1.running_var"));
    refused(
        &bytes,
        |e| matches!(e, NnError::MissingTensor { name } if name == "layers.1.running_var"),
    );
    assert_eq!(
        load_checkpoint_bytes(&mut bn_mlp::<f32>(0), &bytes)
            .unwrap_err()
            .to_string(),
        "checkpoint is missing tensor \"layers.1.running_var\""
    );
}

#[test]
fn an_unexpected_tensor_is_refused_by_name() {
    let good = checkpoint_to_bytes(&bn_mlp::<f32>(0)).unwrap();
    let bytes = rewrite(&good, |t| {
        t.push(("layers.9.weight".into(), Dtype::F32, vec![1], vec![0; 4]))
    });
    refused(
        &bytes,
        |e| matches!(e, NnError::UnexpectedTensor { name } if name == "layers.9.weight"),
    );
}

#[test]
fn a_wrong_shape_is_refused_with_both_shapes() {
    let mut rng = StdRng::seed_from_u64(0);
    let wider = MlpConfig::parse("4-7-3")
        .unwrap()
        .norm(Norm::Batch)
        .build::<f32>(&mut rng)
        .unwrap();
    let bytes = checkpoint_to_bytes(&wider).unwrap();
    refused(&bytes, |e| {
        matches!(e, NnError::ShapeMismatch { name, expected, found }
            if name == "layers.0.weight" && expected == &[6, 4] && found == &[7, 4])
    });
    // only the last tensor wrong: still nothing is loaded
    let good = checkpoint_to_bytes(&bn_mlp::<f32>(0)).unwrap();
    let bytes = rewrite(&good, |t| {
        let last = t.iter_mut().find(|(n, ..)| n == "layers.3.bias").unwrap();
        *last = (last.0.clone(), Dtype::F32, vec![2], vec![0; 8]);
    });
    refused(
        &bytes,
        |e| matches!(e, NnError::ShapeMismatch { name, .. } if name == "layers.3.bias"),
    );
}

#[test]
fn a_wrong_dtype_is_refused() {
    let bytes = checkpoint_to_bytes(&bn_mlp::<f64>(0)).unwrap();
    refused(&bytes, |e| {
        matches!(e, NnError::DtypeMismatch { name, expected, found }
            if name == "layers.0.weight" && expected == "F32" && found == "F64")
    });
    let good = checkpoint_to_bytes(&bn_mlp::<f32>(0)).unwrap();
    let bytes = rewrite(&good, |t| {
        let count = t
            .iter_mut()
            .find(|(n, ..)| n == "layers.1.num_batches_tracked")
            .unwrap();
        *count = (count.0.clone(), Dtype::F32, vec![], vec![0; 4]);
    });
    refused(
        &bytes,
        |e| matches!(e, NnError::DtypeMismatch { name, .. } if name == "layers.1.num_batches_tracked"),
    );
}

#[test]
fn truncated_or_corrupt_files_are_refused() {
    let good = checkpoint_to_bytes(&bn_mlp::<f32>(0)).unwrap();
    for cut in [0, 5, 8, 20, good.len() / 2, good.len() - 1] {
        refused(&good[..cut], |e| matches!(e, NnError::Safetensors(_)));
    }
    let mut corrupt = good.clone();
    corrupt[10] = b'!'; // inside the JSON header
    refused(&corrupt, |e| matches!(e, NnError::Safetensors(_)));
    let mut huge_header = good.clone();
    huge_header[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    refused(&huge_header, |e| matches!(e, NnError::Safetensors(_)));
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.safetensors");
    let err = load_checkpoint(&mut bn_mlp::<f32>(0), &path).unwrap_err();
    assert!(matches!(&err, NnError::Io { path: p, .. } if p == &path));
    assert!(err.to_string().contains("absent.safetensors"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any f32 bit pattern (NaN payloads, subnormals, -0) survives a round trip.
    #[test]
    fn any_f32_bits_round_trip(bits in proptest::collection::vec(proptest::prelude::any::<u32>(), 6)) {
        let w = ndarray::Array2::from_shape_vec((2, 3), bits.iter().map(|b| f32::from_bits(*b)).collect()).unwrap();
        let layer = nn::Linear::from_arrays(w, None).unwrap();
        let bytes = checkpoint_to_bytes(&layer).unwrap();
        let mut other = nn::Linear::from_arrays(ndarray::Array2::<f32>::zeros((2, 3)), None).unwrap();
        load_checkpoint_bytes(&mut other, &bytes).unwrap();
        let got: Vec<u32> = other.weight().iter().map(|x| x.to_bits()).collect();
        proptest::prop_assert_eq!(got, bits);
    }
}

/// The checkpoint gets the permissions of any other new file (the umask's),
/// not the 0600 of a private temporary file.
#[cfg(unix)]
#[test]
fn saved_checkpoints_have_the_mode_of_other_new_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    let mlp = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
    let path = dir.path().join("model.safetensors");
    nn::save_checkpoint(&mlp, &path).unwrap();
    let sibling = dir.path().join("config.json");
    std::fs::write(&sibling, "{}").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), mode(&sibling));
    // no temporary is left behind
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}
