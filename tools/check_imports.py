"""The imports between the modules of ``sim``: cycles, floors that loop, imports hidden in
functions.

    uv run python tools/check_imports.py          # a report; exit 1 if a cycle or a floor
                                                  # imported from below
    uv run python tools/check_imports.py --json   # the same, as JSON

Every module of ``sim/`` is parsed with ``ast`` (nothing is imported). An import of a
module of ``sim`` is an edge of the graph, at module level or inside a function;
``from sim.x import y`` is an edge to ``sim.x.y`` where that is a module, else to
``sim.x``. Imports under ``if TYPE_CHECKING:`` never run and are left out of the graph
(they are counted). Reported:

- cycles: the strongly connected components of the graph with more than one module
  (files that import each other, directly or round a loop);
- floors that loop: packages of ``sim`` (``sim.run``, ``sim.present.commands``, ...)
  whose modules import each other's, informational;
- in-function imports that are not of an optional extra (``OPTIONAL``): an import
  inside a function is for a library that may be missing, nothing else (``EXEMPT``
  names the few others, and why);
- modules loaded by name (``importlib.import_module``: a string naming a module of
  ``sim`` in a module that calls it): edges of the graph too, listed apart;
- imports that go up a floor: the package is built in floors (``FLOORS``, lowest first),
  and a module imports only from its own floor and those below (``import sim`` itself,
  the package's lazy front door, is on no floor).

Also ``--lines``: the largest modules and their lines.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sim"

#: Libraries an install may lack (optional extras, or heavy parts of them): the only
#: imports allowed inside functions.
OPTIONAL = ("pyabc", "SALib", "ema_workbench", "solara", "mesa.visualization", "lifelines",
            "dask", "distributed", "ipyvuetify", "selenium")

#: In-function imports that are not of an optional extra, allowed, with the reason.
EXEMPT = {("sim", "__getattr__"): "PEP 562: ``import sim`` stays cheap (tested); the API "
                                  "loads on first use",
          ("sim.scenario.sweep", "_design_points"): "scipy.stats costs about a second to "
                                  "import; only a Latin hypercube needs it"}


#: The floors of the package, lowest first: a module's floor is that of the longest prefix
#: of its name listed here.
FLOORS = (("sim.core", "sim.dotted", "sim.shipped"),        # what every layer uses
          ("sim.agents",),                                 # the mechanisms and the registry
          ("sim.scenario",),                               # the schema assembled from them
          ("sim.model",),                                  # the model of a scenario
          ("sim.run",),                                    # replications, jobs, folders
          ("sim.calibration", "sim.analysis"),             # what runs are for
          ("sim.present", "sim.api", "sim.docs", "sim.__main__"))  # what a user reads


def floor_number(module: str) -> int | None:
    """The floor of a module (``FLOORS``), None for ``sim`` itself."""
    best, number = "", None
    for i, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, number = prefix, i
    return number


@dataclass(frozen=True)
class Import:
    source: str          # the importing module, sim.x.y
    target: str          # what it imports (a module of sim, or any other module)
    line: int
    function: str | None  # the enclosing function, or None at module level
    typing_only: bool     # under ``if TYPE_CHECKING:``
    by_name: bool = False  # a string given to importlib.import_module

    @property
    def internal(self) -> bool:
        return self.target == "sim" or self.target.startswith("sim.")


@dataclass
class Report:
    modules: dict[str, Path]
    imports: list[Import]
    cycles: list[list[str]] = field(default_factory=list)
    floor_loops: list[list[str]] = field(default_factory=list)
    hidden: list[Import] = field(default_factory=list)
    upward: list[Import] = field(default_factory=list)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, package.parent): p for p in sorted(package.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """The longest prefix of a dotted name that is a module of sim (or the name itself)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return name


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def add(target: str, node: ast.stmt, scope: tuple[str, ...], inside: bool,
            typing_only: bool) -> None:
        new = Import(name, target, node.lineno, ".".join(scope) if inside else None,
                     typing_only)
        if new not in found:    # ``from x import a, b``: one import of x
            found.append(new)

    def visit(node: ast.AST, scope: tuple[str, ...], inside: bool, typing_only: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_resolve(alias.name, modules), node, scope, inside, typing_only)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: from the package, up level - 1
                up = package.split(".")
                up = up[:len(up) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in modules else _resolve(base, modules), node, scope,
                    inside, typing_only)
        for child in ast.iter_child_nodes(node):
            inner, within = scope, inside
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = (*scope, node.name)
                within = inside or not isinstance(node, ast.ClassDef)
            elif isinstance(node, ast.Lambda):
                inner, within = (*scope, "<lambda>"), True
            typing = typing_only or (isinstance(node, ast.If) and _is_type_checking(node.test)
                                     and child in node.body)
            visit(child, inner, within, typing)

    visit(tree, (), False, False)
    calls_importlib = any(isinstance(n, ast.Attribute) and n.attr == "import_module"
                          for n in ast.walk(tree))
    if calls_importlib:   # a table of modules loaded by name
        for n in ast.walk(tree):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) \
                    and n.value in modules and n.value != name:
                found.append(Import(name, n.value, n.lineno, None, False, by_name=True))
    return found


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return sorted(components, key=lambda c: (-len(c), c))


