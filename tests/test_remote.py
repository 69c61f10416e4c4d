"""The remote cache against a real S3 protocol server on loopback (moto): what is shared, what is refused, faults.

Entries here are small fakes computed in-process, so these run in the fast lane; the
builds of whole sites that share a bucket are in tests/test_remote_build.py.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import time

import pytest
from s3server import S3, closed_port, faulty

from explaining_machines.settings import RemoteCacheSettings
from figures import keys, remote
from figures.cache import Cache
from figures.records import check_record
from figures.remote import open_remote

log = logging.getLogger("figures.test")


@pytest.fixture(scope="module")
def s3():
    server = S3.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _forget_failures():
    remote._down.clear()  # what one test's remote did must not reach another's workers
    yield
    remote._down.clear()


@pytest.fixture
def bucket(s3, monkeypatch) -> str:
    for name, value in s3.environment().items():
        monkeypatch.setenv(name, value)
    return s3.bucket()


def settings(bucket: str, write: bool = False, timeout: int = 5) -> RemoteCacheSettings:
    return RemoteCacheSettings(url=f"s3://{bucket}/site", write=write, timeout=timeout)


def machine(tmp_path, name: str, bucket: str, write: bool = False, timeout: int = 5) -> Cache:
    """A machine's own cache folder, sharing the bucket."""
    return Cache(tmp_path / name, open_remote(settings(bucket, write, timeout)))


def described(digit: int = 3) -> tuple[str, dict]:
    return keys.make_key("shap", {"digit": digit}, (), {})


def fixed(out):
    (out / "values.npz").write_bytes(b"\x93NUMPY fixed" * 50)
    (out / "nested").mkdir()
    (out / "nested" / "light.png").write_bytes(b"\x89PNG" + bytes(range(200)))
    return {"answer": 42}


def other(out):
    (out / "values.npz").write_bytes(b"\x93NUMPY other" * 50)
    (out / "nested").mkdir()
    (out / "nested" / "light.png").write_bytes(b"\x89PNG" + bytes(range(200)))
    return {"answer": 41}


def never(out):
    raise AssertionError("computed, though the remote holds the entry")


def obtain(cache: Cache, compute=fixed, digit: int = 3):
    key, description = described(digit)
    return cache.obtain("shap[digit=3]", "shap", key, compute, description, "not in the cache", log)


def files_of(entry) -> dict[str, bytes]:
    return {name: entry.file(name).read_bytes() for name in entry.record["files"]}


def test_an_entry_computed_by_a_writer_is_fetched_whole_into_an_empty_cache(s3, bucket, tmp_path, caplog):
    first = obtain(machine(tmp_path, "a", bucket, write=True))
    stored = s3.objects(bucket)
    key = first.key
    assert set(stored) == {f"site/v1/entries/shap/{key}.json"} | {
        f"site/v1/files/{about['sha256']}" for about in first.record["files"].values()
    }
    assert stored[f"site/v1/entries/shap/{key}.json"] == (first.path / "record.json").read_bytes()

    caplog.set_level(logging.INFO)
    second = obtain(machine(tmp_path, "b", bucket), compute=never)
    assert files_of(second) == files_of(first) and second.record == first.record
    assert f"shap[digit=3]: from the remote cache ({key[:12]}, " in caplog.text
    assert s3.objects(bucket) == stored  # a reader writes nothing
    assert [p.name for p in second.path.parent.iterdir()] == [key]  # no temporary folder left


def test_a_damaged_local_entry_is_replaced_by_the_remote_one(s3, bucket, tmp_path, caplog):
    first = obtain(machine(tmp_path, "a", bucket, write=True))
    (first.path / "values.npz").write_bytes(b"damaged")
    caplog.set_level(logging.INFO)
    again = obtain(machine(tmp_path, "a", bucket), compute=never)
    assert again.file("values.npz").read_bytes() == b"\x93NUMPY fixed" * 50
    assert f"from the remote cache ({first.key[:12]}" in caplog.text


def test_a_build_that_may_not_write_uploads_nothing(s3, bucket, tmp_path):
    obtain(machine(tmp_path, "a", bucket, write=False))
    assert s3.objects(bucket) == {}


