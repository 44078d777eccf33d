"""The areas import downwards only: no import cycle in governance/, and no import hidden inside a function.

The graph is built from the module-level imports of every governance/**/*.py (with ``ast``, nothing is imported).
An import inside a function is allowed only where it is deferred on purpose and says why in a comment starting
``# deferred import:``, on its line or on the line above it (or above the block of imports it starts).
Run alone: ``.venv/bin/python -m pytest tests/test_import_graph.py -q``.
"""

import ast
import pathlib
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "governance"
MARKER = "# deferred import:"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, pathlib.Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _sources()


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    """The governance modules an import statement loads (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join(package + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            yield name


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, and whether it runs inside a function (not at import time)."""

    def visit(node: ast.AST, in_function: bool) -> Iterator:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from visit(child, True)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                continue  # never runs, so it makes no cycle
            else:
                yield from visit(child, in_function)

    yield from visit(tree, False)


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    """The module-level import graph between governance modules, and the unexplained imports inside functions."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    hidden: list[str] = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        is_package = path.name == "__init__.py"
        explained_until = -1
        for node, in_function in _walk(tree):
            if not in_function:
                edges[module].update(_targets(node, module, is_package))
                continue
            first = node.lineno - 1
            own = lines[first : node.end_lineno]
            above = lines[first - 1].strip() if first > 0 else ""
            # Explained on its own lines, on the line above, or by the explained import just above it (a block).
            if any(MARKER in line for line in own) or above.startswith(MARKER) or explained_until == first:
                explained_until = node.end_lineno
            else:
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[first].strip()}")
    return edges, hidden


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as one cycle through them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return [_one_cycle(edges, set(component)) for component in components]


def _one_cycle(edges: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, for the failure message."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(edges[node] & component):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return sorted(component)


def test_the_graph_sees_the_areas():
    edges, _hidden = _graph()
    assert "governance.network.rules" in edges
    assert "governance.members.models" in edges["governance.network.rules"]


def test_no_import_cycle_in_governance():
    edges, _hidden = _graph()
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_no_import_hidden_inside_a_function():
    _edges, hidden = _graph()
    assert not hidden, (
        f"imports inside functions without a '{MARKER} <why>' comment (move them to the top, or say why "
        "they are deferred):\n" + "\n".join(hidden)
    )


def test_a_cycle_and_a_hidden_import_are_found(tmp_path):
    """The checks themselves: a two-module cycle is named, and an unexplained import inside a function is."""
    edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert _cycles(edges) == [["a", "b", "a"]]
    tree = ast.parse("import os\n\ndef f():\n    import json\n")
    assert [(node.lineno, inside) for node, inside in _walk(tree)] == [(1, False), (4, True)]
