"""End to end in headless Chromium: each web prototype, started as `python -m app`, records a real click.

Needs Debian's Chromium at /usr/bin/chromium (Playwright drives it; no `playwright install`). Without it these
tests fail with a clear message, unless SCAFFOLD_NO_BROWSER=1 is set, in which case they are skipped.
Screenshots land in tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, fixture_plan, recorded, screenshot
from prototype_server import running_prototype

from scaffolder.catalog import Catalog
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan

_ENV_PREFIXES = ("OPENAI_", "SCAFFOLD_", "ANALYTICS_", "POSTHOG_", "OTEL_")
STARTUP_SECONDS = 60
EVENT_SECONDS = 20


def render(blueprint: str, out: Path) -> tuple[Path, dict]:
    if not (FIXTURES / f"plan_{blueprint}.json").is_file():
        pytest.fail(f"tests/fixtures/plan_{blueprint}.json is missing")
    data = fixture_plan(blueprint)
    catalog = Catalog()
    write(parse_plan(data, catalog, source="test"), catalog, out)
    return out, data


def wait_for(check: Callable[[], Any], seconds: float, what: str, proc: subprocess.Popen | None = None) -> Any:
    """Poll `check` until it returns something truthy; fail after `seconds` or when the server died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the server exited with code {proc.returncode} while waiting for {what}")
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


@contextmanager
def serve(repo: Path, events: Path, ready_path: str) -> Iterator[str]:
    """Start `python -m app` in `repo`, recording into `events`; yields its base URL and always stops it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env.update(ANALYTICS_PATH=str(events), ANALYTICS_SINKS="jsonl", PYTHONDONTWRITEBYTECODE="1")
    with running_prototype(repo, env, ready_path, timeout=STARTUP_SECONDS) as prototype:
        yield prototype.base


def local_only(page: Any, base: str) -> list[str]:
    """Let the page reach `base` only (no internet here, and the docs must not need it); returns the list of the
    other hosts' URLs it asked for, refused."""
    elsewhere: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == base or url.startswith(base + "/"):
            request_route.continue_()
        else:
            elsewhere.append(url)
            request_route.abort()

    page.route("**/*", route)
    return elsewhere


def test_streamlit_mock_in_a_browser(page: Any, tmp_path: Path) -> None:
    repo, data = render("streamlit", tmp_path / "out")
    events = tmp_path / "events.jsonl"
    screens = data["answers"]["screens"]
    table = next(s["title"] for s in screens if s["kind"] == "table")
    with serve(repo, events, "/_stcore/health") as base:
        page.goto(f"{base}/?participant=browser-1")
        page.get_by_role("heading", name=data["project_name"]).wait_for()
        page.get_by_test_id("stSidebar").get_by_text(table, exact=True).click()
        search = page.get_by_role("textbox", name="Search")
        search.fill("High")
        search.press("Enter")
        wait_for(lambda: recorded(events, "filter_applied", column="search"), EVENT_SECONDS, "filter_applied")
        page.get_by_text("of 8 rows").wait_for()
        page.get_by_role("button", name="I found what I needed").click()
        wait_for(lambda: recorded(events, "task_completed", screen="table"), EVENT_SECONDS, "task_completed")
        page.get_by_text("Thanks, noted.").wait_for()
        shot = screenshot(page, "streamlit")
    started = recorded(events, "session_started", participant="browser-1")
    assert len(started) == 1 and started[0]["distinct_id"] == "browser-1"
    assert [e["properties"]["screen"] for e in recorded(events, "screen_viewed")] == ["overview", "table"]
    assert shot.stat().st_size > 10_000


def test_api_docs_in_a_browser(page: Any, tmp_path: Path) -> None:
    """Swagger UI at /docs, with no internet: expand the first resource's list, Try it out, Execute, see 200."""
    repo, data = render("api", tmp_path / "out")
    events = tmp_path / "events.jsonl"
    resource = data["answers"]["resources"][0]
    plural = resource["plural"]
    with serve(repo, events, "/openapi.json") as base:
        elsewhere = local_only(page, base)
        page.goto(f"{base}/docs")
        assert data["project_name"] in page.title()
        operation = page.locator(f'[id$="-list_{plural}"]')  # Swagger UI's id: operations-<tag>-<operationId>
        operation.locator(".opblock-summary").first.click()
        operation.get_by_role("button", name="Try it out").click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table .response-col_status", has_text=re.compile(r"^\s*200\s*$"))
        status.wait_for()
        listed = wait_for(lambda: recorded(events, "resource_listed"), EVENT_SECONDS, "resource_listed")
        shot = screenshot(page, "api_docs")
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}.get("session")
    assert not elsewhere, f"/docs asked the internet for {elsewhere}"
    assert [e["properties"] for e in listed] == [{"resource": resource["name"]}]
    assert cookie and listed[0]["session_id"] == cookie  # the session cookie handed out with /docs
    assert shot.stat().st_size > 10_000
