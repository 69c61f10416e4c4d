"""The lock: every package pinned with its hashes, and pip refusing a file whose hash is wrong.

requirements.txt is generated from requirements.in (README, "Updating a pin"); the
README's set-up installs it with ``--require-hashes``. These tests check the lock's
shape, that the set-up left nothing unpinned in CI's fresh environment, and (slow,
it asks the package index) that a lock line with a wrong hash makes the install fail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT

LOCK = ROOT / "requirements.txt"
# The installer itself, and this project (installed editable, without dependencies).
NOT_IN_LOCK = {"pip", "explaining-machines"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def entries(lock_text: str) -> dict[str, tuple[str, list[str], str]]:
    """Each requirement of a pip-style lock: normalized name -> (version, sha256 hashes, its whole text)."""
    found = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock_text):
        if not block[:1].isalnum():
            continue
        first = re.match(r"([A-Za-z0-9._-]+)==([^\s\\;]+)", block)
        assert first, f"not pinned with ==: {block.splitlines()[0]}"
        text = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("#"))
        found[_name(first.group(1))] = (first.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block), text)
    return found


def test_every_package_is_pinned_with_hashes():
    locked = entries(LOCK.read_text())
    assert len(locked) > 100
    assert [name for name, (_, hashes, _) in locked.items() if not hashes] == []
    assert not re.search(r"^\s*-e\s|^\s*\.\s*$|@ file:", LOCK.read_text(), re.M)  # nothing unhashable


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("tensorflow-cpu", "2.21.0"),
        ("keras", "3.15.1"),
        ("shap", "0.51.0"),
        ("lime", "0.2.0.1"),
        ("scikit-image", "0.26.0"),
    ],
)
def test_the_lock_keeps_the_versions_the_figures_were_made_with(name, version):
    assert entries(LOCK.read_text())[name][0] == version


def test_every_hand_pin_is_in_the_lock():
    """requirements.in and requirements-dev.in are what people edit; the lock must follow them."""
    locked = entries(LOCK.read_text())
    for source in ("requirements.in", "requirements-dev.in"):
        for line in (ROOT / source).read_text().splitlines():
            pin = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line)
            if pin:
                assert locked.get(_name(pin.group(1)), ("missing",))[0] == pin.group(2), f"{source}: {line}"


@pytest.mark.skipif(not os.environ.get("CI"), reason="a developer's environment may hold more; CI's is fresh")
def test_everything_installed_came_from_the_lock():
    """In CI's fresh environment the set-up installed the lock and the project, nothing else."""
    locked = {name: version for name, (version, _, _) in entries(LOCK.read_text()).items()}
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    extra = {name: version for name, version in installed.items() if name not in NOT_IN_LOCK | set(locked)}
    wrong = {
        name: (version, locked[name]) for name, version in installed.items() if locked.get(name, version) != version
    }
    assert (extra, wrong) == ({}, {})


def _install(requirements: Path, target: Path) -> subprocess.CompletedProcess:
    """The README's hash-checked install of `requirements`, into a throwaway folder."""
    command = [sys.executable, "-m", "pip", "install", "--require-hashes", "--no-deps", "--no-cache-dir"]
    command += ["--target", str(target), "-r", str(requirements)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_lock_line_with_a_wrong_hash_makes_the_install_fail(tmp_path: Path):
    version, hashes, text = entries(LOCK.read_text())["six"]  # small, pure Python, no dependencies
    right = tmp_path / "right.txt"
    right.write_text(text + "\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(re.sub(r"sha256:[0-9a-f]{64}", "sha256:" + "0" * 64, text) + "\n")

    installed = _install(right, tmp_path / "right")
    assert installed.returncode == 0, installed.stdout + installed.stderr  # so the failure below is the hash's
    assert (tmp_path / "right" / "six.py").is_file()

    refused = _install(wrong, tmp_path / "wrong")
    assert refused.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE" in refused.stderr
    assert f"six=={version}" in refused.stderr
    assert not (tmp_path / "wrong" / "six.py").exists()
