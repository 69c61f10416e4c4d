"""Issue 22's silently wrong pages that only a build shows: each bullet a test that names it."""

from __future__ import annotations

import pytest
from conftest import blog_site, mkdocs

pytestmark = pytest.mark.slow


def post(title: str, body: str, date: str = "2024-01-02", extra: str = "") -> str:
    return f"---\ntitle: '{title}'\ndate: {date}\nauthors: [editors]\n{extra}---\n\n# {title}\n\n{body}"


def test_a_draft_is_invisible_in_a_build(tmp_path):
    """Silently wrong: "a draft: true post is listed on the References page with a link to a
    page that is not published, and its "Cite this post" .bib is published"."""
    site = blog_site(
        tmp_path / "s",
        {
            "published.md": post("Published", "As [@rudin2019stop] argues.\n"),
            "draft.md": post("Unfinished", "Only the draft cites [@molnar2020interpretable].\n", "2024-01-03",
                             "draft: true\n"),
        },  # fmt: skip
    )
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    built = site / "site"
    references = (built / "references" / "index.html").read_text()
    assert "Rudin" in references and "Molnar" not in references and "unfinished" not in references.lower()
    [bib] = built.rglob("*.bib")  # the published post's, beside its page
    assert bib.parent == built / "blog" / "2024" / "01" / "02" / "published"
    assert not (built / "blog" / "2024" / "01" / "03").exists()
    shown = [p for p in built.rglob("*") if p.suffix in (".html", ".xml", ".json") and "Unfinished" in p.read_text()]
    assert shown == []
