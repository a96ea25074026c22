"""The house: no import cycles between Liptako's modules, the model never draws, and the commands that must
start at once import none of the heavy libraries.

The import graph is read from the source with ``ast``: every ``import`` and ``from ... import`` of a Liptako
module, at module level or inside a function, counts; an import of ``liptako.a.b`` also runs the packages
``liptako`` and ``liptako.a``. Two kinds are left out because they never run while a module loads: imports
under ``if TYPE_CHECKING:`` and those inside a package's ``__getattr__`` (PEP 562 lazy names).
"""

from __future__ import annotations

import ast
import graphlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The source folders of the one import package (pyproject.toml, [tool.setuptools] package-dir).
PACKAGES = {"liptako": "liptako", "model": "liptako.model", "agents": "liptako.agents",
            "experiments": "liptako.experiments"}  # fmt: skip
HEAVY = ("numpy", "pandas", "scipy", "numba", "pydantic", "mesa", "matplotlib", "pyarrow", "SALib", "solara")


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            name = ".".join([package, *parts])
            found[name.removesuffix(".__init__")] = path
    return found


def _skipped(node: ast.AST, parents: dict[ast.AST, ast.AST], is_init: bool) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
        if is_init and isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            return True
    return False


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    is_init = path.name == "__init__.py"
    package = name if is_init else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or _skipped(node, parents, is_init):
            continue
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            bases = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in bases:
            if target in known:
                targets.add(target)
    # importing liptako.a.b runs liptako/__init__ and liptako/a/__init__ first, unless they are the importer's own
    # packages (they run before it, whatever it imports)
    for target in [*targets]:
        parts = target.split(".")
        parents = (".".join(parts[:k]) for k in range(1, len(parts)))
        targets.update(p for p in parents if p in known and not name.startswith(p + "."))
    targets.discard(name)
    return targets


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def test_there_are_no_import_cycles():
    g = graph()
    assert len(g) > 40
    try:
        order = list(graphlib.TopologicalSorter(g).static_order())
    except graphlib.CycleError as err:
        pytest.fail(f"import cycle: {' -> '.join(err.args[1])}")
    assert set(order) == set(g)


def package_graph(g: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph folded onto the top-level folders (``liptako.model``, with ``liptako.model.scenario``
    inside it, ``liptako.agents``, ``liptako.experiments``, ...; the entry points of ``liptako/`` are ``liptako``)."""
    found = modules()

    def package(name: str) -> str:
        inner = name if found[name].name == "__init__.py" else name.rpartition(".")[0]
        return ".".join(inner.split(".")[:2])

    folded: dict[str, set[str]] = {}
    for name, targets in g.items():
        mine = package(name)
        folded.setdefault(mine, set()).update(package(t) for t in targets if package(t) != mine)
    return folded


def test_there_are_no_cycles_between_packages():
    """The engine (liptako.model) builds the agents; the agents see it only through their model object."""
    folded = package_graph(graph())
    assert {"liptako.model", "liptako.agents", "liptako.experiments"} <= set(folded)
    try:
        list(graphlib.TopologicalSorter(folded).static_order())
    except graphlib.CycleError as err:
        pytest.fail(f"package cycle: {' -> '.join(err.args[1])}")


def test_the_checker_finds_a_package_cycle():
    g = graph()
    g["liptako.agents.fields"] = g["liptako.agents.fields"] | {"liptako.model.world"}
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(package_graph(g)).static_order())


def test_the_checker_finds_a_cycle():
    g = graph()
    g["liptako.model.world"] = g["liptako.model.world"] | {"liptako.model.month"}  # month imports world already
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter(g).static_order())


def test_the_model_never_draws():
    for name, path in modules().items():
        if name.startswith(("liptako.model", "liptako.agents")):
            text = path.read_text(encoding="utf-8")
            assert "matplotlib" not in text, f"{name} mentions matplotlib: plotting lives in experiments/"


def test_rules_are_functions_of_the_model_not_methods_of_the_mesa_class():
    from liptako.model.model import LiptakoModel

    own = {n for n, v in vars(LiptakoModel).items() if callable(v) and not n.startswith("__")}
    assert own <= {"step", "run", "timeseries", "summary", "parameters", "_build"}, own


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("import liptako.cli", ()),  # `liptako --help`
        ("from liptako.model.scenario import load; load('baseline')", ("pydantic", "numpy")),  # `liptako validate`
    ],
)
def test_commands_that_must_start_at_once_import_no_heavy_library(code, allowed):
    loaded = "{m.split('.')[0] for m in sys.modules}"
    probe = f"import json, sys; {code}; print(json.dumps(sorted({loaded} & set({HEAVY!r}))))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert set(json.loads(out)) <= set(allowed), out
