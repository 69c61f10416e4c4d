"""Math as MathML, rendered at build time.

Events:

* ``on_config`` adds `mathml.MathMLExtension` to the Markdown extensions (after
  pymdownx.arithmatex, whose generic output it converts), so pages and blog
  excerpts alike get MathML and no math script is ever loaded.
* ``on_page_markdown`` remembers which file is being rendered, so that TeX which
  cannot be rendered fails the build with that file and the line of the formula.
* ``on_post_build`` forgets the page (`mkdocs serve` keeps this module loaded).
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from explaining_machines import mathml

_state: dict[str, object] = {"page": None, "root": "."}


def _raise_located(error: mathml.MathError) -> None:
    page = _state["page"]
    if not isinstance(page, Page):
        raise PluginError(str(error))
    path = os.path.relpath(page.file.abs_src_path or page.file.src_uri, str(_state["root"]))
    line = mathml.formula_line(page.file.content_string, error.tex)
    raise PluginError(f"{path}: {error}" if line is None else f"{path}:{line}: {error}")


_extension = mathml.MathMLExtension(on_error=_raise_located)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _extension not in config.markdown_extensions:
        config.markdown_extensions.append(_extension)
    _state["root"] = os.path.dirname(config.config_file_path)
    return config


def on_page_markdown(markdown: str, page: Page, **_) -> str:
    _state["page"] = page
    return markdown


def on_post_build(**_) -> None:
    _state["page"] = None
