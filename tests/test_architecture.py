"""The shape of the code that the architecture promises, checked so it cannot drift back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coalition"
DOMAINS = ("actions", "gaps", "meetings", "ofr", "reporting", "risk", "roster", "demo", "cli")
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def _python_files(folder: Path):
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _python_files(PACKAGE / "core"), ids=lambda p: p.name)
def test_core_imports_no_domain(path):
    domain_imports = sorted(module for module in _imports(path)
                            if module.split(".")[:2][-1] in DOMAINS
                            and module.startswith("coalition."))
    assert domain_imports == []


@pytest.mark.parametrize("path", _python_files(PACKAGE),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_passes_400_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


VIEW_FILES = [p for p in _python_files(PACKAGE)
              if p.name == "views.py" or p.parent.name == "views"]


@pytest.mark.parametrize("path", VIEW_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_leave_commits_and_audit_rows_to_the_shared_plumbing(path):
    """A view hands its service call to ``core.web.perform``: it never commits, rolls back or
    writes an audit row itself."""
    source = path.read_text()
    for forbidden in ("session.commit(", "session.rollback(", "audit.log("):
        assert forbidden not in source, forbidden
