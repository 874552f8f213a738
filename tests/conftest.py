"""Shared fixtures for scaffold's own tests: a clean environment, the CLI in-process, generated-suite runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"

#: A runner that starts the suite as a background job without job control hands it SIGINT ignored, and every child
#: would inherit that (POSIX keeps an ignored signal ignored across exec); the interrupt tests send SIGINT to children
#: and expect scaffold's Ctrl-C behaviour, so the suite restores Python's default handler, which exec resets to default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

#: Under CI (CI=true) Hypothesis draws the same examples every run, so a landing is not decided by a new random draw;
#: on a developer's machine it keeps exploring (and shrinks and saves what it finds).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

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


def statements(name: str = "tuning") -> list[dict]:
    """Labelled problem statements kept in the repository (tests/fixtures/statements_<name>.jsonl)."""
    path = FIXTURES / f"statements_{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_generated_tests(repo: Path, *, verbose: bool = False, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run a generated repo's own test suite with this interpreter (which has every blueprint's dependencies).

    Pytest plugins that this environment has and a generated repo's does not (hypothesis, faker, …) are not loaded:
    the suite runs as in its own environment, and a second faster (they cost about 1 s of start-up each run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v" if verbose else "-q", "-p", "no:cacheprovider", "-x"],
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


# --- browser tests: one headless Chromium per test module, driven by Playwright (no browser download) ---------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
#: Read at import: the autouse fixture above clears SCAFFOLD_* variables before each test runs.
NO_BROWSER = os.environ.get("SCAFFOLD_NO_BROWSER") == "1"
UI_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if NO_BROWSER:
        pytest.skip("SCAFFOLD_NO_BROWSER=1: browser tests skipped")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set SCAFFOLD_NO_BROWSER=1 to skip the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install -e '.[test]' (no browser download needed)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def recorded(path: Path, name: str, **properties: Any) -> list[dict]:
    """Events named `name` in a JSONL event store whose properties include `properties`."""
    if not path.is_file():
        return []
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [e for e in events if e["event"] == name and all(e["properties"].get(k) == v for k, v in properties.items())]


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot kept in tests/artifacts (gitignored), to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