def test_fetch_asks_once_for_a_key_the_remote_lacks(s3, bucket, tmp_path):
    with faulty(s3, "forward") as (server, url):
        cache = Cache(tmp_path / "a", None)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AWS_ENDPOINT_URL", url)
            cache.remote = open_remote(settings(bucket))
        key, _ = described()
        assert cache.fetch("shap[digit=3]", "shap", key, log) is None
        asked = server.requests
        assert cache.fetch("shap[digit=3]", "shap", key, log) is None
        assert server.requests == asked == 1


def flip_one_byte(s3: S3, bucket: str, name: str) -> None:
    objects = s3.objects(bucket)
    data = bytearray(objects[name])
    data[len(data) // 2] ^= 0x01
    s3.put(bucket, name, bytes(data))


def test_a_flipped_byte_in_a_remote_file_is_refused_and_only_a_writer_replaces_it(s3, bucket, tmp_path, caplog):
    first = obtain(machine(tmp_path, "a", bucket, write=True))
    blob = f"site/v1/files/{first.digest('values.npz')}"
    flip_one_byte(s3, bucket, blob)

    reader = machine(tmp_path, "b", bucket)
    caplog.set_level(logging.INFO)
    assert reader.fetch("shap[digit=3]", "shap", first.key, log) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"shap[digit=3]: remote entry shap/{first.key} refused: values.npz does not match its recorded checksum; "
        "computing it here. To delete it from the remote (a build with write access then uploads it again): "
        f"python -m figures remote --delete shap/{first.key}"
    ]
    assert list((tmp_path / "b" / "shap").iterdir()) == []  # nothing half-trusted left
    assert files_of(obtain(reader)) == files_of(first)  # computed here, right anyway
    assert s3.objects(bucket)[blob] != (first.path / "values.npz").read_bytes()  # a reader replaces nothing

    writer = machine(tmp_path, "c", bucket, write=True)
    obtain(writer)  # refuses it too, computes, and puts back the file it found damaged
    assert s3.objects(bucket)[blob] == (first.path / "values.npz").read_bytes()
    assert files_of(obtain(machine(tmp_path, "d", bucket), compute=never)) == files_of(first)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: {**r, "key": "0" * 32}, "its record.json belongs to another entry"),
        (lambda r: {**r, "params": {"digit": 4}}, "its record.json describes another computation than its key"),
        (lambda r: {**r, "libraries": {**r["libraries"], "numpy": "0.1"}}, "describes another computation"),
        (lambda r: {**r, "files": {"../../outside": r["files"]["values.npz"]}}, "names a file outside the entry"),
        (lambda r: {**r, "files": {"/etc/x": r["files"]["values.npz"]}}, "names a file outside the entry"),
        (lambda r: {**r, "files": {"a": {"sha256": "x", "size": 1}}}, "gives 'a' no digest"),
        (lambda r: {**r, "format": 99}, "of another format"),
    ],
)
def test_a_record_that_is_not_the_one_asked_for_is_refused(tmp_path, change, problem):
    entry = Cache(tmp_path).store("shap[digit=3]", "shap", described()[0], fixed, described()[1])
    assert check_record((entry.path / "record.json").read_bytes(), "shap", entry.key) == (entry.record, "")
    raw = json.dumps(change(entry.record)).encode()
    record, found = check_record(raw, "shap", entry.key)
    assert record is None and problem in found


def test_a_writer_never_overwrites_and_names_a_step_whose_results_differ(s3, bucket, tmp_path, caplog):
    first = obtain(machine(tmp_path, "a", bucket, write=True))
    before = s3.objects(bucket)
    caplog.set_level(logging.WARNING)
    second = machine(tmp_path, "b", bucket, write=True)
    second.remote.absent.add(("shap", first.key))  # as if it had not been there when this build looked
    obtain(second, compute=other)
    assert s3.objects(bucket).items() >= before.items()  # the record and every file as the first writer left them
    assert caplog.messages == [
        f"shap[digit=3]: the remote cache holds key {first.key[:12]} with another result (files differ: "
        "values.npz): the step is not deterministic; the remote entry is kept, this build uses its own"
    ]


