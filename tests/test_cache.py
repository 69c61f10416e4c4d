"""The cache: atomic entries, verification of every file, recovery from damage, locks."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from explaining_machines.settings import load
from figures.cache import Cache, CacheError
from figures.graph import Project
from figures.steps import Step

KEY = "0123456789abcdef0123456789abcdef"


def write_files(out: Path) -> dict:
    (out / "values.npz").write_bytes(b"\x93NUMPY fake but fixed bytes" * 10)
    (out / "nested").mkdir()
    (out / "nested" / "light.png").write_bytes(b"\x89PNG" + bytes(range(200)))
    return {"answer": 42}


@pytest.fixture
def cache(tmp_path) -> Cache:
    return Cache(tmp_path / "cache")


def test_a_stored_entry_is_found_whole(cache):
    stored = cache.store("shap", "shap", KEY, write_files, {"params": {}})
    entry, reason = cache.lookup("shap", "shap", KEY)
    assert reason == "" and entry.path == stored.path == cache.root / "shap" / KEY
    assert entry.meta == {"answer": 42}
    assert set(entry.record["files"]) == {"values.npz", "nested/light.png"}
    assert [p.name for p in entry.path.parent.iterdir()] == [KEY]  # no temporary folder left


def test_a_missing_entry_says_so(cache):
    assert cache.lookup("shap", "shap", KEY) == (None, "not in the cache")


def damage_cases():
    def flip(path: Path):
        data = bytearray(path.read_bytes())
        data[5] ^= 0xFF
        path.write_bytes(bytes(data))

    return [
        ("corrupt", lambda e: flip(e / "values.npz"), "values.npz does not match its recorded checksum"),
        (
            "truncated",
            lambda e: (e / "nested" / "light.png").write_bytes(b"\x89PNG"),
            "nested/light.png does not match its recorded checksum",
        ),
        (
            "foreign",
            lambda e: (e / "values.npz").write_text("<html>not an array</html>"),
            "values.npz does not match its recorded checksum",
        ),
        ("deleted file", lambda e: (e / "values.npz").unlink(), "values.npz is missing"),
        ("no record", lambda e: (e / "record.json").unlink(), "its record.json is missing"),
        (
            "truncated record",
            lambda e: (e / "record.json").write_text('{"format": 1, "key'),
            "its record.json is unreadable (JSONDecodeError)",
        ),
        (
            "foreign record",
            lambda e: (e / "record.json").write_text(json.dumps({"format": 1, "key": "other"})),
            "its record.json belongs to another entry or format",
        ),
        (
            "empty record",
            lambda e: (e / "record.json").write_text(json.dumps({"format": 1, "key": KEY})),
            "its record.json lists no files",
        ),
    ]


@pytest.mark.parametrize(("kind", "damage", "reason"), damage_cases(), ids=[c[0] for c in damage_cases()])
def test_damage_is_detected(cache, kind, damage, reason):
    entry = cache.store("shap", "shap", KEY, write_files, {})
    damage(entry.path)
    found, why = cache.lookup("shap", "shap", KEY)
    assert found is None and why.startswith(reason)


def test_a_failing_computation_leaves_nothing(cache):
    def fails(out: Path) -> dict:
        write_files(out)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        cache.store("shap", "shap", KEY, fails, {})
    assert cache.lookup("shap", "shap", KEY) == (None, "not in the cache")
    assert list((cache.root / "shap").iterdir()) == []


def test_a_killed_writer_leaves_only_a_temporary_folder_that_is_swept(cache):
    """A process that dies mid-write (os._exit: no cleanup runs) never publishes an entry."""
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from figures.cache import Cache
        def half(out):
            (out / "values.npz").write_bytes(b"half")
            os._exit(9)
        Cache(Path({str(cache.root)!r})).store("shap", "shap", {KEY!r}, half, {{}})
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    assert cache.lookup("shap", "shap", KEY) == (None, "not in the cache")
    leftovers = list((cache.root / "shap").glob(".tmp-*"))
    assert len(leftovers) == 1
    assert cache.sweep_temporaries("shap") == 0  # a recent one may belong to a live build
    assert cache.sweep_temporaries("shap", max_age_seconds=0) == 1
    assert list((cache.root / "shap").iterdir()) == []


def test_an_unwritable_cache_folder_is_one_clear_error(tmp_path):
    if os.geteuid() == 0:
        blocked = tmp_path / "file"
        blocked.write_text("a file where the cache folder should be")
        cache = Cache(blocked / "cache")
        expected = f"{blocked / 'cache'}: cannot create the cache folder (Not a directory)"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cache = Cache(locked)
        expected = f"{locked / 'shap'}: cannot create the cache folder (Permission denied)"
    with pytest.raises(CacheError) as error:
        cache.store("shap", "shap", KEY, write_files, {})
    assert str(error.value) == expected


# --- through the graph: a damaged entry is reported and recomputed ------------------

COUNTING = """
import os
from pathlib import Path
RUNS = Path({runs!r})
def compute(inputs, params, out, log):
    with RUNS.open("a") as handle:
        handle.write("run\\n")
    if params.get("hold"):  # hold the lock until the test lets us finish
        with open(Path(params["hold"], "release")) as fifo:
            fifo.read()
    (out / "result.txt").write_text("result " + str(params["n"]))
    return {{}}
