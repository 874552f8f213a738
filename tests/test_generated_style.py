"""Generated code is code people read: every blueprint's repo is clean under its own ruff settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fixture_plan

from scaffolder.catalog import Catalog
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan


@pytest.mark.parametrize("blueprint", ["api", "streamlit", "chatbot"])
def test_generated_repo_is_ruff_clean(blueprint: str, tmp_path: Path) -> None:
    catalog = Catalog()
    out = tmp_path / "out"
    write(parse_plan(fixture_plan(blueprint), catalog, source="fixture"), catalog, out)
    for command in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command], cwd=out, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"ruff {command[0]}:\n{done.stdout}{done.stderr}"
