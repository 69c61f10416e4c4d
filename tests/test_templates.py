"""Compiled theme templates kept between builds (`explaining_machines.pages.templates`)."""

from __future__ import annotations

import jinja2
import pytest

from explaining_machines.pages import templates
from explaining_machines.pages.templates import Templates, compiler


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch):
    monkeypatch.setattr(templates, "_COMPILED", {})


def _render(theme, cache, filters=None, policies=None, **settings) -> tuple[str, Templates]:
    """Render page.html of `theme` as a new build does: a new environment, the cache given to
    it, then what plugins add (`filters`, `policies`)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme)), **settings)
    env.bytecode_cache = kept = Templates(cache)
    if "jinja2.ext.i18n" in settings.get("extensions", ()):
        env.install_null_translations()  # as MkDocs does
    env.filters.update(filters or {})
    env.policies.update(policies or {})
    return env.get_template("page.html").render(title="T"), kept


def _next_process():
    templates._COMPILED.clear()


def test_a_template_is_compiled_once_and_again_when_it_changes(tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    theme.mkdir()
    (theme / "page.html").write_text("<h1>{{ title }}</h1>")
    assert _render(theme, cache)[1].compiled == 1
    html, kept = _render(theme, cache)  # a rebuild of mkdocs serve: from memory
    assert (html, kept.loaded, kept.compiled) == ("<h1>T</h1>", 1, 0)
    _next_process()
    html, kept = _render(theme, cache)  # the next mkdocs build: from the file
    assert (html, kept.loaded, kept.compiled) == ("<h1>T</h1>", 1, 0)
    (theme / "page.html").write_text("<h2>{{ title }}</h2>")  # an override edited
    html, kept = _render(theme, cache)
    assert (html, kept.compiled) == ("<h2>T</h2>", 1)


def test_a_damaged_file_is_compiled_again_never_loaded(tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    theme.mkdir()
    (theme / "page.html").write_text("<h1>{{ title }}</h1>")
    _render(theme, cache)
    (kept,) = cache.rglob("*.jinja")
    data = bytearray(kept.read_bytes())
    for at in (0, len(data) - 3):  # the digest, and the compiled code itself
        damaged = data.copy()
        damaged[at] ^= 0x01
        kept.write_bytes(bytes(damaged))
        _next_process()
        html, used = _render(theme, cache)
        assert (html, used.loaded, used.compiled) == ("<h1>T</h1>", 0, 1)


def test_code_compiled_under_other_settings_is_never_loaded(tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    theme.mkdir()
    (theme / "page.html").write_text("{% if true %}\n<p>{{ title|lower }}</p>\n{% endif %}\n")
    plain = jinja2.Environment()
    assert compiler(plain) == compiler(jinja2.Environment())
    assert compiler(plain) != compiler(jinja2.Environment(trim_blocks=True))
    assert compiler(plain) != compiler(jinja2.Environment(extensions=["jinja2.ext.i18n"]))
    with_context = jinja2.Environment()
    with_context.filters["upper"] = jinja2.pass_context(lambda context, text: text.upper())
    assert compiler(with_context) != compiler(plain)  # the call Jinja compiles passes the context first
    _render(theme, cache, trim_blocks=False)
    _next_process()
    html, kept = _render(theme, cache, trim_blocks=True)
    assert (html, kept.compiled) == ("<p>t</p>\n", 1)  # not the other settings' newlines
    assert len([path for path in cache.iterdir() if path.is_dir()]) == 1  # the other compiler's folder is gone


def test_a_plugins_filter_jinja_would_call_while_compiling_is_called_on_every_build(tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    theme.mkdir()
    (theme / "page.html").write_text('<p>{{ "site_name" | setting }}</p>')  # constant arguments: Jinja folds it
    config = {"site_name": "Test"}
    setting = {"setting": lambda key: config[key]}  # a hook's filter, reading the configuration
    assert _render(theme, cache, setting)[0] == "<p>Test</p>"
    config["site_name"] = "Renamed"
    html, kept = _render(theme, cache, setting)  # a serve rebuild after mkdocs.yml changed
    assert (html, kept.loaded) == ("<p>Renamed</p>", 0)
    _next_process()
    assert _render(theme, cache, setting)[0] == "<p>Renamed</p>"
    (theme / "page.html").write_text("<p>{{ title | upper }}</p>")  # Jinja's own filters only: kept
    _render(theme, cache, setting)
    assert _render(theme, cache, setting)[1].loaded == 1


def test_a_policy_read_while_parsing_is_part_of_the_compilers_name(tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    theme.mkdir()
    (theme / "page.html").write_text("[{% trans %}\n  hello\n    world\n{% endtrans %}]")
    i18n = {"extensions": ["jinja2.ext.i18n"]}
    untrimmed = _render(theme, cache, policies={"ext.i18n.trimmed": False}, **i18n)[0]
    _next_process()
    trimmed, kept = _render(theme, cache, policies={"ext.i18n.trimmed": True}, **i18n)
    assert untrimmed == "[\n  hello\n    world\n]" and (trimmed, kept.loaded) == ("[hello world]", 0)


def test_jinjas_own_filters_are_keyed_by_which_they_are():
    import operator

    swapped = jinja2.Environment()
    swapped.filters["upper"] = jinja2.filters.do_lower  # still Jinja's, but another function
    assert compiler(swapped) != compiler(jinja2.Environment())
    stateful = jinja2.Environment()
    stateful.filters["pick"] = operator.itemgetter("a")  # Python's, but an object with state
    assert templates._unkept(stateful).search("{{ x | pick }}")
