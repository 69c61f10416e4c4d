"""Cache keys: a hash of everything an entry depends on.

A key covers the step's name and parameters, the code of the module that computes
it and of every module of this package that module imports (found by reading the
imports, transitively; their syntax trees are hashed, so comments do not count),
the output digests of its input entries (what they hold, not how they were made:
`figures.cache.Entry.output_digest`, the early cutoff of `figures.entries`), the hash
of any data file it reads, and the versions of the libraries that shape numbers and
pixels, with the Python version and the platform (operating system and processor: a
shared remote cache must not hand an ARM laptop a model trained on x86 as if it were
its own). Nothing else: not the time, not the cache folder, not other steps' parameters.

Computing a key imports nothing heavy; it reads source files and package metadata.
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
import sys
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from explaining_machines.files import installed_version, sha256_file

PACKAGE_ROOT = Path(__file__).resolve().parent
PACKAGE = PACKAGE_ROOT.name

# Libraries whose version can change a result; TensorFlow ships under two names.
LIBRARIES = (
    ("tensorflow", "tensorflow-cpu", "tensorflow"),
    ("keras", "keras"),
    ("shap", "shap"),
    ("lime", "lime"),
    ("scikit-learn", "scikit-learn"),
    ("scikit-image", "scikit-image"),
    ("numpy", "numpy"),
    ("matplotlib", "matplotlib"),
    ("pillow", "pillow"),
    ("mlxtend", "mlxtend"),
)


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Installed versions of the libraries in `LIBRARIES` ("absent" when not installed)."""
    versions = {}
    for name, *distributions in LIBRARIES:
        for dist in distributions:
            try:
                versions[name] = installed_version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        else:
            versions[name] = "absent"
    versions["python"] = f"{sys.version_info[0]}.{sys.version_info[1]}"
    versions["platform"] = f"{sys.platform}-{platform.machine().lower()}"
    return versions


def hash_files(paths: list[Path], sha256: Callable[[Path], str] = sha256_file) -> dict[str, str]:
    """The SHA-256 of each data file a step reads, by file name, for its key.

    `sha256` hashes one file: a project passes its cache's `figures.digests.Digests.sha256`,
    which hashes a file again only when it changed since the last build.
    """
    return {path.name: sha256(path) for path in paths}


def module_path(module: str) -> Path:
    """The source file of a module of this package, e.g. ``figures.recipes.shap_digit``."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        raise ValueError(f"{module} is not a module of {PACKAGE}")
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    if base.is_dir():
        return base / "__init__.py"
    return base.with_suffix(".py")


# The cache's own machinery: it stores and verifies results but never shapes one, and
# the record format has its own version number. Editing it must not retrain the model.
# The errors module too: an error class carries a message and makes no entry; and the
# remote cache, which moves entries and checks them, as the local one does.
INFRASTRUCTURE = frozenset(
    {f"{PACKAGE}.{name}" for name in ("cache", "keys", "digests", "errors", "remote", "records")}
)


def _is_module(name: str) -> bool:
    return name.startswith(PACKAGE + ".") and module_path(name).is_file()


def _imports(module: str, tree: ast.Module) -> set[str]:
    """Modules of this package that `tree` (the syntax tree of `module`) imports."""
    package = module if module_path(module).name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            submodules = [f"{prefix}.{alias.name}" for alias in node.names]
            modules = [name for name in submodules if _is_module(name)]
            # `from figures import style` needs figures.style, not the package's __init__.
            names = modules if len(modules) == len(submodules) else [prefix, *modules]
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                # `from figures import style` names a module; `from figures.x import f` a function.
                while name != PACKAGE and not module_path(name).is_file():
                    name = name.rpartition(".")[0]
                found.add(name)
    found.discard(module)
    return found


@lru_cache(maxsize=256)
def _facts(module: str, source: str, root: str) -> tuple[str, frozenset[str]]:
    """The digest of a module's syntax tree and the package modules it imports.

    Hashing the tree, not the text, means comments, blank lines and layout do not
    count: rewording a comment in ``model.py`` must not retrain the model, while any
    change the interpreter sees (code, names, constants, docstrings) does. Memoised
    on the source text (and package folder), so a build parses each module once.
    """
    tree = ast.parse(source)
    dump = ast.dump(tree, annotate_fields=False, include_attributes=False)
    return hashlib.sha256(dump.encode()).hexdigest(), frozenset(_imports(module, tree))


def code_closure(module: str, digests=None) -> dict[str, str]:
    """SHA-256 of `module` and of every module of this package it imports, transitively.

    With `digests` (a `figures.digests.Digests`), a module's facts are remembered between
    builds while its file's SHA-256 is the same: a warm build parses no module.
    """
    hashes: dict[str, str] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in hashes:
            continue
        path = module_path(name)

        def parse(name=name, path=path) -> list:
            digest, imports = _facts(name, path.read_text(encoding="utf-8"), str(PACKAGE_ROOT))
            return [digest, sorted(imports)]

        # The tree's form (ast.dump) belongs to the Python version: a new one parses again.
        what = f"code-facts-py{sys.version_info[0]}.{sys.version_info[1]}"
        digest, imports = digests.derive(path, what, parse) if digests is not None else parse()
        hashes[name] = digest
        todo.extend(sorted(set(imports) - hashes.keys() - INFRASTRUCTURE))
    return dict(sorted(hashes.items()))


def make_key(
    step: str,
    params: dict[str, Any],
    modules: tuple[str, ...],
    inputs: dict[str, str],
    data_hashes: dict[str, str] | None = None,
    digests=None,
) -> tuple[str, dict[str, Any]]:
    """The key of a step and the description it was made from (kept in record.json).

    `inputs` maps each input step to its entry's output digest.
    """
    described = {
        "step": step,
        "params": params,
        "code": {name: digest for module in modules for name, digest in code_closure(module, digests).items()},
        "inputs": dict(sorted(inputs.items())),
        "data": dict(sorted((data_hashes or {}).items())),
        "libraries": library_versions(),
    }
    return key_of(described), described


def key_of(described: dict[str, Any]) -> str:
    """The key a description hashes to: how `make_key` makes a key, and how a remote record is checked."""
    blob = json.dumps(described, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


# The parts of a description (`make_key`) that a record keeps as they are; its "step" is the kind.
DESCRIBED = ("params", "code", "inputs", "data", "libraries")


def explain_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Why a key changed, in words, from the descriptions of the old and the new key."""
    reasons = []
    for part, label in (
        ("params", "parameters"),
        ("code", "code"),
        ("inputs", "input entries"),
        ("data", "data files"),
        ("libraries", "library versions"),
    ):
        before, after = old.get(part, {}), new.get(part, {})
        if before != after:
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            reasons.append(f"{label} changed ({', '.join(changed)})")
    return "; ".join(reasons) or "unknown change"
