"""Provenance pages: one page per cache step version the site uses, and the section's index.

A figure's "How this figure was made" block says in one line where its numbers come from
and links here. Each step page (the data, the model, the predictions, each SHAP and LIME
explanation set, the forest, each figure) shows what its cache entry recorded (its
parameters, when, how long and why it was computed, the numbers it measured, the library
versions, its key and the digests of its files), links to the pages of its inputs, draws
the chain from the data to it, and shows the source of the module that computes it. Code
that several steps share (the palettes, the renderer) is shown once, on its own page; the index
draws the whole graph. So every module's source stands once on the site,
highlighted once per build (`code.highlighted_python`), and no post carries any.

The index is a Markdown page of the site; the step pages and the shared code are HTML cut
from its finished page (`from_shell`): the same header, navigation, policy and scripts,
with their own article, title and contents. MkDocs renders the one page, not dozens.

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

SECTION = "how-it-was-made"  # the folder of the pages, and the nav entry's index
INDEX = f"{SECTION}/index.md"
SHARED = f"{SECTION}/shared-code.html"
TITLE = "How it was made"
Code = Callable[[str], str]  # a module's source -> its highlighted HTML


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
    """The site path of a step version's page."""
    return f"{SECTION}/{slug(step)}-{key[:10]}.html"


def _name(path: str) -> str:
    """A page of the section as linked from another one of it: they share a folder."""
    return path.rsplit("/", 1)[-1]


def _cell(text: object) -> str:
    """Text for a Markdown table cell: no markup, no cell break."""
    return html.escape(str(text)).replace("|", "&#124;").replace("`", "&#96;").replace("*", "&#42;")


def _code(text: object) -> str:
    return f"<code>{html.escape(str(text))}</code>"


def _heading(level: int, ident: str, inner: str) -> str:
    """A heading as the site's Markdown writes it, with its permanent link."""
    link = f'<a class="headerlink" href="#{ident}" title="Permanent link">&para;</a>'
    return f'<h{level} id="{ident}">{inner}{link}</h{level}>'


@dataclass(frozen=True)
class Article:
    """A page cut from the shell: its title, its article's HTML and its table of contents."""

    title: str
    anchor: str  # the id of its first heading, where "Skip to content" leads
    html: str
    toc: tuple[tuple[str, str], ...]  # (id, heading text)
    description: str = ""


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


def step_page(page: StepPage, pages: Mapping[str, StepPage], code: Code) -> Article:
    """One step's page: its record, its inputs, the chain from the data, its code."""
    record = page.record
    parts = [_heading(1, slug(page.step), html.escape(page.step))]
    if page.summary:
        parts.append(f"<p>{html.escape(page.summary)}</p>")
    rows = [("key", _code(record["key"]))]
    if record.get("computed_at"):
        rows.append(("computed", f"{html.escape(str(record['computed_at']))} in {record.get('seconds', 0):.1f} s"))
    if record.get("reason"):
        rows.append(("why", html.escape(str(record["reason"]))))
    rows += [(f"parameter {_code(name)}", html.escape(_value(value)))
             for name, value in sorted(record.get("params", {}).items())
             if name not in ("root", "name") and value is not None]  # fmt: skip
    rows += [(f"recorded {_code(name)}", html.escape(_value(value)))
             for name, value in sorted(record.get("meta", {}).items())
             if isinstance(value, (int, float, str, bool))]  # fmt: skip
    body = "".join(f"<tr><td>{what}</td><td>{shown}</td></tr>" for what, shown in rows)
    parts.append(f"<table><thead><tr><th>field</th><th>value</th></tr></thead><tbody>{body}</tbody></table>")
    if page.inputs:
        links = [f'<a href="{_name(page_path(name, pages[name].record["key"]))}">{html.escape(name)}</a>'
                 for name in page.inputs if name in pages]  # fmt: skip
        parts.append(f"<p>Made from: {', '.join(links)}.</p>")
    parts += [_heading(2, "chain", "The chain from the data"), chain_svg(page.step, pages, _linker(pages))]
    parts += [_heading(2, "the-code", f"The code: {_code(page.module)}"), code(page.source)]
    main = {p.module for p in pages.values()}
    shared = [m for m in page.modules if m != page.module and m not in main]
    own = [m for m in page.modules if m != page.module and m in main]
    if own or shared:
        covered = [f'<a href="{_name(SHARED)}#{_module_anchor(m)}">{_code(m)}</a>' for m in shared]
        covered += [_code(m) for m in own]
        parts.append(f"<p>Its key covers also: {', '.join(covered)}.</p>")
    libraries = ", ".join(f"{name} {version}" for name, version in sorted(record.get("libraries", {}).items()))
    if libraries:
        parts.append(f"<p>Libraries: {html.escape(libraries)}.</p>")
    files = [f"{_code(name)} ({_size(info['size'])}, SHA-256 {_code(info['sha256'][:16] + '…')})"
             for name, info in sorted(record.get("files", {}).items())]  # fmt: skip
    if files:
        parts.append(f"<p>Files of the entry: {', '.join(files)}.</p>")
    toc = (("chain", "The chain from the data"), ("the-code", f"The code: {page.module}"))
    return Article(page.step, slug(page.step), "\n".join(parts), toc, page.summary)


