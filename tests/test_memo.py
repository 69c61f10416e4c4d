"""The per-page memo (`explaining_machines.memo`): keys, the file, what is trusted and what is written."""

from __future__ import annotations

import pytest

from explaining_machines import memo


def filled(path, code="c1", **entries) -> memo.Memo:
    store = memo.Memo(path, code)
    assert store.load() is None
    for name, value in entries.items():
        store.put(store.key(name), value)
    store.save()
    return store


def test_a_key_covers_the_code_and_every_part():
    one, other = memo.Memo(None, "c1"), memo.Memo(None, "c2")
    assert one.key("page", {"a": 1, "b": 2}) == one.key("page", {"b": 2, "a": 1})  # a dict's order does not count
    assert one.key("page") != other.key("page") and one.key("page") != one.key("page ")


def test_results_come_back_in_the_next_build_and_only_those_used_are_kept(tmp_path):
    filled(tmp_path / "m.json", a=[1, 2], b="two")
    second = memo.Memo(tmp_path / "m.json", "c1")
    assert second.load() is None
    assert second.get(second.key("a")) == [1, 2]
    second.save()  # b was not used by this build
    third = memo.Memo(tmp_path / "m.json", "c1")
    third.load()
    assert third.get(third.key("a")) == [1, 2] and third.get(third.key("b")) is None


def test_a_build_that_used_the_same_results_leaves_the_file_alone(tmp_path):
    path = tmp_path / "m.json"
    filled(path, a=1)
    before = path.stat().st_mtime_ns, path.read_bytes()
    again = memo.Memo(path, "c1")
    again.load()
    again.get(again.key("a"))
    again.save()
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_results_of_other_code_are_not_used(tmp_path):
    filled(tmp_path / "m.json", a=1)
    newer = memo.Memo(tmp_path / "m.json", "c2")
    assert newer.load() is None and newer.get(newer.key("a")) is None


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data.replace(b"41", b"42"), "does not match its checksum; its results are computed again"),
        (lambda data: data[:-3], "does not match its checksum; its results are computed again"),
        (lambda data: b"[]\n" + data.split(b"\n", 1)[1], "is not a memo file; its results are computed again"),
        (lambda data: b"\xff" + data, "cannot be read (UnicodeDecodeError); its results are computed again"),
    ],
)
def test_a_damaged_file_is_set_aside_whole(tmp_path, damage, reason):
    path = tmp_path / "m.json"
    filled(path, a=41, b=7)
    path.write_bytes(damage(path.read_bytes()))
    store = memo.Memo(path, "c1")
    assert store.load() == reason
    assert store.get(store.key("a")) is None and store.get(store.key("b")) is None


def test_the_next_build_in_the_same_process_reads_no_file_it_wrote(tmp_path, monkeypatch):
    """mkdocs serve rebuilds in one process: the entries it wrote come back from memory while
    the file is as it was written, and from the file once anything changed it."""
    import os
    from pathlib import Path

    path = tmp_path / "m.json"
    filled(path, a=1)
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    again = memo.Memo(path, "c1")
    assert again.load() is None and again.get(again.key("a")) == 1 and reads == []
    other = memo.Memo(path, "c2")  # other code: nothing of the file applies, from memory or not
    assert other.load() is None and other.get(other.key("a")) is None and reads == []
    path.write_bytes(path.read_bytes().replace(b'"sum":', b'"sum" :'))  # rewritten: a header as valid
    os.utime(path, ns=(1, 1))
    reads.clear()
    changed = memo.Memo(path, "c1")
    assert changed.load() is None and changed.get(changed.key("a")) == 1
    assert reads == [path]  # read from the file again


def test_the_code_of_a_memo_names_the_python_that_ran_it(monkeypatch):
    import sys

    here = memo.code_digest([memo])
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")  # its html.parser may differ
    assert memo.code_digest([memo]) != here


def test_a_modules_code_is_the_code_that_runs_not_the_file_as_edited_since(tmp_path, monkeypatch):
    import importlib
    import sys

    (tmp_path / "edited_module.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("edited_module")
    running = memo.code_digest([module])
    as_file = memo.code_digest([tmp_path / "edited_module.py"])
    (tmp_path / "edited_module.py").write_text("X = 2\n")  # as an author edits it under `mkdocs serve`
    assert memo.code_digest([module]) == running  # this process still runs X = 1: its results are X = 1's
    assert memo.code_digest([tmp_path / "edited_module.py"]) != as_file  # a file is read as it is now
    monkeypatch.delitem(sys.modules, "edited_module")
    assert memo.code_digest([importlib.import_module("edited_module")]) != running  # as the next process imports it
