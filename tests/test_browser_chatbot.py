"""The clinic FAQ bot in headless Chromium, started as `python -m app`: a patient asks a natural question, sees the
answer with its facts, rates it, asks for a person, and each step lands in the event log.

Needs Debian's Chromium at /usr/bin/chromium (Playwright drives it; no `playwright install`); set
SCAFFOLD_NO_BROWSER=1 to skip. The screenshot lands in tests/artifacts/chatbot.png (gitignored).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, FIXTURES, recorded
from prototype_server import running_prototype

from scaffolder.catalog import Catalog
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan

_ENV_PREFIXES = ("OPENAI_", "SCAFFOLD_", "ANALYTICS_", "POSTHOG_", "OTEL_")
QUESTION = "Where can I park when I come for my appointment?"


def wait_for(check: Callable[[], Any], what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


def test_a_patient_asks_sees_the_facts_rates_and_asks_for_a_person(page: Any, tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "plan_clinic_faq.json").read_text(encoding="utf-8"))
    answers = data["answers"]
    parking = next(i for i in answers["intents"] if i["name"] == "parking")
    catalog = Catalog()
    repo = tmp_path / "out"
    write(parse_plan(data, catalog, source="test"), catalog, repo)
    events = tmp_path / "events.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env.update(ANALYTICS_PATH=str(events), ANALYTICS_SINKS="jsonl", PYTHONDONTWRITEBYTECODE="1")
    with running_prototype(repo, env, "/_stcore/health") as prototype:
        page.goto(f"{prototype.base}/?participant=patient-1")
        page.get_by_text(answers["greeting"]).wait_for()
        page.get_by_text("Answers for patients").wait_for()
        assert answers["persona"] not in page.inner_text("body")

        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(QUESTION)
        box.press("Enter")
        page.get_by_text(parking["answer"]).wait_for()
        for fact in parking["facts"]:
            page.get_by_text(fact["value"]).first.wait_for()
        wait_for(lambda: recorded(events, "intent_matched", intent="parking"), "intent_matched")

        page.get_by_test_id("stChatMessage").last.get_by_label("Thumbs up").click()
        wait_for(lambda: recorded(events, "answer_feedback", intent="parking", positive=True), "answer_feedback")

        page.get_by_role("button", name=answers["handoff"]["label"]).click()
        page.get_by_text(answers["handoff"]["message"]).wait_for()
        wait_for(lambda: recorded(events, "handoff_requested", intent="parking"), "handoff_requested")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chatbot.png"), full_page=True)

    assert recorded(events, "conversation_started", participant="patient-1")
    sent = recorded(events, "message_sent")
    assert len(sent) == 1 and "text" not in sent[0]["properties"]  # no message text without consent
    names = [json.loads(line)["event"] for line in events.read_text(encoding="utf-8").splitlines()]
    assert names == [
        "conversation_started",
        "message_sent",
        "intent_matched",
        "answer_feedback",
        "handoff_requested",
    ]
    assert {json.loads(line)["distinct_id"] for line in events.read_text(encoding="utf-8").splitlines()} == {
        "patient-1"
    }
