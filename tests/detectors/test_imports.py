"""No import circle in detectors/, not even one hidden under ``TYPE_CHECKING``.

Every ``import``/``from ... import`` of a ``detectors`` module anywhere in a file counts
(inside ``if TYPE_CHECKING:`` and functions too): a circle there still ties the
modules into one, and a newcomer cannot read or test one without the other.
"""

import ast
from pathlib import Path

import detectors

ROOT = Path(detectors.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The detectors modules that ``path`` imports (``from package import module`` counts
    as the module alone)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules
            found.update(submodules or {node.module})  # `from detectors import checkpoint`
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in ROOT.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as a list of modules (the first repeated at the end), or []."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str]:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return []
        for target in sorted(graph.get(name, ())):
            cycle = visit(target, [*trail, name])
            if cycle:
                return cycle
        done.add(name)
        return []

    for name in sorted(graph):
        cycle = visit(name, [])
        if cycle:
            return cycle
    return []


def test_the_finder_sees_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_detectors_imports() -> None:
    graph = import_graph()
    assert "detectors.view" in graph["detectors.night"]
    assert "detectors.home" in graph["detectors.engine"]


def test_no_import_circle_in_detectors() -> None:
    assert find_cycle(import_graph()) == []


def test_no_detector_imports_the_home() -> None:
    graph = import_graph()
    importers = {name for name, targets in graph.items() if "detectors.home" in targets}
    assert importers == {"detectors.engine"}
