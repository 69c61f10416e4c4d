"""Command line: ``python -m figures [--config mkdocs.yml] COMMAND``.

Commands:
  list                 every figure, step and notebook: cached, to compute (and why), or waiting for an input
  build [TARGET ...]   compute what is missing (every figure and notebook by default)
  why TARGET           for each step behind a target: cached, why it would be computed, or what it waits for
  values               every number a post can state with {% value %}, and its current value
  digits               per label, the test digits a figure can choose and those the model gets wrong
  clean                empty the cache; ``--unused`` keeps what the last build used
  pull [TARGET ...]    fetch from the remote cache what the site uses (before ``mkdocs serve`` on a new machine)
  push                 upload the entries the last builds used to the remote cache (create-only)
  remote               list what the remote cache holds; ``--delete KIND/KEY`` removes a refused entry

A target is a figure with its parameters, written as in a ``{% figure %}`` tag
(``shap-digit digit=3 index=2``), a step (``model``, ``notebook:notebooks/x.ipynb``),
or a step name as the log shows it (``figure:shap-digit[digit=3]``); `figures.targets`
reads them. A step's key is known only once every entry upstream of it exists
(`figures.entries`), so ``list`` and ``why`` say ``waits for model`` for a step behind
a missing entry rather than guess whether it will be recomputed. ``list``, ``why``,
``values`` and ``clean`` report on the local cache; ``build`` and ``pull`` ask the remote
cache for what it lacks (`figures.sharing`).

The MkDocs hook runs ``build --json --lifeline`` in child processes when something
must be computed (`figures.workers`): each log line is then one JSON object, so the
hook can relay it with its level. Errors print one line and exit 1; ``-v`` adds the
traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import traceback
from pathlib import Path

from figures import FigureError, Project, SettingsError, digits, open_project, sharing, values, workers
from figures.model import SelectionError


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"level": record.levelname, "message": record.getMessage()}
        if getattr(record, "step", None):
            line["step"] = record.step
        return json.dumps(line)


class StepError(FigureError):
    """A step could not be computed; `step` names it, the cause says why."""

    def __init__(self, step: str, cause: Exception) -> None:
        super().__init__(f"{step}: {cause}")
        self.step = step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="mkdocs.yml", type=Path, help="the site's mkdocs.yml")
    parser.add_argument("--json", action="store_true", help="log as JSON lines (used by the MkDocs hook)")
    parser.add_argument("--lifeline", action="store_true", help="exit when standard input closes (the hook's children)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list figures, steps and notebooks with their cache status")
    build = commands.add_parser("build", help="compute what is missing")
    build.add_argument("targets", nargs="*", metavar="TARGET", help="shap-digit digit=3, model, ...")
    commands.add_parser("values", help="list the values posts can state, with their current values")
    commands.add_parser("digits", help="per label, the test digits a figure can choose and which the model gets wrong")
    why = commands.add_parser("why", help="why a target would be recomputed")
    why.add_argument("target", nargs="+", metavar="TARGET")
    clean = commands.add_parser("clean", help="delete cache entries")
    clean.add_argument("--unused", action="store_true", help="keep the entries the last build used")
    pull = commands.add_parser("pull", help="fetch what the site uses from the remote cache")
    pull.add_argument("targets", nargs="*", metavar="TARGET", help="only these (and what they need)")
    commands.add_parser("push", help="upload the entries the last builds used to the remote cache")
    remote = commands.add_parser("remote", help="list the remote cache's entries")
    remote.add_argument("--delete", metavar="KIND/KEY", help="delete an entry (one a build refused)")
    args = parser.parse_args(argv)
    if args.lifeline:
        workers.watch_parent()

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_JsonFormatter() if args.json else logging.Formatter("%(levelname)-7s %(message)s"))
    logger = logging.getLogger("figures")
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        return _run(args)
    except StepError as error:
        logger.error("%s", error, extra={"step": error.step})
    except (FigureError, SettingsError, ArithmeticError) as error:
        logger.error("%s", error)
    except Exception as error:  # an unexpected failure: one line, the traceback only on request
        logger.error("%s: %s", type(error).__name__, error)
        if args.verbose:
            logger.error("%s", traceback.format_exc())
    finally:  # as it was: `main` may run more than once in one process (the tests)
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    return 1


def _run(args: argparse.Namespace) -> int:
    project = open_project(args.config)
    if args.command == "pull":
        return sharing.pull(project, args.targets)
    if args.command == "push":
        return sharing.push(project)
    if args.command == "remote":
        return sharing.listing(project, args.delete)
    if args.command != "build":
        project.cache.remote = None  # they report on this machine's cache, and fetch nothing
    if args.command == "list":
        for step in list(project.graph):
            print(f"{step:40} {_shown(project, step, 'to compute')}")
        return 0
    if args.command == "build":
        targets = project.steps_of(args.targets) if args.targets else project.default_targets()
        log = logging.getLogger("figures")
        for step in project.plan(targets):
            try:
                project.ensure(step)
            except (SelectionError, ArithmeticError) as error:  # about this step's own parameters
                raise StepError(step, error) from None
            if args.json:
                print(json.dumps({"ready": step}), flush=True)
        project.cache.write_manifest(project.used)
        log.debug("built %s", ", ".join(targets))
        return 0
    if args.command == "values":
        for value in values.known(project).values():
            entry, _ = project.status(values.step_of(project, value))
            shown = values.formatted(values.read(entry, value), value.kind) if entry else "(not computed yet)"
            print(f"{value.name:28} {shown:>12}   {value.help}")
        return 0
    if args.command == "digits":
        print("\n".join(digits.table(project)))
        return 0
    if args.command == "why":
        found = project.steps_of(args.target)
        if len(found) != 1:
            raise FigureError(f"'why' takes one target, got {len(found)}: {', '.join(found)}")
        (step,) = found
        for name in [*project.ancestors(step), step]:
            print(f"{name:40} {_shown(project, name, 'would compute')}")
        return 0
    return _clean(project, args.unused)


def _shown(project: Project, step: str, missing: str) -> str:
    """A step's state in one line: ``cached KEY``, ``MISSING: why``, or ``waits for STEP, ...``."""
    state = project.state(step)
    if state.entry is not None:
        return f"cached {state.entry.key[:12]}"
    return state.reason if state.waits_for else f"{missing}: {state.reason}"


def _clean(project: Project, unused: bool) -> int:
    root = project.cache.root
    if not root.is_dir():
        print(f"{root}: no cache")
        return 0
    if not unused:
        shutil.rmtree(root)
        print(f"removed {root}")
        return 0
    manifest = project.cache.read_manifest()
    if manifest is None:
        print(f"{root}: no readable manifest.json (run a build first); nothing removed")
        return 1
    keep = {root / entry["path"] for entry in manifest.values()}
    removed = [path for path in root.glob("*/*") if path.is_dir() and path not in keep]
    for path in removed:
        shutil.rmtree(path)
    print(f"removed {len(removed)} unused entries from {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
