"""The command line is a transport: every `parley` command reads and writes through the
apps' services and selectors, never the ORM, and `python -m parley.cli` is the same CLI."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parent.parent / "cli"
# QuerySet methods that have no other meaning in this code: a query built in the CLI.
QUERY_METHODS = {"filter", "exclude", "order_by", "select_related", "prefetch_related",
                 "annotate", "aggregate", "values_list", "select_for_update", "raw"}  # fmt: skip


def _cli_modules():
    modules = sorted(CLI.glob("*.py"))
    assert {path.name for path in modules} >= {"__init__.py", "serve.py", "jwt.py", "users.py"}
    return modules


@pytest.mark.parametrize("path", _cli_modules(), ids=lambda path: path.name)
def test_cli_modules_use_services_and_selectors_not_the_orm(path):
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", *QUERY_METHODS}:
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[-1] == "models" or node.module.startswith("django.db"):
                found.append(f"line {node.lineno}: from {node.module} import …")
    assert found == [], f"{path.name} reaches the database itself: {found}"


def test_python_dash_m_parley_cli_runs_the_command_line(tmp_path):
    env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "parley.cli", "seats", "set", "banana"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "parley: seat limit must be a whole number or 'unlimited', not 'banana'"
    ]
