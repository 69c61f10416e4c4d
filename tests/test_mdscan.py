import re

import pytest

from explaining_machines.source.mdscan import code_ranges, finditer_outside_code

TAG = re.compile(r"\[@\w+\]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain [@a] text", ["[@a]"]),
        ("inline `[@a]` code and [@b]", ["[@b]"]),
        ("double ``x ` [@a]`` code [@b]", ["[@b]"]),
        ("```\n[@a]\n```\n[@b]\n", ["[@b]"]),
        ("~~~~python\n[@a]\n~~~\n[@c]\n~~~~\n[@b]\n", ["[@b]"]),
        ("para\n\n    [@a] indented code\n\n[@b]\n", ["[@b]"]),
        ("- item\n\n    [@a] list paragraph\n", ["[@a]"]),
        ("- item\n\n        [@a] code in list\n", []),
        ("!!! note\n\n    [@a] in an admonition\n", ["[@a]"]),
        ("- item\n    ```\n    [@a]\n    ```\n[@b]\n", ["[@b]"]),
        ("<!-- [@a] -->\n[@b]", ["[@b]"]),
        ("unclosed ```\n[@a]", ["[@a]"]),
        ("```\nnever closed\n[@a]\n", []),
        ("escaped \\`[@a]`", ["[@a]"]),
    ],
)
def test_matches_outside_code(text, expected):
    assert [m.group(0) for m in finditer_outside_code(TAG, text)] == expected


def test_ranges_are_sorted_and_disjoint():
    ranges = code_ranges("`a` and `b`\n\n```\nc\n```\n")
    assert ranges == sorted(ranges)
    assert all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:], strict=False))
