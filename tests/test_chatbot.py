"""The chatbot blueprint with a clinic FAQ plan written the way a capable model writes one: it renders with the
CLI, its suite passes, natural questions nobody wrote down find their intent, and hostile text stays data."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import string
import sys
from pathlib import Path
from types import ModuleType
from typing import get_args

import pytest
from conftest import FIXTURES, run_generated_tests
from openai_server import FakeOpenAI, Reply

from scaffolder.catalog import Catalog, load_yaml_file
from scaffolder.pipeline import write
from scaffolder.plan import IndicatorKind
from scaffolder.validation import parse_plan

CLINIC = FIXTURES / "plan_clinic_faq.json"
BLUEPRINT = Path(__file__).resolve().parents[1] / "blueprints" / "chatbot"

#: Ten questions per intent, written as patients ask them, not copied from the plan's phrasings.
PARAPHRASES = {
    "parking": [
        "Where can I park when I come for my appointment?",
        "Is there anywhere to leave my car?",
        "Do you have parking for patients?",
        "How much does it cost to park at the surgery?",
        "is parking free",
        "Where's the nearest car park?",
        "I have a blue badge, where should I park?",
        "Can I park on Mill Lane?",
        "Is there parking nearby",
        "Where do I put my car when I visit the doctor?",
    ],
    "opening_hours": [
        "What time do you open on Saturday?",
        "Are you open on Sundays?",
        "When do you close today?",
        "what are the surgery hours",
        "Is the practice open at weekends?",
        "How early does the surgery open?",
        "Are you open late on weekdays?",
        "What time do you shut?",
        "Are you open over the Easter bank holiday?",
        "What days are you open?",
    ],
    "book_appointment": [
        "I'd like to make an appointment with a GP",
        "How can I see a doctor this week?",
        "Can I get an appointment through the app?",
        "I need an appointment with the nurse",
        "How do I get an appointment?",
        "Is it possible to be seen today?",
        "I want to book a blood test",
        "How do I arrange to see my doctor?",
        "Can I book a telephone appointment?",
        "I need to see a GP about my back",
    ],
    "cancel_appointment": [
        "I can't make my appointment tomorrow",
        "How do I cancel?",
        "I need to cancel my appointment on Friday",
        "Can I move my appointment to another day?",
        "I want to reschedule my appointment",
        "Can I change the time of my appointment?",
        "What if I can't come to my appointment?",
        "How do I cancel a booking?",
        "I need to rearrange my GP appointment",
        "Can I cancel over the phone?",
    ],
    "repeat_prescription": [
        "I'm running out of my tablets",
        "How do I reorder my medication?",
        "Can I get a repeat prescription?",
        "How long until my prescription is ready?",
        "Where do I collect my prescription?",
        "I need a refill of my inhaler",
        "Can I order my meds on the NHS App?",
        "My prescription hasn't arrived at the pharmacy",
        "How do I request more medicine?",
        "Can I change which pharmacy gets my prescriptions?",
    ],
    "test_results": [
        "Have my blood results come back?",
        "How long do test results take?",
        "I had a scan last week, when will I get the results?",
        "Can I check my results in the app?",
        "Are my results normal?",
        "Who tells me my x-ray results?",
        "I'm waiting for my test results",
        "When should I call about my results?",
        "Has the doctor looked at my blood test?",
        "How will I find out my results?",
    ],
}
UNRELATED = [
    "What's the weather like tomorrow?",
    "Can you recommend a good restaurant?",
    "Who won the football last night?",
    "How do I reset my wifi router?",
    "Tell me a joke",
    "Do you sell train tickets?",
    "How do I learn to play guitar?",
    "Who is the practice manager?",
]


def clinic() -> dict:
    return json.loads(CLINIC.read_text(encoding="utf-8"))


def render(data: dict, out: Path) -> Path:
    catalog = Catalog()
    write(parse_plan(data, catalog, source="test"), catalog, out)
    return out


def generated_responder(repo: Path) -> ModuleType:
    """The rendered repo's own `app/responder.py`, imported from its file."""
    name = f"generated_responder_{len(sys.modules)}"
    spec = importlib.util.spec_from_file_location(name, repo / "app" / "responder.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def clinic_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(clinic(), tmp_path_factory.mktemp("clinic") / "out")


def test_the_clinic_plan_renders_with_the_cli_and_its_suite_passes(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("--plan", str(CLINIC), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    bot = json.loads((out / "app" / "bot.json").read_text(encoding="utf-8"))
    assert {k: bot[k] for k in clinic()["answers"]} == clinic()["answers"]
    suite = run_generated_tests(out)
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout and "skipped" not in suite.stdout
    assert "test_held_out_phrasings_still_find_their_intent" in (out / "tests" / "test_matching.py").read_text()


def test_natural_paraphrases_find_their_intent(clinic_repo: Path) -> None:
    responder = generated_responder(clinic_repo)
    index = responder.Index(responder.load(clinic_repo / "app" / "bot.json"))
    assert sorted(PARAPHRASES) == sorted(i["name"] for i in index.data["intents"])
    misses = {name: [q for q in questions if index.match(q).intent != name] for name, questions in PARAPHRASES.items()}
    assert all(len(missed) <= 2 for missed in misses.values()), misses


def test_the_questions_from_the_issue_get_fact_based_answers(clinic_repo: Path) -> None:
    responder = generated_responder(clinic_repo)
    index = responder.Index(responder.load(clinic_repo / "app" / "bot.json"))
    parking = index.match("Where can I park when I come for my appointment?")
    assert parking.intent == "parking" and "Mill Lane car park" in parking.answer
    assert any("behind the surgery" in fact["value"] for fact in parking.facts)
    saturday = index.match("What time do you open on Saturday?")
    assert saturday.intent == "opening_hours"
    assert {"label": "Saturday", "value": "9:00 to 12:30, booked appointments only"} in saturday.facts


def test_unrelated_questions_fall_back(clinic_repo: Path) -> None:
    responder = generated_responder(clinic_repo)
    index = responder.Index(responder.load(clinic_repo / "app" / "bot.json"))
    for question in UNRELATED:
        found = index.match(question)
        assert found.intent is None and found.answer == index.data["fallback"], (question, found)


def test_with_a_model_configured_the_reply_is_grounded_by_the_intents_and_facts(
    clinic_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated responder's model path, over HTTP to a local OpenAI-compatible server."""
    responder = generated_responder(clinic_repo)
    data = responder.load(clinic_repo / "app" / "bot.json")
    history = [{"role": "assistant", "content": data["greeting"]}, {"role": "user", "content": "Open on Saturday?"}]
    with FakeOpenAI() as server:
        server.queue(Reply("We are open 9:00 to 12:30 on Saturdays."))
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("CHAT_MODEL", "local-model")
        assert responder.model_configured()
        assert responder.model_reply(history, data) == "We are open 9:00 to 12:30 on Saturdays."
    body = server.received[-1].body
    assert body["model"] == "local-model"
    system, *rest = body["messages"]
    assert system["role"] == "system" and rest == history
    assert data["persona"] in system["content"] and data["fallback"] in system["content"]
    assert "Saturday: 9:00 to 12:30, booked appointments only" in system["content"]
    assert data["handoff"]["label"] in system["content"] and data["operator"] in system["content"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["intents"][1].update(name="parking"), "intent names must be unique"),
        (lambda a: a["intents"][2]["phrasings"].append("where can I PARK?!"), "a phrasing appears twice"),
        (lambda a: a["intents"][0].update(phrasings=["Parking?"] * 3), "is too short"),
        (lambda a: a.update(handoff={"label": "Talk to a person"}), "'message' is a required property"),
        (lambda a: a.update(audience=" "), "Say who asks"),
    ],
)
def test_answers_that_break_a_rule_are_refused(change, message: str) -> None:
    answers = copy.deepcopy(clinic()["answers"])
    change(answers)
    problems = Catalog().get("chatbot").validate_answers(answers)
    assert any(message in p for p in problems), problems


def test_brief_templates_name_declared_events_and_known_placeholders() -> None:
    brief = load_yaml_file(BLUEPRINT / "brief.yml")
    events = load_yaml_file(BLUEPRINT / "blueprint.yml")["events"]
    allowed = {"audience", "operator", "topics", "first_topic", "first_intent", "resolved_share"}
    assert set(brief["indicators"]) == set(brief["hypotheses"])
    for key, spec in brief["indicators"].items():
        assert spec["kind"] in get_args(IndicatorKind), key
        for event in filter(None, (spec["event"], spec.get("of_event"))):
            assert event in events, (key, event)
        assert set(spec.get("where") or {}) <= set(events[spec["event"]].get("properties") or {}), key
        for text in (spec["name"], spec["id"], brief["hypotheses"][key]):
            names = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            assert names <= allowed, (key, names - allowed)
    assert brief["indicators"]["fallback"]["kind"] == "ratio"


def test_the_chatbot_entry_in_the_llm_prompt_stays_small() -> None:
    """The catalogue entry is sent on every request (about 4 characters a token)."""
    from scaffolder.prompt import catalogue

    entry = catalogue(Catalog(), "chatbot")
    assert len(entry) / 4 < 450, len(entry) / 4
    assert re.search(r"intent_matched\(intent: str, score: float\)", entry)
    assert "handoff_requested(intent: str)" in entry and "answer_feedback(intent: str, positive: bool)" in entry


def test_a_plan_whose_phrasings_would_not_find_their_intents_is_refused(cli, tmp_path: Path) -> None:
    """Issue 10 §8: a plan that validates renders a repo whose own tests pass, so the generated matching test is
    run on the answers before anything is written, and its failure is the plan's (quoted to an LLM's repair)."""
    plan = json.loads((FIXTURES / "plan_clinic_faq.json").read_text(encoding="utf-8"))
    for n, intent in enumerate(plan["answers"]["intents"]):
        intent["phrasings"] = [f"lorem {n} ipsum", f"dolor sit {n}", f"amet {n} elit", f"sed do {n} eiusmod"]
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(plan), encoding="utf-8")
    out = tmp_path / "bot"
    refused = cli("--plan", str(source), "--out", str(out))
    assert refused.exit_code == 2
    assert "held-out phrasings miss their intent" in refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and not out.exists()


def test_the_matcher_is_loaded_whole_when_batch_threads_ask_at_once() -> None:
    """Batch plans on threads: none may see the chatbot's matcher half-imported (it once failed one line)."""
    import threading

    from scaffolder.planners.plugin import load_module

    path = Path(__file__).resolve().parents[1] / "blueprints" / "chatbot" / "template" / "app" / "responder.py"
    name = "scaffold_test_concurrent_responder"
    seen: list[bool] = []
    start = threading.Barrier(8)

    def load() -> None:
        start.wait()
        seen.append(hasattr(load_module(name, path), "phrasing_problems"))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sys.modules.pop(name, None)
    assert seen == [True] * 8
