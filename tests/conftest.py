"""Shared fixtures for scaffold's own tests: a clean environment, the CLI in-process, generated-suite runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "problem_statements.jsonl"

#: Variables that would change what scaffold or a generated app does; tests start without them.
_ENV_PREFIXES = ("OPENAI_", "SCAFFOLD_", "ANALYTICS_", "POSTHOG_", "OTEL_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture
def cli() -> Callable[..., object]:
    """Run `scaffold ARGS...` in-process; returns Click's Result (exit_code, stdout, stderr)."""
    from scaffolder.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> object:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def fixture_plan(blueprint: str) -> dict:
    """A hand-written, valid plan for one bundled blueprint."""
    return json.loads((FIXTURES / f"plan_{blueprint}.json").read_text(encoding="utf-8"))


def corpus() -> list[dict]:
    """The labelled problem statements shared with the product team."""
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_generated_tests(repo: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run a generated repo's own test suite with this interpreter (which has every blueprint's dependencies)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` except git's own, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }
