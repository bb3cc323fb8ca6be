"""The developer docs say what the code does: the app table and layers, the API routers,
and how long emergency access lasts. Each test fails when the code moves and the doc does not."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from django.apps import apps

from casework.accounts.models import EMERGENCY_ACCESS_DEFAULT_MINUTES, EMERGENCY_ACCESS_MAX_MINUTES

ROOT = Path(__file__).resolve().parents[3]


def _doc(name: str) -> str:
    return (ROOT / "docs" / name).read_text()


def test_every_app_has_a_row_in_the_architecture_table() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", _doc("architecture.md"), flags=re.M))
    installed = {
        config.name.removeprefix("casework.")
        for config in apps.get_app_configs()
        if config.name.startswith("casework.")
    }
    assert documented == installed


def test_architecture_layers_are_the_import_linter_layers() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = pyproject["tool"]["importlinter"]["contracts"][0]
    expected = [re.sub(r"[()]", "", line).replace("casework.", "") for line in contract["layers"]]
    block = _doc("architecture.md").split("## Layers", 1)[1].split("```")[1]
    assert [line.strip() for line in block.strip().splitlines()] == expected


def _mounted_router_modules() -> set[str]:
    tree = ast.parse((ROOT / "casework" / "api" / "urls.py").read_text())
    return {
        f"{call.args[1].value.id}.py"
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and getattr(call.func, "attr", "") == "add_router"
        and isinstance(call.args[1], ast.Attribute)
        and isinstance(call.args[1].value, ast.Name)
    }


def test_api_doc_lists_every_mounted_router() -> None:
    layout = _doc("api.md").split("- Layout:", 1)[1].split("\n- ", 1)[0]
    assert set(re.findall(r"`([a-z_]+\.py)`", layout)) == _mounted_router_modules()


def test_emergency_access_length_in_the_docs_is_the_code_default_and_cap() -> None:
    text = " ".join(_doc("permissions-and-audit.md").split())
    assert (
        f"{EMERGENCY_ACCESS_DEFAULT_MINUTES} by default, never more than "
        f"{EMERGENCY_ACCESS_MAX_MINUTES}" in text
    )
