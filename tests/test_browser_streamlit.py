"""The Streamlit mock's actions in headless Chromium: each hand-written plan's prototype, started as `python -m app`,
performs the statement's verb through the page and must show the change at once and record it.

Needs Debian's Chromium at /usr/bin/chromium (Playwright drives it; no `playwright install`). Without it these
tests fail with a clear message, unless SCAFFOLD_NO_BROWSER=1 is set, in which case they are skipped.
Screenshots land in tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, UI_TIMEOUT_MS, recorded, screenshot
from prototype_server import running_prototype

_ENV_PREFIXES = ("OPENAI_", "SCAFFOLD_", "ANALYTICS_", "POSTHOG_", "OTEL_")
EVENT_SECONDS = 20


def render(cli: Callable[..., Any], name: str, out: Path) -> dict:
    """`scaffold --plan tests/fixtures/plan_<name>.json --out OUT`, as a user replays a saved plan."""
    plan_file = FIXTURES / f"plan_{name}.json"
    result = cli("--plan", str(plan_file), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return json.loads(plan_file.read_text(encoding="utf-8"))


@contextmanager
def serve(repo: Path, events: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env.update(ANALYTICS_PATH=str(events), ANALYTICS_SINKS="jsonl", PYTHONDONTWRITEBYTECODE="1")
    with running_prototype(repo, env, "/_stcore/health") as prototype:
        yield prototype.base


def wait_for(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + EVENT_SECONDS
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {EVENT_SECONDS}s waiting for {what}")


def go_to(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).wait_for()


def pick(page: Any, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def shows(page: Any, label: str, value: str) -> None:
    """Wait until the detail screen shows `value` for the field `label` (Streamlit redraws element by element)."""
    from playwright.sync_api import expect

    row = page.get_by_test_id("stTable").get_by_role("row").filter(has=page.get_by_role("rowheader", name=label))
    expect(row.get_by_role("cell").last).to_have_text(value, timeout=UI_TIMEOUT_MS)


def screen_title(data: dict, kind: str) -> str:
    return next(s["title"] for s in data["answers"]["screens"] if s["kind"] == kind)


def test_reassign_a_late_pick_order_in_a_browser(cli: Callable[..., Any], page: Any, tmp_path: Path) -> None:
    """Warehouse supervisors reassign the latest pick order to another picker; the board shows it at once."""
    repo, events = tmp_path / "out", tmp_path / "events.jsonl"
    data = render(cli, "pick_orders", repo)
    rows = data["answers"]["rows"]
    latest = max(rows, key=lambda r: r["minutes_late"])
    picker = next(r["picker"] for r in rows if r["picker"] not in (None, latest["picker"]))
    before = sum(r["picker"] == picker for r in rows)
    with serve(repo, events) as base:
        page.goto(f"{base}/?participant=supervisor-1")
        page.get_by_role("heading", name=data["project_name"]).wait_for()
        go_to(page, screen_title(data, "table"))
        search = page.get_by_role("textbox", name="Search")
        search.fill(picker)
        search.press("Enter")
        page.get_by_text(f"{before} of {len(rows)} rows").wait_for()

        go_to(page, screen_title(data, "detail"))
        pick(page, "Choose a pick order", latest["order"])
        shows(page, "Picker", latest["picker"])
        pick(page, "Picker", picker)
        page.get_by_role("button", name="Reassign", exact=True).click()
        page.get_by_text(f"Picker {latest['picker']} → {picker}").wait_for()
        shows(page, "Picker", picker)
        wait_for(lambda: recorded(events, "action_taken", action="reassign"), "action_taken")
        shot = screenshot(page, "streamlit_reassign")

        go_to(page, screen_title(data, "table"))  # the search is kept, and now finds one more order
        page.get_by_text(f"{before + 1} of {len(rows)} rows").wait_for()
    taken = recorded(events, "action_taken")
    assert [e["properties"] for e in taken] == [
        {"action": "reassign", "record": latest["order"], "field": "picker", "value": picker}
    ]
    assert taken[0]["distinct_id"] == "supervisor-1"
    assert recorded(events, "record_opened", record=latest["order"])
    assert shot.stat().st_size > 10_000


def test_mark_a_volunteer_no_show_in_a_browser(cli: Callable[..., Any], page: Any, tmp_path: Path) -> None:
    """Volunteer coordinators mark a sign-up as a no-show with one click; the overview's count goes up."""
    repo, events = tmp_path / "out", tmp_path / "events.jsonl"
    data = render(cli, "volunteer_attendance", repo)
    rows = data["answers"]["rows"]
    waiting = min((r for r in rows if r["attendance"] == "Not yet"), key=lambda r: r["starts"])
    no_shows = sum(r["attendance"] == "No-show" for r in rows)
    figure = next(f["label"] for f in data["answers"]["figures"] if f.get("where") == {"attendance": "No-show"})
    with serve(repo, events) as base:
        page.goto(f"{base}/?participant=coordinator-1")
        go_to(page, screen_title(data, "overview"))
        metric = page.get_by_test_id("stMetric").filter(has_text=figure)
        assert re.search(rf"\b{no_shows}\b", metric.inner_text())

        go_to(page, screen_title(data, "detail"))
        pick(page, "Choose a shift signup", waiting["signup"])
        shows(page, "Attendance", "Not yet")
        page.get_by_role("button", name="Mark no-show", exact=True).click()
        page.get_by_text("Attendance Not yet → No-show").wait_for()
        shows(page, "Attendance", "No-show")
        page.get_by_role("button", name="Mark no-show", exact=True).wait_for(state="detached")  # no longer offered
        page.get_by_role("button", name="Mark showed up", exact=True).wait_for()
        wait_for(lambda: recorded(events, "action_taken", action="mark_no_show"), "action_taken")
        shot = screenshot(page, "streamlit_no_show")

        go_to(page, screen_title(data, "overview"))
        page.get_by_test_id("stMetric").filter(has_text=figure).get_by_text(str(no_shows + 1), exact=True).wait_for()
    taken = recorded(events, "action_taken")
    assert [e["properties"] for e in taken] == [
        {"action": "mark_no_show", "record": waiting["signup"], "field": "attendance", "value": "No-show"}
    ]
    assert shot.stat().st_size > 10_000