"""


@pytest.fixture
def counting_project(tmp_path, monkeypatch) -> Project:
    """A project whose only step writes one file and counts its runs in a file."""
    name = f"counting_{abs(hash(str(tmp_path)))}"  # a module of its own: sys.modules keeps each
    module = tmp_path / "mods" / f"{name}.py"
    module.parent.mkdir()
    module.write_text(COUNTING.format(runs=str(tmp_path / "runs.txt")))
    monkeypatch.syspath_prepend(str(module.parent))
    project = Project(load({"cache_dir": str(tmp_path / "cache")}, tmp_path))
    project.graph = {"count": Step("count", "count", f"{name}:compute", (), {"n": 1}, ())}
    return project


def runs(project: Project) -> int:
    path = project.settings.cache_path.parent / "runs.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_a_corrupt_entry_is_recomputed_and_said_at_info_level(counting_project, caplog):
    entry = counting_project.ensure("count")
    assert runs(counting_project) == 1
    (entry.path / "result.txt").write_text("tampered")
    again = Project(counting_project.settings)
    again.graph = counting_project.graph
    with caplog.at_level(logging.INFO, logger="figures"):
        fresh = again.ensure("count")
    assert runs(counting_project) == 2
    assert fresh.file("result.txt").read_text() == "result 1"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # a repair must not fail --strict
    repairs = [r.getMessage() for r in caplog.records if "unusable" in r.getMessage()]
    assert repairs == [
        "count: cached entry unusable, recomputing: "
        "result.txt does not match its recorded checksum (corrupt or truncated)"
    ]


def test_a_whole_entry_is_used_without_recomputing(counting_project, caplog):
    counting_project.ensure("count")
    again = Project(counting_project.settings)
    again.graph = counting_project.graph
    with caplog.at_level(logging.INFO, logger="figures"):
        again.ensure("count")
    assert runs(counting_project) == 1
    assert any("count: cached" in r.getMessage() for r in caplog.records)


def test_two_processes_sharing_a_cache_compute_an_entry_once(counting_project, tmp_path):
    """The second process waits on the key's lock, then finds the entry the first one wrote.

    Synchronised by files, not by time: the first process holds the lock until the test
    writes to a FIFO, which the test does only once filelock's own log says that the
    second process is waiting for that lock.
    """
    hold = tmp_path / "hold"
    hold.mkdir()
    os.mkfifo(hold / "release")
    compute = counting_project.graph["count"].compute
    script = textwrap.dedent(f"""
        import logging, sys
        from pathlib import Path
        sys.path.insert(0, {str(tmp_path / "mods")!r})
        from explaining_machines.settings import load
        from figures.graph import Project
        from figures.steps import Step
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(message)s")
        project = Project(load({{"cache_dir": {str(tmp_path / "cache")!r}}}, Path({str(tmp_path)!r})))
        project.graph = {{"count": Step("count", "count", "{compute}", (), {{"n": 1, "hold": {str(hold)!r}}}, ())}}
        print(project.ensure("count").file("result.txt").read_text(), flush=True)
    """)

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    first = start()
    for line in first.stderr:  # the first process holds the lock and computes
        if "count: computing" in line:
            break
    second = start()
    for line in second.stderr:  # the second one finds no entry and waits for the lock
        if "not acquired" in line:
            break
    with open(hold / "release", "w") as fifo:
        fifo.write("go")
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert [out for out, _ in outputs] == ["result 1\n", "result 1\n"]
    assert "computed by a concurrent build" in outputs[1][1]
    assert runs(counting_project) == 1
