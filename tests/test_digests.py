"""File digests remembered between builds: reused while the file system says a file is as it was."""

from __future__ import annotations

import json
import os

import pytest

from explaining_machines.files import sha256_file
from figures import digests
from figures.cache import Cache
from figures.digests import Digests


@pytest.fixture
def no_racy_window(monkeypatch):
    """Files written by the test are seconds old at most: remember them anyway."""
    monkeypatch.setattr(digests, "RACY", -(10**18))


def remembered(folder, content: bytes = b"digits" * 1000):
    """A data file in `folder` whose digest a build has remembered in ``memo.json``."""
    data = folder / "data.bin"
    data.write_bytes(content)
    memo = Digests(folder / "memo.json")
    memo.sha256(data)
    memo.save()
    return data


def test_a_remembered_digest_is_reused_by_the_next_build(tmp_path, no_racy_window):
    data = tmp_path / "data.bin"
    data.write_bytes(b"digits" * 1000)
    first = Digests(tmp_path / "memo.json")
    assert first.sha256(data) == sha256_file(data) and first.hashed == 1
    first.save()
    second = Digests(tmp_path / "memo.json")
    assert second.sha256(data) == sha256_file(data) and second.hashed == 0


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: p.write_bytes(b"DIGITS" * 1000), id="same size, new bytes"),
        pytest.param(lambda p: p.write_bytes(b"digits"), id="truncated"),
        pytest.param(lambda p: (p.unlink(), p.write_bytes(b"digits" * 1000)), id="replaced (new inode)"),
    ],
)
def test_a_changed_file_is_hashed_again(tmp_path, no_racy_window, change):
    data = remembered(tmp_path)
    change(data)
    again = Digests(tmp_path / "memo.json")
    assert again.sha256(data) == sha256_file(data) and again.hashed == 1


def test_a_file_edited_with_its_mtime_set_back_is_hashed_again(tmp_path, no_racy_window):
    """Its size and mtime are as they were, its ctime is not: a program can set mtime, never ctime."""
    data = remembered(tmp_path)
    before = os.stat(data)
    data.write_bytes(b"DIGITS" * 1000)
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(data).st_mtime_ns == before.st_mtime_ns
    assert Digests(tmp_path / "memo.json").sha256(data) == sha256_file(data)


def test_a_file_changed_just_before_it_was_hashed_is_not_remembered(tmp_path):
    data = remembered(tmp_path, b"fresh")  # a second write in the same timestamp tick would go unseen
    again = Digests(tmp_path / "memo.json")
    again.sha256(data)
    assert again.hashed == 1


def _forged(memo: dict) -> str:
    """The memo with every digest replaced, its checksum left as it was."""
    memo["files"] = {name: [*facts[:4], "0" * 64] for name, facts in memo["files"].items()}
    return json.dumps(memo)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: _forged(json.loads(text)), id="edited, checksum kept"),
        pytest.param(lambda text: "<html>", id="foreign"),
        pytest.param(lambda text: json.dumps({"format": 1, "files": [], "sha256": ""}), id="wrong shape"),
    ],
)
def test_a_damaged_memo_is_ignored_whole(tmp_path, no_racy_window, damage):
    data = remembered(tmp_path)
    (tmp_path / "memo.json").write_text(damage((tmp_path / "memo.json").read_text()))
    again = Digests(tmp_path / "memo.json")
    assert again.sha256(data) == sha256_file(data) and again.hashed == 1


def test_verifying_a_cached_entry_reads_its_files_once_over_two_builds(tmp_path, no_racy_window):
    def compute(out):
        (out / "model.keras").write_bytes(os.urandom(100_000))
        return {}

    entry = Cache(tmp_path / "cache").store("model", "model", "k" * 32, compute, {})
    first = Cache(tmp_path / "cache")
    assert first.lookup("model", "model", "k" * 32)[0] is not None and first.digests.hashed == 1
    first.write_manifest({"model": entry})  # saves the memo too
    second = Cache(tmp_path / "cache")
    assert second.lookup("model", "model", "k" * 32)[0] is not None and second.digests.hashed == 0
    (entry.path / "model.keras").write_bytes(os.urandom(100_000))
    third = Cache(tmp_path / "cache")
    assert third.lookup("model", "model", "k" * 32) == (
        None,
        "model.keras does not match its recorded checksum (corrupt or truncated)",
    )


def test_the_installed_versions_are_those_importlib_metadata_reads():
    import importlib.metadata

    from explaining_machines.files import installed_version

    names = sorted({dist.metadata["Name"] for dist in importlib.metadata.distributions()})
    assert len(names) > 50  # the whole environment, libraries keyed by figures and memos among them
    assert {name: installed_version(name) for name in names} == {
        name: importlib.metadata.version(name) for name in names
    }
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        installed_version("no-such-distribution-here")
