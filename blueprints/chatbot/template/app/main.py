"""The chat UI. Every exchange records events through `analytics.track`; message text only with consent.

Events (see README): conversation_started, message_sent, intent_matched{intent} or fallback_triggered,
feedback_given{positive, intent}, conversation_resolved. Message text is recorded only when
ANALYTICS_RECORD_TEXT=1 (then as property `text`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` only puts app/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import analytics  # noqa: E402
from app import responder  # noqa: E402

DATA = responder.load()
MODEL_FAILED = "The model could not be reached, so this answer comes from the built-in answers."
ss = st.session_state


def track(event: str, **properties: Any) -> None:
    """Record one event for this conversation (and its participant, when the link named one)."""
    analytics.track_session(ss, event, **properties)


def start_conversation() -> None:
    """Once per browser session: a session id, the participant from `?participant=`, the greeting."""
    if not analytics.open_session(ss, st.query_params.get("participant")):
        return
    ss.messages = [{"role": "assistant", "content": DATA["greeting"], "intent": None, "greeting": True}]
    track("conversation_started", **({"participant": ss.participant} if ss.participant else {}))


def respond(text: str) -> None:
    """Answer one message: the matched intent decides the events; the model, when configured, the words."""
    consent = os.environ.get("ANALYTICS_RECORD_TEXT") == "1"
    track("message_sent", words=len(text.split()), **({"text": text} if consent else {}))
    ss.messages.append({"role": "user", "content": text})
    found = responder.match(text, DATA)
    reply, note, source = found.answer, None, "intents"
    if responder.model_configured():
        try:
            reply, source = responder.model_reply(ss.messages, DATA), "model"
        except Exception:  # any model failure: answer offline and say so
            note = MODEL_FAILED
    if found.intent:
        track("intent_matched", intent=found.intent, score=found.score, responder=source)
    else:
        track("fallback_triggered", score=found.score, responder=source)
    ss.messages.append({"role": "assistant", "content": reply, "intent": found.intent, "note": note})


def on_feedback(index: int, positive: bool | None = None) -> None:
    """Thumbs up/down on the assistant message at `index` (from st.feedback, or the two-button fallback)."""
    if positive is None:
        value = ss.get(f"feedback_{index}")
        if value is None:  # the thumb was cleared
            return
        positive = value == 1
    ss[f"rated_{index}"] = positive
    track("feedback_given", positive=positive, intent=ss.messages[index].get("intent"))


def on_resolved() -> None:
    if not ss.get("is_resolved"):
        ss.is_resolved = True
        track("conversation_resolved", messages=sum(1 for m in ss.messages if m["role"] == "user"))


def thumbs(index: int) -> None:
    if hasattr(st, "feedback"):
        st.feedback("thumbs", key=f"feedback_{index}", on_change=on_feedback, args=(index,))
        return
    up, down, _ = st.columns([1, 1, 8])
    up.button("👍", key=f"up_{index}", on_click=on_feedback, args=(index, True))
    down.button("👎", key=f"down_{index}", on_click=on_feedback, args=(index, False))


st.set_page_config(page_title=DATA["bot_name"], page_icon="💬")
start_conversation()
prompt = st.chat_input("Ask a question")  # always pinned to the bottom of the page
if prompt and prompt.strip():
    respond(prompt.strip())
st.title(DATA["bot_name"])
st.caption(DATA["persona"])
for index, message in enumerate(ss.messages):
    with st.chat_message(message["role"]):
        st.markdown(message["content"])
        if message.get("note"):
            st.caption(message["note"])
        if message["role"] == "assistant" and not message.get("greeting"):
            thumbs(index)
if any(m["role"] == "user" for m in ss.messages):
    st.button("My question is answered", key="resolved", on_click=on_resolved, disabled=bool(ss.get("is_resolved")))
    if ss.get("is_resolved"):
        st.success("Glad that helped. You can close this page.")
