"""A Content-Security-Policy for a finished HTML page, as a ``<meta>`` tag any static host serves.

GitHub Pages cannot send headers, so the policy travels inside each page:
``<meta http-equiv="Content-Security-Policy">``, placed first in ``<head>`` (a policy
given by a meta tag covers only what the parser meets after it). Imports nothing
from MkDocs; ``hooks/checks_hook.py`` applies it to every built page.

What it allows, and why:

* everything (styles, scripts, the search worker and index, fonts, frames) from the
  site itself only: ``default-src 'self'``; images also as ``data:`` URLs, which
  Material's icons are;
* an inline ``<script>`` only by the SHA-256 of its text, and only if it is one of
  the theme's or the notebook template's own (`KNOWN_SCRIPTS`). Hashing whatever
  a built page contains would also allow a script that an author, a front-matter
  field or a .bib entry slipped past the escaping: that is the very thing the policy
  is there to stop. Any other inline script is left out, so it does not run, and
  `Inline.blocked` names it for a warning. Event-handler attributes (``onclick=``)
  and ``javascript:`` URLs never run;
* an inline ``<style>`` element, and a ``style=`` attribute (MathML from
  latex2mathml sets some), by the SHA-256 of its text: the notebook page's styles
  and the explorer's CSS are written by the build. Styles are hashed whoever wrote
  them, because CSS cannot run code and, with every fetch confined to the site,
  cannot send what it reads anywhere; what the hashes still stop is CSS added
  later, by a script. ``'unsafe-hashes'``, which lets hashes match attributes, is
  given only to pages that have ``style=`` attributes;
* no plugins (``object-src 'none'``), no ``<base>`` pointing elsewhere, forms that
  post only to the site.

To allow one more source, add it to `POLICY` (README, "Security: what the pages may load").
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field

from explaining_machines.checks import htmlpass

# Directive -> sources, in the order they are written. Hashes are added per page.
POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}

# The inline scripts that may run: the SHA-256 (hex) of each one's `normalized` text,
# and where it comes from. A new release of Material or mkdocs-jupyter may change
# them; the build then warns with the digest of the script it does not know.
KNOWN_SCRIPTS: dict[str, str] = {
    "cf17cd8f11fa1c19bb730e58b90fbeb0317e33931ad1b35ac9f74d02c0d02590": "Material base.html: __md_scope and storage",
    "0eb10c249dbdb0beef225a10ce5cbe55418cc4a7014cc208f8e7d6ed8f00906e": "Material base.html: palette",
    "ffcc0f7735fdab434d257c80e65cec2e88d716991e69757185b7e450e41a5b2f": "Material base.html: anchor target",
    "858c16af2d8aebc7f968172f0b7046eaf4b9e0f928e28b046c7a032c3c7ed0bd": "mkdocs-jupyter: clipboard.umd.js",
    "1b9c6d787348200f92fb85d58cd274ca455832ec47f8b7dd47d6072f1455be4e": "mkdocs-jupyter notebook.html.j2: copy notice",
    "0bb1ad5d2574f6667de927be09bb519bd56055f599b028ed2dc7a9d01c8caa30": "nbconvert lab/mermaidjs.html.j2",
}

# Script types that a browser runs, and so that the policy governs (HTML "prepare the
# script element"); anything else (application/json, text/x-mathjax-config) is data.
JAVASCRIPT_TYPES = frozenset(
    {"", "module", "importmap"}
    | {f"application/{name}" for name in ("ecmascript", "javascript", "x-ecmascript", "x-javascript")}
    | {f"text/{name}" for name in ("ecmascript", "javascript", "jscript", "livescript", "x-ecmascript", "x-javascript")}
    | {f"text/javascript1.{minor}" for minor in range(6)}
)

META_NAME = "Content-Security-Policy"
# The tag as `protect` writes it, with the line break before it, so that it can be taken out again.
_OUR_META = re.compile(r'\n[ \t]*<meta http-equiv="Content-Security-Policy" content="[^"<>]*">')
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^>]*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)
# Material's first script sets the site's base from the page's relative path to it
# (`new URL("../..",location)`); that path is the one part that differs between pages.
_BASE_URL = re.compile(r'new URL\("[A-Za-z0-9._~/%:-]*",location\)')


def sha256_source(text: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows exactly `text`."""
    digest = hashlib.sha256(_newlines(text).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def script_digest(text: str) -> str:
    """The key of `text` in `KNOWN_SCRIPTS`: SHA-256 (hex) of its `normalized` form."""
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()


def normalized(text: str) -> str:
    """`text` with the page-specific part of a known script (the site's relative base) replaced."""
    return _BASE_URL.sub('new URL("…",location)', _newlines(text))


def _newlines(text: str) -> str:
    # The browser's HTML parser turns CR LF and lone CR into LF before anything sees the text.
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Inline:
    """What a page runs or styles inline."""

    scripts: list[str] = field(default_factory=list)  # bodies of inline scripts the browser would run
    styles: list[str] = field(default_factory=list)  # bodies of <style> elements
    style_attributes: list[str] = field(default_factory=list)  # values of style= attributes
    handlers: list[str] = field(default_factory=list)  # `tag onclick="…"`: never allowed
    javascript_urls: list[str] = field(default_factory=list)  # `a href="javascript:…"`: never allowed

    def allowed_scripts(self) -> list[str]:
        return [text for text in self.scripts if script_digest(text) in KNOWN_SCRIPTS]

    def blocked(self) -> list[str]:
        """One line for each piece of inline code that the policy stops."""
        lines = [
            f"inline script not allowed (sha256 {script_digest(text)}): {_excerpt(text)}"
            for text in self.scripts
            if script_digest(text) not in KNOWN_SCRIPTS
        ]
        lines += [f"event-handler attribute not allowed: <{handler}>" for handler in self.handlers]
        lines += [f"javascript: URL not allowed: <{url}>" for url in self.javascript_urls]
        return lines


def _excerpt(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")


class InlineReader(htmlpass.Reader):
    """Collects inline scripts, styles and attributes; `html.parser` reads <script>/<style> as raw text."""

    def __init__(self) -> None:
        self.found = Inline()
        self._open: tuple[str, list[str]] | None = None  # (tag, pieces of its text) while inside one

    def starttag(self, tag: str, attrs: list[tuple[str, str | None]], line: int) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name == "style":
                self.found.style_attributes.append(value)
            elif name.startswith("on"):
                self.found.handlers.append(f'{tag} {name}="{value[:40]}"')
            elif name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.found.javascript_urls.append(f'{tag} {name}="{value[:40]}"')
        if tag == "style" or (tag == "script" and "src" not in values and _runs(values)):
            self._open = (tag, [])

    def data(self, text: str) -> None:
        if self._open is not None:
            self._open[1].append(text)

    def endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open[0]:
            text = "".join(self._open[1])
            (self.found.scripts if tag == "script" else self.found.styles).append(text)
            self._open = None


def _runs(attributes: dict[str, str]) -> bool:
    """Whether a browser runs a <script> with these attributes (rather than keeping it as data)."""
    if "type" in attributes:
        return attributes["type"].strip().lower() in JAVASCRIPT_TYPES
    language = attributes.get("language", "")
    return not language or f"text/{language.strip().lower()}" in JAVASCRIPT_TYPES


def find_inline(page_html: str) -> Inline:
    """Every inline script, style and style attribute in `page_html`, in document order."""
    reader = InlineReader()
    htmlpass.read(page_html, reader)
    return reader.found


def policy(inline: Inline) -> str:
    """The policy for a page with `inline` content: `POLICY` plus the hashes that page needs."""
    directives = {name: list(sources) for name, sources in POLICY.items()}
    directives["script-src"] += _unique(sha256_source(text) for text in inline.allowed_scripts())
    styles = _unique(sha256_source(text) for text in inline.styles + inline.style_attributes)
    if inline.style_attributes:
        directives["style-src"].append("'unsafe-hashes'")
    directives["style-src"] += styles
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def meta_tag(policy_text: str) -> str:
    """The ``<meta>`` tag that gives `policy_text` (which holds single quotes, never double ones)."""
    return f'<meta http-equiv="{META_NAME}" content="{html.escape(policy_text, quote=False)}">'


def protect(page_html: str, *readers: htmlpass.Reader, found: Inline | None = None) -> tuple[str, Inline]:
    """`page_html` with its policy as the first tag of ``<head>`` (after ``<meta charset>``).

    Idempotent: a policy tag that this function added before is replaced. Returns the
    new HTML and what the page has inline (for warnings about what will not run).
    `readers` read the page in the same parse (`htmlpass`); in the new HTML, everything
    after the policy tag is one line further down (`moved_down_from`). With `found`, what
    an earlier read of the same HTML found (`pagereads`), the page is not read again.
    """
    page_html = _OUR_META.sub("", page_html)
    if found is None:
        reader = InlineReader()
        htmlpass.read(page_html, reader, *readers)
        found = reader.found
    head = _HEAD.search(page_html)
    if head is not None:
        # <meta charset> must stay in the first 1024 bytes: the policy goes right after it.
        charset = _CHARSET.match(page_html, head.end())
        at = charset.end() if charset else head.end()
    else:
        # No <head> tag: the parser opens one for a <meta> that comes before any content.
        doctype = _DOCTYPE.match(page_html)
        at = doctype.end() if doctype else 0
    line_start = page_html.rfind("\n", 0, at) + 1
    indent = re.match(r"[ \t]*", page_html[line_start:at]).group() if head is not None else ""
    return page_html[:at] + "\n" + indent + meta_tag(policy(found)) + page_html[at:], found


def moved_down_from(protected_html: str) -> int:
    """The first line of the page `protect` was given whose tags its policy tag moved down
    one line: the line of ``<head>`` (only ``<html>``, ``<head>`` and ``<meta charset>``
    stand before the policy tag there)."""
    return protected_html.count("\n", 0, _OUR_META.search(protected_html).start()) + 1


def has_policy(page_html: str) -> bool:
    return _OUR_META.search(page_html) is not None
