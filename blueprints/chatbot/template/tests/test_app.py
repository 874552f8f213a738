"""A whole conversation through Streamlit's AppTest (no browser, no model): answers, facts, hand-off and events."""

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
    """These tests use the offline responder: no model is configured."""
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
    """Thumbs up (1) or down (0) on the index-th answer."""
    at.feedback[index].set_value(value).run()
    assert not at.exception, at.exception


def on_screen(at: AppTest) -> str:
    """Every text the page shows."""
    parts = [e.value for e in [*at.title, *at.caption, *at.markdown]]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def test_a_whole_conversation_records_its_events(events) -> None:
    at = start("p-007")
    assert at.chat_message[0].markdown[0].value == DATA["greeting"].strip()
    intent = DATA["intents"][0]
    assert send(at, intent["phrasings"][0]) == intent["answer"].strip()
    assert send(at, NONSENSE) == DATA["fallback"].strip()
    rate(at, 0, 1)
    rate(at, 1, 0)
    at.button(key="handoff").click().run()
    assert at.chat_message[-1].markdown[0].value == DATA["handoff"]["message"].strip()
    assert at.button(key="handoff").disabled
    at.button(key="resolved").click().run()
    assert events.names() == [
        "conversation_started",
        "message_sent",
        "intent_matched",
        "message_sent",
        "fallback_triggered",
        "answer_feedback",
        "answer_feedback",
        "handoff_requested",
        "conversation_resolved",
    ]
    assert events.named("conversation_started")[0]["properties"]["participant"] == "p-007"
    assert {e["distinct_id"] for e in events.all()} == {"p-007"}
    assert len({e["session_id"] for e in events.all()}) == 1
    matched = events.named("intent_matched")[0]["properties"]
    assert matched["intent"] == intent["name"] and matched["score"] >= DATA["threshold"]
    feedback = [e["properties"] for e in events.named("answer_feedback")]
    assert [(f["intent"], f["positive"]) for f in feedback] == [(intent["name"], True), (None, False)]
    assert events.named("handoff_requested")[0]["properties"]["intent"] == intent["name"]
    assert at.button(key="resolved").disabled


def test_the_fallback_is_measured_per_message(events) -> None:
    at = start()
    first, second = DATA["intents"][0], DATA["intents"][1]
    for text in (first["phrasings"][1], NONSENSE, second["phrasings"][0], NONSENSE):
        send(at, text)
    assert len(events.named("message_sent")) == 4
    assert [e["properties"]["intent"] for e in events.named("intent_matched")] == [first["name"], second["name"]]
    assert len(events.named("fallback_triggered")) == 2


def test_answers_show_their_facts() -> None:
    at = start()
    for intent in [i for i in DATA["intents"] if i.get("facts")][:2]:
        send(at, intent["phrasings"][0])
        shown = at.chat_message[-1].markdown[1].value
        for fact in intent["facts"]:
            assert fact["label"] in shown and fact["value"] in shown


def test_the_audience_is_on_screen_and_the_persona_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """The persona instructs the model only: a marked persona appears nowhere on the page."""
    marked = DATA | {"persona": "PERSONA-7F3A: an instruction for the model"}
    monkeypatch.setattr(responder, "load", lambda path=responder.DATA_FILE: marked)
    at = start()
    send(at, DATA["intents"][0]["phrasings"][0])
    screen = on_screen(at)
    assert "Answers for" in screen and DATA["operator"].strip() in screen
    assert "PERSONA-7F3A" not in screen
    assert marked["persona"] in responder.system_prompt(marked)


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


def test_the_model_is_used_when_configured(events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setattr(responder, "model_reply", lambda history, data: f"model reply to {history[-1]['content']}")
    at = start()
    intent = DATA["intents"][0]
    assert send(at, intent["phrasings"][0]) == f"model reply to {intent['phrasings'][0]}"
    matched = events.named("intent_matched")[0]["properties"]
    assert (matched["intent"], matched["responder"]) == (intent["name"], "model")


def test_the_model_is_grounded_by_the_intents_and_facts() -> None:
    prompt = responder.system_prompt(DATA)
    for intent in DATA["intents"]:
        assert intent["answer"] in prompt
        for fact in intent.get("facts") or []:
            assert f"{fact['label']}: {fact['value']}" in prompt
    assert DATA["fallback"] in prompt and DATA["handoff"]["label"] in prompt


def test_a_failing_model_falls_back_to_the_intents(events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    def broken(history: list, data: dict) -> str:
        raise ConnectionError("no route to the model")

    monkeypatch.setattr(responder, "model_reply", broken)
    at = start()
    intent = DATA["intents"][0]
    assert send(at, intent["phrasings"][0]) == intent["answer"].strip()
    assert any("could not be reached" in c.value for c in at.caption)
    assert events.named("intent_matched")[0]["properties"]["responder"] == "intents"


def test_openai_is_imported_only_when_a_model_is_configured() -> None:
    sys.modules.pop("openai", None)
    at = start()
    send(at, DATA["intents"][0]["phrasings"][0])
    assert "openai" not in sys.modules
