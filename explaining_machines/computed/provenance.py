"""Provenance pages: one page per cache step version the site uses, and the section's index.

A figure's "How this figure was made" block says in one line where its numbers come from
and links here. Each step page (the data, the model, the predictions, each SHAP and LIME
explanation set, the forest, each figure) shows what its cache entry recorded (its
parameters, when, how long and why it was computed, the numbers it measured, the library
versions, its key and the digests of its files), links to the pages of its inputs, draws
the chain from the data to it, and shows the source of the module that computes it. Code
that several steps share (the palettes, the renderer) is shown once, on the index page,
which also draws the whole graph. So every module's source stands once on the site,
highlighted once per build (`tags.code_placeholder`), and no post carries any.

A step version is its name and its key: a page's path carries the key, so a retrained
model is a new page and a reader never sees one version's record beside another's code.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from explaining_machines import arguments
from explaining_machines.computed.code import code_placeholder
from explaining_machines.pages import urls

SECTION = "how-it-was-made"  # the folder of the pages, and the nav entry's index
INDEX = f"{SECTION}/index.md"
SHARED = f"{SECTION}/shared-code.md"
TITLE = "How it was made"
# The step pages and the shared code are records and source, tens of thousands of tokens of
# highlighted code: Material's search leaves them out, and finds the index and the posts.
UNSEARCHED = "---\nsearch:\n  exclude: true\n---\n\n"
Code = Callable[[str], str]  # a module's source -> the Markdown that shows it (`code_placeholder`)


@dataclass(frozen=True)
class StepPage:
    """What one step's page shows: its record, its inputs, the code its key covers."""

    step: str  # "model", "figure:shap-digit[digit=3]"
    record: Mapping  # the entry's record.json
    inputs: tuple[str, ...]  # the steps it reads
    module: str  # the module that computes it (for a figure: its recipe)
    source: str  # that module's source
    modules: tuple[str, ...]  # every module its key covers
    summary: str = ""  # one line on what it is


def slug(step: str) -> str:
    """A step name as a path segment: ``figure:shap-digit[digit=3]`` -> ``figure-shap-digit-digit-3``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", step).strip("-").lower()


def page_path(step: str, key: str) -> str:
    """The source path of a step version's page, relative to the docs folder."""
    return f"{SECTION}/{slug(step)}-{key[:10]}.md"


def _cell(text: object) -> str:
    """Text for a Markdown table cell: no markup, no cell break."""
    return html.escape(str(text)).replace("|", "&#124;").replace("`", "&#96;").replace("*", "&#42;")


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return arguments.literal(value) if isinstance(value, (bool, int, list)) else str(value)


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def step_page(page: StepPage, pages: Mapping[str, StepPage], url: Callable[[str], str],
              code: Code = code_placeholder) -> str:  # fmt: skip
    """The Markdown of one step's page. `url` gives the site URL of a step's page (for the graph)."""
    record = page.record
    here = page_path(page.step, record["key"])
    lines = [UNSEARCHED + f"# {html.escape(page.step)}", ""]
    if page.summary:
        lines += [html.escape(page.summary), ""]
    rows = [("key", f"`{record['key']}`")]
    if record.get("computed_at"):
        rows.append(("computed", f"{_cell(record['computed_at'])} in {record.get('seconds', 0):.1f} s"))
    if record.get("reason"):
        rows.append(("why", _cell(record["reason"])))
    rows += [(f"parameter `{name}`", _cell(_value(value))) for name, value in sorted(record.get("params", {}).items())
             if name not in ("root", "name") and value is not None]  # fmt: skip
    rows += [(f"recorded `{name}`", _cell(_value(value))) for name, value in sorted(record.get("meta", {}).items())
             if isinstance(value, (int, float, str, bool))]  # fmt: skip
    lines += ["| field | value |", "| --- | --- |", *(f"| {what} | {shown} |" for what, shown in rows), ""]
    if page.inputs:
        links = [f"[{html.escape(name)}]({urls.relative(page_path(name, pages[name].record['key']), here)})"
                 for name in page.inputs if name in pages]  # fmt: skip
        lines += [f"Made from: {', '.join(links)}.", ""]
    lines += ["## The chain from the data { #chain }", "", chain_svg(page.step, pages, url), ""]
    lines += [f"## The code: `{page.module}`", "", code(page.source), ""]
    shared = [m for m in page.modules if m != page.module and m not in {p.module for p in pages.values()}]
    own = [m for m in page.modules if m != page.module and m not in shared]
    shared_page = urls.relative(SHARED, here)
    if own or shared:
        covered = [f"[`{m}`]({shared_page}#{_module_anchor(m)})" for m in shared]
        covered += [f"`{m}`" for m in own]
        lines += [f"Its key covers also: {', '.join(covered)}.", ""]
    libraries = ", ".join(f"{name} {version}" for name, version in sorted(record.get("libraries", {}).items()))
    if libraries:
        lines += [f"Libraries: {html.escape(libraries)}.", ""]
    files = [f"`{_cell(name)}` ({_size(info['size'])}, SHA-256 `{info['sha256'][:16]}…`)"
             for name, info in sorted(record.get("files", {}).items())]  # fmt: skip
    if files:
        lines += [f"Files of the entry: {', '.join(files)}.", ""]
    return "\n".join(lines)