def _linker(pages: Mapping[str, StepPage]) -> Callable[[str], str]:
    """Links from a page of the section to a step's page: they share a folder."""
    return lambda step: _name(page_path(step, pages[step].record["key"]))


def index_page(pages: Mapping[str, StepPage], shared: Sequence[str]) -> str:
    """The section's index, as Markdown: every step, the whole graph, and links to the code the
    steps share. Its links to the step pages are HTML: the engine knows no such pages."""
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
        link = _name(page_path(name, record["key"]))
        computed = _cell(record.get("computed_at", ""))
        lines.append(f'| <a href="{link}">{_cell(name)}</a> | `{record["key"][:12]}` | {computed} '
                     f"| {record.get('seconds', 0):.1f} s |")  # fmt: skip
    lines += ["", "## The graph", "", chain_svg(None, pages, _linker(pages)), ""]
    if shared:
        links = ", ".join(f'<a href="{_name(SHARED)}#{_module_anchor(m)}"><code>{m}</code></a>' for m in shared)
        lines += [f"Code that several steps share: {links}.", ""]
    return "\n".join(lines)


def shared_page(shared: Mapping[str, str], code: Code) -> Article:
    """The code several steps share (module -> source), each module once."""
    parts = [_heading(1, "shared-code", "Shared code"),
             f'<p>The modules that the steps of <a href="index.html">{TITLE}</a> share.</p>']  # fmt: skip
    toc = []
    for module, source in sorted(shared.items()):
        parts += [_heading(2, _module_anchor(module), _code(module)), code(source)]
        toc.append((_module_anchor(module), module))
    return Article(
        "Shared code", "shared-code", "\n".join(parts), tuple(toc), "The code several steps of the build share."
    )


# Where the shell's page shows its own title, address, description, contents and article.
_TITLE_TAG = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_META = re.compile(r'(<meta (?:property|name)="(og:title|twitter:title|og:description|twitter:description|description)"'
                   r' content=")[^"]*(")')  # fmt: skip
_TOC = re.compile(r'(<ul class="md-nav__list" data-md-component="toc"[^>]*>).*?(</ul>)', re.DOTALL)
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.DOTALL)


def from_shell(shell: str, shell_url: str, article: Article, url: str) -> str:
    """A page of the section cut from `shell`, the index page's finished HTML (served at the
    absolute `shell_url`): `article` in place of the index's, with its title, description,
    table of contents and address (`url`, absolute). Raises ValueError when the shell lacks
    a part it should have (another theme): the page would be wrong, not merely plain."""
    title = html.escape(article.title)
    found = _TITLE_TAG.search(shell)
    if found is None or not found[1].startswith(TITLE) or not _ARTICLE.search(shell):
        raise ValueError("the index page has no title or article where Material writes them")
    page = shell[: found.start(1)] + title + found[1][len(TITLE) :] + shell[found.end(1) :]
    described = html.escape(article.description, quote=True)
    page = _META.sub(lambda m: m[1] + (title if m[2].endswith("title") else described) + m[3], page)
    page = page.replace(f'"{html.escape(shell_url, quote=True)}"', f'"{html.escape(url, quote=True)}"')
    items = "".join(f'<li class="md-nav__item"><a href="#{ident}" class="md-nav__link"><span class="md-ellipsis">'
                    f"{html.escape(text)}</span></a></li>" for ident, text in article.toc)  # fmt: skip
    page = _TOC.sub(lambda m: m[1] + items + m[2], page)
    page = page.replace(f'<a href="#{slug(TITLE)}" class="md-skip">', f'<a href="#{article.anchor}" class="md-skip">')
    return _ARTICLE.sub(lambda m: m[1] + article.html + m[2], page, count=1)


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
