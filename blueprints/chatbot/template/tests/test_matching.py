"""Do natural questions find their intent? Each phrasing is held out of the index in turn and must still find its
intent from the others (with the title and facts), the way a question nobody wrote down must; unrelated questions
must fall back. When this fails after you edit app/bot.json, add phrasings to the intents it names."""

from __future__ import annotations

from app import responder

DATA = responder.load()
#: Questions about nothing a prototype bot is likely to know; those that share no word with this bot must fall back.
OFF_TOPIC = [
    "What's the weather like tomorrow?",
    "Who won the football last night?",
    "Tell me a joke",
    "What is the capital of France?",
    "How do I reset my wifi router?",
    "Can you recommend a good pizza recipe?",
    "zqxv plorft wubbish",
]


def test_held_out_phrasings_still_find_their_intent() -> None:
    """At least responder.HELD_OUT_BAR of the phrasings, each held out in turn, still find their own intent."""
    problems = responder.phrasing_problems(DATA)
    assert not problems, "\n".join(problems)


def test_unrelated_questions_fall_back() -> None:
    index = responder.Index(DATA)
    unrelated = [q for q in OFF_TOPIC if not set(responder.keywords(q)) & set(index.words)]
    assert len(unrelated) >= 3, "this bot's words overlap the off-topic questions; write others"
    for question in unrelated:
        found = index.match(question)
        assert found.intent is None and found.answer == DATA["fallback"], (question, found)


def test_words_are_compared_without_case_accents_or_endings() -> None:
    assert responder.normalise("  Où est MON colis?! ") == "ou est mon colis"
    assert responder.keywords("What's the best way to find parking spaces? I can't") == ["park", "space", "cant"]
    assert responder.alike("prescription", "prescriptoin") and not responder.alike("pay", "play")
