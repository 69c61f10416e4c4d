"""The stable addresses of ``figures.publish``: a site path for each, checked, and the figure it shows.

The setting maps a path in the site to a figure written as in a tag
(``assets/images/blog/lime-explanation.png: lime-digit digit=3``). Each path must stay
inside the site and end in ``.png`` (the dark variant is published beside it as
``.dark.png``), and each value must be exactly one figure that exists with parameters
it accepts. Every problem is one `figures.errors.FigureError` naming the setting and
the path, as ``mkdocs.yml: extra.project.figures.publish: 'a.png': ...``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from figures import targets
from figures.errors import FigureError

if TYPE_CHECKING:
    from figures.graph import Project

SETTING = "mkdocs.yml: extra.project.figures.publish"  # the settings come from mkdocs.yml, by that name


def published(project: Project) -> dict[str, str]:
    """Each stable site path (without a leading slash) and the figure step it shows."""
    found = {}
    for path, text in project.settings.figures.publish.items():
        where = f"{SETTING}: {path!r}"
        site_path = path.lstrip("/")
        if not site_path.endswith(".png") or ".." in site_path.split("/") or "\\" in site_path:
            raise FigureError(f"{where}: expected a path inside the site ending in .png")
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
