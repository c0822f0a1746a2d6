//! Where the dataset files can be fetched from.

use std::path::PathBuf;

use crate::{DataError, Dataset, FileKind, Result};

/// Environment variable holding one mirror base URL that replaces the defaults.
///
/// Its layout is `<base>/<dataset>/<file>.gz` with dataset `mnist` or
/// `fashion-mnist`, the layout of the project's `shared/datasets` folder.
pub const MIRROR_ENV: &str = "OPTILAB_DATA_MIRROR";

/// A base URL (`http://`, `https://` or `file://`) serving gzip files.
///
/// ```
/// use data::{Dataset, FileKind, Mirror};
/// let m = Mirror::parse("https://example.org/datasets/")?;
/// assert_eq!(
///     m.url(Dataset::Mnist, FileKind::TestLabels).as_deref(),
///     Some("https://example.org/datasets/mnist/t10k-labels-idx1-ubyte.gz"),
/// );
/// assert!(Mirror::parse("ftp://example.org").is_err());
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mirror {
    base: String,
    only: Option<Dataset>,
}

impl Mirror {
    /// A mirror of both datasets with layout `<base>/<dataset>/<file>.gz`.
    ///
    /// **Errors**: [`DataError::InvalidMirror`] unless the URL is `http://`,
    /// `https://` or `file://` followed by something.
    pub fn parse(url: &str) -> Result<Self> {
        Ok(Self {
            base: checked_base(url)?,
            only: None,
        })
    }

    /// A mirror of one dataset with layout `<base>/<file>.gz`, the layout of
    /// most public mirrors.
    ///
    /// ```
    /// use data::{Dataset, FileKind, Mirror};
    /// let m = Mirror::single(Dataset::FashionMnist, "http://example.org/fashion")?;
    /// assert_eq!(m.url(Dataset::Mnist, FileKind::TestLabels), None);
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: as [`Mirror::parse`].
    pub fn single(dataset: Dataset, url: &str) -> Result<Self> {
        Ok(Self {
            base: checked_base(url)?,
            only: Some(dataset),
        })
    }

    /// The URL of one file on this mirror, or `None` if it does not serve
    /// that dataset.
    pub fn url(&self, dataset: Dataset, kind: FileKind) -> Option<String> {
        match self.only {
            None => Some(format!(
                "{}/{}/{}.gz",
                self.base,
                dataset.dir_name(),
                kind.file_name()
            )),
            Some(d) if d == dataset => Some(format!("{}/{}.gz", self.base, kind.file_name())),
            Some(_) => None,
        }
    }

    /// Well-known public mirrors of both datasets (the ones PyTorch,
    /// TensorFlow and Keras use), tried in order.
    pub fn defaults() -> Vec<Mirror> {
        let list = [
            (
                Dataset::Mnist,
                "https://ossci-datasets.s3.amazonaws.com/mnist",
            ),
            (
                Dataset::Mnist,
                "https://storage.googleapis.com/cvdf-datasets/mnist",
            ),
            (Dataset::Mnist, "http://yann.lecun.com/exdb/mnist"),
            (
                Dataset::FashionMnist,
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
            ),
            (
                Dataset::FashionMnist,
                "https://storage.googleapis.com/tensorflow/tf-keras-datasets",
            ),
            (
                Dataset::FashionMnist,
                "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion",
            ),
        ];
        list.iter()
            .map(|&(dataset, base)| Mirror {
                base: base.to_string(),
                only: Some(dataset),
            })
            .collect()
    }

    /// The mirrors to use: `explicit` if given, else `$OPTILAB_DATA_MIRROR`
    /// if set and not empty, else [`Mirror::defaults`].
    ///
    /// ```
    /// let mirrors = data::Mirror::resolve(Some("file:///srv/datasets"))?;
    /// assert_eq!(mirrors.len(), 1);
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::InvalidMirror`] for a malformed URL.
    pub fn resolve(explicit: Option<&str>) -> Result<Vec<Mirror>> {
        let env = std::env::var(MIRROR_ENV).ok();
        match explicit.or(env.as_deref()).filter(|u| !u.is_empty()) {
            Some(url) => Ok(vec![Mirror::parse(url)?]),
            None => Ok(Mirror::defaults()),
        }
    }
}

/// Where a URL points: a remote resource or a local file.
pub(crate) enum Target {
    Http(String),
    File(PathBuf),
}

impl Target {
    /// Splits a URL made by [`Mirror::url`].
    pub(crate) fn of(url: &str) -> Target {
        match strip_scheme(url, "file://") {
            Some(rest) => {
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                Target::File(PathBuf::from(percent_decode(path)))
            }
            None => Target::Http(url.to_string()),
        }
    }
}

fn checked_base(url: &str) -> Result<String> {
    let invalid = |reason: &str| DataError::InvalidMirror {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let base = url.trim().trim_end_matches('/');
    let rest = ["http://", "https://", "file://"]
        .iter()
        .find_map(|scheme| strip_scheme(base, scheme))
        .ok_or_else(|| invalid("expected http://, https:// or file://"))?;
    if rest.is_empty() {
        return Err(invalid("nothing after the scheme"));
    }
    if strip_scheme(base, "file://").is_some()
        && !(rest.starts_with('/') || rest.starts_with("localhost/"))
    {
        return Err(invalid(
            "a file:// URL needs an absolute path, as in file:///srv/datasets",
        ));
    }
    Ok(base.to_string())
}

/// `url` without `scheme` (compared case-insensitively), if it starts with it.
fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let head = url.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| &url[scheme.len()..])
}

/// Decodes `%XX` escapes; malformed escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_become_paths() {
        let m = Mirror::parse("file:///srv/my%20data").unwrap();
        let url = m.url(Dataset::Mnist, FileKind::TrainLabels).unwrap();
        let Target::File(path) = Target::of(&url) else {
            panic!("not a file target")
        };
        assert_eq!(
            path,
            PathBuf::from("/srv/my data/mnist/train-labels-idx1-ubyte.gz")
        );
    }

    #[test]
    fn malformed_mirrors_are_refused() {
        for url in [
            "",
            "example.org",
            "http://",
            "file://relative/dir",
            "ftp://x",
        ] {
            assert!(
                matches!(Mirror::parse(url), Err(DataError::InvalidMirror { .. })),
                "{url}"
            );
        }
    }

    #[test]
    fn http_urls_are_kept() {
        assert!(matches!(Target::of("HTTP://h/x.gz"), Target::Http(u) if u == "HTTP://h/x.gz"));
    }
}
