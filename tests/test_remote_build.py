"""Two checkouts sharing one bucket (moto on loopback): the second builds without TensorFlow and gives the same site.

Machine A, its own cache folder and ``write: true``, builds a small site cold (one
epoch, a small SHAP background): the bucket fills. Machine B, an empty cache folder and
``write: false``, builds it ``--strict`` with a ``tensorflow`` on PYTHONPATH that
raises on import (the worker processes get it too): it computes nothing, gives
byte-identical figures and the same numbers, and leaves the bucket as it was. Then a
flipped byte in a remote figure file, and a server that fails mid-build: each is one
warning, and the figure is right anyway, drawn here (still without TensorFlow: drawing
needs only the explanations, which came from the remote).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import engine, make_site
from s3server import S3, faulty

pytestmark = pytest.mark.slow

PAGE = """# Shared

{% figure "shap-digit" digit=3 %}

The model is right on {% value "model.holdout_accuracy" format=".3%" %} of the held-out digits.
"""
SETTINGS = """    model:
      epochs: 1
    figures:
      background: 10
    remote_cache:
      url: s3://{bucket}/site
      write: {write}
      timeout: 5
"""
NO_TENSORFLOW = "raise ImportError('this machine must not import TensorFlow: everything is in the remote cache')\n"


@pytest.fixture(scope="module")
def s3():
    server = S3.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def blocker(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("blocker")
    (folder / "tensorflow").mkdir()
    (folder / "tensorflow" / "__init__.py").write_text(NO_TENSORFLOW)
    return folder


def machine(folder: Path, bucket: str, write: bool) -> Path:
    return make_site(folder, {"index.md": PAGE}, SETTINGS.format(bucket=bucket, write=str(write).lower()))


def build(site: Path, s3: S3, *args: str, endpoint: str | None = None, blocker: Path | None = None):
    env = {**os.environ, **s3.environment(endpoint), "NO_MKDOCS_2_WARNING": "1"}
    if blocker is not None:
        env["PYTHONPATH"] = str(blocker)
    return subprocess.run(
        engine("build", *args), cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=1200,
    )  # fmt: skip


def figures_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / "site").rglob("*.png"))}


def number_of(site: Path) -> str:
    return re.search(r"right on ([\d.]+%)", (site / "site" / "index.html").read_text()).group(1)


@pytest.fixture(scope="module")
def shared(s3, tmp_path_factory):
    """Machine A's cold build with write access: (bucket, A's site folder, the bucket's objects)."""
    bucket = s3.bucket()
    a = machine(tmp_path_factory.mktemp("a"), bucket, write=True)
    done = build(a, s3, "--strict")
    assert done.returncode == 0, done.stdout
    assert "model: uploaded to the remote cache" in done.stdout
    return bucket, a, s3.objects(bucket)


def test_the_writer_fills_the_bucket(shared):
    _, _, objects = shared
    kinds = {name.split("/")[3] for name in objects if "/entries/" in name}
    assert {"dataset", "model", "predictions", "shap", "figure-shap-digit"} <= kinds


def test_a_second_checkout_builds_from_the_remote_without_tensorflow(shared, s3, blocker, tmp_path):
    bucket, a, objects = shared
    b = machine(tmp_path / "b", bucket, write=False)
    done = build(b, s3, "--strict", blocker=blocker)
    assert done.returncode == 0, done.stdout
    assert "from the remote cache" in done.stdout and "computing" not in done.stdout
    assert figures_of(b) == figures_of(a) and figures_of(a)
    assert number_of(b) == number_of(a)
    assert s3.objects(bucket) == objects  # a reader leaves the bucket as it was


def test_a_flipped_byte_in_a_remote_figure_is_refused_and_the_figure_is_right_anyway(shared, s3, blocker, tmp_path):
    bucket, a, objects = shared
    record = next(name for name in objects if "/entries/figure-shap-digit/" in name)
    light = json.loads(objects[record])["files"]["light.png"]["sha256"]
    damaged = bytearray(objects[f"site/v1/files/{light}"])
    damaged[100] ^= 0x01
    s3.put(bucket, f"site/v1/files/{light}", bytes(damaged))
    try:
        c = machine(tmp_path / "c", bucket, write=False)
        done = build(c, s3, blocker=blocker)  # not --strict: the refusal is a warning
        assert done.returncode == 0, done.stdout
        key = record.rsplit("/", 1)[1].removesuffix(".json")
        assert (
            f"WARNING -  figures: figure:shap-digit[digit=3]: remote entry figure-shap-digit/{key} refused: "
            "light.png does not match its recorded checksum; computing it here. To delete it from the remote "
            f"(a build with write access then uploads it again): python -m figures remote --delete "
            f"figure-shap-digit/{key}"
        ) in done.stdout
        assert figures_of(c) == figures_of(a)
        after = s3.objects(bucket)  # it computed the figure, and may not write: the bucket is as it was
        assert after.keys() == objects.keys() and after[f"site/v1/files/{light}"] == bytes(damaged)
    finally:
        s3.put(bucket, f"site/v1/files/{light}", objects[f"site/v1/files/{light}"])


def test_a_server_failing_mid_build_costs_one_warning_and_the_build_goes_on(shared, s3, blocker, tmp_path):
    bucket, a, _ = shared
    d = machine(tmp_path / "d", bucket, write=False)
    with faulty(s3, "forward", failing="/entries/figure-") as (_, url):  # the explanations come, the figure not
        done = build(d, s3, endpoint=url, blocker=blocker)
    assert done.returncode == 0, done.stdout
    warnings = [line for line in done.stdout.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and f"figures: remote cache s3://{bucket}/site: " in warnings[0]
    assert warnings[0].endswith("; this build goes on without it")
    assert figures_of(d) == figures_of(a)