def test_a_writer_replaces_a_remote_record_that_is_provably_not_the_key_s(s3, bucket, tmp_path, caplog):
    key, _ = described()
    s3.put(bucket, f"site/v1/entries/shap/{key}.json", b"{not json")
    caplog.set_level(logging.WARNING)
    writer = machine(tmp_path, "a", bucket, write=True)
    writer.remote.absent.add(("shap", key))  # computed without asking, as a build that found it absent
    first = obtain(writer)
    assert caplog.messages == [
        f"shap[digit=3]: the remote's record of {key[:12]} is unusable (its record.json is not JSON); "
        "this build replaces it"
    ]
    assert s3.objects(bucket)[f"site/v1/entries/shap/{key}.json"] == (first.path / "record.json").read_bytes()


def test_two_writers_racing_on_one_key_leave_one_whole_entry(s3, bucket, tmp_path, caplog):
    a, b = machine(tmp_path, "a", bucket, write=True), machine(tmp_path, "b", bucket, write=True)
    key, description = described()
    entries = [c.store("shap[digit=3]", "shap", key, compute, description) for c, compute in ((a, fixed), (b, fixed))]
    looked = []
    real_get = b.remote._get
    b.remote._get = lambda path: looked.append(path) or (None if len(looked) == 1 else real_get(path))
    caplog.set_level(logging.WARNING)
    assert a.remote.upload(entries[0], log) == "uploaded"
    assert b.remote.upload(entries[1], log) == "present"  # it lost the race for the record, to an equal entry
    records = [k for k in s3.objects(bucket) if "/entries/" in k]
    assert records == [f"site/v1/entries/shap/{key}.json"] and caplog.messages == []
    assert files_of(obtain(machine(tmp_path, "c", bucket), compute=never)) == files_of(entries[0])


def test_delete_removes_the_record_and_only_the_damaged_files(s3, bucket, tmp_path):
    first = obtain(machine(tmp_path, "a", bucket, write=True))
    blob = f"site/v1/files/{first.digest('values.npz')}"
    flip_one_byte(s3, bucket, blob)
    gone = open_remote(settings(bucket, write=True)).delete("shap", first.key)
    assert gone == [f"v1/entries/shap/{first.key}.json", f"v1/files/{first.digest('values.npz')}"]
    assert set(s3.objects(bucket)) == {f"site/v1/files/{first.digest('nested/light.png')}"}


def fails_fast(cache: Cache, caplog, endpoint: str, within: float) -> str:
    """Fetch and compute with a failing remote: the one warning, after a bounded wait, and the entry computed."""
    caplog.set_level(logging.WARNING)
    began = time.monotonic()
    entry = obtain(cache)
    assert time.monotonic() - began < within
    assert files_of(entry)["values.npz"] == b"\x93NUMPY fixed" * 50
    assert len(caplog.messages) == 1, caplog.messages
    assert cache.remote.down is not None and cache.remote.upload(entry, log) == "skipped"
    assert json.loads(remote.child_environment()[remote.DOWN]) == {cache.remote.url: cache.remote.down}
    return caplog.messages[0]


def with_endpoint(tmp_path, bucket, endpoint, timeout=2, write=True) -> Cache:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", endpoint)
        return machine(tmp_path, "a", bucket, write=write, timeout=timeout)


def test_a_refused_connection_costs_one_warning_and_the_build_computes(bucket, tmp_path, caplog):
    cache = with_endpoint(tmp_path, bucket, f"http://127.0.0.1:{closed_port()}")
    message = fails_fast(cache, caplog, "", within=10)
    assert message.startswith(f"remote cache s3://{bucket}/site: ") and message.endswith(
        "; this build goes on without it"
    )


@pytest.mark.parametrize("mode", ["500", "hang", "cut"])
def test_a_failing_server_costs_a_bounded_wait(s3, bucket, tmp_path, caplog, mode):
    if mode == "cut":  # the record comes whole, a file's bytes stop half-way
        obtain(machine(tmp_path, "writer", bucket, write=True))
    with faulty(s3, mode, hang=30) as (server, url):
        cache = with_endpoint(tmp_path, bucket, url, timeout=1)  # the shortest the settings allow
        fails_fast(cache, caplog, url, within=12)
        assert server.requests >= 1
    assert [p.name for p in (tmp_path / "a" / "shap").iterdir()] == [described()[0]]  # computed, no temporary


