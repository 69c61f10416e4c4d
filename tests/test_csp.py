"""The Content-Security-Policy: what a page runs inline, the policy it gets, where the tag goes.

Unit tests of `explaining_machines.checks.csp`, and (slow) small sites built with the hook:
every HTML file gets the policy, and inline code that the policy stops is reported
with the page it is on.
"""

from __future__ import annotations

import re

import pytest

from explaining_machines.checks import csp

BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
# Material's first inline script, as it is on a page two folders below the site's root.
MD_SCOPE = (
    '__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
    '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
    '__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}'
)


def page(head: str = "", body: str = "") -> str:
    """A page shaped like Material's: <meta charset> first in <head>, on a line of its own."""
    return (
        '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n'
        f"{head}  </head>\n<body>{body}</body></html>\n"
    )


# ------------------------------------------------------------------ hashes


def test_hash_is_the_one_the_csp_specification_gives():
    # CSP Level 3, section "Hash usage for script elements".
    assert csp.sha256_source("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_hash_sees_newlines_as_the_browser_does(newline):
    assert csp.sha256_source(f"a(){newline}b()") == csp.sha256_source("a()\nb()")


@pytest.mark.parametrize(
    ("base", "known"),
    [
        ('"."', True),
        ('"../../.."', True),
        ('"/explaining-machines/"', True),
        ('"https://example.org/sub/"', True),
        ('"x"),alert(1),("', False),  # not a plain path: the script is not the theme's any more
        ("'..'", False),
    ],
)
def test_only_the_base_path_of_materials_script_may_differ(base, known):
    script = MD_SCOPE.replace('"../.."', base, 1)
    assert (csp.script_digest(script) in csp.KNOWN_SCRIPTS) is known


# ------------------------------------------------------------------ finding inline code


@pytest.mark.parametrize(
    ("tag", "runs"),
    [
        ("<script>", True),
        ('<script type="">', True),
        ('<script type="text/javascript">', True),
        ('<script type=" Text/JavaScript ">', True),
        ('<script type="module">', True),
        ('<script type="importmap">', True),
        ('<script language="javascript">', True),
        ('<script type="application/json">', False),  # Material's __config: data, never run
        ('<script type="text/x-mathjax-config">', False),
        ('<script language="vbscript">', False),
        ('<script src="a.js">', False),  # not inline: allowed by 'self'
    ],
)
def test_inline_scripts_are_those_a_browser_runs(tag, runs):
    found = csp.find_inline(page(body=f"{tag}x = 1;</script>"))
    assert found.scripts == (["x = 1;"] if runs else [])


def test_script_and_style_text_is_read_raw():
    body = "<script>if (a < b && c > d) { s = '<p>&amp;</p>'; }</script><style>a > b { content: '&lt;'; }</style>"
    found = csp.find_inline(page(body=body))
    assert found.scripts == ["if (a < b && c > d) { s = '<p>&amp;</p>'; }"]
    assert found.styles == ["a > b { content: '&lt;'; }"]


def test_attributes_that_run_or_style():
    body = (
        '<img src="x" onerror="steal()"><a href=" JavaScript:go()">x</a>'
        '<mtext style="font-weight: bold">all</mtext><p style="color: red">r</p>'
    )
    found = csp.find_inline(page(body=body))
    assert found.handlers == ['img onerror="steal()"']
    assert found.javascript_urls == ['a href=" JavaScript:go()"']
    assert found.style_attributes == ["font-weight: bold", "color: red"]


def test_a_self_closed_script_still_counts():
    # A browser ignores the slash: the text up to </script> runs, so it must be reported.
    found = csp.find_inline(page(body="<script/>alert(1)</script>"))
    assert found.scripts == ["alert(1)"]


# ------------------------------------------------------------------ the policy


def test_a_page_with_nothing_inline_gets_the_base_policy():
    assert csp.policy(csp.find_inline(page(body="<p>text</p>"))) == BASE


def test_known_scripts_are_allowed_by_hash_and_others_are_blocked():
    body = f"<script>{MD_SCOPE}</script><script>alert(1)</script>"
    found = csp.find_inline(page(body=body))
    text = csp.policy(found)
    assert f"script-src 'self' {csp.sha256_source(MD_SCOPE)};" in text
    assert csp.sha256_source("alert(1)") not in text
    assert found.blocked() == [f"inline script not allowed (sha256 {csp.script_digest('alert(1)')}): 'alert(1)'"]


def test_handlers_and_javascript_urls_are_reported():
    found = csp.find_inline(page(body='<img onerror="x()"><a href="javascript:y()">a</a>'))
    assert found.blocked() == [
        'event-handler attribute not allowed: <img onerror="x()">',
        'javascript: URL not allowed: <a href="javascript:y()">',
    ]
    assert "unsafe" not in csp.policy(found)


def test_styles_are_allowed_by_hash_and_attributes_only_with_unsafe_hashes():
    elements = csp.find_inline(page(head="<style>p { color: red }</style>"))
    assert f"style-src 'self' {csp.sha256_source('p { color: red }')};" in csp.policy(elements)
    attributes = csp.find_inline(page(body='<b style="x: 1">a</b><i style="x: 1">b</i><u style="y: 2">c</u>'))
    hashes = f"{csp.sha256_source('x: 1')} {csp.sha256_source('y: 2')}"
    assert f"style-src 'self' 'unsafe-hashes' {hashes};" in csp.policy(attributes)


def test_every_directive_the_issue_asks_for():
    directives = dict(d.split(" ", 1) for d in BASE.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    # Directives that a <meta> policy cannot carry: browsers ignore them and say so in the console.
    assert not {"frame-ancestors", "report-uri", "sandbox"} & set(csp.POLICY)


# ------------------------------------------------------------------ the tag in the page


def test_the_tag_goes_right_after_meta_charset():
    out, _ = csp.protect(page(head='    <meta name="viewport" content="w">\n    <script>x()</script>\n'))
    assert out.startswith(
        f'<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n    {csp.meta_tag(BASE)}\n'
        '    <meta name="viewport" content="w">\n'
    )


def test_the_tag_opens_head_without_meta_charset_and_starts_a_page_without_head():
    out, _ = csp.protect('<html><head lang="x"><title>t</title></head></html>')
    assert out == f'<html><head lang="x">\n{csp.meta_tag(BASE)}<title>t</title></head></html>'
    out, _ = csp.protect("<!DOCTYPE html><p>fragment</p>")
    assert out == f"<!DOCTYPE html>\n{csp.meta_tag(BASE)}<p>fragment</p>"


def test_protect_is_idempotent_and_recomputes_after_a_change():
    once, _ = csp.protect(page(head="<style>a{}</style>"))
    assert csp.protect(once)[0] == once
    assert once.count("Content-Security-Policy") == 1 and csp.has_policy(once)
    changed, _ = csp.protect(once.replace("a{}", "b{}"))
    assert changed.count("Content-Security-Policy") == 1
    assert csp.sha256_source("b{}") in changed and csp.sha256_source("a{}") not in changed


def test_the_tag_is_a_valid_attribute_value():
    tag = csp.meta_tag(csp.policy(csp.find_inline(page(body=f"<script>{MD_SCOPE}</script>"))))
    assert re.fullmatch(r'<meta http-equiv="Content-Security-Policy" content="[^"<>&]*">', tag)


# ------------------------------------------------------------------ the hook, on small sites