def floor_of(module: str, modules: dict[str, Path]) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to itself)."""
    if modules[module].name == "__init__.py":
        return module
    return module.rpartition(".")[0] or module


def optional(target: str) -> bool:
    return any(target == o or target.startswith(o + ".") for o in OPTIONAL)


def analyse(package: Path = PACKAGE) -> Report:
    modules = modules_of(package)
    imports = [i for name, path in modules.items() for i in imports_of(name, path, modules)]
    report = Report(modules, imports)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    floors: dict[str, set[str]] = {}
    for i in imports:
        if i.typing_only or not i.internal or i.target == i.source or i.target not in modules:
            continue
        graph[i.source].add(i.target)
        a, b = floor_of(i.source, modules), floor_of(i.target, modules)
        floors.setdefault(a, set())
        floors.setdefault(b, set())
        if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
            floors[a].add(b)    # a package and its own subpackages are one floor's business
    report.cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    report.floor_loops = [c for c in strongly_connected(floors) if len(c) > 1]
    report.hidden = [i for i in imports if i.function is not None and not i.typing_only
                     and not optional(i.target) and (i.source, i.function) not in EXEMPT]
    report.upward = [i for i in imports if not i.typing_only and i.internal
                     and i.target in modules and _goes_up(i)]
    return report


def _goes_up(i: Import) -> bool:
    here, there = floor_number(i.source), floor_number(i.target)
    return here is not None and there is not None and there > here


def path_of(module: str, report: Report) -> str:
    return report.modules[module].relative_to(ROOT).as_posix()


def cycle_route(component: list[str], report: Report) -> list[str]:
    """One loop through a component, for the reader: a -> b -> ... -> a."""
    members = set(component)
    edges = {}
    for i in report.imports:
        if i.source in members and i.target in members and not i.typing_only \
                and i.target != i.source:
            edges.setdefault(i.source, set()).add(i.target)
    start = component[0]
    # breadth-first from start back to start
    paths = {t: [start, t] for t in sorted(edges.get(start, ()))}
    seen = set(paths)
    frontier = list(paths)
    while frontier and start not in paths:
        nxt = []
        for node in frontier:
            for t in sorted(edges.get(node, ())):
                if t == start:
                    paths[start] = [*paths[node], start]
                    break
                if t not in seen:
                    seen.add(t)
                    paths[t] = [*paths[node], t]
                    nxt.append(t)
            if start in paths:
                break
        frontier = nxt
    return paths.get(start, component)


def render(report: Report) -> str:
    internal = [i for i in report.imports if i.internal and i.target in report.modules]
    typing = sum(1 for i in internal if i.typing_only)
    lines = [f"sim: {len(report.modules)} modules, {len(internal) - typing} imports between "
             f"them ({typing} only for type checking, left out)"]
    if report.cycles:
        lines.append(f"cycles (modules importing each other): {len(report.cycles)}")
        for c in report.cycles:
            lines.append(f"  {len(c)} modules ({', '.join(c)}); a loop: "
                         f"{' -> '.join(cycle_route(c, report))}")
    else:
        lines.append("cycles (modules importing each other): none")
    if report.floor_loops:
        lines.append(f"floors that import each other (packages): {len(report.floor_loops)}")
        for c in report.floor_loops:
            lines.append(f"  {', '.join(c)}")
    else:
        lines.append("floors that import each other (packages): none")
    lines.append(f"imports inside functions that are not optional extras: {len(report.hidden)}")
    for i in report.hidden:
        lines.append(f"  {path_of(i.source, report)}:{i.line} {i.function}: {i.target}")
    lines.append(f"imports that go up a floor: {len(report.upward)}")
    for i in report.upward:
        lines.append(f"  {path_of(i.source, report)}:{i.line}: {i.target}")
    by_name = [i for i in report.imports if i.by_name]
    if by_name:
        lines.append(f"modules loaded by name (importlib): {len(by_name)}")
        for i in by_name:
            lines.append(f"  {path_of(i.source, report)}:{i.line}: {i.target}")
    return "\n".join(lines)


def line_counts(report: Report) -> list[tuple[str, int]]:
    """Every module's lines, the largest first."""
    counts = [(path_of(m, report), len(p.read_text(encoding="utf-8").splitlines()))
              for m, p in report.modules.items()]
    return sorted(counts, key=lambda c: (-c[1], c[0]))


def main(argv: list[str]) -> int:
    report = analyse()
    if "--json" in argv:
        print(json.dumps({
            "cycles": report.cycles, "floor_loops": report.floor_loops,
            "hidden": [{"file": path_of(i.source, report), "line": i.line,
                        "function": i.function, "import": i.target} for i in report.hidden],
            "upward": [{"file": path_of(i.source, report), "line": i.line, "import": i.target}
                       for i in report.upward],
        }, indent=1))
    else:
        print(render(report))
    if "--lines" in argv:
        print("largest modules:")
        for path, n in line_counts(report)[:10]:
            print(f"  {n:5d} {path}")
    return 1 if report.cycles or report.upward else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
