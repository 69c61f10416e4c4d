"""Blog excerpts converted once, not once per view and build.

Material's blog (9.8) shows a post's excerpt on every view that lists it (the index and its
pages, the archive, each category) and makes it by converting the post's *whole* Markdown
again for each view, then cutting it at the separator (``Excerpt.render``). A post with
figures, citations, a reference list and a BibTeX block is converted three or four times
per build besides its own page. The result depends only on the post's Markdown, the view's
URL (links are made relative to it), the post's URL, the URLs of the site's pages (links
to them), the Markdown configuration and the code of the extensions: `ExcerptMemo` keys
each conversion by all of those and keeps it in a `explaining_machines.memo.Memo`, so a
warm build converts only the excerpts of edited posts. Imports nothing from MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from explaining_machines import memo


def site_digest(urls: Iterable[tuple[str, str]], config: Any) -> str:
    """A digest of the site's page URLs (source path, URL) and of what shapes a conversion."""
    return memo.digest(sorted(urls), config)


class ExcerptMemo:
    """Conversions of excerpts, by what each depends on.

    Material keeps of a conversion the HTML before its `separator` and, of the rest, only
    whether there is any (the view's "Continue reading" link): so does the memo.
    """

    def __init__(self, store: memo.Memo, site: str, separator: str) -> None:
        self.store = store
        self.site = site
        self.separator = separator

    def convert(self, convert: Callable[[str], str], md: Any, markdown: str, view_url: str, post_url: str) -> str:
        """`convert(markdown)` as Python-Markdown instance `md` would do it for the view at `view_url`,
        from the memo when these inputs were converted before; ``md.toc_tokens`` is set either way.
        What follows the separator is replaced by a mark of its presence, which is all Material reads."""
        key = self.store.key(self.site, self.separator, markdown, view_url, post_url)
        found = self.store.get(key)
        if (isinstance(found, dict) and isinstance(found.get("html"), str) and isinstance(found.get("toc"), list)
                and found.get("more") in ("", "split", "more")):  # fmt: skip
            md.toc_tokens = found["toc"]
            return found["html"] + {"": "", "split": self.separator, "more": self.separator + " "}[found["more"]]
        self.store.forget(key)
        html = convert(markdown)
        before, split, rest = html.partition(self.separator)
        more = "more" if rest else "split" if split else ""
        self.store.put(key, {"html": before, "more": more, "toc": getattr(md, "toc_tokens", [])})
        return html
