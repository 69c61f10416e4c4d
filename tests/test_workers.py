"""Worker processes: their logs are relayed, their progress is known, and none outlives its parent."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from filelock import FileLock, Timeout

from figures.workers import WorkerError, Workers, build_commands


def child(*lines: str, exit_code: int = 0) -> list[str]:
    """A child command that prints `lines` (JSON objects or plain text), then exits."""
    script = "import sys\n" + "".join(f"print({line!r}, flush=True)\n" for line in lines) + f"sys.exit({exit_code})\n"
    return [sys.executable, "-c", script]


def record(level: str, message: str) -> str:
    return json.dumps({"level": level, "message": message})


def test_logs_are_relayed_at_their_level_and_ready_steps_are_known(caplog):
    log = logging.getLogger("test.workers")
    commands = [
        child(record("INFO", "model: computing"), json.dumps({"ready": "model"}), "TensorFlow chatter"),
        child(record("WARNING", "forest: cached entry unusable"), json.dumps({"ready": "forest"})),
    ]
    with caplog.at_level(logging.DEBUG, logger="test.workers"), Workers(commands, log) as workers:
        workers.wait_for(["model", "forest"])
        workers.finish()
    assert workers.ready == {"model", "forest"}
    seen = {(r.levelname, r.getMessage()) for r in caplog.records if not r.getMessage().startswith("worker ")}
    assert [r.getMessage()[:12] for r in caplog.records[:2]] == ["worker 1 of ", "worker 2 of "]  # which is which
    assert seen == {
        ("INFO", "model: computing"),
        ("WARNING", "forest: cached entry unusable"),
        ("DEBUG", "TensorFlow chatter"),
    }


def test_a_failing_child_raises_its_own_error_line():
    commands = [child(record("ERROR", "docs/p.md: something broke"), exit_code=1), child(json.dumps({"ready": "x"}))]
    with pytest.raises(WorkerError, match="^docs/p.md: something broke$"), Workers(commands, logging.getLogger()) as w:
        w.finish()


def test_waiting_for_a_step_no_child_makes_fails_once_they_end():
    with (
        pytest.raises(WorkerError, match="^shap: not computed by the worker processes$"),
        Workers([child(json.dumps({"ready": "model"}))], logging.getLogger()) as workers,
    ):
        workers.wait_for(["model", "shap"])


def test_a_child_killed_by_a_signal_is_an_error():
    command = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"]
    with (
        pytest.raises(WorkerError, match=f"^python -m figures build exited with -{signal.SIGKILL}$"),
        Workers([command], logging.getLogger()) as workers,
    ):
        workers.finish()


def test_the_build_command_runs_the_figures_cli_with_a_lifeline(tmp_path):
    (command,) = build_commands(tmp_path / "mkdocs.yml", [["model", "figure:shap-digit"]])
    assert command[1:] == [
        "-P",  # not a figures/ folder of the working directory
        "-m",
        "figures",
        "--config",
        str(tmp_path / "mkdocs.yml"),
        "--json",
        "--lifeline",
        "build",
        "model",
        "figure:shap-digit",
    ]


# A child that takes a file lock, says so, and then computes forever; with the lifeline
# it watches its standard input like the real `python -m figures --lifeline` children.
FOREVER = """
import json, sys, threading
from filelock import FileLock
from figures.workers import watch_parent
if sys.argv[2] == "lifeline":
    watch_parent()
lock = FileLock(sys.argv[1])
lock.acquire()
print(json.dumps({"ready": "locked"}), flush=True)
threading.Event().wait()
"""

# The parent: starts the child through Workers, prints the child's pid, then waits forever.
PARENT = """
import logging, sys, threading
from figures.workers import Workers
workers = Workers([[sys.executable, "-c", {forever!r}, {lock!r}, {mode!r}]], logging.getLogger())
workers.wait_for(["locked"])
print(workers.children[0].process.pid, flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize("mode", ["lifeline", "no lifeline"])
def test_a_child_ends_when_its_parent_is_killed(tmp_path, mode):
    """SIGKILL the parent: with its lifeline the child goes too, and its lock is free at once.

    The lock file is the synchronisation: the test can take it only once the child has
    died (the OS releases a dead process's locks). Without the lifeline the same child
    survives its parent, which shows that the test can fail.
    """
    lock = str(tmp_path / "child.lock")
    script = textwrap.dedent(PARENT).format(forever=textwrap.dedent(FOREVER), lock=lock, mode=mode)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    parent.stdout.close()
    try:
        with FileLock(lock, timeout=30 if mode == "lifeline" else 1):  # without: it never ends
            survived = False
    except Timeout:
        survived = True
    finally:
        if mode != "lifeline":
            _kill(pid)
    assert survived == (mode != "lifeline")


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def test_a_child_gets_the_environment_tensorflow_is_set_up_with(caplog, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    script = "import os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'], os.environ['PYTHONWARNINGS'])"
    with (
        caplog.at_level(logging.DEBUG, logger="test.env"),
        Workers([[sys.executable, "-c", script]], logging.getLogger("test.env")) as workers,
    ):
        workers.finish()
    assert [r.getMessage() for r in caplog.records][1:] == ["2 ignore"]  # after "worker 1 of 1: ..."
