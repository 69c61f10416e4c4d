"""The commands that move entries between this machine and the remote cache: pull, push, remote.

``pull`` fetches what the site would use: every figure with its defaults, the
``figures.publish`` addresses, the notebooks, and every step a remote record names
that this site's code can make (a figure tag's parameter set on some page), each
only under the key this checkout computes for it. It goes in the order of the graph,
so that an entry fetched makes the keys after it known (`figures.entries`): level by
level, as a build does. ``push`` uploads the entries the last builds here used (the
manifest's), create-only. ``remote`` lists the remote's entries and deletes one that
was refused. Each prints a summary; pull and push show a progress bar (tqdm) on the
terminal. They go through `figures.remote.Remote`, like a build.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter

from figures.errors import FigureError
from figures.graph import Project
from figures.remote import Remote, human_bytes

log = logging.getLogger("figures")


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _remote(project: Project) -> Remote:
    remote = project.cache.remote
    if remote is None:
        raise FigureError("no remote cache: set extra.project.remote_cache.url in mkdocs.yml (s3://bucket/prefix)")
    return remote


def _progress(steps: list, what: str):
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    bar = tqdm(steps, desc=what, unit="entry", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)
    return bar, logging_redirect_tqdm(loggers=[log])


def _reachable(remote: Remote) -> None:
    if remote.down is not None:
        raise FigureError(f"remote cache {remote.url}: {remote.down}")


def pull(project: Project, names: list[str]) -> int:
    """Fetch what the site uses (or the steps `names` name) from the remote; prints a summary."""
    remote = _remote(project)
    wanted = project.steps_of(names) if names else _site_steps(project, remote)
    _reachable(remote)
    tally: Counter[str] = Counter()
    bar, redirect = _progress(project.plan(wanted), "pull")
    with redirect:
        for step in bar:
            before = remote.fetched
            state = project.state(step)
            if state.entry is not None:
                tally["fetched" if remote.fetched > before else "here"] += 1
            else:
                tally["waits" if state.waits_for else "missing"] += 1
    _reachable(remote)
    print(
        f"pulled {_entries(tally['fetched'])} ({human_bytes(remote.bytes_down)}) from {remote.url}; "
        f"{tally['here']} here already; {tally['missing']} not on the remote, "
        f"{tally['waits']} more after them (a build computes those)"
    )
    return 0


def _site_steps(project: Project, remote: Remote) -> list[str]:
    """The default targets, the published figures, and the steps of this site that remote records name."""
    steps = project.default_targets() + list(project.published().values())
    for listed in remote.records():
        record = remote.record_of(listed["kind"], listed["key"])
        if record is None or not isinstance(record.get("step"), str):
            continue
        try:
            steps += project.steps_of([record["step"]])
        except FigureError:  # a step of other code or another site's settings (a figure since removed)
            continue
    return list(dict.fromkeys(steps))


def push(project: Project) -> int:
    """Upload the entries the last builds used (the manifest's), create-only; prints a summary."""
    remote = _remote(project)
    manifest = project.cache.read_manifest()
    if not manifest:
        raise FigureError(f"{project.cache.root}: no readable manifest.json (run a build first); nothing to push")
    tally: Counter[str] = Counter()
    bar, redirect = _progress(sorted(manifest.items()), "push")
    with redirect:
        for step, listed in bar:
            kind, _, key = listed["path"].partition("/")
            entry, why = project.cache.lookup(step, kind, key)
            if entry is None:
                log.warning("%s: not pushed, the local entry is unusable: %s", step, why)
                tally["unusable"] += 1
                continue
            tally[remote.upload(entry, log)] += 1
    _reachable(remote)
    print(
        f"pushed {_entries(tally['uploaded'])} ({human_bytes(remote.bytes_up)}) to {remote.url}; "
        f"{tally['present']} there already; {tally['differs']} differ from the remote's (kept: create-only); "
        f"{tally['unusable']} unusable here"
    )
    return 0


def listing(project: Project, delete: str | None) -> int:
    """Print the remote's entries (marking those here and those the last build used), or delete one."""
    remote = _remote(project)
    if delete is not None:
        kind, _, key = delete.partition("/")
        if not kind or not key:
            raise FigureError(f"--delete {delete}: write the entry as KIND/KEY, as the warning names it")
        gone = remote.delete(kind, key)
        print("\n".join(f"deleted {path}" for path in gone) if gone else f"{delete}: not on the remote")
        return 0 if gone else 1
    records = sorted(remote.records(), key=lambda r: (r["kind"], r["modified"]))
    used = {listed["key"] for listed in (project.cache.read_manifest() or {}).values()}
    for r in records:
        here = "here" if project.cache.entry_dir(r["kind"], r["key"]).is_dir() else ""
        mark = "used by the last build here" if r["key"] in used else here
        print(f"{r['kind'] + '/' + r['key']:70} {r['modified']:%Y-%m-%d %H:%M}  {mark}".rstrip())
    count, size = remote.files_size()
    print(f"{_entries(len(records))}, {count} file{'' if count == 1 else 's'} ({human_bytes(size)}) at {remote.url}")
    return 0
