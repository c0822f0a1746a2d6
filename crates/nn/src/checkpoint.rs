//! Saving and loading a model's parameters and buffers in the safetensors
//! format, under PyTorch's `state_dict` names.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use autodiff::Float;
use ndarray::{ArrayD, IxDyn};
use safetensors::tensor::{Dtype, SafeTensorError, SafeTensors, TensorView};

use crate::buffer::BufferValue;
use crate::error::{NnError, Result};
use crate::module::Module;

/// One entry of the model's state, as it is stored.
enum Entry<'a, T> {
    Float(&'a ArrayD<T>),
    Count(i64),
}

/// The model's state in order: parameters, then buffers.
fn entries<T: Float, M: Module<T> + ?Sized>(model: &M) -> Vec<(&str, Entry<'_, T>)> {
    let params = model
        .params()
        .into_iter()
        .map(|p| (p.name(), Entry::Float(p.value())));
    let buffers = model.buffers().into_iter().map(|b| {
        let e = match b.value() {
            BufferValue::Float(a) => Entry::Float(a),
            BufferValue::Count(n) => Entry::Count(*n),
        };
        (b.name(), e)
    });
    params.chain(buffers).collect()
}

fn dtype_of<T: Float>() -> Result<Dtype> {
    match T::NAME {
        "f32" => Ok(Dtype::F32),
        "f64" => Ok(Dtype::F64),
        name => Err(NnError::UnsupportedElement { name }),
    }
}

/// Little-endian bytes of `a` in row-major order, bit for bit.
fn encode<T: Float>(a: &ArrayD<T>) -> Result<Vec<u8>> {
    let any: &dyn Any = a;
    if let Some(a) = any.downcast_ref::<ArrayD<f32>>() {
        Ok(a.iter().flat_map(|x| x.to_le_bytes()).collect())
    } else if let Some(a) = any.downcast_ref::<ArrayD<f64>>() {
        Ok(a.iter().flat_map(|x| x.to_le_bytes()).collect())
    } else {
        Err(NnError::UnsupportedElement { name: T::NAME })
    }
}

/// The array of `shape` stored little-endian in `bytes` (whose length the
/// safetensors parser has already checked against shape and dtype).
fn decode<T: Float>(bytes: &[u8], shape: &[usize]) -> Result<ArrayD<T>> {
    let values: Box<dyn Any> = match T::NAME {
        "f32" => Box::new(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect::<Vec<f32>>(),
        ),
        _ => Box::new(
            bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect::<Vec<f64>>(),
        ),
    };
    let values = values
        .downcast::<Vec<T>>()
        .map_err(|_| NnError::UnsupportedElement { name: T::NAME })?;
    let n = values.len();
    ArrayD::from_shape_vec(IxDyn(shape), *values).map_err(|_| {
        NnError::Safetensors(SafeTensorError::InvalidTensorView(
            dtype_of::<T>().unwrap_or(Dtype::F64),
            shape.to_vec(),
            n,
        ))
    })
}

