"""Front matter of a Markdown file: where the body starts, and YAML errors with their line.

MkDocs silently ignores front matter that is not valid YAML and shows it as text;
`check` turns that into an error naming the line. Imports nothing from MkDocs.
"""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from explaining_machines import memo
from explaining_machines.errors import LocatedError

# The same delimiters MkDocs uses (mkdocs.utils.meta.YAML_RE).
_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


class FrontMatterError(LocatedError):
    """Front matter that cannot be read; `line` is the 1-based line in the file."""


def body_first_line(raw: str) -> int:
    """The file line on which the Markdown body starts (after front matter and blank lines)."""
    match = _YAML.match(raw)
    if not match:
        return 1
    rest = raw[match.end() :]
    skipped = len(rest) - len(rest.lstrip("\n"))
    return raw.count("\n", 0, match.end()) + skipped + 1


def body(raw: str) -> tuple[int, str]:
    """The Markdown body of a file, after its front matter, and the file line it starts on."""
    first = body_first_line(raw)
    return first, "".join(raw.splitlines(keepends=True)[first - 1 :])


def authors(path: Path) -> dict[str, str]:
    """The authors in Material's blog authors file: key -> display name.

    A missing file has none; YAML that cannot be read raises `FrontMatterError` with its line.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        return {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FrontMatterError(mark.line + 1 if mark else 1, "invalid YAML in the authors file") from None
    found = (data.get("authors") or {}) if isinstance(data, dict) else {}
    return {str(key): str((value or {}).get("name", key)) if isinstance(value, dict) or value is None else str(key)
            for key, value in found.items()}  # fmt: skip


def authors_path(docs_dir: str | Path, blog_dir: str, authors_file: str) -> Path:
    """Where Material's blog reads its authors: `authors_file` may name the blog's folder as ``{blog}``."""
    return Path(docs_dir) / authors_file.format(blog=blog_dir.strip("/"))


def check_page(raw: str) -> dict[str, Any]:
    """`check`, and the keys this site adds to MkDocs' own: ``toc`` must be true or false."""
    meta = check(raw)
    toc = meta.get("toc", True)
    if not isinstance(toc, bool):
        raise FrontMatterError(key_line(raw, "toc"), f"'toc' must be true or false, got {toc!r}")
    return meta


def checked(raw: str, is_post: bool, authors: set[str] | None, store: memo.Memo | None = None) -> None:
    """`check_page`, and `check_post` for a post; with `store`, a page checked before with the
    same text and authors (and the same code) is not parsed again. Only pages that pass are kept."""
    key = store.key(raw, is_post, sorted(authors) if authors is not None else None) if store is not None else None
    if key is not None and store.get(key) is True:
        return
    meta = check_page(raw)
    if is_post:
        check_post(raw, meta, authors)
    if key is not None:
        store.put(key, True)


def checking_memo(path: Path) -> memo.Memo:
    """The memo of pages whose front matter passed, keyed by this module's code and PyYAML's version."""
    return memo.Memo(path, memo.code_digest((sys.modules[__name__],), ("PyYAML", "mkdocs-material")))


def key_line(raw: str, key: str) -> int | None:
    """The line of a top-level front-matter key, for messages about its value."""
    match = _YAML.match(raw)
    if not match:
        return None
    found = re.search(rf"^{re.escape(key)}[ \t]*:", match.group(1), re.MULTILINE)
    return None if found is None else match.group(1).count("\n", 0, found.start()) + 2


class DuplicateKeyError(ValueError):
    """A front-matter key given twice; `lines` are both, counted from 0 in the YAML block."""

    def __init__(self, key: str, lines: tuple[int, int]) -> None:
        super().__init__(key)
        self.key, self.lines = key, lines


class _UniqueKeys(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys without a word; front matter must not."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise DuplicateKeyError(key, (seen[key], key_node.start_mark.line))
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def check(raw: str) -> dict[str, Any]:
    """Parse the front matter; raises `FrontMatterError` where MkDocs would ignore it."""
    match = _YAML.match(raw)
    if not match:
        first, _, rest = raw.partition("\n")
        if raw.startswith("---") and first.strip() == "---":
            if rest.split("\n", 1)[0].strip() in ("---", "..."):
                # MkDocs' pattern needs a line between the two: it would show two rules.
                raise FrontMatterError(1, "the front matter is empty: MkDocs would show its two '---' lines as "
                                          "rules; put a key between them, or remove both")  # fmt: skip
            raise FrontMatterError(1, "front matter is not closed: expected a line '---'")
        return {}
    try:
        data = yaml.load(match.group(1), Loader=_UniqueKeys)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as error:
        first, second = (2 + line for line in error.lines)
        message = f"'{error.key}' is given twice in the front matter (first on line {first})"
        raise FrontMatterError(second, message) from None
    except ValueError as error:  # a date-like value that is no date: YAML's constructor gives no line
        line, value = _bad_date(match.group(1))
        raise FrontMatterError(line, f"'{value}' is not a valid date ({error})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(line, f"invalid YAML in front matter: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    return data


def _bad_date(block: str) -> tuple[int, str]:
    """The line and text of the value in a front-matter block that YAML reads as a timestamp
    but no calendar has (``2024-02-31``, ``2024-02-04 25:00:00``): the node YAML failed on."""
    loader = yaml.SafeLoader("")
    pending = [yaml.compose(block, Loader=yaml.SafeLoader)]
    while pending:
        node = pending.pop(0)
        if isinstance(node, yaml.MappingNode):
            pending += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                loader.construct_yaml_timestamp(node)
            except ValueError:
                return 2 + node.start_mark.line, node.value
    return 2, "a value"


def check_post(raw: str, meta: dict[str, Any], authors: set[str] | None) -> None:
    """Check a blog post's front matter as Material's blog reads it; raises `FrontMatterError`.

    Material stops at a bad post with no line number; this names the file's line.
    `authors` are the keys of the authors file (None: the blog has no authors file).
    """

    def fail(key: str, message: str) -> None:
        raise FrontMatterError(key_line(raw, key) or 1, message)

    date = meta.get("date")
    if date is None:
        fail("date", "a blog post needs a 'date' (for example date: 2024-02-04)")
    dates = date if isinstance(date, dict) else {"created": date}
    # Material's blog takes any named date beside created and updated (PostDate: "allow the
    # author to specify custom and arbitrary dates"); each must be a date.
    for name, value in dates.items():
        if not isinstance(name, str) or not isinstance(value, (datetime.date, datetime.datetime)):
            fail("date", f"'date' must be a date such as 2024-02-04 (or created:/updated: dates), got {value!r}")
    if "created" not in dates:
        fail("date", "'date' needs a 'created' date")
    for key in ("title", "description", "slug"):
        if key in meta and not isinstance(meta[key], str):
            fail(key, f"'{key}' must be text, got {meta[key]!r}")
    for key in ("authors", "categories", "tags"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(key, f"'{key}' must be a list of names, got {value!r}")
    for category in meta.get("categories", []):
        if any(c in category for c in '<>&"'):
            # Material's blog prints category names into headings unescaped, from its own read of the file.
            fail("categories", f'category {category!r}: a category name cannot contain <, >, & or "')
    if authors is not None:
        for author in meta.get("authors", []):
            if author not in authors:
                fail("authors", f"unknown author '{author}'; known authors: {', '.join(sorted(authors))}")
