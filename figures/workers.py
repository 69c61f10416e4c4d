"""Compute cache steps in child processes, relay their logs, and know when each entry is ready.

A build that finds entries missing starts one ``python -m figures --json --lifeline
build STEP...`` child per independent group of steps (`Project.independent_groups`):
the random forest is computed while the other child imports TensorFlow and trains.
Each child writes one JSON object per line: log records (``{"level", "message"}``),
relayed to the build's log at their level, and ``{"ready": step}`` once an entry
exists, so that the build can start work that needs it (a notebook) while the
children go on. One selector reads every child's output; nothing polls or sleeps.

A child must never outlive the build that started it: with ``--lifeline`` it watches
its standard input, a pipe whose other end only the parent holds, and exits at once
when that pipe closes, which the OS does when the parent dies, however it dies.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from figures import runtime
from figures.errors import FigureError

LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING}


class WorkerError(FigureError):
    """A child failed; the message is its own error line, `step` the step it was computing."""

    def __init__(self, message: str, step: str | None = None) -> None:
        super().__init__(message)
        self.step = step


def build_commands(config_file: Path, groups: Iterable[Sequence[str]]) -> list[list[str]]:
    """The command line of one child per group of step names.

    ``-P``: the child imports the `figures` package the build imports (the installed one,
    or ``PYTHONPATH``'s), never a ``figures/`` folder that happens to be in its working
    directory, which would compute with other code than the keys were made from.
    """
    return [
        [sys.executable, "-P", "-m", "figures", "--config", str(config_file), "--json", "--lifeline", "build", *group]
        for group in groups
    ]


class _Child:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        self.pending = b""
        self.errors: list[tuple[str, str | None]] = []  # (message, step)


class Workers:
    """Children computing cache steps; use as a context manager so that none outlives an error."""

    def __init__(self, commands: list[list[str]], log: logging.Logger) -> None:
        self.log = log
        self.ready: set[str] = set()
        env = runtime.child_environment()
        self.children = [_Child(command, env) for command in commands]
        for number, command in enumerate(commands, start=1):  # which process computes what (bench/cold.py)
            shown = command[command.index("build") :] if "build" in command else command
            self.log.debug("worker %d of %d: %s", number, len(commands), " ".join(shown))
        self._selector = selectors.DefaultSelector()
        for child in self.children:
            self._selector.register(child.process.stdout, selectors.EVENT_READ, child)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def wait_for(self, steps: Iterable[str]) -> None:
        """Block until every step in `steps` is reported ready; `WorkerError` if a child fails first."""
        wanted = set(steps)
        while not wanted <= self.ready and self._selector.get_map():
            self._read()
        if not wanted <= self.ready:
            self.finish()  # raises the children's error if there is one
            missing = ", ".join(sorted(wanted - self.ready))
            raise WorkerError(f"{missing}: not computed by the worker processes")

    def finish(self) -> None:
        """Wait for every child to end; `WorkerError` with the first error if one failed."""
        while self._selector.get_map():
            self._read()
        failures = []
        for child in self.children:
            code = child.process.wait()
            if code != 0:
                ended = (f"python -m figures build exited with {code}", None)
                failures.append(child.errors[0] if child.errors else ended)
        self.close()
        if failures:
            raise WorkerError(*failures[0])

    def close(self) -> None:
        """End whatever still runs (after an error elsewhere) and release the pipes."""
        for child in self.children:
            if child.process.poll() is None:
                child.process.kill()
            child.process.wait()
            for stream in (child.process.stdin, child.process.stdout):
                if stream is not None and not stream.closed:
                    stream.close()
        self._selector.close()

    def _read(self) -> None:
        for key, _ in self._selector.select():
            child: _Child = key.data
            chunk = os.read(key.fd, 65536)
            if not chunk:  # the child closed its output: it has ended
                self._selector.unregister(key.fileobj)
                lines, child.pending = [child.pending], b""
            else:
                *lines, child.pending = (child.pending + chunk).split(b"\n")
            for line in lines:
                if line.strip():
                    self._handle(child, line.decode("utf-8", "replace"))

    def _handle(self, child: _Child, line: str) -> None:
        try:
            record = json.loads(line)
            if "ready" in record:
                self.ready.add(record["ready"])
                return
            level, message = record["level"], record["message"]
        except (ValueError, KeyError, TypeError):
            self.log.debug("%s", line.rstrip())  # TensorFlow's own chatter, visible with --verbose
            return
        if level in ("ERROR", "CRITICAL"):
            child.errors.append((message, record.get("step")))
        else:
            self.log.log(LEVELS.get(level, logging.INFO), "%s", message)


def watch_parent() -> None:
    """In a child: exit at once when standard input reaches its end (the parent has gone).

    The parent keeps the pipe open and never writes to it; the OS closes it when the
    parent exits or is killed, even by SIGKILL. Runs in a daemon thread.
    """
    import threading

    def watch() -> None:
        # os.read on the descriptor, not sys.stdin: a daemon thread blocked inside a
        # buffered reader makes the interpreter abort when the main thread exits.
        while os.read(0, 65536):
            pass
        os._exit(70)  # no cleanup: the cache's temporary folder is left for a later sweep

    threading.Thread(target=watch, daemon=True, name="lifeline").start()
