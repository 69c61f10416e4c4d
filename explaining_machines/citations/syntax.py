"""Citations as authors write them, found in Markdown: Pandoc's syntax and Jekyll's tag.

`find_citations` reads a page's citations outside code and ``{% raw %}`` text, each as a
`Citation` of `CiteItem` (key, prefix, locator or suffix, whether the author is shown);
a malformed one raises `CitationError` with its line. `near_misses` finds the bare
``@words`` one edit away from a key, which the build warns about. The syntax itself is
described in the package's docstring (`explaining_machines.citations`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from explaining_machines.errors import LocatedError
from explaining_machines.source import mdscan
from explaining_machines.source.mdscan import LineIndex

# What a cross-reference's label starts with: the kinds of `citations.xref.KINDS` (which
# imports this module, so the prefixes are written here; a test holds the two together).
XREF_PREFIXES = ("fig-", "eq-", "tbl-")

# A key: Pandoc's rule (a letter, digit or _, then those and single internal punctuation).
KEY = r"\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*"
_BRACED_KEY = r"\{[^{}\s]+\}"
_ITEM_KEY = re.compile(rf"(?P<dash>-?)@(?P<key>{KEY}|{_BRACED_KEY})")
# @key after a space or punctuation (an underscore too: _@key_ is an emphasised citation).
_IN_TEXT = re.compile(rf"(?<![^\W_]|[@\\`\[/.:=-])@(?P<key>{KEY}|{_BRACED_KEY})")
# A locator after an in-text key: on the same line or, where the key ends a line, at the
# start of the next (a paragraph's line break is a space); never a link or a definition.
_IN_TEXT_LOCATOR = re.compile(r"(?: |\n[ \t]{0,3})?\[(?P<locator>[^\[\]\n@]*)\](?![(\[:{{])")
LOCATOR_START = re.compile(
    r"(?:p|pp|page|pages|chap|chapter|sec|section|fig|figure|vol|volume|no|number|para|paragraph|line|"
    r"lines|col|column|part|book|note|verse|art|article|op|opus|sub verbo|s\.v|ch|fn|§|¶)\b\.?|\d",
    re.IGNORECASE,
)
_LIQUID_TOKEN = re.compile(r'"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\'|(?P<comma>,)|(?P<word>[^\s,"\']+)')
_LINK_TAIL = re.compile(r"\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n^][^\]\n]*\]|\{")
# Where @ is part of an address, not a citation: link destinations, autolinks, bare URLs,
# and the inside of HTML tags (their attributes cannot hold a link).
_NOT_PROSE = re.compile(r"\]\([^)\n]*\)|<[a-z][a-z0-9+.-]*:[^>\s]*>|\b[a-z][a-z0-9+.-]*://[^\s<>()\[\]]+"
                        r"|<[A-Za-z][^<>\n]*>", re.IGNORECASE)  # fmt: skip


class CitationError(LocatedError):
    """A citation an author wrote cannot be understood or resolved; `line` is 1-based."""


@dataclass(frozen=True)
class CiteItem:
    """One cited key, with what the author wrote around it."""

    key: str
    prefix: str = ""  # Markdown before the key, inside the brackets ("see")
    suffix: str = ""  # Markdown after the key: a locator ("p. 12") and anything else
    suppress_author: bool = False
    # Written ``@{key}`` or in a Liquid tag: a bibliography key, even one that starts like a
    # label (a .bib key "fig-data2020" cited as ``@{fig-data2020}``).
    entry: bool = False

    @property
    def is_reference(self) -> bool:
        """Whether this item refers to a figure, equation or table, not to a bibliography entry."""
        return not self.entry and self.key.startswith(XREF_PREFIXES)


@dataclass(frozen=True)
class Citation:
    """One citation as written: its items and where it stands in the text."""

    items: tuple[CiteItem, ...]
    start: int
    end: int
    line: int
    in_text: bool = False  # @key or @key [p. 3]
    context: str = "markdown"  # "markdown", "html" (a raw HTML block) or "text" (link text, alt text)


@dataclass(frozen=True)
class NearMiss:
    """A bare ``@word`` that is no key but one edit from one: the author probably meant it."""

    word: str
    key: str
    line: int


def find_citations(markdown: str, first_line: int = 1, keys: Callable[[str], bool] | None = None) -> list[Citation]:
    """The citations of a page, in order, skipping code and ``{% raw %}`` text.

    `first_line` is the file line of the first line of `markdown` (front matter shifts
    it). `keys` says whether a word is a key the page can cite (bibliography keys and
    cross-reference labels): only those count as in-text citations. Raises
    `CitationError` for a malformed citation.
    """
    lines = LineIndex(markdown, first_line)
    try:
        scan = mdscan.scan(markdown)
    except mdscan.ScanError as error:
        raise CitationError(lines.line(error.offset), error.message) from None
    regions = _Regions(markdown, scan)
    found: list[Citation] = []
    for tag in scan.tags:
        if tag.name == "cite":
            line = lines.line(tag.start)
            items = _parse_liquid(tag.args, line)
            found.append(Citation(items, tag.start, tag.end, line, False, regions.context(tag.start)))
    taken: list[tuple[int, int]] = []
    for start, end in _bracketed(markdown, regions, lines):
        line = lines.line(start)
        body = markdown[start + 1 : end - 1]
        tail = _LINK_TAIL.match(markdown, end)
        if tail is not None and tail.group() == "{":
            raise CitationError(line, f"'[{body}]{{' reads as a citation with attributes, which it cannot take; "
                                      f"put a space after ']' if the braces are text")  # fmt: skip
        if tail is not None:  # [@a](url) or [@a][ref]: a link, or a citation glued to text?
            if keys is None or not any(keys(item.key) for item in _parse_pandoc(body, line)):
                continue  # a link whose text happens to start with @ (a handle)
            linked = re.sub(r"(^|[^\w\\])@", r"\1\\@", body)  # the backslash belongs before each @
            raise CitationError(
                line,
                f"'[{body}]{tail.group()[:1]}' reads as both a citation and a link; write "
                f"'[{body}] {tail.group()[:1]}' for a citation followed by text, or '[{linked}]{tail.group()[:1]}' "
                "for a link",
            )
        found.append(Citation(_parse_pandoc(body, line), start, end, line, False, regions.context(start)))
        taken.append((start, end))
    if keys is not None:
        found += _in_text(markdown, lines, regions, taken, keys)
    return sorted(found, key=lambda c: c.start)


def near_misses(markdown: str, first_line: int, keys: list[str]) -> list[NearMiss]:
    """Bare ``@words`` outside code that are no key but one edit (or only case) from a key."""
    lines = LineIndex(markdown, first_line)
    lowered = {key.casefold(): key for key in keys}
    known = set(keys)
    misses = []
    for match in mdscan.finditer_outside_code(_IN_TEXT, markdown):
        word = _unbrace(match["key"].rstrip(".:"))
        if word in known:
            continue
        close = lowered.get(word.casefold()) or next((k for k in keys if _one_edit(word, k)), None)
        if close:
            misses.append(NearMiss(word, close, lines.line(match.start())))
    return misses


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                   and a[diff[1]] == b[diff[0]])  # fmt: skip
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class _Regions:
    """Where in a page Markdown is not read: code, raw HTML blocks, link text and alt text."""

    def __init__(self, text: str, scan: mdscan.Scan) -> None:
        self.literal = scan.literal
        self._starts = [start for start, _ in scan.literal]
        self.html = scan.html
        self.links = _link_texts(text, self)
        self.addresses = [(m.start(), m.end(), m.group().startswith("<") and m.group()[1:2] != "/")
                          for m in _NOT_PROSE.finditer(text)]  # fmt: skip

    def address(self, offset: int) -> tuple[int, int, bool] | None:
        """The address or HTML tag around `offset`, if any: (start, end, is a tag)."""
        return next((a for a in self.addresses if a[0] <= offset < a[1]), None)

    def is_literal(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        inside = i >= 0 and start < self.literal[i][1]
        overlaps = i + 1 < len(self.literal) and self.literal[i + 1][0] < end
        return inside or overlaps

    def context(self, offset: int) -> str:
        if any(start <= offset < end for start, end in self.links):
            return "text"
        if any(start <= offset < end for start, end in self.html):
            return "html"
        return "markdown"


def _matching_bracket(text: str, start: int) -> int | None:
    """The offset after the ``]`` that closes the ``[`` at `start`, within its paragraph."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif char == "\n" and re.match(r"\n[ \t]*\n", text[i:]):
            return None
        i += 1
    return None


def _link_texts(text: str, regions: _Regions) -> list[tuple[int, int]]:
    """The text of Markdown links and images, ``[text](url)``, ``![alt](src)``, ``[text][ref]``."""
    found = []
    for match in re.finditer(r"!?\[", text):
        if regions.is_literal(match.start(), match.end()) or (match.start() and text[match.start() - 1] == "\\"):
            continue
        end = _matching_bracket(text, match.end() - 1)
        if end is not None and _LINK_TAIL.match(text, end) and not text.startswith("[^", match.end() - 1):
            inner = text[match.end() : end - 1]
            if match.group() == "!" + "[" or not _is_citation_body(inner):
                found.append((match.start(), end))
    return found


def _is_citation_body(body: str) -> bool:
    return any(_ITEM_KEY.match(part.strip()) or re.search(r"(?:^|\s)-?@", part) for part in body.split(";")) and (
        bool(re.search(rf"(?:^|[\s;])-?@(?:{KEY}|{_BRACED_KEY})", body))
    )


def _bracketed(text: str, regions: _Regions, lines: LineIndex) -> list[tuple[int, int]]:
    """The ``[...]`` spans outside code whose content is a Pandoc citation."""
    found = []
    for match in re.finditer(r"\[", text):
        start = match.start()
        if start and text[start - 1] in "\\!":  # \[@x] is literal; ![...] is an image
            continue
        if text.startswith("[^", start) or regions.is_literal(start, start + 1):
            continue
        end = _matching_bracket(text, start)
        if end is None:
            if re.match(rf"\[[^\]\n]*?(?:^|(?<=[\s\[;]))-?@(?:{KEY}|{_BRACED_KEY})", text[start:]):
                raise CitationError(lines.line(start), "unclosed '[@' citation: expected ']'")
            continue
        body = text[start + 1 : end - 1]
        if regions.is_literal(end - 1, end):
            continue  # a bracket that closes inside code is no citation; code inside one is its text
        if re.search(r"(?:^|[\s;])-?@(?:[\s;]|$)", body):
            raise CitationError(lines.line(start), f"empty citation key in '[{body}]'")
        if not _is_citation_body(body):
            continue
        around = regions.address(start)
        if around is not None:
            if around[2]:  # inside an HTML tag: an attribute cannot hold a link
                raise CitationError(lines.line(start), f"'[{body}]' stands inside an HTML tag, where no "
                                                       "citation can link; write it outside the tag")  # fmt: skip
            continue
        if any(s < start < e for s, e in found):
            continue  # inside a citation already taken (a bracket in its suffix)
        found.append((start, end))
    return found


def _parse_pandoc(body: str, line: int) -> tuple[CiteItem, ...]:
    """The items of a bracketed citation's `body`: ``see @a, p. 4; also @b``."""
    items = []
    for part in _split_items(body):
        match = next((m for m in _ITEM_KEY.finditer(part) if _starts_item(part, m.start())), None)
        if match is None:
            raise CitationError(line, f"'[{body}]': every part of a citation needs an @key")
        key = _unbrace(match["key"])
        # A key ends before trailing punctuation ("[@a.]"): KEY's rule leaves it to the suffix.
        rest = part[match.end() :]
        braced = match["key"].startswith("{")
        items.append(CiteItem(key, part[: match.start()].strip(), _suffix(rest), bool(match["dash"]), braced))
    return tuple(items)


def _starts_item(part: str, offset: int) -> bool:
    return offset == 0 or part[offset - 1].isspace()


def _split_items(body: str) -> list[str]:
    """Split a citation's body at the semicolons that are not inside brackets or code."""
    parts, depth, last = [], 0, 0
    for i, char in enumerate(body):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(body[last:i])
            last = i + 1
    parts.append(body[last:])
    return [part for part in parts if part.strip()]


def _suffix(rest: str) -> str:
    """What follows a key, as the author wrote it (a leading comma included)."""
    rest = rest.strip()
    return ", " + rest[1:].strip() if rest.startswith(",") else rest


def _unbrace(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def _in_text(
    text: str, lines: LineIndex, regions: _Regions, taken: list[tuple[int, int]], keys: Callable[[str], bool]
) -> list[Citation]:
    """``@key`` and ``@key [locator]`` outside code and outside bracketed citations, for known keys."""
    found = []
    for match in _IN_TEXT.finditer(text):
        start = match.start()
        if regions.is_literal(start, match.end()) or any(s <= start < e for s, e in taken):
            continue
        if regions.address(start) is not None:
            continue  # an address (https://x.org/@someone) or inside an HTML tag
        key = _unbrace(match["key"])
        end = match.end()
        if not keys(key):
            stripped = key.rstrip(".:_")  # "@rudin2019stop." at a sentence's end, "_@key_" in emphasis
            if stripped == key or not keys(stripped):
                continue
            key, end = stripped, start + 1 + len(stripped)
        suffix = ""
        locator = _IN_TEXT_LOCATOR.match(text, end)
        if locator is not None and not regions.is_literal(locator.start(), locator.end()):
            suffix, end = locator["locator"].strip(), locator.end()
        item = CiteItem(key, "", suffix, entry=match["key"].startswith("{"))
        found.append(Citation((item,), start, end, lines.line(start), True, regions.context(start)))
    return found


# jekyll-scholar's locator labels (``-L``; ``page`` by default) as CSL abbreviates them.
LOCATOR_LABELS = {
    "page": ("p.", "pp."), "chapter": ("chap.", "chaps."), "section": ("sec.", "secs."),
    "figure": ("fig.", "figs."), "paragraph": ("para.", "paras."), "volume": ("vol.", "vols."),
    "note": ("n.", "nn."), "line": ("l.", "ll."), "equation": ("eq.", "eqs."), "table": ("tbl.", "tbls."),
}  # fmt: skip
_BARE_LOCATOR = re.compile(r"[0-9ivxlcdm]+(?P<range>\s*(?:[-–,&]|--)\s*[0-9ivxlcdm]+)*", re.IGNORECASE)


def _labelled(locator: str, label: str) -> str:
    """A Jekyll locator as a reader reads it: ``208`` is ``p. 208`` (``pp.`` for ``3-4``), as
    jekyll-scholar labels it; a locator that names its own label (``chap. 2``) stays."""
    if not _BARE_LOCATOR.fullmatch(locator):
        return locator
    one, many = LOCATOR_LABELS[label]
    return f"{many if re.search(r'[-–,&]', locator) else one} {locator}"


def _parse_liquid(args: str, line: int) -> tuple[CiteItem, ...]:
    keys: list[str] = []
    locator, label = "", "page"
    tokens = list(_LIQUID_TOKEN.finditer(args))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token["word"]
        if token["comma"]:
            i += 1
            continue
        if word in ("-l", "--locator"):
            if i + 1 >= len(tokens) or tokens[i + 1]["comma"]:
                raise CitationError(line, f"'{word}' in '{{% cite %}}' needs a locator after it")
            nxt = tokens[i + 1]
            locator = next(v for v in (nxt["dq"], nxt["sq"], nxt["word"]) if v is not None)
            i += 2
            continue
        if word in ("-L", "--label"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            label = next((v for v in (nxt["dq"], nxt["sq"], nxt["word"]) if v is not None), "") if nxt else ""
            if label not in LOCATOR_LABELS:
                raise CitationError(line, f"'{word}' in '{{% cite %}}' needs a label: {', '.join(LOCATOR_LABELS)}")
            i += 2
            continue
        if word is not None and word.startswith("-"):
            raise CitationError(line, f"unknown option '{word}' in '{{% cite %}}'; use -l or --locator, -L or --label")
        key = next(v for v in (token["dq"], token["sq"], word) if v is not None)
        if not key.strip():
            raise CitationError(line, "empty citation key")
        if re.search(r"[\s{}\"',]", key):
            raise CitationError(line, f"invalid citation key {key!r}")
        keys.append(key)
        i += 1
    if not keys:
        raise CitationError(line, "empty citation: '{% cite %}' names no key")
    # A locator belongs to the last key, as in jekyll-scholar.
    # Jekyll knows no labels: every key of a Liquid tag is a bibliography key.
    items = [CiteItem(k, entry=True) for k in keys[:-1]]
    return (*items, CiteItem(keys[-1], suffix=_labelled(locator, label), entry=True))