/// The model's parameters and buffers as the bytes of a safetensors file:
/// float tensors as `F32` or `F64` (the model's element type), counters such
/// as `num_batches_tracked` as `I64` scalars, under names like
/// `layers.0.weight`, with metadata `{"format": "pt"}` so that
/// `safetensors.torch.load_file` and `load_state_dict` accept it.
///
/// **Errors**: [`NnError::UnsupportedElement`] for an element type other than
/// `f32`/`f64`; [`NnError::Safetensors`] if serialization fails.
///
/// ```
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mlp = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
/// let bytes = nn::checkpoint_to_bytes(&mlp).unwrap();
/// let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
/// let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
/// assert!(header.contains("\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[3,4]"));
/// ```
pub fn checkpoint_to_bytes<T: Float, M: Module<T> + ?Sized>(model: &M) -> Result<Vec<u8>> {
    let dtype = dtype_of::<T>()?;
    let mut encoded: Vec<(&str, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, entry) in entries(model) {
        encoded.push(match entry {
            Entry::Float(a) => (name, dtype, a.shape().to_vec(), encode(a)?),
            Entry::Count(n) => (name, Dtype::I64, vec![], n.to_le_bytes().to_vec()),
        });
    }
    let views = encoded
        .iter()
        .map(|(name, dtype, shape, bytes)| {
            Ok((*name, TensorView::new(*dtype, shape.clone(), bytes)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let metadata = HashMap::from([("format".to_string(), "pt".to_string())]);
    Ok(safetensors::serialize(views, Some(metadata))?)
}

/// Writes the model's state (see [`checkpoint_to_bytes`]) to `path`
/// atomically: into a temporary file in the same directory, flushed to disk,
/// then renamed over `path`, so a crash never leaves a half-written file.
///
/// **Errors**: as [`checkpoint_to_bytes`], and [`NnError::Io`] if the file
/// cannot be written.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("model.safetensors");
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mlp = nn::Mlp::<f64>::from_spec("4-3-2", &mut rng).unwrap();
/// nn::save_checkpoint(&mlp, &path).unwrap();
/// assert!(path.exists());
/// ```
pub fn save_checkpoint<T: Float, M: Module<T> + ?Sized>(
    model: &M,
    path: impl AsRef<Path>,
) -> Result<()> {
    let path = path.as_ref();
    let bytes = checkpoint_to_bytes(model)?;
    let io = |action| {
        move |source| NnError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // created like any other file (0666 minus the umask), not with the
    // 0600 of a `tempfile`, so the checkpoint's mode matches its neighbours'
    let (tmp_path, mut tmp) = create_temporary(dir).map_err(io("creating a temporary file for"))?;
    let written = tmp
        .write_all(&bytes)
        .map_err(io("writing"))
        .and_then(|()| tmp.sync_all().map_err(io("flushing")))
        .and_then(|()| std::fs::rename(&tmp_path, path).map_err(io("renaming into")));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    written
}

/// A new file `.checkpoint-<pid>-<n>.tmp` in `dir`, never one that exists.
fn create_temporary(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!(".checkpoint-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// What the model expects of one stored tensor.
fn expected_dtype<T: Float>(entry: &Entry<'_, T>) -> Result<(Dtype, Vec<usize>)> {
    Ok(match entry {
        Entry::Float(a) => (dtype_of::<T>()?, a.shape().to_vec()),
        Entry::Count(_) => (Dtype::I64, vec![]),
    })
}

/// A checked value waiting to be written into the model.
enum Staged<T> {
    Float(ArrayD<T>),
    Count(i64),
}

/// Restores the model's state from the bytes of a safetensors file.
///
/// Every tensor is checked before anything is changed, so on error the model
/// is exactly as before (never a partial load).
///
/// **Errors**: [`NnError::Safetensors`] for bytes that are not a valid file
/// (truncated, corrupt header, offsets out of range);
/// [`NnError::MissingTensor`], [`NnError::UnexpectedTensor`],
/// [`NnError::DtypeMismatch`] or [`NnError::ShapeMismatch`] naming the tensor.
///
/// ```
/// use nn::{Mlp, Module, NnError};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let trained = Mlp::<f64>::from_spec("4-3-2", &mut rng).unwrap();
/// let bytes = nn::checkpoint_to_bytes(&trained).unwrap();
/// let mut fresh = Mlp::<f64>::from_spec("4-3-2", &mut rng).unwrap();
/// nn::load_checkpoint_bytes(&mut fresh, &bytes).unwrap();
/// assert_eq!(fresh.linear_weight(0), trained.linear_weight(0));
/// let mut wider = Mlp::<f64>::from_spec("4-5-2", &mut rng).unwrap();
/// let err = nn::load_checkpoint_bytes(&mut wider, &bytes).unwrap_err();
/// assert!(matches!(err, NnError::ShapeMismatch { ref name, .. } if name == "layers.0.weight"));
/// ```
pub fn load_checkpoint_bytes<T: Float, M: Module<T> + ?Sized>(
    model: &mut M,
    bytes: &[u8],
) -> Result<()> {
    let file = SafeTensors::deserialize(bytes)?;
    let mut staged = Vec::new();
    let mut known = HashSet::new();
    for (name, entry) in entries(&*model) {
        known.insert(name.to_string());
        let view = match file.tensor(name) {
            Ok(v) => v,
            Err(SafeTensorError::TensorNotFound(_)) => {
                return Err(NnError::MissingTensor { name: name.into() });
            }
            Err(e) => return Err(e.into()),
        };
        let (dtype, shape) = expected_dtype(&entry)?;
        if view.dtype() != dtype {
            return Err(NnError::DtypeMismatch {
                name: name.into(),
                expected: dtype.to_string(),
                found: view.dtype().to_string(),
            });
        }
        if view.shape() != shape {
            return Err(NnError::ShapeMismatch {
                name: name.into(),
                expected: shape,
                found: view.shape().to_vec(),
            });
        }
        staged.push(match entry {
            Entry::Float(_) => Staged::Float(decode(view.data(), &shape)?),
            Entry::Count(_) => {
                let b = view.data();
                let le: [u8; 8] = b.try_into().map_err(|_| {
                    NnError::Safetensors(SafeTensorError::InvalidTensorView(
                        Dtype::I64,
                        vec![],
                        b.len(),
                    ))
                })?;
                Staged::Count(i64::from_le_bytes(le))
            }
        });
    }
    let mut extra: Vec<&str> = file
        .names()
        .into_iter()
        .filter(|n| !known.contains(*n))
        .collect();
    extra.sort_unstable();
    if let Some(name) = extra.first() {
        return Err(NnError::UnexpectedTensor {
            name: name.to_string(),
        });
    }
    apply(model, staged);
    Ok(())
}

/// Writes checked values into the model (same order as [`entries`]).
fn apply<T: Float, M: Module<T> + ?Sized>(model: &mut M, staged: Vec<Staged<T>>) {
    let mut staged = staged.into_iter();
    for p in model.params_mut() {
        if let Some(Staged::Float(a)) = staged.next() {
            p.assign(a);
        }
    }
    let mut buffers = Vec::new();
    model.collect_buffers_mut(&mut buffers);
    for b in buffers {
        match staged.next() {
            Some(Staged::Float(a)) => *b.value_mut() = BufferValue::Float(a),
            Some(Staged::Count(n)) => *b.value_mut() = BufferValue::Count(n),
            None => {}
        }
    }
}

/// Restores the model's state from a safetensors file at `path` (see
/// [`load_checkpoint_bytes`]).
///
/// **Errors**: [`NnError::Io`] if the file cannot be read, otherwise as
/// [`load_checkpoint_bytes`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("model.safetensors");
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let a = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
/// nn::save_checkpoint(&a, &path).unwrap();
/// let mut b = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
/// nn::load_checkpoint(&mut b, &path).unwrap();
/// assert_eq!(a.linear_weight(1), b.linear_weight(1));
/// ```
pub fn load_checkpoint<T: Float, M: Module<T> + ?Sized>(
    model: &mut M,
    path: impl AsRef<Path>,
) -> Result<()> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| NnError::Io {
        action: "reading",
        path: path.to_path_buf(),
        source,
    })?;
    load_checkpoint_bytes(model, &bytes)
}
