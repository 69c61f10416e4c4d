"""Every problem of a real reference-manager export, in an end-to-end build."""

import pytest
from conftest import make_site, mkdocs
from test_bibliography import BROKEN

from explaining_machines.mathml import to_mathml

pytestmark = pytest.mark.slow


def test_site_lists_every_problem_and_still_builds(tmp_path):
    bib = BROKEN + "\n@misc{e, title={Fine $x^2$ and \\emph{<b>}}, year={2020}}\n"
    page = "# P\n\nSee [@good1; @twice], [@nojournal] and [@nopublisher].\n"
    site = make_site(tmp_path, {"p.md": page, "q.md": "# Q\n\nAgain [@nojournal; @e].\n"}, bib=bib)
    bib_before = (site / "references.bib").read_bytes()
    lenient = mkdocs(site)
    assert lenient.returncode == 0, lenient.stdout
    html = (site / "site" / "p" / "index.html").read_text()
    for key in ("good1", "twice", "nojournal", "nopublisher"):
        assert f'id="ref-{key}"' in html
    assert "Dan Delta. Fourth. 2018." in html
    other = (site / "site" / "q" / "index.html").read_text()
    assert f"Fine {to_mathml('x^2', False)} and <em>&lt;b&gt;</em>. 2020." in other
    strict = mkdocs(site, "--strict")
    assert strict.returncode == 1
    # Each problem is a warning with the .bib file and line, in both builds (the hook that
    # wires the module in may add where the entry is cited, and say it for each page).
    problems = [
        "references.bib:10:20: BibTeX syntax error: '}' expected; entry 'broken' (line 8) is skipped",
        "references.bib:19: entry 'twice' has a duplicate 'year' field; the first value is used",
        "references.bib:22: duplicate key 'good1' (first defined on line 1); this one is ignored",
        "references.bib:26: entry 'nojournal' has no 'journal' field, which style 'numbered' needs; shown without it",
        "references.bib:32: entry 'nopublisher' has no 'publisher' field, which style 'numbered' needs;"
        " shown without it",
    ]
    for result in (lenient, strict):
        log = result.stdout.splitlines()
        for problem in problems:
            said = [line for line in log if problem in line]
            assert said and all(line.startswith("WARNING -  citations: ") for line in said), result.stdout
        assert not [line for line in log if "references.bib:" in line and not any(p in line for p in problems)]
    assert "Traceback" not in strict.stdout
    assert (site / "references.bib").read_bytes() == bib_before  # a problem is reported, never repaired in place
