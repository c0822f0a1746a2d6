//! Names of the datasets and of their four files.

use std::fmt;
use std::str::FromStr;

use crate::DataError;

/// One of the MNIST-family datasets (same format, same shapes).
///
/// ```
/// use data::Dataset;
/// assert_eq!("fashion-mnist".parse::<Dataset>()?, Dataset::FashionMnist);
/// assert_eq!(Dataset::Mnist.to_string(), "mnist");
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// Handwritten digits (LeCun, Cortes and Burges).
    Mnist,
    /// Zalando's clothing images.
    FashionMnist,
}

impl Dataset {
    /// Both datasets.
    pub const ALL: [Dataset; 2] = [Dataset::Mnist, Dataset::FashionMnist];

    /// Folder name under the data directory and in mirrors: `mnist` or `fashion-mnist`.
    ///
    /// ```
    /// assert_eq!(data::Dataset::FashionMnist.dir_name(), "fashion-mnist");
    /// ```
    pub fn dir_name(self) -> &'static str {
        match self {
            Dataset::Mnist => "mnist",
            Dataset::FashionMnist => "fashion-mnist",
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dir_name())
    }
}

impl FromStr for Dataset {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, DataError> {
        match s {
            "mnist" => Ok(Dataset::Mnist),
            "fashion-mnist" => Ok(Dataset::FashionMnist),
            other => Err(DataError::UnknownDataset {
                name: other.to_string(),
            }),
        }
    }
}

/// The training or the test part of a dataset.
///
/// ```
/// assert_eq!(data::Split::Test.examples(), 10_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    /// 60,000 examples.
    Train,
    /// 10,000 examples.
    Test,
}

impl Split {
    /// Number of examples in this split of MNIST and Fashion-MNIST.
    pub fn examples(self) -> usize {
        match self {
            Split::Train => 60_000,
            Split::Test => 10_000,
        }
    }

    /// The images file of this split.
    pub fn images(self) -> FileKind {
        match self {
            Split::Train => FileKind::TrainImages,
            Split::Test => FileKind::TestImages,
        }
    }

    /// The labels file of this split.
    pub fn labels(self) -> FileKind {
        match self {
            Split::Train => FileKind::TrainLabels,
            Split::Test => FileKind::TestLabels,
        }
    }
}

/// One of the four files of a dataset.
///
/// ```
/// use data::FileKind;
/// assert_eq!(FileKind::TestLabels.file_name(), "t10k-labels-idx1-ubyte");
/// assert_eq!(FileKind::TrainImages.ndims(), 3);
/// assert_eq!(FileKind::TrainImages.payload_len(), 16 + 60_000 * 784);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `train-images-idx3-ubyte`.
    TrainImages,
    /// `train-labels-idx1-ubyte`.
    TrainLabels,
    /// `t10k-images-idx3-ubyte`.
    TestImages,
    /// `t10k-labels-idx1-ubyte`.
    TestLabels,
}

impl FileKind {
    /// The four files, in upstream order.
    pub const ALL: [FileKind; 4] = [
        FileKind::TrainImages,
        FileKind::TrainLabels,
        FileKind::TestImages,
        FileKind::TestLabels,
    ];

    /// Upstream file name, without `.gz`.
    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::TrainImages => "train-images-idx3-ubyte",
            FileKind::TrainLabels => "train-labels-idx1-ubyte",
            FileKind::TestImages => "t10k-images-idx3-ubyte",
            FileKind::TestLabels => "t10k-labels-idx1-ubyte",
        }
    }

    /// Number of IDX dimensions: 3 for images (n, rows, cols), 1 for labels.
    pub fn ndims(self) -> usize {
        match self {
            FileKind::TrainImages | FileKind::TestImages => 3,
            FileKind::TrainLabels | FileKind::TestLabels => 1,
        }
    }

    /// Payload bytes of the upstream file (its length without the header):
    /// the most a file of this kind may declare.
    ///
    /// ```
    /// assert_eq!(data::FileKind::TestLabels.max_payload(), 10_000);
    /// ```
    pub fn max_payload(self) -> u64 {
        self.payload_len() - (4 + 4 * self.ndims() as u64)
    }

    /// Length of the decompressed file (header plus payload), the same for
    /// MNIST and Fashion-MNIST.
    pub fn payload_len(self) -> u64 {
        match self {
            FileKind::TrainImages => 16 + 60_000 * 28 * 28,
            FileKind::TrainLabels => 8 + 60_000,
            FileKind::TestImages => 16 + 10_000 * 28 * 28,
            FileKind::TestLabels => 8 + 10_000,
        }
    }
}
