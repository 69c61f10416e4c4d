"""Front matter as the build checks it before MkDocs and Material read it: each message, with its line."""

from __future__ import annotations

import datetime

import pytest

from explaining_machines.source import frontmatter
from explaining_machines.source.frontmatter import FrontMatterError


def problem(check, *args) -> tuple[int, str]:
    """The (line, message) of the `FrontMatterError` that `check(*args)` raises."""
    with pytest.raises(FrontMatterError) as error:
        check(*args)
    return error.value.line, error.value.message


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        ("---\ntitle: [a\n---\n", 3, "invalid YAML in front matter: expected ',' or ']', but got '<stream end>'"),
        ('---\ntitle: "a\n---\n', 3, "invalid YAML in front matter: found unexpected end of stream"),
        ("---\ntitle: a: b\n---\n", 2, "invalid YAML in front matter: mapping values are not allowed here"),
        ("---\n\ttitle: x\n---\n", 2,
         "invalid YAML in front matter: found character '\\t' that cannot start any token"),
        ("---\ntitle: a\n", 1, "front matter is not closed: expected a line '---'"),
        ("---  \ntitle: a\n\n# H\n", 1, "front matter is not closed: expected a line '---'"),
        ("---\n- a\n- b\n---\n", 2, "front matter must be a mapping of keys to values"),
        ("---\njust text\n---\n", 2, "front matter must be a mapping of keys to values"),
        ("---\ndate: 2024-13-45\n---\n", 2, "'2024-13-45' is not a valid date (month must be in 1..12)"),
        ("---\ntitle: x\ndate: 2024-02-30\n---\n", 3,
         "'2024-02-30' is not a valid date (day is out of range for month)"),
        ("---\ndate:\n  created: 2024-01-01\n  updated: 2024-01-32\n---\n", 4,
         "'2024-01-32' is not a valid date (day is out of range for month)"),
        ("---\ntitle: a\ntitle: b\n---\n", 3, "'title' is given twice in the front matter (first on line 2)"),
        ("---\ntags: [a]\ndate: 2024-01-02\ntags: [b]\n---\n", 4,
         "'tags' is given twice in the front matter (first on line 2)"),
        ("---\ndate:\n  created: 2024-01-01\n  created: 2024-01-02\n---\n", 4,
         "'created' is given twice in the front matter (first on line 3)"),
    ],
)  # fmt: skip
def test_front_matter_that_cannot_be_read_names_its_line(raw, line, message):
    assert problem(frontmatter.check, raw) == (line, message)


@pytest.mark.parametrize(
    ("raw", "meta"),
    [
        ("# No front matter\n", {}),
        ("", {}),
        ("---\n\n---\n# H\n", {}),
        ("---\ntitle: x\n...\n# H\n", {"title": "x"}),  # YAML's end-of-document marker closes it too
        ("--- \ntitle: x\n---\n", {"title": "x"}),
        ("----\ntitle: x\n----\n", {}),  # four dashes are no delimiter: a rule, as MkDocs reads it
        ("---\ndate: 2024-02-04\n---\n", {"date": datetime.date(2024, 2, 4)}),
        ("---\ndescription: |\n  two\n  lines\n---\n", {"description": "two\nlines\n"}),
    ],
)
def test_front_matter_that_can_be_read(raw, meta):
    assert frontmatter.check(raw) == meta


def test_an_impossible_date_is_named_even_after_a_title_that_mentions_one():
    raw = '---\ntitle: "Notes of 2024-02-30"\ndate: 2024-02-31\n---\n'
    assert problem(frontmatter.check, raw) == (3, "'2024-02-31' is not a valid date (day is out of range for month)")


def test_an_impossible_time_names_the_value():
    raw = "---\ndate: 2024-02-04 25:00:00\n---\n"
    assert problem(frontmatter.check, raw) == (2, "'2024-02-04 25:00:00' is not a valid date (hour must be in 0..23)")


def test_empty_front_matter_is_not_called_unclosed():
    """Errors that mislead (issue 22): "empty front matter is reported as 'not closed'"."""
    line, message = problem(frontmatter.check, "---\n---\n# H\n")
    assert (line, message) == (1, "the front matter is empty: MkDocs would show its two '---' lines as rules; "
                                  "put a key between them, or remove both")  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        ("---\ntoc: 'false'\n---\n", 2, "'toc' must be true or false, got 'false'"),
        ("---\ntitle: x\ntoc: 0\n---\n", 3, "'toc' must be true or false, got 0"),
        ("---\ntoc:\n---\n", 2, "'toc' must be true or false, got None"),
    ],
)
def test_toc_is_true_or_false(raw, line, message):
    assert problem(frontmatter.check_page, raw) == (line, message)


@pytest.mark.parametrize(
    ("raw", "meta"),
    [("---\ntoc: false\n---\n", {"toc": False}), ("---\ntoc: no\n---\n", {"toc": False}), ("# H\n", {})],
)
def test_a_page_with_a_good_toc_or_none(raw, meta):
    assert frontmatter.check_page(raw) == meta


def test_check_page_reports_what_check_reports():
    assert problem(frontmatter.check_page, "---\ntoc: [\n---\n") == (
        3, "invalid YAML in front matter: expected the node content, but found '<stream end>'"
    )  # fmt: skip


