"""Name where authors wrote a broken link: the line of the page's Markdown, or else the
HTML file and line, once for all pages that share it (`explaining_machines.checks.linkcheck`
finds the broken links). Imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from explaining_machines.checks.linkcheck import BrokenLink
from explaining_machines.pages import urls
from explaining_machines.source import mdscan

_URL_CHAR_BEFORE = r"(?<![\w%./~-])"
_URL_CHAR_AFTER = r"(?![\w%/~-])"


@dataclass(frozen=True)
class Origin:
    """Where a page's Markdown wrote a link: the line, and the link as written there."""

    line: int
    written: str


def trace(markdown: str, broken: BrokenLink, page_src: str, sources: Mapping[str, str]) -> Origin | None:
    """Find `broken` in `markdown`, the source (``page_src``, docs-relative) of its page.

    Tried in turn, each first outside code, then anywhere: the URL as the HTML has it
    (raw HTML and links MkDocs left alone); for a link into another page, the ``.md``
    link that MkDocs rewrote into it (`sources` maps site paths of pages to their
    sources); for a relative URL, the root-absolute path it may have been made from,
    from the host's root or from the site's (``/sub/img/a.png`` or ``/img/a.png``);
    last, its bare ``#fragment``, which may follow any path. A URL must stand alone,
    so ``img/a.png`` does not match ``img/a.png2`` or ``x/img/a.png``. None when
    nothing matches, as for the anchors a Markdown extension writes.
    """
    url = broken.url
    fragment = url.partition("#")[2] if "#" in url else None
    candidates = [(url, url)]
    if "&" in url:  # Markdown may write the entity that the HTML parser decoded
        candidates.append((url.replace("&", "&amp;"), url))
    target_src = sources.get(broken.target)
    if target_src is not None and broken.target != broken.page:
        written = urls.relative(target_src, page_src)
        if fragment is not None:
            written += "#" + fragment
        candidates.append((written, written))
    if broken.path and not url.startswith("/"):
        suffix = url[len(re.match(r"[^?#]*", url).group()) :]  # the query and fragment
        roots = [broken.path]
        if broken.path.startswith(broken.base) and broken.base != "/":
            roots.append("/" + broken.path[len(broken.base) :])
        candidates += [(root + suffix, root + suffix) for root in roots]
    if broken.kind == "id" and fragment:
        candidates.append(("#" + fragment, url))
    lines = mdscan.LineIndex(markdown)
    for searched, shown in candidates:
        before = "" if searched.startswith("#") else _URL_CHAR_BEFORE + r"(?:\./)?"
        offset = _find(re.compile(before + re.escape(searched) + _URL_CHAR_AFTER), markdown)
        if offset is not None:
            return Origin(lines.line(offset), shown)
    return None


def _find(pattern: re.Pattern[str], text: str) -> int | None:
    try:
        match = next(mdscan.finditer_outside_code(pattern, text), None)
    except ValueError:  # a page the scanner rejects (mdscan.ScanError): any occurrence will do
        match = None
    match = match or pattern.search(text)
    return None if match is None else match.start()


def messages(
    broken: Iterable[BrokenLink], sources: Mapping[str, str], docs: str, read: Callable[[str], str]
) -> list[str]:
    """One message per broken link, naming its source file and line.

    `sources` maps the site path of each page built from a file under `docs` to that
    file (docs-relative); `read` gives a source's text, asked once, and only for a page
    with a broken link. A link that no Markdown line explains (the 404 page's, Material's
    blog views', a theme's on every page) names the HTML file and line instead, once for
    all pages that share it.
    """
    texts: dict[str, str] = {}

    def origin(link: BrokenLink, src_uri: str) -> Origin | None:
        if not src_uri.endswith(".md"):
            return None  # a notebook's lines are JSON, and mkdocs-jupyter writes its own HTML
        if src_uri not in texts:
            try:
                texts[src_uri] = read(src_uri)
            except (OSError, UnicodeDecodeError):
                texts[src_uri] = ""
        return trace(texts[src_uri], link, src_uri, sources)

    found: list[str] = []
    shared: dict[tuple, tuple[int, int]] = {}  # what is missing -> (its message's index, pages)
    for link in broken:
        in_html = f"{link.page}:{link.line}"
        src_uri = sources.get(link.page)
        if src_uri is None:
            where, traced = in_html, None  # no source to name
        else:
            traced = origin(link, src_uri)
            where = f"{docs}/{src_uri}:{traced.line}" if traced else f"{docs}/{src_uri} ({in_html})"
        message = f"{where}: broken link '{traced.written if traced else link.url}' ({link.reason})"
        if traced is not None:
            found.append(message)
            continue
        key = (link.kind, link.target, link.fragment)  # a missing id of the page itself: per page
        index, pages = shared.get(key, (len(found), 0))
        if not pages:
            found.append(message)
        shared[key] = (index, pages + 1)
    for index, pages in shared.values():
        if pages > 1:
            found[index] += f"; the same on {pages - 1} other page{'s' if pages > 2 else ''}"
    return found
