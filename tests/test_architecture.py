"""The shape of the code: no import circles, reads never reach into writes.

The import graph is read from the source with the standard ``ast`` module (every
``import`` and ``from … import``, inside functions too, where a circle would
otherwise hide), so these tests need no database and import nothing of Mutu.
"""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in (SOURCE / "mutu").rglob("*.py")
        if "migrations" not in path.parts
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of *known* that module *name* imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in known:
                    found.add(target)  # a module imported from its package
                elif base in known:
                    found.add(base)
    found.discard(name)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_import_graph_is_read_from_the_source(graph):
    """The graph sees the modules and the edges it is meant to check."""
    assert "mutu.surveys.services" in graph["mutu.surveys.channels.web.views"]
    assert "mutu.surveys.rules" in graph["mutu.surveys.services"]
    assert "mutu.surveys.rollups" in graph["mutu.surveys.bulk.store"]


def test_no_import_cycle_between_modules(graph):
    """No module reaches itself through its imports, not even from a function."""
    assert _cycles(graph) == []


def test_cycle_detection_finds_a_planted_cycle(graph):
    """The check would fail on a circle like services → tasks → services."""
    planted = {name: set(targets) for name, targets in graph.items()}
    planted["mutu.surveys.tasks"].add("mutu.surveys.services")
    assert ["mutu.surveys.services", "mutu.surveys.tasks"] in _cycles(planted)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen - {start}


def test_selectors_never_reach_services(graph):
    """Reads never depend on writes: no ``selectors`` module imports a ``services``
    module (or package) of any app, directly or through another module."""
    leaks = {
        name: sorted(m for m in _reachable(graph, name) if "services" in m.split("."))
        for name in graph
        if name.endswith(".selectors")
    }
    assert {name: found for name, found in leaks.items() if found} == {}


def test_evaluation_feeds_read_surveys_only_through_selectors(graph):
    """``evaluations.feeds`` takes survey data from ``surveys.selectors``; it may
    name surveys models (types, choices) but never queries them."""
    path = SOURCE / "mutu" / "evaluations" / "feeds.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    models = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "mutu.surveys.models"
        for alias in node.names
    }
    queried = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in models
    }
    assert queried == set()
    surveys = {m for m in graph["mutu.evaluations.feeds"] if "surveys" in m}
    assert surveys <= {"mutu.surveys.selectors", "mutu.surveys.models"}


def test_messaging_knows_no_app_that_uses_it(graph):
    """The messaging app hands conversations over by keyword; it imports neither
    surveys nor any other app that registers a keyword."""
    leaks = {
        name: sorted(t for t in targets if t.startswith("mutu.surveys"))
        for name, targets in graph.items()
        if name.startswith("mutu.messaging")
    }
    assert {name: found for name, found in leaks.items() if found} == {}


def test_measures_import_no_django_and_no_app(graph):
    """The formulas are pure: ``mutu.measures`` imports only itself."""
    leaks = {
        name: sorted(t for t in targets if not t.startswith("mutu.measures"))
        for name, targets in graph.items()
        if name.startswith("mutu.measures")
    }
    assert {name: found for name, found in leaks.items() if found} == {}
    django_imports = [
        path.name
        for path in (SOURCE / "mutu" / "measures").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("import django", "from django"))
    ]
    assert django_imports == []
