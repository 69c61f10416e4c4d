"""Benchmark of the shared cache: a fresh checkout's first build with a warm remote, against cold and warm builds.

    python bench/remote.py [--keep]

It starts an S3 server on loopback (moto, as the tests do), copies the site's sources
twice into a temporary folder (no cache) and times, one after the other:

1. cold: machine A's ``mkdocs build --strict`` with an empty cache and ``write: true``
   (``FIGURES_REMOTE_WRITE``): it trains, explains, renders, runs the notebook, and
   uploads every entry it computed;
2. from the remote: machine B's first build, an empty cache folder and ``write: false``:
   everything comes from the bucket; with the bytes it downloaded (the files and
   records of the entries it published). Its processes find a ``tensorflow`` on
   PYTHONPATH that raises on import: the build would fail if it computed anything;
3. warm: the same build again on B, everything in its local cache;
4. machine C, another fresh checkout: ``python -m figures pull`` alone (the fetch, timed
   apart from the build), then its first build, which finds every entry local but
   starts without the per-page memos and mkdocs-jupyter's conversion cache that a
   warm build has: the difference between 2 and 3 that is not the download.

The site is the real one (its mkdocs.yml reads the remote from ``FIGURES_REMOTE_URL``
and ``FIGURES_REMOTE_WRITE``). Loopback has no network latency: a real bucket adds a
round trip per request (one record and one request per file of each entry, about 70 here).
Results are printed and written to ``bench/results/remote-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import ROOT, build, copy_sources  # bench/run.py: the same copy of the site, the same timed build

sys.path.insert(0, str(ROOT / "tests"))  # the tests' loopback S3 server, not a second copy of it
from s3server import S3  # noqa: E402

NO_TENSORFLOW = "raise ImportError('bench: the build from the remote imported TensorFlow')\n"


def downloaded(cache: Path) -> tuple[int, int]:
    """Entries in a cache folder and their bytes (files and records): what a build fetched into it."""
    entries = list(cache.glob("*/*/record.json"))
    return len(entries), sum(f.stat().st_size for e in entries for f in e.parent.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    server = S3.start()
    bucket = server.bucket()
    os.environ.update(server.environment())
    os.environ["FIGURES_REMOTE_URL"] = f"s3://{bucket}/explaining-machines"
    work = Path(tempfile.mkdtemp(prefix="bench-remote-"))
    try:
        a, b, c = work / "a", work / "b", work / "c"
        for site in (a, b, c):
            site.mkdir()
            copy_sources(site, None)
        os.environ["FIGURES_REMOTE_WRITE"] = "true"
        cold, _ = build(a)
        objects = server.objects(bucket)
        os.environ["FIGURES_REMOTE_WRITE"] = "false"
        (work / "blocker" / "tensorflow").mkdir(parents=True)
        (work / "blocker" / "tensorflow" / "__init__.py").write_text(NO_TENSORFLOW)
        os.environ["PYTHONPATH"] = str(work / "blocker")
        remote, _ = build(b)
        entries, size = downloaded(b / ".figures-cache")
        warm, _ = build(b)
        started = time.perf_counter()
        pulled = subprocess.run([sys.executable, "-m", "figures", "pull"], cwd=c, capture_output=True, text=True)
        pull_seconds = time.perf_counter() - started
        if pulled.returncode != 0:
            sys.exit(f"bench: pull failed:\n{pulled.stdout}{pulled.stderr}")
        after_pull, _ = build(c)
        results = {
            "cold_seconds": round(cold, 1),
            "from_remote_seconds": round(remote, 1),
            "warm_seconds": round(warm, 1),
            "pull_seconds": round(pull_seconds, 1),
            "pull_summary": pulled.stdout.strip().splitlines()[-1],
            "first_build_after_pull_seconds": round(after_pull, 1),
            "entries_fetched": entries,
            "bytes_downloaded": size,
            "bucket_objects": len(objects),
            "bucket_bytes": sum(map(len, objects.values())),
        }
        same = {p.relative_to(a / "site") for p in (a / "site").rglob("*.png")} == {
            p.relative_to(b / "site") for p in (b / "site").rglob("*.png")
        }
        results["same_figures"] = same and all(
            (a / "site" / p).read_bytes() == (b / "site" / p).read_bytes()
            for p in (x.relative_to(a / "site") for x in (a / "site").rglob("*.png"))
        )
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"cold build (computes, uploads)      {results['cold_seconds']:7.1f} s")
    print(
        f"fresh checkout, warm remote          {results['from_remote_seconds']:7.1f} s   "
        f"({results['entries_fetched']} entries, {results['bytes_downloaded'] / 1e6:.1f} MB downloaded, "
        "TensorFlow unimportable)"
    )
    print(f"warm build                           {results['warm_seconds']:7.1f} s")
    print(f"python -m figures pull, fresh checkout {results['pull_seconds']:5.1f} s   ({results['pull_summary']})")
    print(f"its first build, every entry local   {results['first_build_after_pull_seconds']:7.1f} s")
    print(f"bucket: {results['bucket_objects']} objects, {results['bucket_bytes'] / 1e6:.1f} MB; "
          f"same figures: {results['same_figures']}")  # fmt: skip
    out = ROOT / "bench" / "results" / f"remote-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if results["same_figures"] else 1


if __name__ == "__main__":
    sys.exit(main())
