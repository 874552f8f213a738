"""The chat UI. Every message and click records events through `analytics.track`; message text only with consent.

Per message: message_sent, then intent_matched{intent, score, responder} or fallback_triggered{score, responder},
so the fallback rate is per message. Per answer: answer_feedback{intent, positive} (thumbs under each answer).
Per conversation: conversation_started, handoff_requested{intent} (the "talk to a person" button) and
conversation_resolved. Message text is recorded only when ANALYTICS_RECORD_TEXT=1 (as property `text`).
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
INDEX = responder.Index(DATA)
MODEL_FAILED = "The model could not be reached, so this answer comes from the built-in answers."
ss = st.session_state


def track(event: str, **properties: Any) -> None:
    """Record one event for this conversation (and its participant, when the link named one)."""
    analytics.track_session(ss, event, **properties)


def for_whom(audience: str) -> str:
    """ "Patients" -> "Answers for patients" (an acronym such as "NHS staff" keeps its capitals)."""
    text = audience.strip()
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return f"Answers for {text}"


def start_conversation() -> None:
    """Once per browser session: a session id, the participant from `?participant=`, the greeting."""
    if not analytics.open_session(ss, st.query_params.get("participant")):
        return
    ss.messages = [{"role": "assistant", "content": DATA["greeting"], "intent": None, "greeting": True}]
    track("conversation_started", **({"participant": ss.participant} if ss.participant else {}))


def respond(text: str) -> None:
    """Answer one message: the matched intent decides the events and facts; the model, when configured, the words."""
    consent = os.environ.get("ANALYTICS_RECORD_TEXT") == "1"
    track("message_sent", words=len(text.split()), **({"text": text} if consent else {}))
    ss.messages.append({"role": "user", "content": text})
    found = INDEX.match(text)
    reply, note, source = found.answer, None, "intents"
    if responder.model_configured():
        try:
            reply, source = responder.model_reply(ss.messages, DATA), "model"
        except Exception:  # any model failure: answer offline and say so
            note = MODEL_FAILED
    if found.intent:
        ss.last_intent = found.intent
        track("intent_matched", intent=found.intent, score=found.score, responder=source)
    else:
        track("fallback_triggered", score=found.score, responder=source)
    message = {"role": "assistant", "content": reply, "intent": found.intent, "facts": list(found.facts)}
    ss.messages.append(message | {"note": note})


def on_feedback(index: int) -> None:
    """Thumbs up/down on the answer at `index`: one event per answer, naming the intent it came from."""
    value = ss.get(f"feedback_{index}")
    if value is None:  # the thumb was cleared
        return
    track("answer_feedback", intent=ss.messages[index].get("intent"), positive=value == 1)


def on_handoff() -> None:
    """The "talk to a person" button: record the request (with the last matched intent) and say what happens next."""
    if ss.get("handed_off"):
        return
    ss.handed_off = True
    track("handoff_requested", intent=ss.get("last_intent"))
    ss.messages.append({"role": "assistant", "content": DATA["handoff"]["message"], "intent": None, "handoff": True})


def on_resolved() -> None:
    if not ss.get("is_resolved"):
        ss.is_resolved = True
        track("conversation_resolved", messages=sum(1 for m in ss.messages if m["role"] == "user"))


st.set_page_config(page_title=DATA["bot_name"], page_icon="💬")
start_conversation()
prompt = st.chat_input("Ask a question")  # always pinned to the bottom of the page
if prompt and prompt.strip():
    respond(prompt.strip())
st.title(DATA["bot_name"])
st.caption(f"{for_whom(DATA['audience'])} · {DATA['operator']}")
for index, message in enumerate(ss.messages):
    with st.chat_message(message["role"]):
        st.markdown(message["content"])
        if message.get("facts"):
            st.markdown("\n".join(f"- **{fact['label']}:** {fact['value']}" for fact in message["facts"]))
        if message.get("note"):
            st.caption(message["note"])
        if message["role"] == "assistant" and not (message.get("greeting") or message.get("handoff")):
            st.feedback("thumbs", key=f"feedback_{index}", on_change=on_feedback, args=(index,))
left, right, _ = st.columns(3)
left.button(DATA["handoff"]["label"], key="handoff", on_click=on_handoff, disabled=bool(ss.get("handed_off")))
if any(m["role"] == "user" for m in ss.messages):
    right.button("My question is answered", key="resolved", on_click=on_resolved, disabled=bool(ss.get("is_resolved")))
if ss.get("is_resolved"):
    st.success("Glad that helped. You can close this page.")
