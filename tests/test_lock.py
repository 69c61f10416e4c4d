"""The lock: every package pinned with its hashes, and pip refusing a file whose hash is wrong.

requirements.txt is generated from requirements.in (README, "Updating a pin"); the
README's set-up installs it with ``--require-hashes``. These tests check the lock's
shape, that the set-up left nothing unpinned in CI's fresh environment, and (slow,
it asks the package index) that a lock line with a wrong hash makes the install fail.
"""

from __future__ import annotations

import os
import re
from importlib import metadata

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