AUTHORS = {"editors", "ada"}
DATE = "must be a date such as 2024-02-04 (or created:/updated: dates)"


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        ("---\ntitle: P\n---\n", 1, "a blog post needs a 'date' (for example date: 2024-02-04)"),
        ("# A post without front matter\n", 1, "a blog post needs a 'date' (for example date: 2024-02-04)"),
        ("---\ndate: soon\n---\n", 2, f"'date' {DATE}, got 'soon'"),
        ("---\ntitle: P\ndate: 2024\n---\n", 3, f"'date' {DATE}, got 2024"),
        ("---\ndate:\n  created: 2024-01-01\n  updated: later\n---\n", 2, f"'date' {DATE}, got 'later'"),
        ("---\ndate:\n  updated: 2024-01-01\n---\n", 2, "'date' needs a 'created' date"),
        ("---\ndate: {}\n---\n", 2, "'date' needs a 'created' date"),
        ("---\ndate: 2024-01-02\ntitle: 3\n---\n", 3, "'title' must be text, got 3"),
        ("---\ndate: 2024-01-02\ndescription: [a]\n---\n", 3, "'description' must be text, got ['a']"),
        ("---\ndate: 2024-01-02\nslug: 2024\n---\n", 3, "'slug' must be text, got 2024"),
        ("---\ndate: 2024-01-02\nauthors: editors\n---\n", 3, "'authors' must be a list of names, got 'editors'"),
        ('---\ndate: 2024-01-02\nauthors: [editors, " "]\n---\n', 3,
         "'authors' must be a list of names, got ['editors', ' ']"),
        ("---\ndate: 2024-01-02\ntags: machine-learning\n---\n", 3,
         "'tags' must be a list of names, got 'machine-learning'"),
        ("---\ndate: 2024-01-02\ntags: [ok, null]\n---\n", 3, "'tags' must be a list of names, got ['ok', None]"),
        ("---\ndate: 2024-01-02\ntags:\n---\n", 3, "'tags' must be a list of names, got None"),
        ("---\ndate: 2024-01-02\ncategories: [1]\n---\n", 3, "'categories' must be a list of names, got [1]"),
        ('---\ndate: 2024-01-02\ncategories: ["A & B"]\n---\n', 3,
         "category 'A & B': a category name cannot contain <, >, & or \""),
        ("---\ndate: 2024-01-02\ncategories: [ok, <b>]\n---\n", 3,
         "category '<b>': a category name cannot contain <, >, & or \""),
        ("---\ndate: 2024-01-02\nauthors: [bob]\n---\n", 3, "unknown author 'bob'; known authors: ada, editors"),
        ("---\ndate: 2024-01-02\nauthors: [ada, bob]\n---\n", 3, "unknown author 'bob'; known authors: ada, editors"),
    ],
)  # fmt: skip
def test_a_post_that_material_would_reject_names_its_line(raw, line, message):
    assert problem(frontmatter.check_post, raw, frontmatter.check(raw), AUTHORS) == (line, message)


@pytest.mark.parametrize(
    "raw",
    [
        "---\ndate: 2024-01-02\n---\n",
        "---\ndate: 2024-01-02 10:30:00\n---\n",
        "---\ndate:\n  created: 2024-01-02\n  updated: 2024-03-04\n---\n",
        "---\ndate: 2024-01-02\ntitle: T\ndescription: D\nslug: s\nauthors: [ada]\ncategories: [ML]\ntags: []\n---\n",
    ],
)
def test_a_post_that_material_reads(raw):
    assert frontmatter.check_post(raw, frontmatter.check(raw), AUTHORS) is None


def test_without_an_authors_file_any_author_will_do():
    raw = "---\ndate: 2024-01-02\nauthors: [bob]\n---\n"
    assert frontmatter.check_post(raw, frontmatter.check(raw), None) is None


def test_a_custom_date_that_material_accepts_is_accepted():
    raw = "---\ndate:\n  created: 2024-01-01\n  published: 2024-01-02\n---\n"
    frontmatter.check_post(raw, frontmatter.check(raw), AUTHORS)


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("# H\n", 1),
        ("---\ntitle: a\n---\n# H\n", 4),
        ("---\ntitle: a\n---\n\n\n# H\n", 6),
        ("---\ntitle: a\n---\n", 4),
        ("---\ntitle: a\n...\n\n# H\n", 5),
    ],
)
def test_the_body_starts_after_the_front_matter_and_blank_lines(raw, line):
    assert frontmatter.body_first_line(raw) == line
    assert frontmatter.body(raw) == (line, "".join(raw.splitlines(keepends=True)[line - 1 :]))


@pytest.mark.parametrize(
    ("raw", "key", "line"),
    [
        ("---\ntitle: a\ndate:\n  created: 2024-01-01\n---\n", "date", 3),
        ("---\ntitle: a\ndate:\n  created: 2024-01-01\n---\n", "created", None),  # nested: not a top-level key
        ("---\ntitle : a\n---\n", "title", 2),
        ("---\ntitle: a\n---\n", "date", None),
        ("# H\ndate: x\n", "date", None),  # no front matter
    ],
)
def test_the_line_of_a_key(raw, key, line):
    assert frontmatter.key_line(raw, key) == line


@pytest.mark.parametrize(
    ("blog_dir", "authors_file", "path"),
    [
        ("blog", "{blog}/.authors.yml", "docs/blog/.authors.yml"),
        ("/news/", "{blog}/.authors.yml", "docs/news/.authors.yml"),
        ("blog", "authors.yml", "docs/authors.yml"),
    ],
)
def test_where_material_reads_its_authors(blog_dir, authors_file, path):
    assert frontmatter.authors_path("docs", blog_dir, authors_file).as_posix() == path
