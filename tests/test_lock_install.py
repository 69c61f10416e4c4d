"""The hash-checked install, for real: pip refuses a lock line whose hash is wrong."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_lock import LOCK, entries

pytestmark = pytest.mark.slow


def _install(requirements: Path, target: Path) -> subprocess.CompletedProcess:
    """The README's hash-checked install of `requirements`, into a throwaway folder."""
    command = [sys.executable, "-m", "pip", "install", "--require-hashes", "--no-deps", "--no-cache-dir"]
    command += ["--target", str(target), "-r", str(requirements)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


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
