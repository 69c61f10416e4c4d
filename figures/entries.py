"""Which entry answers each step in one build: its key, chained on what its inputs hold, then the cache.

A step's key (`figures.keys.make_key`) covers its kind, parameters, code, data files and
library versions, and the output digest of every entry upstream of it
(`figures.cache.Entry.output_digest`: the SHA-256s its record lists, and its meta),
not those entries' keys. That is early cutoff, as Bazel does it: an input recomputed
with the same result (an edit to the data loader or the model code that leaves their
files byte-identical) changes no key downstream, and nothing downstream is
recomputed. Every upstream entry counts, not only the direct inputs, because a step's
computation is given all of them (a figure's provenance line reads the model's).

The price is that a key is known only once every upstream entry exists. Until then a
step *waits*: `Entries.state` says for which steps (the first missing ones upstream)
instead of guessing whether it will have to be computed; after they are computed, it
may well be cached. Keys and verified entries are remembered for the build (one
`Entries` per `figures.graph.Project`): no key is computed twice, no entry verified
twice. What is not known yet is not remembered, so a step asked again after its inputs
were computed (by this process or by a worker) is looked up afresh.

A step whose key is known and whose entry is not here is asked of the remote cache
(`figures.cache.Cache.fetch`), once per key: its entry, once fetched, makes the keys
of the steps after it known, so a build with a warm remote fetches the whole graph
this way and starts no worker.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from figures import keys, schedule
from figures.cache import MISSING, Cache, Entry

if TYPE_CHECKING:
    from figures.graph import Project


@dataclass(frozen=True)
class State:
    """Where a step stands: its cached entry, or why there is none (and what it waits for)."""

    entry: Entry | None
    reason: str = ""  # why it must be computed, or what it waits for
    waits_for: tuple[str, ...] = ()  # the first steps upstream that have no entry yet

    @property
    def known(self) -> bool:
        """Whether the step's key is known (it waits for nothing)."""
        return not self.waits_for


class Entries:
    """Keys and entries of the steps of a project's graph, for one build."""

    def __init__(self, project: Project) -> None:
        self.project = project  # its graph, cache and log; the graph may grow during the build
        self.used: dict[str, Entry] = {}  # every entry this build verified: shown, or chained into a key
        self._keys: dict[str, tuple[str, dict[str, Any]]] = {}
        self._why: dict[str, str] = {}  # key -> why it is not in the cache (from the last build's record)
        self._ensured: set[str] = set()

    @property
    def cache(self) -> Cache:
        return self.project.cache

    @property
    def log(self) -> logging.Logger | logging.LoggerAdapter:
        return self.project.log

    def key(self, name: str) -> tuple[str, dict[str, Any]] | None:
        """The key of step `name` and what it was made from; None while an upstream entry is missing."""
        if name not in self._keys:
            graph = self.project.graph
            upstream = {step: self.state(step).entry for step in schedule.ancestors(graph, name)}
            if None in upstream.values():
                return None
            step = graph[name]
            data = keys.hash_files(list(step.data_files), self.cache.digests.sha256)
            digests = {dep: entry.output_digest for dep, entry in upstream.items()}
            self._keys[name] = keys.make_key(step.kind, step.params, step.code, digests, data, self.cache.digests)
        return self._keys[name]

    def state(self, name: str) -> State:
        """The cached entry of step `name`, or why it has none: a reason to compute it, or what it waits for.

        An entry verified once is not hashed again in this build: a whole entry is never
        replaced, only a damaged one.
        """
        if name in self.used:
            return State(self.used[name])
        made = self.key(name)
        if made is None:
            first = tuple(step for step in schedule.ancestors(self.project.graph, name) if self._first(step))
            return State(None, f"waits for {', '.join(first)}", first)
        key, described = made
        kind = self.project.graph[name].kind
        entry, reason = self.cache.lookup(name, kind, key)
        if entry is None:  # the remote cache, if any: so a whole graph is fetched level by level
            entry = self.cache.fetch(name, kind, key, self.log)
        if entry is not None:
            self.used[name] = entry
            return State(entry)
        if reason == MISSING:
            if key not in self._why:
                previous = self.cache.recorded(name)
                self._why[key] = keys.explain_difference(previous, described) if previous else MISSING
            reason = self._why[key]
        return State(None, reason)

    def _first(self, name: str) -> bool:
        """Whether `name` is among the first steps to compute: its key is known, its entry is not there."""
        return name not in self.used and name in self._keys and self.state(name).entry is None

    def ensure(self, name: str) -> Entry:
        """The entry of step `name`, from the cache or computed, with what it needs computed first."""
        state = self.state(name)
        if state.entry is not None:
            if name not in self._ensured:
                self.log.info("%s: cached (%s)", name, state.entry.key[:12])
        else:
            upstream = {step: self.ensure(step) for step in schedule.ancestors(self.project.graph, name)}
            state = self.state(name) if not state.known else state
            if state.entry is not None:  # its inputs were recomputed, with the same results
                self.log.info("%s: cached (%s), its inputs unchanged", name, state.entry.key[:12])
            else:
                state = State(self._compute(name, upstream, state.reason))
        self._ensured.add(name)
        return state.entry

    def _compute(self, name: str, upstream: dict[str, Entry], reason: str) -> Entry:
        step = self.project.graph[name]
        key, described = self.key(name)
        record = {**described, "input_entries": {dep: entry.key for dep, entry in upstream.items()}}

        def compute(out: Path) -> dict[str, Any]:
            module, function = step.compute.split(":")
            run = getattr(importlib.import_module(module), function)
            return run(upstream, {**step.params, **step.context}, out, self.log)

        entry = self.cache.obtain(name, step.kind, key, compute, record, reason, self.log)
        self.used[name] = entry
        return entry
