"""In which order steps are computed, and which can be computed at the same time.

`plan` orders the steps behind some targets, inputs first; `independent_groups` splits
targets into groups that share no step still to compute, one per worker process
(`figures.workers`), so that the random forest is computed while the digit model
trains and no two processes ever compute one entry. A step whose key is not known yet
(`figures.entries`: it waits for an input) counts as still to compute: it may turn
out cached once its inputs exist, but no other group may compute it meanwhile.
"""

from __future__ import annotations

import graphlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from figures.graph import Project
    from figures.steps import Step


def ancestors(graph: dict[str, Step], name: str) -> list[str]:
    """`name`'s inputs and theirs, each once, inputs before the steps that use them."""
    sorter = graphlib.TopologicalSorter()
    todo = [name]
    while todo:
        step = todo.pop()
        sorter.add(step, *graph[step].inputs)
        todo.extend(graph[step].inputs)
    return [step for step in sorter.static_order() if step != name]


def plan(project: Project, steps: list[str]) -> list[str]:
    """The steps behind `steps` and those steps, inputs first.

    Among steps that are ready at once, the graph's order decides: it lists the
    model's steps before LIME and the figures, so a build makes the entries a
    notebook waits for (model, SHAP) as early as it can.
    """
    graph = project.graph
    wanted: set[str] = set()
    for step in steps:
        wanted.update([*ancestors(graph, step), step])
    rank = {step: i for i, step in enumerate(graph)}
    sorter = graphlib.TopologicalSorter({step: graph[step].inputs for step in wanted})
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=rank.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return order


def independent_groups(project: Project, steps: list[str], at_most: int = 2) -> list[list[str]]:
    """Split `steps` into at most `at_most` groups that share no step still to compute.

    Steps that are cached are left out, with all they need.
    """
    groups: list[tuple[set[str], list[str]]] = []
    for name in steps:
        if project.status(name)[0] is not None:
            continue
        missing = {step for step in plan(project, [name]) if project.status(step)[0] is None}
        joined = [g for g in groups if g[0] & missing]
        merged = (missing.union(*(g[0] for g in joined)), [n for g in joined for n in g[1]] + [name])
        groups = [g for g in groups if not any(g is j for j in joined)] + [merged]
    buckets: list[tuple[int, list[str]]] = []  # (steps to compute, names), at most `at_most`
    for missing, members in sorted(groups, key=lambda g: -len(g[0])):
        if len(buckets) < at_most:
            buckets.append((len(missing), list(members)))
        else:  # the group joins the bucket with the least work so far
            i = min(range(len(buckets)), key=lambda b: buckets[b][0])
            buckets[i] = (buckets[i][0] + len(missing), buckets[i][1] + list(members))
    return [sorted(members) for _, members in buckets]
