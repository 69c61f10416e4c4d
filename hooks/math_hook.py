"""Math as MathML, rendered at build time, and the math font the site serves for it.

Events:

* ``on_config`` adds `mathml.MathMLExtension` to the Markdown extensions (after
  pymdownx.arithmatex, whose generic output it converts), so pages and blog
  excerpts alike get MathML and no math script is ever loaded; adds the math font's
  stylesheet to ``extra_css``; and loads the subsets of the font kept by earlier builds.
* ``on_page_markdown`` remembers which file is being rendered, so that TeX which
  cannot be rendered fails the build with that file and the line of the formula.
* ``on_post_page`` reads the characters of each ``<math>`` in the page as finished
  (reference lists and excerpts included, which a warm build takes from memos).
* ``on_post_build`` writes the font cut to those characters (from the cache when the
  set is the same as before), its licence and its ``@font-face`` stylesheet into the
  site, before the link check (-110) looks for them; warns, with the page and line, of
  each formula drawing a character the font lacks; forgets the build (`mkdocs serve`
  keeps the module).
* ``on_build_error`` forgets the build.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

from explaining_machines import mathml
from explaining_machines.files import write_bytes_atomic
from explaining_machines.mathml import font

log = get_plugin_logger("math")
_state: dict = {"page": None, "root": ".", "store": None, "formulas": []}


def _source(page: Page) -> str:
    return os.path.relpath(page.file.abs_src_path or page.file.src_uri, str(_state["root"]))


def _raise_located(error: mathml.MathError) -> None:
    page = _state["page"]
    if not isinstance(page, Page):
        raise PluginError(str(error))
    line = mathml.formula_line(page.file.content_string, error.tex)
    raise PluginError(f"{_source(page)}: {error}" if line is None else f"{_source(page)}:{line}: {error}")


_extension = mathml.MathMLExtension(on_error=_raise_located)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _extension not in config.markdown_extensions:
        config.markdown_extensions.append(_extension)
    if font.STYLESHEET not in config.extra_css:
        config.extra_css.append(font.STYLESHEET)
    _state["root"] = os.path.dirname(config.config_file_path)
    store = _state["store"] = font.FontStore(config.extra["project"].cache_path)
    problem = store.load()
    if problem:
        log.info("%s %s", store.memo.path, problem)
    _state["formulas"] = []
    return config


def on_page_markdown(markdown: str, page: Page, **_) -> str:
    _state["page"] = page
    return markdown


def on_post_page(output: str, page: Page, **_) -> str:
    if "<math" in output:
        _state["formulas"].extend((page, formula) for formula in font.formulas(output))
    return output


def on_post_build(config: MkDocsConfig) -> None:
    found, store = _state["formulas"], _state["store"]
    try:
        served = None
        if found:
            try:
                served, why = store.serve(char for _, formula in found for char in formula.characters)
            except font.FontIntegrityError as error:
                raise PluginError(str(error)) from None
            if why:
                log.info(why)
            if served.made:
                size = store.font.font.stat().st_size
                log.info("%s cut to %d characters: %d bytes of %d", store.font.family, served.characters,
                         len(served.data), size)  # fmt: skip
            write_bytes_atomic(Path(config.site_dir, served.path), served.data)
            licence = store.font.licence_file.read_bytes()
            write_bytes_atomic(Path(config.site_dir, font.served.licence_path()), licence)
            _warn_missing(found, served.missing, config)
            store.save()
        css = font.stylesheet(served, store.font).encode()
        write_bytes_atomic(Path(config.site_dir, font.STYLESHEET), css)
    finally:
        _forget()


def _warn_missing(found: list, missing: frozenset[str], config: MkDocsConfig) -> None:
    if not missing:
        return
    shown = [
        font.Shown(_source(page), page.file.content_string if page.file.generated_by is None else None, formula)
        for page, formula in found
    ]
    for message in font.missing_characters(shown, missing, _bib_files(config)):
        log.warning(message)


def _bib_files(config: MkDocsConfig) -> dict[str, str]:
    """The site's default .bib files by the name a message gives them, and their text."""
    found = {}
    for name in config.extra["project"].citations.bibliography:
        path = Path(str(_state["root"]), name)
        if path.is_file():
            found[os.path.relpath(path, str(_state["root"]))] = path.read_text(encoding="utf-8", errors="replace")
    return found


def _forget() -> None:
    _state.update(page=None, store=None, formulas=[])


def on_build_error(**_) -> None:
    _forget()
