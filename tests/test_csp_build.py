"""The Content-Security-Policy hook in small end-to-end builds (the policy itself: tests/test_csp.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_site, mkdocs

from explaining_machines.checks import csp

pytestmark = pytest.mark.slow


def test_every_html_file_of_a_build_carries_the_policy(tmp_path: Path):
    site = make_site(
        tmp_path,
        {
            "index.md": "# Home\n\nText.\n",
            "sub/page.md": '# Page\n\n<b style="color: red">styled</b>\n',
            "static.html": "<!doctype html><html><head><title>as is</title></head><body>copied</body></html>\n",
        },
    )
    result = mkdocs(site, "--strict")
    assert result.returncode == 0, result.stdout
    files = sorted(p.relative_to(site / "site").as_posix() for p in (site / "site").rglob("*.html"))
    # 404.html is a theme template and static.html a copy, neither passes through on_post_page.
    assert {"404.html", "index.html", "static.html", "sub/page/index.html"} <= set(files)
    for name in files:
        html = (site / "site" / name).read_text()
        assert html.count('<meta http-equiv="Content-Security-Policy"') == 1, name
        assert html.index("Content-Security-Policy") < html.index("<title>"), name
    page_html = (site / "site" / "sub/page/index.html").read_text()
    assert f"'unsafe-hashes' {csp.sha256_source('color: red')}" in page_html


def test_inline_code_the_policy_stops_is_a_warning_naming_the_page(tmp_path: Path):
    markdown = '# Home\n\n<script>alert(1)</script>\n\n<img src="a.png" onerror="b()">\n'
    site = make_site(tmp_path, {"index.md": markdown})
    result = mkdocs(site, "--strict")
    assert result.returncode == 1
    digest = csp.script_digest("alert(1)")
    assert (
        f"WARNING -  csp: docs/index.md: inline script not allowed (sha256 {digest}): 'alert(1)'; "
        "the Content-Security-Policy stops it from running"
    ) in result.stdout
    assert (
        'WARNING -  csp: docs/index.md: event-handler attribute not allowed: <img onerror="b()">; '
        "the Content-Security-Policy stops it from running"
    ) in result.stdout