def index_page(pages: Mapping[str, StepPage], url: Callable[[str], str], shared: Sequence[str]) -> str:
    """The section's index: every step, the whole graph, and links to the code the steps share."""
    lines = [
        f"# {TITLE}",
        "",
        "Every number and figure on this site is computed by the site's own build, one cached step after "
        "another. Each step below has a page with what its computation recorded, its inputs and its code.",
        "",
        "| step | key | computed | in |",
        "| --- | --- | --- | --- |",
    ]
    for name, page in sorted(pages.items(), key=lambda item: (_depth(item[0], pages), item[0])):
        record = page.record
        link = urls.relative(page_path(name, record["key"]), INDEX)
        lines.append(f"| [{_cell(name)}]({link}) | `{record['key'][:12]}` | {_cell(record.get('computed_at', ''))} "
                     f"| {record.get('seconds', 0):.1f} s |")  # fmt: skip
    lines += ["", "## The graph", "", chain_svg(None, pages, url), ""]
    if shared:
        links = ", ".join(f"[`{m}`]({urls.relative(SHARED, INDEX)}#{_module_anchor(m)})" for m in shared)
        lines += [f"Code that several steps share: {links}.", ""]
    return "\n".join(lines)


def shared_page(shared: Mapping[str, str], code: Code = code_placeholder) -> str:
    """The code several steps share (module -> source), each module once."""
    lines = [UNSEARCHED + "# Shared code", "", f"The modules that the steps of [{TITLE}](index.md) share.", ""]
    for module, source in sorted(shared.items()):
        lines += [f"## `{module}` {{ #{_module_anchor(module)} }}", "", code(source), ""]
    return "\n".join(lines)


def _module_anchor(module: str) -> str:
    return "code-" + module.replace(".", "-").replace("_", "-")


# --------------------------------------------------------------------------- the graph, drawn

_ROW, _GAP, _HEIGHT, _CHAR, _PAD = 64, 16, 28, 7.2, 12


def _depth(step: str, pages: Mapping[str, StepPage], seen: frozenset = frozenset()) -> int:
    inputs = [i for i in pages[step].inputs if i in pages and i not in seen] if step in pages else []
    return 1 + max((_depth(i, pages, seen | {step}) for i in inputs), default=-1)


def _upstream(step: str, pages: Mapping[str, StepPage]) -> list[str]:
    found, todo = [], [step]
    while todo:
        name = todo.pop()
        if name in found or name not in pages:
            continue
        found.append(name)
        todo += pages[name].inputs
    return found


def chain_svg(step: str | None, pages: Mapping[str, StepPage], url: Callable[[str], str]) -> str:
    """The steps from the data to `step` (every step when None) as an SVG of linked boxes in rows by depth.

    `url` gives each step's page as a link from the page the drawing stands on.
    """
    shown = _upstream(step, pages) if step is not None else list(pages)
    rows: dict[int, list[str]] = {}
    for name in sorted(shown):
        rows.setdefault(_depth(name, pages), []).append(name)
    widths = {name: len(name) * _CHAR + 2 * _PAD for name in shown}
    total = max((sum(widths[n] for n in row) + _GAP * (len(row) - 1) for row in rows.values()), default=0)
    boxes: dict[str, tuple[float, float, float]] = {}  # name -> x, y, width
    for depth, row in sorted(rows.items()):
        x = (total - sum(widths[n] for n in row) - _GAP * (len(row) - 1)) / 2
        for name in row:
            boxes[name] = (x, depth * _ROW, widths[name])
            x += widths[name] + _GAP
    parts = []
    for name in shown:
        x, y, w = boxes[name]
        for source in pages[name].inputs:
            if source in boxes:
                sx, sy, sw = boxes[source]
                parts.append(f'<line x1="{sx + sw / 2:.0f}" y1="{sy + _HEIGHT}" x2="{x + w / 2:.0f}" y2="{y}"/>')
    for name in shown:
        x, y, w = boxes[name]
        css = "chain-step chain-here" if name == step else "chain-step"
        label = html.escape(name)
        parts.append(
            f'<a href="{html.escape(url(name))}" class="{css}"><rect x="{x:.0f}" y="{y}" width="{w:.0f}" '
            f'height="{_HEIGHT}" rx="4"/><text x="{x + w / 2:.0f}" y="{y + 19}">{label}</text></a>'
        )
    height = (max(rows, default=0) + 1) * _ROW - (_ROW - _HEIGHT)
    said = " → ".join(sorted(shown, key=lambda n: (_depth(n, pages), n)))
    return (
        f'<svg class="provenance-chain" viewBox="-1 -1 {total + 2:.0f} {height + 2}" width="{total + 2:.0f}" '
        f'height="{height + 2}" role="img" aria-label="{html.escape(said)}">{"".join(parts)}</svg>'
    )
