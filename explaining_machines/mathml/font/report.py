"""Warnings for the characters the font lacks, each at the place the formula is written.

A formula a page shows is written in that page's Markdown, or in a .bib field (the page's
reference list), or comes from an excerpt that the blog's index repeats: each is named at
its file and line, once, and the views that repeat it are not named again.
"""

from __future__ import annotations

from dataclasses import dataclass

from explaining_machines.mathml.font.collect import Formula, formula_line


@dataclass(frozen=True)
class Shown:
    """A formula as one page of the build showed it."""

    page: str  # the page's file, as messages name it: "docs/blog/posts/a.md"
    markdown: str | None  # the page's Markdown; None for a page the build generated
    formula: Formula


def missing_characters(shown: list[Shown], missing: frozenset[str], bibs: dict[str, str]) -> list[str]:
    """One message per formula that draws a character of `missing`; `bibs` maps each .bib
    file, as a message names it, to its text."""
    if not missing:
        return []
    places: dict[str, list[tuple[bool, str]]] = {}  # TeX -> (located?, message) for each page that shows it
    for item in shown:
        lacking = sorted(item.formula.characters & missing)
        if not lacking:
            continue
        where, located = _place(item, bibs)
        names = ", ".join(f"'{char}' (U+{ord(char):04X})" for char in lacking)
        message = (f"{where}: the math font has no {names}, which '{item.formula.tex}' draws: the reader's "
                   "browser shows it in another font, or as a box (README, 'The math font')")  # fmt: skip
        places.setdefault(item.formula.tex, []).append((located, message))
    messages = []
    for found in places.values():
        located = [message for has_line, message in found if has_line]
        messages += dict.fromkeys(located or [found[0][1]])
    return messages


def _place(item: Shown, bibs: dict[str, str]) -> tuple[str, bool]:
    """Where the formula is written: the page's line, else a .bib file's, else the page alone."""
    if item.markdown is not None:
        line = formula_line(item.markdown, item.formula.tex)
        if line is not None:
            return f"{item.page}:{line}", True
    for name, text in bibs.items():
        line = formula_line(text, item.formula.tex, markdown=False)
        if line is not None:
            return f"{name}:{line}", True
    return item.page, False
