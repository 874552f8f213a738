"""Replies: from the intents (offline, no network) or, when one is configured, from an OpenAI-compatible model.

How a message finds its intent (`Index`): each intent is a handful of short texts (its phrasings, its title, its
fact labels and values). Words are normalised (case, accents, plural and -ing/-ed endings) and compared with
rapidfuzz, so "parking" meets "park" and a small typo still matches. A word that belongs to one intent counts more
than one that many intents share (idf); a word the bot has never seen counts a little against every intent. An
intent's score blends how well its closest text and the message cover each other (F1 of the shared weight) with
how much of the message the intent knows at all (its answer included). The best intent answers when its score
reaches the threshold in bot.json; otherwise the fallback does. Either way the events record the score.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

DATA_FILE = Path(__file__).with_name("bot.json")
#: The lowest score (0..1) at which a message counts as asking an intent's question, unless bot.json sets one.
THRESHOLD = 0.45
#: How much a word the bot has never seen weighs against a match (a word known to every intent weighs ln 2 = 0.69).
UNKNOWN_WEIGHT = 0.5
#: The share of the score that comes from the intent's whole vocabulary rather than its closest text.
VOCABULARY_SHARE = 0.4
#: Two different words are the same word when rapidfuzz rates them this similar and they start alike.
WORD_SIMILARITY = 85
#: How many earlier messages the model sees.
HISTORY = 12

# fmt: off
#: Words that frame a question rather than say what it is about ("what's the best way to ...").
STOPWORDS = frozenset({
    "a", "about", "also", "am", "an", "and", "any", "anything", "are", "as", "at", "be", "been", "best", "by", "can",
    "could", "did", "do", "does", "find", "for", "from", "go", "has", "have", "hello", "here", "hey", "hi", "how",
    "hows", "i", "if", "im", "in", "info", "information", "into", "is", "it", "its", "just", "know", "like", "me",
    "my", "need", "no", "now", "of", "ok", "okay", "on", "or", "our", "out", "please", "question", "questions",
    "really", "should", "so", "some", "someone", "something", "still", "tell", "than", "thank", "thanks", "that",
    "thats", "the", "their", "them", "then", "there", "theres", "these", "thing", "things", "this", "those", "to",
    "us", "want", "was", "way", "we", "what", "whats", "when", "whens", "where", "wheres", "which", "who", "whos",
    "why", "will", "with", "would", "yes", "you", "your",
})
# fmt: on


@dataclass(frozen=True)
class Match:
    """The intent a message asks about (None: none is close enough), how close it is, the reply and its facts."""

    intent: str | None
    score: float
    answer: str
    facts: tuple[dict[str, str], ...] = field(default=())


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    """The bot's intents, hand-off, fallback and wording, as plain data."""
    return json.loads(path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Lower case, accents, apostrophes and punctuation removed, single spaces ("Can't" -> "cant")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).replace("'", "").replace("\u2019", "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain))


def stem(word: str) -> str:
    """A light English stem: plurals and -ing/-ed endings go; rapidfuzz bridges what is left ("arriv"/"arrive")."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> list[str]:
    """The words that carry meaning: normalised, stop words and single letters dropped, stemmed."""
    return list(_keywords(text))


@functools.lru_cache(maxsize=4096)
def _keywords(text: str) -> tuple[str, ...]:  # the same phrasings are read again for every index built
    return tuple(stem(w) for w in normalise(text).split() if w not in STOPWORDS and len(w) > 1)


def alike(a: str, b: str) -> bool:
    """The same word, inflected or with a typo: similar by rapidfuzz's ratio and with the same first letters."""
    return a == b or (a[:3] == b[:3] and fuzz.ratio(a, b) >= WORD_SIMILARITY)


def intent_texts(intent: dict[str, Any]) -> list[str]:
    """The short texts a message is compared with: phrasings, title, and each fact's label and value."""
    texts = [*intent["phrasings"], intent["title"]]
    for fact in intent.get("facts") or []:
        texts += [fact["label"], fact["value"]]
    return texts


class Index:
    """The intents of one bot, ready to match messages against (see the module docstring)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.threshold = float(data.get("threshold", THRESHOLD))
        intents = data["intents"]
        words = sorted({w for i in intents for t in [*intent_texts(i), i["answer"]] for w in keywords(t)})
        self.words = words
        self.canonical: dict[str, str] = {}  # every word -> the first alike word: one spelling per word
        for word in words:
            close = process.extract(word, words, scorer=fuzz.ratio, score_cutoff=WORD_SIMILARITY, limit=None)
            first = next((w for w, _, _ in close if w in self.canonical and alike(word, w)), word)
            self.canonical[word] = self.canonical.get(first, word)
        self.texts = {i["name"]: [self._canon(keywords(t)) for t in intent_texts(i)] for i in intents}
        self.vocabulary = {
            i["name"]: set().union(*self.texts[i["name"]], self._canon(keywords(i["answer"]))) for i in intents
        }
        count = len(intents)
        self.idf = {
            word: math.log(1 + count / sum(word in v for v in self.vocabulary.values()))
            for word in set(self.canonical.values())
        }

    def _canon(self, words: Iterable[str]) -> set[str]:
        return {self.canonical[w] for w in words if w in self.canonical}

    def _known(self, words: list[str]) -> tuple[set[str], int]:
        """The message's words in the bot's spelling, and how many it has never seen."""
        known, unknown = set(), 0
        for word in words:
            if word not in self.canonical and len(word) >= 4:
                close = process.extract(word, self.words, scorer=fuzz.ratio, score_cutoff=WORD_SIMILARITY, limit=3)
                word = next((w for w, _, _ in close if alike(word, w)), word)
            if word in self.canonical:
                known.add(self.canonical[word])
            else:
                unknown += 1
        return known, unknown

    def scores(self, message: str) -> list[tuple[float, str]]:
        """Every intent's score for `message`, best first (ties keep the intents' order)."""
        known, unknown = self._known(keywords(message))
        weight = sum(self.idf[w] for w in known) + UNKNOWN_WEIGHT * unknown
        ranked = []
        for name, texts in self.texts.items():
            closest = 0.0
            for words in texts:
                shared = sum(self.idf[w] for w in known & words)
                if shared:
                    recall, precision = shared / weight, shared / sum(self.idf[w] for w in words)
                    closest = max(closest, 2 * recall * precision / (recall + precision))
            coverage = sum(self.idf[w] for w in known & self.vocabulary[name]) / weight if weight else 0.0
            ranked.append((round((1 - VOCABULARY_SHARE) * closest + VOCABULARY_SHARE * coverage, 3), name))
        return sorted(ranked, key=lambda pair: -pair[0])

    def match(self, message: str) -> Match:
        """The best intent for `message`, or the fallback when no intent reaches the threshold."""
        ranked = self.scores(message)
        score, name = ranked[0] if ranked else (0.0, None)
        if name is None or score < self.threshold:
            return Match(None, score, self.data["fallback"])
        intent = next(i for i in self.data["intents"] if i["name"] == name)
        return Match(name, score, intent["answer"], tuple(intent.get("facts") or ()))


#: The share of each intent's phrasings that must still find it when held out of the index (see phrasing_problems).
HELD_OUT_BAR = 0.8


def phrasing_problems(data: dict[str, Any]) -> list[str]:
    """Why these intents would not answer natural questions, one line each (empty when they will).

    Each phrasing is held out of the index in turn and must still find its intent from the others, the way a
    question nobody wrote down must (at least HELD_OUT_BAR of them); and every phrasing must find its own intent
    from the full index. tests/test_matching.py asserts this, and scaffold checks a plan with it before writing.
    """
    problems, misses, total = [], [], 0
    full = Index(data)
    for i, intent in enumerate(data["intents"]):
        for k, phrasing in enumerate(intent["phrasings"]):
            held_out = {**data, "intents": [dict(x) for x in data["intents"]]}
            held_out["intents"][i]["phrasings"] = [p for j, p in enumerate(intent["phrasings"]) if j != k]
            found = Index(held_out).match(phrasing)
            total += 1
            if found.intent != intent["name"]:
                misses.append(f"{phrasing!r} ({intent['name']}) -> {found.intent or 'fallback'} {found.score}")
            ranked = full.scores(phrasing)
            own = next(score for score, name in ranked if name == intent["name"])
            if own != ranked[0][0] or own < full.threshold:  # another intent may only tie
                problems.append(f"{phrasing!r} does not find its own intent {intent['name']} (best: {ranked[0][1]})")
    if total and 1 - len(misses) / total < HELD_OUT_BAR:
        problems.insert(0, f"{len(misses)} of {total} held-out phrasings miss their intent: " + "; ".join(misses[:5]))
    return problems


def match(message: str, data: dict[str, Any]) -> Match:
    """`Index(data).match(message)`: for one-off questions; keep an Index to answer many."""
    return Index(data).match(message)


def model_configured(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """A model is used when OPENAI_API_KEY or OPENAI_BASE_URL is set (e.g. a local OpenAI-compatible server)."""
    return bool(environ.get("OPENAI_API_KEY") or environ.get("OPENAI_BASE_URL"))


def system_prompt(data: dict[str, Any]) -> str:
    """The persona as an instruction, and the intents' answers and facts as the only knowledge the model may use."""
    topics = []
    for intent in data["intents"]:
        facts = "".join(f"\n  - {f['label']}: {f['value']}" for f in intent.get("facts") or [])
        topics.append(f"- {intent['title']}: {intent['answer']}{facts}")
    knowledge = "\n".join(topics)
    return (
        f"You are {data['bot_name']}, run by {data['operator']}, answering {data['audience']}.\n"
        f"{data['persona']}\n"
        "Answer briefly, using only the answers and facts below. If they do not cover the question, reply with "
        f"exactly: {data['fallback']}\n"
        f"If someone asks for a person, tell them to use the button: {data['handoff']['label']}\n\n"
        f"Answers and facts:\n{knowledge}"
    )


def model_reply(history: list[dict[str, Any]], data: dict[str, Any]) -> str:
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
