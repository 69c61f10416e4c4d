"""Blog excerpts converted once, not once per view and build.

Material's blog (9.8) shows a post's excerpt on every view that lists it (the index and its
pages, the archive, each category) and makes it by converting the post's *whole* Markdown
again for each view, then cutting it at the separator (``Excerpt.render``). A post with
figures, citations, a reference list and a BibTeX block is converted three or four times
per build besides its own page. The result depends only on the post's Markdown, the view's
URL (links are made relative to it), the post's URL, the URLs of the site's pages and
whether each is a draft or excluded (links to them), the Markdown configuration, the bytes
of the files the post's snippets include, and the code of the extensions: `ExcerptMemo`
keys each conversion by all of those and keeps it in a `explaining_machines.memo.Memo`, so
a warm build converts only the excerpts of edited posts. What the engine warns of while
converting one (a broken link, once for each view) is kept with it and said again, as
`explaining_machines.pages.conversions` does for pages. Imports nothing from MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from explaining_machines import memo
from explaining_machines.pages import conversions


def site_digest(urls: Iterable[tuple[str, str]], config: Any) -> str:
    """A digest of the site's page URLs (source path, URL) and of what shapes a conversion."""
    return memo.digest(sorted(urls), config)


class ExcerptMemo:
    """Conversions of excerpts, by what each depends on.

    Material keeps of a conversion the HTML before its `separator` and, of the rest, only
    whether there is any (the view's "Continue reading" link): so does the memo.
    """

    def __init__(self, store: memo.Memo, site: str | None, separator: str, includes=None) -> None:
        """`site`: `site_digest`'s, or None when the configuration cannot be told (nothing is
        kept); `includes`: what the site's pymdownx.snippets includes (`snippets.Includes`;
        None when it has none)."""
        self.store = store
        self.site = site
        self.separator = separator
        self.includes = includes
        self._included: dict[str, list | None] = {}  # by Markdown: a post is shown on several views

    def convert(self, convert: Callable[[str], str], md: Any, markdown: str, view_url: str, post_url: str) -> str:
        """`convert(markdown)` as Python-Markdown instance `md` would do it for the view at `view_url`,
        from the memo when these inputs were converted before; ``md.toc_tokens`` is set either way.
        What follows the separator is replaced by a mark of its presence, which is all Material reads."""
        if markdown not in self._included:
            self._included[markdown] = conversions.included(markdown, self.includes)
        files = self._included[markdown]
        if self.site is None or files is None:
            return convert(markdown)
        key = self.store.key(self.site, self.separator, markdown, view_url, post_url, files)
        found = _found(self.store.get(key))
        if found is not None:
            md.toc_tokens = found["toc"]
            conversions.say_again(found["warnings"])
            return found["html"] + {"": "", "split": self.separator, "more": self.separator + " "}[found["more"]]
        self.store.forget(key)
        with conversions.said() as warnings:
            html = convert(markdown)
        before, split, rest = html.partition(self.separator)
        more = "more" if rest else "split" if split else ""
        toc = getattr(md, "toc_tokens", [])
        self.store.put(key, {"html": before, "more": more, "toc": toc, "warnings": [list(w) for w in warnings]})
        return html


def _found(entry: Any) -> dict | None:
    """The memo's `entry`, when it is an excerpt's conversion."""
    if not (isinstance(entry, dict) and isinstance(entry.get("html"), str) and conversions.is_toc(entry.get("toc"))
            and entry.get("more") in ("", "split", "more") and isinstance(entry.get("warnings"), list)):  # fmt: skip
        return None
    warnings = entry["warnings"]
    if not all(isinstance(w, list) and len(w) == 3 and isinstance(w[0], str) and isinstance(w[1], int)
               and isinstance(w[2], str) for w in warnings):  # fmt: skip
        return None
    return entry
