"""The shape of the code: which package may import what, module sizes, and the table of hook events.

These read the source files' syntax trees; nothing is imported or built, so they run in
the fast lane.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

import explaining_machines
import figures

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("explaining_machines", "figures")
# The foundation of explaining_machines: what `figures` may use of it (explaining_machines/__init__.py).
FOUNDATION = ("settings", "arguments", "errors", "files", "yamllines")
ENGINE = ("mkdocs", "material", "properdocs")
EVENT_ORDER = (
    "on_startup", "on_config", "on_pre_build", "on_files", "on_nav", "on_env", "on_pre_page", "on_page_read_source",
    "on_page_markdown", "on_page_content", "on_page_context", "on_post_page", "on_post_build", "on_serve",
    "on_build_error", "on_shutdown",
)  # fmt: skip


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function, as dotted names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", [p for package in PACKAGES for p in modules(package)], ids=str)
def test_the_packages_import_nothing_from_the_engine(path):
    engine = {name for name in imported(path) if name.split(".")[0] in ENGINE}
    assert not engine, f"{path.relative_to(ROOT)} imports {sorted(engine)}: only hooks/ may know MkDocs"


@pytest.mark.parametrize("path", modules("figures"), ids=str)
def test_figures_uses_only_the_foundation_of_explaining_machines(path):
    used = {name.split(".")[1] for name in imported(path) if name.startswith("explaining_machines.")}
    assert used <= set(FOUNDATION), f"{path.relative_to(ROOT)} imports explaining_machines.{sorted(used)}"


@pytest.mark.parametrize("name", FOUNDATION)
def test_the_foundation_imports_only_the_foundation(name):
    path = ROOT / "explaining_machines" / f"{name}.py"
    project = {n for n in imported(path) if n.split(".")[0] in PACKAGES}
    allowed = {"explaining_machines"} | {f"explaining_machines.{f}" for f in FOUNDATION}
    assert {".".join(n.split(".")[:2]) for n in project} <= allowed, f"{name} imports {sorted(project)}"


@pytest.mark.parametrize("path", [p for package in PACKAGES for p in modules(package)], ids=str)
def test_no_module_is_over_400_lines(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines"


def test_explaining_machines_is_a_regular_package_with_subpackages():
    assert (ROOT / "explaining_machines" / "__init__.py").is_file()  # not a namespace package
    subpackages = [p.parent.name for p in (ROOT / "explaining_machines").glob("*/__init__.py")]
    assert len(subpackages) >= 3, subpackages


@pytest.mark.parametrize("package", [figures, explaining_machines], ids=lambda module: module.__name__)
def test_the_packages_resolve_to_this_repository(package):
    # `figures` is also a distribution on PyPI: an installed one must not shadow this package.
    spec = importlib.util.find_spec(package.__name__)
    assert Path(spec.origin).resolve() == ROOT / package.__name__ / "__init__.py"
    assert Path(package.__file__).resolve().parent == ROOT / package.__name__


# ------------------------------------------------------------------ the table of hook events


def handlers() -> list[tuple[str, int, str]]:
    """(event, priority, hook file) of every handler, in the order MkDocs calls them."""
    listed = re.findall(r"^  - hooks/(\S+\.py)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(listed) == sorted(p.name for p in (ROOT / "hooks").glob("*.py")), "a hook not in mkdocs.yml"
    rows = []
    for place, hook in enumerate(listed):
        for node in ast.parse((ROOT / "hooks" / hook).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("on_"):
                priority = 0
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "event_priority":
                        priority = ast.literal_eval(decorator.args[0])
                rows.append((EVENT_ORDER.index(node.name), -priority, place, node.name, priority, hook))
    return [(event, priority, hook) for *_, event, priority, hook in sorted(rows)]


def readme_table() -> list[tuple[str, int, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The build, event by event", 1)[1].split("\n## ", 1)[0]
    return [
        (event, int(priority), hook)
        for event, priority, hook in re.findall(r"^\| `(on_\w+)` \| (-?\d+) \| `(\w+\.py)` \|", section, re.MULTILINE)
    ]


def test_the_readme_lists_every_event_handler_in_the_order_mkdocs_calls_them():
    assert readme_table() == handlers()


def test_every_hook_says_which_events_it_uses_and_why():
    for hook in (ROOT / "hooks").glob("*.py"):
        tree = ast.parse(hook.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree) or ""
        used = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("on_")}
        missing = {event for event in used - {"on_build_error"} if f"``{event}``" not in doc}
        assert not missing, f"{hook.name}'s docstring does not explain {sorted(missing)}"


# ------------------------------------------------------------------ the two lanes of tests


def _marks_slow(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "slow" for n in ast.walk(node))


@pytest.mark.parametrize("path", sorted((ROOT / "tests").glob("test_*.py")), ids=lambda p: p.name)
def test_no_test_file_mixes_the_fast_and_the_slow_lane(path):
    """A file is slow as a whole (``pytestmark = pytest.mark.slow``) or holds no slow test at all,
    so that the fast lane is a list of files one can run, read and keep fast."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    marked = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "pytestmark"
              for t in n.targets)]  # fmt: skip
    if any(_marks_slow(n.value) for n in marked):
        return
    slow = [
        n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and any(map(_marks_slow, n.decorator_list))
    ]
    assert not slow, f"{path.name} marks {slow} slow: move them to a file of slow tests"
