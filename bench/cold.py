"""Where a cold build's time goes: each step's compute time, and the chain of waits that sets the total.

    python bench/cold.py [--test-path DIR] [--keep]

It copies the site's sources (no cache) into a temporary folder, runs one cold
``mkdocs build --strict --verbose`` there, and reads when each step started and how long
it computed from the records of the entries (``started_unix``, ``seconds``; the log
is no clock: the build relays its workers' lines only between its own tasks, so a
notebook it executes holds them back) and which worker process computed what from the
log's ``worker N of M`` lines (`figures.workers`; notebooks run in the build's own
process). Then it prints:

* every step computed: its process, start and end (seconds since the build began) and
  compute time, and the TensorFlow import inside the model's;
* the critical path: from the step that ends last, back through whatever it waited for,
  which is the latest to end of the entries upstream of it (its record's ``input_entries``)
  and the step before it in the same process; each gap on the path (a process starting,
  importing, waiting on a lock) is shown as such;
* what comes after the last step: MkDocs rendering the pages.

Exit status 1 if the build fails. The numbers are this machine's, at this moment: run it
when nothing else is running.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import DEFAULT_TEST, copy_sources  # bench/run.py: the same copy of the site

LINE = re.compile(r"^(?:INFO|DEBUG) +- +(?:figures: )?(?P<message>.*)$")
WORKER = re.compile(r"worker (?P<number>\d+) of \d+: build (?P<targets>.*)")
TENSORFLOW = re.compile(r"model: TensorFlow loaded in (?P<seconds>[\d.]+) s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test-path", type=Path, default=DEFAULT_TEST if DEFAULT_TEST.is_dir() else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    site = work / "site-src"
    site.mkdir()
    copy_sources(site, args.test_path.resolve() if args.test_path else None)
    try:
        seen, total, code, log = watch(site)
        if code != 0:
            print(log[-4000:])
            return 1
        report(site, seen, total)
    finally:
        if args.keep:
            print(f"site kept in {site}")
        else:
            shutil.rmtree(work)
    return 0


def watch(site: Path) -> tuple[dict, float, int, str]:
    """Run the cold build: when it began, its workers' steps, the TensorFlow import; its time, status and log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    began, started = time.time(), time.perf_counter()
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--verbose"],
        cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )  # fmt: skip
    seen: dict = {"began": began, "workers": {}, "tensorflow": None}
    lines = []
    for line in build.stdout:
        lines.append(line)
        found = LINE.match(line.rstrip())
        if not found:
            continue
        message = found["message"]
        if match := WORKER.match(message):
            seen["workers"][int(match["number"])] = match["targets"].split()
        elif match := TENSORFLOW.match(message):
            seen["tensorflow"] = float(match["seconds"])
    code = build.wait()
    return seen, time.perf_counter() - started, code, "".join(lines)


def records(cache: Path) -> dict[str, dict]:
    found = {}
    for path in cache.glob("*/*/record.json"):
        record = json.loads(path.read_text())
        found[record["step"]] = record
    return found


def report(site: Path, seen: dict, total: float) -> None:
    from figures import open_project

    project = open_project(site / "mkdocs.yml")
    recorded = records(project.cache.root)
    seen["start"] = {step: record["started_unix"] - seen["began"] for step, record in recorded.items()}
    seen["end"] = {step: seen["start"][step] + record["seconds"] for step, record in recorded.items()}
    computed = sorted(recorded, key=seen["start"].get)
    process = {}
    for number, targets in seen["workers"].items():
        for step in project.plan(targets):
            process.setdefault(step, f"worker {number}")
    for step in computed:  # the notebooks run in the build itself, and their kernels compute what they ask for
        process.setdefault(step, "build" if step.startswith("notebook:") else "kernel")

    print(f"cold build: {total:.1f} s, {len(computed)} steps computed, {len(seen['workers'])} worker processes\n")
    print(f"{'step':44} {'process':9} {'start':>7} {'end':>7} {'compute':>8}")
    for step in computed:
        print(f"{step:44} {process[step]:9} {seen['start'][step]:7.1f} {seen['end'][step]:7.1f} "
              f"{recorded[step]['seconds']:8.1f}")  # fmt: skip
    if seen["tensorflow"] is not None:
        print(f"  (the model's compute time includes importing TensorFlow: {seen['tensorflow']:.1f} s)")

    def before(step: str) -> str | None:
        """What `step` waited for: the latest to end of its upstream entries and its process's previous step."""
        upstream = [s for s in recorded[step].get("input_entries", {}) if s in seen["end"]]
        same = [s for s in computed if process[s] == process[step] and seen["end"][s] <= seen["start"][step]]
        waited = upstream + same[-1:]
        return max(waited, key=seen["end"].get) if waited else None

    path, step = [], max(computed, key=seen["end"].get)
    while step is not None:
        path.append(step)
        step = before(step)
    print("\ncritical path (latest first):")
    last = seen["end"][path[0]]
    print(f"  {'after the last step: MkDocs renders the site':58} {total - last:6.1f} s")
    for i, step in enumerate(path):
        print(f"  {step + ' (' + process[step] + ')':58} {seen['end'][step] - seen['start'][step]:6.1f} s")
        previous_end = seen["end"][path[i + 1]] if i + 1 < len(path) else 0.0
        gap = seen["start"][step] - previous_end
        what = "waiting before it" if i + 1 < len(path) else "before it: MkDocs starts, reads the pages, starts workers"
        print(f"  {'  ' + what:58} {gap:6.1f} s")
    on_path = sum(seen["end"][s] - seen["start"][s] for s in path)
    print(f"\nsteps on the path: {on_path:.1f} s of {total:.1f} s; the rest is waits and MkDocs")


if __name__ == "__main__":
    sys.exit(main())