def test_add_a_renewal_in_a_browser(cli: Callable[..., Any], page: Any, tmp_path: Path) -> None:
    """An add action's form puts a new record in the table at once and records record_added."""
    repo, events = tmp_path / "out", tmp_path / "events.jsonl"
    data = render(cli, "streamlit", repo)
    rows = data["answers"]["rows"]
    action = next(a for a in data["answers"]["actions"] if a["kind"] == "add")
    with serve(repo, events) as base:
        page.goto(f"{base}/?participant=am-1")
        go_to(page, screen_title(data, "table"))
        page.get_by_text(f"{len(rows)} of {len(rows)} rows").wait_for()
        page.get_by_test_id("stExpander").filter(has_text=action["label"]).get_by_text(action["label"]).first.click()
        page.get_by_role("textbox", name="Account").fill("Blue Yonder Airlines")
        pick(page, "Account manager", rows[0]["owner"])
        page.get_by_role("spinbutton", name="Annual value").fill("42000")
        page.get_by_test_id("stForm").get_by_role("button", name=action["label"]).click()
        page.get_by_text("Blue Yonder Airlines added").wait_for()
        page.get_by_text(f"{len(rows) + 1} of {len(rows) + 1} rows").wait_for()
        wait_for(lambda: recorded(events, "record_added"), "record_added")
        screenshot(page, "streamlit_add")
    assert [e["properties"] for e in recorded(events, "record_added")] == [{"action": action["id"]}]
