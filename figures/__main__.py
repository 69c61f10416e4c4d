"""Command line: ``python -m figures [--config mkdocs.yml] COMMAND``.

Commands:
  list            every figure and whether it is cached
  build [NAME..]  compute what is missing for the named figures or steps (all figures by default)
  why NAME        for each step behind a figure: cached, or why it would be recomputed
  clean           empty the cache; ``--unused`` keeps what the last build used

The MkDocs hook runs ``build --json`` in a child process when something must be
computed: each log line is then one JSON object, so the hook can relay it with its
level. Errors print one line and exit 1; ``-v`` adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import traceback
from pathlib import Path

from figures import FIGURES, FigureError, SettingsError, open_project
from figures.cache import CacheError
from figures.data import DataError


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({"level": record.levelname, "message": record.getMessage()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="mkdocs.yml", type=Path, help="the site's mkdocs.yml")
    parser.add_argument("--json", action="store_true", help="log as JSON lines (used by the MkDocs hook)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list figures and their cache status")
    build = commands.add_parser("build", help="compute missing figures")
    build.add_argument("names", nargs="*", metavar="NAME", help="a figure (shap-digit) or a step (model)")
    why = commands.add_parser("why", help="why a figure would be recomputed")
    why.add_argument("name")
    clean = commands.add_parser("clean", help="delete cache entries")
    clean.add_argument("--unused", action="store_true", help="keep the entries the last build used")
    args = parser.parse_args(argv)

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(_JsonFormatter() if args.json else logging.Formatter("%(levelname)-7s %(message)s"))
    logger = logging.getLogger("figures")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    try:
        return _run(args)
    except (FigureError, SettingsError, DataError, CacheError, ArithmeticError) as error:
        logger.error("%s", error)
    except Exception as error:  # an unexpected failure: one line, the traceback only on request
        logger.error("%s: %s", type(error).__name__, error)
        if args.verbose:
            logger.error("%s", traceback.format_exc())
    return 1


def _run(args: argparse.Namespace) -> int:
    project = open_project(args.config)
    if args.command == "list":
        for name in sorted(FIGURES):
            entry, reason = project.status(f"figure:{name}")
            print(f"{name:20} {'cached' if entry else 'to compute: ' + reason}")
        return 0
    if args.command == "build":
        project.build(args.names or sorted(FIGURES))
        project.cache.write_manifest(project.used)
        return 0
    if args.command == "why":
        if args.name not in FIGURES:
            raise FigureError(f"unknown figure '{args.name}'; known figures: {', '.join(sorted(FIGURES))}")
        step = f"figure:{args.name}"
        for name in [*project.ancestors(step), step]:
            entry, reason = project.status(name)
            print(f"{name:28} {'cached ' + entry.key[:12] if entry else 'would compute: ' + reason}")
        return 0
    root = project.cache.root
    if not root.is_dir():
        print(f"{root}: no cache")
        return 0
    if args.unused:
        try:
            manifest = json.loads((root / "manifest.json").read_text())
            keep = {root / e["path"] for e in manifest["entries"].values()}
        except (OSError, ValueError, KeyError, TypeError):
            print(f"{root}: no readable manifest.json (run a build first); nothing removed")
            return 1
        removed = [p for p in root.glob("*/*") if p.is_dir() and p not in keep]
        for path in removed:
            shutil.rmtree(path)
        print(f"removed {len(removed)} unused entries from {root}")
    else:
        shutil.rmtree(root)
        print(f"removed {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
