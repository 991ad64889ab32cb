"""The package's shape, read from the source: no import cycles, edges outside the core.

Imports are read with ``ast`` (nothing is executed). Imports under ``if TYPE_CHECKING:``
never run, so they cannot form a cycle at import time and are left out; every other
import counts, including those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ipdesignate"
EDGES = ("cli", "http", "frames")
# Each layer may import only the layers listed for it (and itself).
LAYERS = {
    "_core": set(),
    "rulebook": {"_core"},
    "applicant": {"_core", "rulebook"},
    "lifecycle": {"_core", "rulebook", "applicant"},
    "decision": {"_core", "rulebook"},
    "eligibility": {"_core", "rulebook", "applicant", "decision"},
    "testing": {"_core", "rulebook", "applicant", "decision", "eligibility"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path) -> set[str]:
    """Modules of ours that ``path`` imports at run time."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                if target.startswith("ipdesignate"):
                    modules = {f"{target}.{a.name}" for a in child.names}
                    modules = {m for m in modules if _exists(m)}
                    # ``from . import check`` imports the module check, not the package
                    found.update(modules or {target})
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("ipdesignate"))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    # A package is imported before its modules anyway: an edge to an ancestor adds nothing.
    return {m for m in found if _exists(m) and m != name and not name.startswith(m + ".")}


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(SRC.rglob("*.py"))}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None


def test_no_import_cycles() -> None:
    """>>> no two modules of ipdesignate import each other, directly or through others."""
    assert _cycles(_graph()) == []


def test_the_core_never_imports_an_edge() -> None:
    offenders = [(m, t) for m, targets in _graph().items() for t in targets
                 if _layer(m) not in EDGES and _layer(m) is not None and _layer(t) in EDGES]
    assert offenders == []


def test_layers_import_only_what_is_below_them() -> None:
    offenders = []
    for module, targets in _graph().items():
        layer = _layer(module)
        if layer not in LAYERS:
            continue
        for t in targets:
            other = _layer(t)
            if other is not None and other != layer and other not in LAYERS[layer]:
                offenders.append(f"{module} -> {t}")
    assert offenders == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
