"""Apps import downward only: core ← accounts ← inspection ← rectification ← {ingest, ledger} ← notices ← {dashboard, API}.

Module-level imports are read from the source with `ast`, so a new upward import (and with it any package cycle)
fails here rather than at some later start-up. An import inside a function (a Celery task calling back) is not a
module-level import and is allowed.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The layer of each unit; a unit may import its own modules and those of lower layers only.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "inspection": 2,
    "rectification": 3,
    "ingest": 4, "ledger": 4,
    "notices": 5,  # told of the domain's events through core.events, which it subscribes to
    "dashboard": 6, "api": 6,  # "api": the API framework and every app's `<app>/api/` endpoints
    "tools": 7,  # demo data and management commands: entry points that nothing imports
    "config": 8,  # settings, URLs, the Celery app
}
APPS = ("core", "accounts", "inspection", "rectification", "ingest", "ledger", "notices", "dashboard", "api",
        "config")


def unit_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] not in APPS:
        return None
    if parts[0] == "config":
        return "config"
    if len(parts) > 1 and parts[1] in ("demo", "management"):
        return "tools"
    if parts[0] == "api" or parts[1:2] == ["api"]:
        return "api"
    return parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(path: Path, module: str):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from inspection import filters` imports the module inspection.filters
            yield from (f"{base}.{alias.name}" for alias in node.names)


def source_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, module_name(path)


def upward_imports(modules):
    """Module-level imports of `modules` ((path, name) pairs) that go to the same or a higher layer."""
    modules = list(modules)
    known = {module for _, module in modules}
    for path, module in modules:
        source = unit_of(module)
        for imported in module_level_imports(path, module):
            target = unit_of(imported)
            if imported in known and target not in (None, source) and LAYERS[target] >= LAYERS[source]:
                yield f"{module} ({source}) imports {imported} ({target})"


def test_apps_import_downward_only():
    assert list(upward_imports(source_modules())) == []


def test_an_upward_import_is_reported(tmp_path):
    low, high = tmp_path / "low.py", tmp_path / "high.py"
    low.write_text("from rectification import models\n\ndef late():\n    from dashboard import views\n")
    high.write_text("from inspection.models import Finding\n")
    modules = [(low, "inspection.probe"), (high, "rectification.models"), (high, "dashboard.views")]
    assert list(upward_imports(modules)) == ["inspection.probe (inspection) imports rectification.models (rectification)"]


def test_units():
    assert unit_of("inspection.api.views") == "api"
    assert unit_of("api.exports") == "api"
    assert unit_of("inspection.demo") == "tools"
    assert unit_of("inspection.management.commands.seed_demo") == "tools"
    assert unit_of("api.management.commands.issue_token") == "tools"
    assert unit_of("rectification.rates.sql") == "rectification"
    assert unit_of("django.db") is None
