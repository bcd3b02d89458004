"""Import rules between layers, read from the source (STYLE.md §1, §4)."""

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _path(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@cache
def _imports(module: str) -> frozenset[str]:
    """Every module *module* imports, anywhere in its body (absolute imports)."""
    path = _path(module)
    if path is None:
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # "from mutu.surveys import selectors" imports a module too
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _path(f"{node.module}.{alias.name}")
            )
    return frozenset(found)


def _reachable(module: str) -> set[str]:
    """Every mutu module importing *module* runs, its packages' __init__ included."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parts = current.split(".")
        todo.extend(".".join(parts[:end]) for end in range(1, len(parts)))
        todo.extend(m for m in _imports(current) if m.startswith("mutu."))
    return seen


def test_measures_imports_no_django_and_no_app():
    """mutu.measures is pure: no Django, no other part of Mutu (STYLE.md §4)."""
    for path in sorted((SRC / "mutu" / "measures").glob("*.py")):
        module = f"mutu.measures.{path.stem}"
        outside = {
            m
            for m in _imports(module)
            if m.split(".")[0] == "django"
            or (m.startswith("mutu.") and not m.startswith("mutu.measures"))
        }
        assert not outside, (module, outside)


def test_survey_selectors_never_reach_survey_services():
    """Reads do not depend on writes: surveys.selectors never imports
    surveys.services, directly or through another module."""
    assert "mutu.surveys.services" not in _reachable("mutu.surveys.selectors")


def test_evaluation_feeds_read_surveys_only_through_selectors():
    """evaluations.feeds takes survey data from surveys.selectors; it may name
    surveys models (types, choices) but never queries them."""
    path = _path("mutu.evaluations.feeds")
    assert path is not None
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
    assert not queried
    surveys = {m for m in _imports("mutu.evaluations.feeds") if "surveys" in m}
    assert surveys <= {"mutu.surveys", "mutu.surveys.selectors", "mutu.surveys.models"}
