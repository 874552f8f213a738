"""Replies: from an OpenAI-compatible model when one is configured, else from the intents' example questions.

The deterministic responder needs no network: it normalises the message, compares it with every example
(word overlap, tolerant of small typos, blended with difflib similarity) and answers with the best intent above
THRESHOLD, or with the fallback. Either way the best intent is what the events record.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("bot.json")
#: The lowest similarity (0..1) at which a message counts as asking an intent's question.
THRESHOLD = 0.5
#: How many earlier messages the model sees.
HISTORY = 12

# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "did", "for", "from", "have",
    "has", "how", "i", "i'm", "im", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please",
    "should", "so", "that", "the", "their", "them", "there", "this", "to", "us", "was", "we", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your", "hi", "hello", "hey", "thanks",
    "thank",
})
# fmt: on


@dataclass(frozen=True)
class Match:
    """The intent a message asks about (None: none is close enough), how close it is, and the reply."""

    intent: str | None
    score: float
    answer: str


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    """The bot's persona, greeting, intents and fallback, as plain data."""
    return json.loads(path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> list[str]:
    """The words that carry meaning: normalised, stop words dropped, crude plural/tense endings removed."""
    return [_stem(w) for w in normalise(text).split() if w not in STOPWORDS]


def _shared(words: list[str], others: list[str]) -> int:
    """How many of `words` appear in `others`, allowing a small typo ("trackng" ~ "track")."""
    return sum(1 for w in words if w in others or difflib.get_close_matches(w, others, n=1, cutoff=0.8))


def similarity(message: str, example: str) -> float:
    """0..1: keyword overlap (Dice), raised towards the character similarity of the keyword strings.

    Character similarity alone rates unrelated short questions too high, so it only ever counts half.
    """
    a, b = keywords(message), keywords(example)
    if not a or not b:
        a, b = normalise(message).split(), normalise(example).split()
        if not a or not b:
            return 0.0
    overlap = (_shared(a, b) + _shared(b, a)) / (len(a) + len(b))
    ratio = difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio()
    return max(overlap, (overlap + ratio) / 2)


def match(message: str, data: dict[str, Any], threshold: float = THRESHOLD) -> Match:
    """The intent whose examples are closest to the message, or the fallback when none reaches `threshold`."""
    best: tuple[float, dict[str, Any] | None] = (0.0, None)
    for intent in data["intents"]:
        score = max(similarity(message, example) for example in intent["examples"])
        if score > best[0]:
            best = (score, intent)
    score, intent = best
    if intent is None or score < threshold:
        return Match(None, round(score, 3), data["fallback"])
    return Match(intent["name"], round(score, 3), intent["answer"])


def model_configured(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """A model is used when OPENAI_API_KEY or OPENAI_BASE_URL is set (e.g. a local OpenAI-compatible server)."""
    return bool(environ.get("OPENAI_API_KEY") or environ.get("OPENAI_BASE_URL"))


def system_prompt(data: dict[str, Any]) -> str:
    """The persona plus the intents' answers as the only facts the model may use."""
    facts = "\n".join(f"- {intent['name']}: {intent['answer']}" for intent in data["intents"])
    return (
        f"You are {data['bot_name']}. {data['persona']}\n"
        "Answer briefly, using only the facts below. If they do not cover the question, reply with exactly: "
        f"{data['fallback']}\n\nFacts:\n{facts}"
    )


def model_reply(history: list[dict[str, str]], data: dict[str, Any]) -> str:
    """One chat completion from the configured model (CHAT_MODEL, default gpt-5-mini); raises on any failure."""
    from openai import OpenAI  # imported only when a model is configured

    client = OpenAI(
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        timeout=30.0,
        max_retries=1,
    )
    messages = [{"role": "system", "content": system_prompt(data)}]
    messages += [{"role": m["role"], "content": m["content"]} for m in history[-HISTORY:]]
    response = client.chat.completions.create(
        model=os.environ.get("CHAT_MODEL") or "gpt-5-mini",
        messages=messages,  # type: ignore[arg-type]
    )
    text = (response.choices[0].message.content or "").strip()
    if not text:
        raise ValueError("the model returned an empty reply")
    return text