def test_a_worker_does_not_wait_again_for_a_remote_its_build_found_failing(bucket, tmp_path, monkeypatch):
    monkeypatch.setenv(remote.DOWN, json.dumps({f"s3://{bucket}/site": "connection refused"}))
    assert open_remote(settings(bucket)).down == "connection refused"


def test_a_killed_download_leaves_nothing_a_later_build_would_take(s3, bucket, tmp_path):
    first = obtain(machine(tmp_path, "writer", bucket, write=True))
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from explaining_machines.settings import RemoteCacheSettings
        from figures.cache import Cache
        from figures.remote import open_remote
        remote = open_remote(RemoteCacheSettings(url="s3://{bucket}/site", timeout=60))
        cache = Cache(Path({str(tmp_path / "b")!r}), remote)
        cache.fetch("shap[digit=3]", "shap", {first.key!r}, logging.getLogger())
    """)
    with faulty(s3, "stall", hang=60) as (server, url):
        env = {**s3.environment(url), "PATH": "/usr/bin:/bin"}
        child = subprocess.Popen([sys.executable, "-c", script], env=env)
        deadline = time.monotonic() + 30
        while not list((tmp_path / "b" / "shap").glob(".tmp-*/**/*.*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        child.kill()  # SIGKILL, mid-file
        child.wait()
    assert [p.name.startswith(".tmp-") for p in (tmp_path / "b" / "shap").iterdir()] == [True]
    later = Cache(tmp_path / "b")
    assert later.lookup("shap[digit=3]", "shap", first.key)[0] is None
    assert files_of(obtain(Cache(tmp_path / "b", open_remote(settings(bucket))), compute=never)) == files_of(first)


# ------------------------------------------------------------------ the commands


def checkout(tmp_path, name: str, bucket: str, write: bool = False):
    """A site folder with its own cache, sharing the bucket; its mkdocs.yml."""
    folder = tmp_path / name
    folder.mkdir()
    config = folder / "mkdocs.yml"
    config.write_text(
        "site_name: x\nextra:\n  project:\n    cache_dir: cache\n"
        f"    remote_cache:\n      url: s3://{bucket}/site\n      write: {str(write).lower()}\n      timeout: 5\n"
    )
    return config


def run(config, *args) -> int:
    from figures.__main__ import main

    return main(["--config", str(config), *args])


def test_pull_fetches_level_by_level_and_push_uploads_what_the_last_build_used(s3, bucket, tmp_path, capsys):
    a = checkout(tmp_path, "a", bucket, write=True)
    assert run(a, "build", "dataset") == 0  # computed and uploaded
    assert len(s3.objects(bucket)) > 1
    capsys.readouterr()

    b = checkout(tmp_path, "b", bucket)
    assert run(b, "pull") == 0
    out = capsys.readouterr().out
    assert "pulled 1 entry (" in out and f"from s3://{bucket}/site; 0 here already; " in out
    assert "not on the remote" in out  # the model and the forest: a build computes them
    assert run(b, "pull", "dataset") == 0
    out = capsys.readouterr().out
    assert "pulled 0 entries (0 B)" in out and "; 1 here already; " in out

    c = checkout(tmp_path, "c", s3.bucket())  # another bucket, empty
    assert run(c, "push") == 1 and "no readable manifest.json (run a build first)" in capsys.readouterr().out
    assert run(c, "build", "dataset") == 0 and run(c, "push") == 0
    assert "pushed 1 entry (" in capsys.readouterr().out


def test_remote_lists_the_entries_and_deletes_one(s3, bucket, tmp_path, capsys):
    a = checkout(tmp_path, "a", bucket, write=True)
    assert run(a, "build", "dataset") == 0
    capsys.readouterr()
    assert run(a, "remote") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("dataset/") and lines[0].endswith("used by the last build here")
    assert lines[1].startswith("1 entry, 1 file (") and lines[1].endswith(f"at s3://{bucket}/site")
    kind_key = lines[0].split()[0]
    assert run(a, "remote", "--delete", kind_key) == 0
    assert capsys.readouterr().out == f"deleted v1/entries/{kind_key}.json\n"
    assert run(a, "remote", "--delete", kind_key) == 1


def test_without_a_remote_the_commands_say_what_to_set(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert run(tmp_path / "mkdocs.yml", "pull") == 1
    assert "no remote cache: set extra.project.remote_cache.url in mkdocs.yml" in capsys.readouterr().out
