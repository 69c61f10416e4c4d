"""What reading a page found, kept between builds (`explaining_machines.checks.pagereads`)."""

from __future__ import annotations

import json

import pytest

from explaining_machines.checks import csp, linkcheck
from explaining_machines.checks.pagereads import PageReads

PAGE = (
    '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<script>var a = 1;</script>\n</head>\n'
    '<body><a href="#x" id="x">x</a><p style="color: red">p</p></body>\n</html>\n'
)


def read(page_html: str) -> tuple[str, csp.Inline, linkcheck.ParsedPage]:
    links = linkcheck.LinkReader()
    protected, inline = csp.protect(page_html, links)
    return protected, inline, links.parsed(csp.moved_down_from(protected))


def test_a_page_read_in_the_last_build_is_not_read_again_and_gives_the_same_page(tmp_path):
    protected, inline, parsed = read(PAGE)
    first = PageReads(tmp_path / "reads.json")
    assert first.load() is None and first.get(PAGE) is None
    first.put(PAGE, inline, parsed)
    first.save()
    second = PageReads(tmp_path / "reads.json")
    assert second.load() is None
    assert second.get(PAGE) == (inline, parsed)
    assert csp.protect(PAGE, found=second.get(PAGE)[0])[0] == protected
    assert second.get(PAGE.replace("var a = 1", "var a = 2")) is None


def test_only_this_builds_pages_are_saved(tmp_path):
    other = PAGE.replace("<p", "<p id='y'")
    first = PageReads(tmp_path / "reads.json")
    for page in (PAGE, other):
        first.put(page, *read(page)[1:])
    first.save()
    second = PageReads(tmp_path / "reads.json")
    second.load()
    assert second.get(PAGE) is not None
    second.save()  # the other page was not built this time
    third = PageReads(tmp_path / "reads.json")
    third.load()
    assert third.get(PAGE) is not None and third.get(other) is None


def test_a_change_to_the_reading_code_reads_every_page_again(tmp_path):
    first = PageReads(tmp_path / "reads.json")
    first.put(PAGE, *read(PAGE)[1:])
    first.save()
    head, body = (tmp_path / "reads.json").read_text().split("\n", 1)
    header = json.loads(head)
    header["code"] = "0" * 32
    (tmp_path / "reads.json").write_text(json.dumps(header) + "\n" + body)
    second = PageReads(tmp_path / "reads.json")
    assert second.load() is None and second.get(PAGE) is None


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "does not match its checksum; its results are computed again"),
        (lambda text: text[:10], "cannot be read (JSONDecodeError); its results are computed again"),
        (lambda text: "[]", "is not a memo file; its results are computed again"),
        # one changed character inside a script's text keeps the JSON valid; the checksum catches it
        (
            lambda text: text.replace("var a = 1", "var a = 7"),
            "does not match its checksum; its results are computed again",
        ),
        (lambda text: "\udcff", "cannot be read (UnicodeDecodeError); its results are computed again"),
    ],
)
def test_a_damaged_file_is_set_aside_with_a_reason(tmp_path, damage, reason):
    first = PageReads(tmp_path / "reads.json")
    first.put(PAGE, *read(PAGE)[1:])
    first.save()
    path = tmp_path / "reads.json"
    path.write_text(damage(path.read_text()), encoding="utf-8", errors="surrogateescape")
    second = PageReads(path)
    assert second.load() == reason
    assert second.get(PAGE) is None


def test_an_entry_of_the_wrong_shape_is_read_again(tmp_path):
    reads = PageReads(tmp_path / "reads.json")
    reads.put(PAGE, *read(PAGE)[1:])
    [key] = reads.memo._now
    reads.memo._now[key]["links"] = [["only", "three", "items"]]
    assert reads.get(PAGE) is None
