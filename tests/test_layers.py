"""The layout's rules, read from the code's own imports (stdlib `ast`, nothing imported):

- `evaluation` imports `projects`, never the reverse;
- no two modules of `evaluation`, `projects`, `api` and `config` import each other, directly or
  through others (imports inside functions count: they only hide a cycle);
- inside `evaluation`, the layers point one way: models and the pure arithmetic know no other
  layer; selectors (reads) and services (writes) know models and arithmetic; renderers
  (workbooks, charts, table files) know no views; only views and commands sit on top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("evaluation", "projects", "api", "config")

# What each layer of `evaluation` may import from the other layers of `evaluation`.
# (`services` may read a file format of `renderers`: the workbook upload parses the workbook
# that `renderers.workbooks` writes.)
LAYERS = {
    "models": {"models", "arithmetic"},
    "arithmetic": set(),
    "selectors": {"models", "arithmetic", "selectors"},
    "services": {"models", "arithmetic", "services", "renderers"},
    "renderers": {"models", "arithmetic", "renderers"},
    "forms": {"models", "arithmetic", "forms"},
}

# The one service that reads a selector: the summaries' writer works the figures out with the
# functions the pages use (`selectors.achievement`), so there is one copy of the arithmetic.
EXCEPTIONS = {("evaluation.services.summaries", "evaluation.selectors.achievement")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Module → the app modules it imports, anywhere in the file."""
    modules = app_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module in modules:
                    targets.add(node.module)
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules:
                        targets.add(f"{node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names if alias.name in modules}
        # A package's __init__ is not a dependency of its own modules' siblings.
        graph[name] = {t for t in targets if t != name and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "evaluation" and len(parts) > 1 else None


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_the_apps(graph):
    # A reader that finds nothing would pass every rule below.
    assert "evaluation.views.reports" in graph
    assert "evaluation.selectors.reports" in graph["evaluation.views.reports"]
    assert "projects.models" in graph["evaluation.models.plans"]


def test_projects_never_imports_evaluation(graph):
    wrong = {
        module: sorted(t for t in targets if t.startswith("evaluation"))
        for module, targets in graph.items()
        if module.startswith("projects")
    }
    assert {m: t for m, t in wrong.items() if t} == {}


def test_no_two_modules_import_each_other(graph):
    assert cycles(graph) == []


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_layers_of_evaluation_point_one_way(graph):
    wrong = []
    for module, targets in graph.items():
        allowed = LAYERS.get(layer_of(module))
        if allowed is None:
            continue
        for target in targets:
            target_layer = layer_of(target)
            if (module, target) in EXCEPTIONS:
                continue
            if target_layer is not None and target_layer not in allowed:
                wrong.append(f"{module} → {target}")
    assert sorted(wrong) == []


def test_views_read_through_selectors():
    """No view module queries the ORM itself (`Model.objects…`): reads go through selectors."""
    offenders = []
    for path in sorted((ROOT / "evaluation" / "views").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ".objects." in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_forms_are_defined_in_forms_modules():
    """A form class is defined in `evaluation/forms/` or in `projects/`, nowhere else."""
    offenders = []
    for name, path in app_modules().items():
        if name.startswith(("evaluation.forms", "projects")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                (isinstance(base, ast.Attribute) and base.attr in ("Form", "ModelForm"))
                or (isinstance(base, ast.Name) and base.id.endswith("Form"))
                for base in node.bases
            ):
                offenders.append(f"{name}.{node.name}")
    assert offenders == []
