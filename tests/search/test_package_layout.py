"""Search stands on its own: it imports no project app, and importing it changes nothing."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from whoosh.codec.whoosh3 import W3PerDocReader

from search.backends.whoosh.patches import _cached_reader, patch_whoosh

ROOT = Path(__file__).resolve().parents[2]
SEARCH = ROOT / "search"


def project_apps() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/apps.py")} - {"search"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_search_imports_no_other_project_app():
    apps = project_apps()
    assert {"intranet", "profiles", "wiki", "blogs"} <= apps
    wrong = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in SEARCH.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in apps
    }
    assert wrong == set()


def test_search_reads_no_other_apps_models_by_name():
    # apps.get_model("profiles", ...) is an import in disguise; the registry replaces it.
    offenders = [
        str(path.relative_to(ROOT))
        for path in SEARCH.rglob("*.py")
        if "get_model(" in path.read_text()
    ]
    assert offenders == []


def test_importing_the_whoosh_backend_leaves_whoosh_alone_until_a_backend_is_made():
    script = (
        "import django; django.setup()\n"
        "from whoosh.codec.whoosh3 import W3PerDocReader as Reader\n"
        "import search.backends.whoosh\n"
        "print(Reader._cached_reader.__module__)\n"
        "from search.backends.whoosh import SearchBackend\n"
        "SearchBackend({'PATH': 'unused'})\n"
        "print(Reader._cached_reader.__module__)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter with a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["whoosh.codec.whoosh3", "search.backends.whoosh.patches"]


def test_the_whoosh_patch_may_be_applied_twice(monkeypatch):
    def unpatched(self, fieldname, column):
        raise AssertionError("not patched")

    monkeypatch.setattr(W3PerDocReader, "_cached_reader", unpatched)

    patch_whoosh()
    patch_whoosh()

    assert W3PerDocReader._cached_reader is _cached_reader
