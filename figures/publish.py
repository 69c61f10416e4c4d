"""The stable addresses of ``figures.publish``: a site path for each, checked, and the figure it shows.

The setting maps a path in the site to a figure written as in a tag
(``assets/images/blog/lime-explanation.png: lime-digit digit=3``). Each path must stay
inside the site and end in ``.png`` (the dark variant is published beside it as
``.dark.png``), and each value must be exactly one figure that exists with parameters
it accepts. A path may be given once (YAML would keep the last of two silently), may
not lie in ``assets/figures/``, where the figures' own files and stable addresses are
(`RESERVED`), and may not be a file of the docs folder (`conflicts`, once the site's files
are known): a published image never overwrites another one. Every problem is one
`figures.errors.FigureError` naming the file, the line, the setting and the path, as
``mkdocs.yml:31: extra.project.figures.publish: 'a.png': ...``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from explaining_machines import yamllines
from figures import targets
from figures.errors import FigureError

if TYPE_CHECKING:
    from figures.graph import Project

SETTING = "extra.project.figures.publish"
RESERVED = "assets/figures/"  # the figures' files: hashed names, and each figure's stable address


def _where(project: Project, path: str) -> str:
    """The setting of `path` as messages name it: ``mkdocs.yml:31: extra.project...: 'a.png'``."""
    lines = dict(yamllines.keys(project.settings.config_file, *SETTING.split(".")))
    at = f":{lines[path]}" if path in lines else ""
    return f"{project.settings.source}{at}: {SETTING}: {path!r}"


def published(project: Project) -> dict[str, str]:
    """Each stable site path (without a leading slash) and the figure step it shows."""
    found: dict[str, str] = {}
    if not project.settings.figures.publish:
        return found
    given = yamllines.keys(project.settings.config_file, *SETTING.split("."))
    twice = [(key, line) for key, line in given if [k for k, _ in given].count(key) > 1]
    if twice:
        shown = ", ".join(str(line) for _, line in twice)
        raise FigureError(f"{_where(project, twice[0][0])}: the path is given twice (lines {shown}); keep one")
    written = {}
    for path, text in project.settings.figures.publish.items():
        where = _where(project, path)
        site_path = path.lstrip("/")
        if not site_path.endswith(".png") or ".." in site_path.split("/") or "\\" in site_path:
            raise FigureError(f"{where}: expected a path inside the site ending in .png")
        if site_path.startswith(RESERVED):
            raise FigureError(f"{where}: {RESERVED} holds the figures' own files and stable addresses; choose "
                              f"another folder, such as assets/images/")  # fmt: skip
        for variant in (site_path, site_path.removesuffix(".png") + ".dark.png"):
            if variant in written:
                raise FigureError(f"{where}: the same site path as {written[variant]!r} (its dark variant is "
                                  f"published beside it as .dark.png)")  # fmt: skip
            written[variant] = path
        try:
            found[site_path] = _figure(project, text)
        except FigureError as error:
            raise FigureError(f"{where}: {error}") from None
    return found


def _figure(project: Project, text: str) -> str:
    """The step of the one figure `text` names."""
    written = targets.read(text)
    if not written:
        raise FigureError(f"name a figure, then its parameters: {targets.EXAMPLE}")
    if len(written) > 1:
        raise FigureError(f"{written[1].written!r} needs a name: one figure per path, its parameters as name=value")
    return project.step_of(written[0], figures_only=True)


def conflicts(project: Project, published_paths: Collection[str], documents: Collection[str]) -> None:
    """`FigureError` when a published path (or its dark variant) is a file of the docs folder
    (`documents`, site paths): the build would overwrite the author's image with a figure."""
    for site_path in published_paths:
        for variant in (site_path, site_path.removesuffix(".png") + ".dark.png"):
            if variant in documents:
                path = next(p for p in project.settings.figures.publish if p.lstrip("/") == site_path)
                raise FigureError(f"{_where(project, path)}: docs/{variant} is a file of the site already; publish "
                                  f"the figure under another path, or remove that file")  # fmt: skip
