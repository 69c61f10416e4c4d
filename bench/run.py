"""Benchmark: cold, warm and hook-free builds of the real site at several sizes, and mkdocs serve.

    python bench/run.py [--posts 2,100,1000] [--test-path ../shared/data/mnist] [--keep]

It copies the site's sources (no cache) into a temporary folder and times, one after
the other, on this machine:

1. a cold ``mkdocs build --strict`` (empty cache: trains, explains, renders, runs the notebook),
   once more with Python's import profiler on in every process it starts, to show that a
   warm build imports no TensorFlow module;
2. for each size of ``--posts`` (2 is the site itself; a larger blog copies the built site,
   cache included, with every post copied under its own slug, title, date and labels): the
   warm build and the floor, the same pages with ``hooks:`` emptied, three times each in
   pairs (warm, floor, warm, floor, ...); their ratio is the median of the three pairs'.
   Builds are timed in CPU seconds of the build and every process it starts (a warm build
   is one process on one core, so on a quiet machine it equals the wall time, which the
   results keep too; on a shared machine it still measures the build alone).
   Then the milliseconds each hook spends per post (``bench/hooktimes.py``) and the page
   weight (the mean size of a post's HTML, and of the whole site);
3. for the sizes up to ``--serve-up-to`` posts: ``mkdocs serve``, from saving an edit of
   one post's prose to the rebuilt page being served, against the floor's serve, three
   times each (the median counts).

Targets (issue 18): warm / floor <= 1.10 at 2 posts and <= 1.15 at 100 and 1,000; an
edit served within 0.5 s at 2 posts and 1 s at 100, or within the floor's own rebuild
+ 0.3 s where MkDocs cannot rebuild less than the whole site. Results are printed and
written to ``bench/results/<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEST = ROOT.parent / "shared" / "data" / "mnist"
RUNS = 3  # warm and floor builds are timed this many times each, in pairs; the median pair counts
SERVE_RUNS = 5
# mkdocs serve notices a saved file by polling every 0.5 s (watchdog's PollingObserver): an edit
# waits 0 to 0.5 s to be seen. Each edit is saved after a random part of that interval, so that
# edits do not fall into step with the polling (a loop whose period is a multiple of 0.5 s
# would see every edit at the same point of it, a systematic error in the comparison).
POLL_SECONDS = 0.5
WALL: list[float] = []  # the wall seconds of every build, in order


def copy_sources(target: Path, test_path: Path | None) -> None:
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(ROOT / name, target / name)
    # The packages are installed: the copy's builds import them by name (the floor gets a copy
    # of figures/ for its snippets, `without_hooks`).
    for name in ("docs", "hooks"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    if test_path is not None:
        config = (target / "mkdocs.yml").read_text()
        config, count = re.subn(r"(\n    data:\n)", rf"\1      test_path: {test_path}\n", config)
        if count != 1:
            sys.exit("bench: cannot find extra.project.data in mkdocs.yml to set test_path")
        (target / "mkdocs.yml").write_text(config)


def build_env() -> dict[str, str]:
    """The environment of a timed build: an author's, whose Python caches compiled modules.

    Some machines (this one among them) set PYTHONDONTWRITEBYTECODE; the installed libraries
    have their bytecode from pip, but the project, installed as editable, would be compiled
    again by every build (0.7 s here), which no author's build does after its first.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cpu_seconds() -> float:
    """CPU seconds (user and system) of the children that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(site: Path, *, profile_imports: bool = False) -> tuple[float, str]:
    """One ``mkdocs build --strict`` in `site`: (CPU seconds, combined output).

    CPU time, not wall time: a warm build runs in one process on one core, so on a quiet
    machine the two agree, and on a shared one (two cores, other work) CPU time still
    measures the build and not its neighbours. `timed_wall` keeps the wall time too.
    """
    env = build_env()
    if profile_imports:
        env["PYTHONPROFILEIMPORTTIME"] = "1"  # inherited by every Python child (figures CLI, kernels)
    started, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    WALL.append(time.perf_counter() - started)
    if done.returncode != 0:
        sys.exit(f"bench: build failed in {site}:\n{done.stdout[-4000:]}")
    return cpu_seconds() - cpu, done.stdout


def records(cache: Path) -> dict[str, dict]:
    """The record of each cache entry, by step name."""
    found = {}
    for record in cache.glob("*/*/record.json"):
        data = json.loads(record.read_text())
        found[data.get("step", record.parent.parent.name)] = data
    return found


def without_hooks(site: Path) -> None:
    """No hooks, and no nav entries for the pages they generate (References, How it was made).

    The posts' snippets still include the forest's code from figures/ (the hooks would add
    the installed package's folder to the snippets' paths): the floor gets a copy.
    """
    shutil.copytree(
        ROOT / "figures", site / "figures", ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
    )
    config = (site / "mkdocs.yml").read_text()
    config = re.sub(r"\nhooks:\n(  - .*\n)+", "\nhooks: []\n", config)
    for entry in (r"  - References: references\.md", r"  - How it was made: how-it-was-made/index\.md"):
        config, count = re.subn(rf"\n{entry}\n", "\n", config)
        if count != 1:
            sys.exit(f"bench: cannot find {entry.strip()} in the nav of mkdocs.yml")
    (site / "mkdocs.yml").write_text(config)


def scaled_site(source: Path, target: Path, posts: int) -> Path:
    """A copy of the built site `source` (cache included) whose blog has `posts` posts.

    The originals stay (the home page links to them); each copy of a post gets its own
    slug, title and date, and its labels a suffix of its copy, so that the why-explain
    copy of a pair refers to the figure of the visual guide of the same pair.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site"))
    posts_dir = target / "docs" / "blog" / "posts"
    originals = {path.stem: path.read_text() for path in sorted(posts_dir.glob("*.md"))}
    for n in range(posts - len(originals)):
        i, stem = 1 + n // len(originals), sorted(originals)[n % len(originals)]
        text = re.sub(r"\b((?:fig|eq|tbl)-[\w-]+)", rf"\1-c{i}", originals[stem])
        text = re.sub(r"^slug: .*$", f"slug: {stem}-{i}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"created: \d{4}-(\d\d)-(\d\d)", rf"created: {2000 + i % 25}-\1-\2", text)
        text = re.sub(r"^# (.+)$", rf"# \1 (copy {i})", text, count=1, flags=re.MULTILINE)
        (posts_dir / f"{stem}-{i}.md").write_text(text)
    return target


def hook_seconds(site: Path) -> dict[str, float]:
    """Seconds each hook spends in one warm build of `site` (bench/hooktimes.py)."""
    env = build_env()
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "hooktimes.py"), str(site)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"bench: hook timing failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def page_weight(site: Path) -> dict:
    """The mean size of a post's HTML, and the size of the whole built site, in KB."""
    built = site / "site"
    posts = [p for p in (built / "blog").glob("*/*/*/*/index.html")]
    total = sum(p.stat().st_size for p in built.rglob("*") if p.is_file())
    mean = sum(p.stat().st_size for p in posts) / max(1, len(posts))
    return {"post_html_kb": round(mean / 1024, 1), "site_mb": round(total / 2**20, 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def serve_seconds(site: Path, post: str, url_path: str) -> list[float]:
    """Seconds from saving an edit of `post`'s prose to ``mkdocs serve`` serving the page rebuilt.

    The edit changes one word of the post's first paragraph, saved at a random point of the
    server's polling interval (`POLL_SECONDS`); the page is polled every 10 ms until the new
    word is in it. The edit is undone afterwards.
    """
    port = free_port()
    env = build_env()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
    path = site / post
    original = path.read_text()
    # mkdocs serve serves the site under its site_url's path, as a host would.
    found = re.search(r"^site_url:\s*(\S+)", (site / "mkdocs.yml").read_text(), re.MULTILINE)
    base = urllib.parse.urlsplit(found[1]).path if found else "/"
    url = f"http://127.0.0.1:{port}{base.rstrip('/')}/{url_path}"
    times, phase = [], random.Random(port)
    try:
        deadline = time.monotonic() + 600
        while fetch(url) is None:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"bench: mkdocs serve did not start in {site}")
            time.sleep(0.2)
        time.sleep(1)  # let the first build's file events settle
        for run in range(SERVE_RUNS):
            word = f"benchword{run}x{os.getpid()}"
            edited = re.sub(r"(\n\n)([A-Z][a-z]+)", rf"\1{word} \2", original, count=1)
            time.sleep(phase.uniform(0, POLL_SECONDS))
            saved = time.monotonic()
            path.write_text(edited)
            while word not in (fetch(url) or ""):
                if time.monotonic() - saved > 300:
                    sys.exit(f"bench: the edit of {post} was not served within 300 s")
                time.sleep(0.01)
            times.append(time.monotonic() - saved)
            path.write_text(original)
            time.sleep(0.5)
            while word in (fetch(url) or word):  # the undo is served before the next edit
                time.sleep(0.05)
            time.sleep(0.5)
    finally:
        path.write_text(original)
        server.terminate()
        server.wait(timeout=30)
    return times


def measure(site: Path, floor: Path, posts: int, serve: bool, runs: int = RUNS) -> dict:
    """Warm build against the floor (median of paired runs), hook times, page weight and serve."""
    build(site)  # new posts' figures are the same entries: nothing is computed; memos fill
    build(floor)
    pairs, walls = [], []
    for _ in range(runs):
        pairs.append((build(site)[0], build(floor)[0]))
        walls.append((WALL[-2], WALL[-1]))
    ratios = sorted(warm / low for warm, low in pairs)
    result = {
        "posts": posts,
        "warm_seconds": [round(warm, 2) for warm, _ in pairs],
        "floor_seconds": [round(low, 2) for _, low in pairs],
        "warm_over_floor": round(ratios[len(ratios) // 2], 3),
        "wall_seconds": [[round(warm, 2), round(low, 2)] for warm, low in walls],
        "hook_ms_per_post": {name: round(1000 * sec / posts, 2) for name, sec in hook_seconds(site).items()},
        **page_weight(site),
    }
    if serve:
        post, url = "docs/blog/posts/why-explain.md", "blog/2024/03/10/why-explain/"
        ours, low = serve_seconds(site, post, url), serve_seconds(floor, post, url)
        result["serve_seconds"] = [round(t, 3) for t in ours]
        result["floor_serve_seconds"] = [round(t, 3) for t in low]
    return result


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--test-path",
        type=Path,
        default=DEFAULT_TEST if DEFAULT_TEST.is_dir() else None,
        help="folder with the official t10k IDX files (default: ../shared/data/mnist if present)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary sites")
    parser.add_argument("--posts", default="2,100", help="blog sizes to measure, e.g. 2,100,1000")
    parser.add_argument("--serve-up-to", type=int, default=100, help="measure mkdocs serve up to this many posts")
    parser.add_argument("--big-runs", type=int, default=RUNS, help="paired runs for blogs of more than 100 posts")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.posts.split(",")})

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    site = work / "site-src"
    site.mkdir()
    copy_sources(site, args.test_path.resolve() if args.test_path else None)

    build(site)
    cold = WALL[-1]  # the cold build runs several processes at once: its wall time counts
    _, profiled_log = build(site, profile_imports=True)  # counts imports; the profiler's own cost is not timed
    tf_imports = sorted({m for m in re.findall(r"import time:.*\|\s+(tensorflow\S*|keras\S*)", profiled_log)})
    recomputed = [line for line in profiled_log.splitlines() if "computing" in line or "executing" in line]

    sized = {}
    for posts in sizes:
        big = site if posts <= 2 else scaled_site(site, work / f"posts-{posts}", posts)
        floor = shutil.copytree(big, work / f"floor-{posts}", ignore=shutil.ignore_patterns("site"))
        without_hooks(floor)
        runs = RUNS if posts <= 100 else args.big_runs
        sized[posts] = measure(big, floor, max(posts, 2), serve=posts <= args.serve_up_to, runs=runs)

    steps = records(site / ".figures-cache")
    model = steps.get("model", {}).get("meta", {})
    result = {
        "cold_seconds": round(cold, 1),
        "tensorflow_modules_in_warm_build": len(tf_imports),
        "recomputed_in_warm_build": recomputed,
        "train_seconds": model.get("train_seconds"),
        "holdout_accuracy": model.get("holdout_accuracy"),
        "test_accuracy": model.get("test_accuracy"),
        "test_digits": model.get("test_digits"),
        "step_seconds": {name: rec.get("seconds") for name, rec in sorted(steps.items())},
        "sizes": sized,
    }
    checks = {
        "cold < 90 s": cold < 90,
        "no TensorFlow import in warm build": not tf_imports,
        "test accuracy >= 98%": (result["test_accuracy"] or 0) >= 0.98 if args.test_path else None,
    }
    for posts, numbers in sized.items():
        checks[f"warm <= {1.10 if posts <= 2 else 1.15} x floor ({posts} posts)"] = numbers["warm_over_floor"] <= (
            1.10 if posts <= 2 else 1.15
        )
        if "serve_seconds" in numbers:
            ours, low = median(numbers["serve_seconds"]), median(numbers["floor_serve_seconds"])
            limit = 0.5 if posts <= 2 else 1.0
            checks[f"edit served within {limit} s or floor + 0.3 s ({posts} posts)"] = ours <= max(limit, low + 0.3)
    print(f"cold build          {cold:7.1f} s   (warm build recomputed {len(recomputed)} entries)")
    print(f"training            {model.get('train_seconds')} s on {model.get('train_digits')} digits")
    print(f"hold-out accuracy   {model.get('holdout_accuracy')}")
    if args.test_path:
        print(f"official test acc.  {model.get('test_accuracy')} on {model.get('test_digits')} digits")
    print(f"TensorFlow modules imported by the warm build: {len(tf_imports)}")
    for name, seconds in result["step_seconds"].items():
        print(f"  step {name:40} {seconds} s")
    for posts, numbers in sized.items():
        print(f"{posts} posts: warm {numbers['warm_seconds']} s, floor {numbers['floor_seconds']} s, "
              f"warm / floor {numbers['warm_over_floor']} (median pair); post HTML {numbers['post_html_kb']} KB, "
              f"site {numbers['site_mb']} MB")  # fmt: skip
        if "serve_seconds" in numbers:
            print(
                f"  serve: edit to served page {numbers['serve_seconds']} s, floor {numbers['floor_serve_seconds']} s"
            )
        for name, ms in numbers["hook_ms_per_post"].items():
            print(f"  {name:32} {ms:6.2f} ms per post")
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'skip' if ok is None else 'FAIL'}  {check}")
    result["checks"] = checks

    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(result, indent=2) + "\n")
    if args.keep:
        print(f"sites kept in {work}")
    else:
        shutil.rmtree(work)
    return 0 if all(ok is not False for ok in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
