"""A whole conversation through Streamlit's AppTest (no browser, no model): replies, feedback and events."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import responder

SCRIPT = str(Path(__file__).resolve().parents[1] / "app" / "main.py")
DATA = responder.load()
NONSENSE = "zqxv plorft wubbish"


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests use the deterministic responder: no model is configured."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHAT_MODEL"):
        monkeypatch.delenv(name, raising=False)


def start(participant: str | None = None) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=30)
    if participant:
        at.query_params["participant"] = participant
    at.run()
    assert not at.exception, at.exception
    return at


def send(at: AppTest, text: str) -> str:
    """Send one message; return the assistant's reply."""
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception
    return at.chat_message[-1].markdown[0].value


def rate(at: AppTest, index: int, value: int) -> None:
    """Thumbs up (1) or down (0) on the index-th rated reply."""
    at.feedback[index].set_value(value).run()
    assert not at.exception, at.exception


def test_a_whole_conversation_records_its_events(events) -> None:
    at = start("p-007")
    assert at.chat_message[0].markdown[0].value == DATA["greeting"].strip()
    intent = DATA["intents"][0]
    assert send(at, intent["examples"][0]) == intent["answer"].strip()
    assert send(at, NONSENSE) == DATA["fallback"].strip()
    rate(at, 0, 1)
    rate(at, 1, 0)
    at.button(key="resolved").click().run()
    assert events.names() == [
        "conversation_started",
        "message_sent",
        "intent_matched",
        "message_sent",
        "fallback_triggered",
        "feedback_given",
        "feedback_given",
        "conversation_resolved",
    ]
    assert events.named("conversation_started")[0]["properties"]["participant"] == "p-007"
    assert {e["distinct_id"] for e in events.all()} == {"p-007"}
    assert len({e["session_id"] for e in events.all()}) == 1
    assert events.named("intent_matched")[0]["properties"]["intent"] == intent["name"]
    feedback = [e["properties"] for e in events.named("feedback_given")]
    assert [(f["positive"], f["intent"]) for f in feedback] == [(True, intent["name"]), (False, None)]
    assert at.button(key="resolved").disabled


def test_no_message_text_is_recorded_by_default(events) -> None:
    at = start()
    send(at, NONSENSE)
    assert "plorft" not in json.dumps(events.all())
    assert events.named("message_sent")[0]["properties"]["words"] == 3


def test_message_text_is_recorded_with_consent(events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYTICS_RECORD_TEXT", "1")
    at = start()
    send(at, NONSENSE)
    assert events.named("message_sent")[0]["properties"]["text"] == NONSENSE


def test_each_intent_answers_its_own_examples() -> None:
    for intent in DATA["intents"]:
        for example in intent["examples"]:
            found = responder.match(example, DATA)
            # another intent may only win with an example that says the same thing
            assert found.intent == intent["name"] or found.score == 1.0, example
    assert responder.match(NONSENSE, DATA).intent is None
    assert responder.normalise("  Où est MON colis?! ") == "ou est mon colis"


def test_the_model_is_used_when_configured(events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setattr(responder, "model_reply", lambda history, data: f"model reply to {history[-1]['content']}")
    at = start()
    intent = DATA["intents"][0]
    assert send(at, intent["examples"][0]) == f"model reply to {intent['examples'][0]}"
    matched = events.named("intent_matched")[0]["properties"]
    assert (matched["intent"], matched["responder"]) == (intent["name"], "model")


def test_a_failing_model_falls_back_to_the_intents(events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    def broken(history: list, data: dict) -> str:
        raise ConnectionError("no route to the model")

    monkeypatch.setattr(responder, "model_reply", broken)
    at = start()
    intent = DATA["intents"][0]
    assert send(at, intent["examples"][0]) == intent["answer"].strip()
    assert any("could not be reached" in c.value for c in at.caption)
    assert events.named("intent_matched")[0]["properties"]["responder"] == "intents"


def test_openai_is_imported_only_when_a_model_is_configured() -> None:
    sys.modules.pop("openai", None)
    at = start()
    send(at, DATA["intents"][0]["examples"][0])
    assert "openai" not in sys.modules
    assert "You are" in responder.system_prompt(DATA) and DATA["intents"][0]["answer"] in responder.system_prompt(DATA)
