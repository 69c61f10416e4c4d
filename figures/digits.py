"""``python -m figures digits``: the test digits a figure can choose, per label.

A figure tag picks a test digit by its label and an index (``digit=5 index=2``), or among
the digits the model gets wrong (``misclassified=true``). Which of these exist depends on
the trained model, so a tag can fail only once the model is there. This table tells an
author beforehand: for each label, how many test digits there are, how many the model
gets wrong, and for each wrong one the index a tag gives it and what the model read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from figures.names import PREDICTIONS

if TYPE_CHECKING:
    from figures.graph import Project

SHOWN = 6  # misread digits listed per label; the count says how many there are in all


def table(project: Project) -> list[str]:
    """The lines of the table, computing the predictions (and the model) if the cache lacks them."""
    import numpy as np

    from figures import model

    entry = project.ensure(PREDICTIONS)
    logits, labels = model.load_logits(entry)
    predicted = logits.argmax(1)
    evaluated = entry.meta.get("evaluated_on", "test digits")
    lines = [f"{len(labels)} {evaluated}, {int(np.sum(predicted != labels))} read wrong by the model", "",
             "label  digits  wrong  misclassified=true index=N: read as"]  # fmt: skip
    for digit in range(10):
        mine = labels == digit
        wrong = np.flatnonzero(mine & (predicted != labels))
        misread = ", ".join(f"{i}: {int(predicted[at])}" for i, at in enumerate(wrong[:SHOWN]))
        more = f", ... ({len(wrong) - SHOWN} more)" if len(wrong) > SHOWN else ""
        lines.append(f"{digit:>5}  {int(mine.sum()):>6}  {len(wrong):>5}  {misread or '-'}{more}")
    return lines
