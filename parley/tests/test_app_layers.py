"""Domain apps never import a transport app: lower layers do not know who calls them
(STYLE.md, "Where code lives"). URL wiring, the CLI and the admin panel may import them."""

import ast
from pathlib import Path

import pytest

PARLEY = Path(__file__).resolve().parents[1]
DOMAIN_APPS = ["accounts", "external_auth", "audit", "chat", "widget", "groups", "sso", "branding"]
TRANSPORT_APPS = ["parley.api", "parley.adminpanel"]


def _imported_names(path: Path, package: str) -> list[str]:
    """Every module or name the file imports, as a full dotted name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to the file's package
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            # `from parley import api` imports parley.api: check what is imported, not the base
            found.extend(f"{base}.{alias.name}" for alias in node.names)
    return found


def transport_imports(root: Path, app: str) -> list[str]:
    """`path imports name` for each import of a transport app in `app`, tests left out:
    they may drive the app through any transport."""
    problems = []
    for path in sorted((root / app).rglob("*.py")):
        if "tests" in path.relative_to(root / app).parts:
            continue
        package = ".".join(path.relative_to(root.parent).parent.parts)
        for name in _imported_names(path, package):
            if any(name == t or name.startswith(t + ".") for t in TRANSPORT_APPS):
                problems.append(f"{path.relative_to(root.parent)} imports {name}")
    return problems


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_a_domain_app_imports_neither_the_api_nor_the_admin_panel(app):
    assert list((PARLEY / app).glob("*.py")), f"no source found for {app}"
    assert transport_imports(PARLEY, app) == []


def test_the_check_finds_absolute_relative_and_from_parley_imports(tmp_path):
    module = tmp_path / "parley" / "widget" / "sneaky.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import parley.api.keys\nfrom ..api import tokens\nfrom parley import adminpanel\n"
        "from parley.chat import services\n"
    )
    (tmp_path / "parley" / "widget" / "tests").mkdir()
    (tmp_path / "parley" / "widget" / "tests" / "test_x.py").write_text("import parley.api\n")
    assert transport_imports(tmp_path / "parley", "widget") == [
        "parley/widget/sneaky.py imports parley.api.keys",
        "parley/widget/sneaky.py imports parley.api.tokens",
        "parley/widget/sneaky.py imports parley.adminpanel",
    ]
