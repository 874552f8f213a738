"""The offline planner: right blueprint, answers taken from the statement, always a valid and deterministic plan."""

from __future__ import annotations

import builtins
import json
import keyword
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.catalog import Catalog
from scaffolder.pipeline import validate_plan
from scaffolder.plan import Plan
from scaffolder.planners import offline

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("SCAFFOLD_CORPUS", "/work/shared/corpus/problem_statements.jsonl"))
IDENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
UNSAFE = set(keyword.kwlist) | set(dir(builtins)) | {"id"}

PHARMACY = (
    "Partner pharmacies need to check whether a prescription has been approved by the insurer before they dispense it."
)
PLANT = "Plant managers want to see machine uptime and scrap rate per shift on one screen."
WEDDING = "Wedding guests keep texting the couple about dress code, parking and schedule."

#: Statements written for these tests (not from the corpus), with the blueprint a person would pick.
FRESH = [
    ("Field technicians need to log equipment faults offline", "streamlit"),
    ("Store managers can't see which products are about to run out", "streamlit"),
    ("Tenants want to ask whether their landlord can raise the rent", "chatbot"),
    ("Hospitals want to send bed occupancy to the regional health authority every hour", "api"),
    ("Gym members want to ask about opening times, classes and membership fees", "chatbot"),
    ("Recruiters need to compare candidates by stage and source", "streamlit"),
    ("Courier firms need their systems to fetch parcel labels and submit proof of delivery", "api"),
    ("Patients want advice on whether they should book a GP appointment", "chatbot"),
]

ADVERSARIAL = [
    "x",
    "Hello",
    "日本語のテキストだけ",
    "{{ cookiecutter.project }} {% raw %} ${HOME} $(rm -rf /)",
    "../../etc/passwd",
    "\"quotes\" and 'apostrophes' and it’s fine",
    "class import id list type def lambda",
    "Users want to ask about class, import and def",
    "People need to send id, type and list to the system",
    "by by per per for each",
    "café naïve résumé users want to see größe per Straße",
    "12345 67890",
    " ".join(["noise"] * 400)[:2000],
    "🙂 " * 300,
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def corpus() -> list[dict[str, str]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def identifiers(plan: Plan) -> list[str]:
    """Every identifier the plan hands to a template."""
    a = plan.answers
    names = [i.id for i in plan.brief.indicators] + [plan.blueprint]
    for res in a.get("resources", []):
        names += [res["name"], res["plural"]] + [f["name"] for f in res["fields"]]
    names += [c["name"] for c in a.get("columns", [])] + [a[k] for k in ("entity", "metric", "group_by") if k in a]
    names += [i["name"] for i in a.get("intents", [])]
    return names


def assert_valid(plan: Plan, catalog: Catalog, statement: str) -> None:
    assert validate_plan(plan, catalog) == []
    assert plan.provenance is not None and plan.provenance.planner == "offline"
    assert plan.statement == statement.strip()
    assert len(plan.project_name) <= 60 and len(plan.slug) <= 40
    for name in identifiers(plan):
        assert IDENT.match(name) and name not in UNSAFE, name
    for res in plan.answers.get("resources", []):
        assert "id" not in [f["name"] for f in res["fields"]]
        assert res["name"] != "item"


def test_corpus_accuracy(catalog: Catalog) -> None:
    rows = corpus()
    misses = []
    for row in rows:
        name, _ = offline.choose_blueprint(row["statement"], catalog)
        if name != row["blueprint"]:
            misses.append(f"{row['blueprint']} -> {name}: {row['statement']}")
    print(f"corpus accuracy {1 - len(misses) / len(rows):.3f}; misses: {misses}")
    assert len(rows) >= 30
    assert 1 - len(misses) / len(rows) >= 0.9, misses


def test_every_corpus_plan_is_valid(catalog: Catalog) -> None:
    for row in corpus():
        plan = offline.plan(row["statement"], catalog)
        assert_valid(plan, catalog, row["statement"])
        assert plan.brief.target_users[0].lower() in row["statement"].lower()
        assert 2 <= len(plan.brief.hypotheses) <= 3 and 2 <= len(plan.brief.indicators) <= 4
        for hypothesis in plan.brief.hypotheses:
            assert hypothesis.belief.startswith("We believe") and " because " in hypothesis.belief


@pytest.mark.parametrize(("statement", "expected"), FRESH)
def test_fresh_statements_pick_the_sensible_blueprint(catalog: Catalog, statement: str, expected: str) -> None:
    name, reason = offline.choose_blueprint(statement, catalog)
    assert name == expected, reason
    assert_valid(offline.plan(statement, catalog), catalog, statement)


def test_plan_is_deterministic(catalog: Catalog) -> None:
    for statement in (PHARMACY, PLANT, WEDDING):
        assert offline.plan(statement, catalog).model_dump() == offline.plan(statement, catalog).model_dump()


def test_plan_does_not_depend_on_the_hash_seed(catalog: Catalog) -> None:
    code = (
        "import json, sys; from scaffolder.catalog import Catalog; from scaffolder.planners import offline; "
        "c = Catalog(); print(json.dumps([offline.plan(s, c).model_dump(mode='json') for s in sys.argv[1:]]))"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code, PHARMACY, PLANT, WEDDING], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_pharmacy_resources_come_from_the_statement(catalog: Catalog) -> None:
    plan = offline.plan(PHARMACY, catalog)
    assert plan.blueprint == "api"
    resources = plan.answers["resources"]
    assert [r["plural"] for r in resources] == ["prescriptions", "approvals"]
    assert plan.brief.target_users == ["Partner pharmacies"]
    approval = resources[1]
    field_names = [f["name"] for f in approval["fields"]]
    assert "insurer" in field_names and "status" in field_names
    assert 3 <= len(field_names) <= 6
    statuses = {s["status"] for s in approval["samples"]}
    assert statuses <= {"approved", "pending", "rejected"}
    assert 3 <= len(approval["samples"]) <= 5
    assert all(re.match(r"^RX-\d+$", s["reference"]) for s in resources[0]["samples"])
    created = plan.brief.indicators[0]
    assert (created.event, created.of_event, created.where) == (
        "resource_created",
        "resource_viewed",
        {"resource": "approval"},
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("Utility companies want to submit meter readings and get back estimated bills.", {"meter_reading", "bill"}),
        (
            "Charity platforms need to register donations and retrieve a donor's yearly tax receipt.",
            {"donation", "tax_receipt"},
        ),
        (
            "Accounting software vendors want to send us invoices and receive a payment link back.",
            {"invoice", "payment_link"},
        ),
    ],
)
def test_api_resources_name_the_things_exchanged(catalog: Catalog, statement: str, expected: set[str]) -> None:
    plan = offline.plan(statement, catalog)
    assert {r["name"] for r in plan.answers["resources"]} == expected


def test_streamlit_columns_come_from_the_statement(catalog: Catalog) -> None:
    plan = offline.plan(PLANT, catalog)
    a = plan.answers
    assert plan.blueprint == "streamlit"
    columns = {c["name"]: c["kind"] for c in a["columns"]}
    assert columns["shift"] == "category" and a["group_by"] == "shift"
    assert a["metric"].startswith("uptime") and columns[a["metric"]] == "number"
    assert any(name.startswith("scrap_rate") for name in columns)
    assert a["entity"] == "machine"
    assert 12 <= len(a["rows"]) <= 24
    assert [s["kind"] for s in a["screens"]] == ["overview", "table", "detail"]
    assert all(set(row) <= set(columns) for row in a["rows"])
    assert all(0 <= row[a["metric"]] <= 100 for row in a["rows"])
    assert {row["shift"] for row in a["rows"]} <= {"Early", "Late", "Night"}


def test_every_streamlit_plan_uses_words_of_its_statement(catalog: Catalog) -> None:
    for row in corpus():
        if row["blueprint"] != "streamlit":
            continue
        plan = offline.plan(row["statement"], catalog, blueprint="streamlit")
        words = set(re.findall(r"[a-z]+", row["statement"].lower()))
        stems = {w[:5] for w in words if len(w) > 3}
        column_words = {part[:5] for c in plan.answers["columns"] for part in c["name"].split("_") if len(part) > 3}
        assert column_words & stems, (row["statement"], plan.answers["columns"])


def test_action_label_fits_the_statement(catalog: Catalog) -> None:
    auditors = offline.plan(
        "Auditors need to sample transactions, filter by amount and vendor, and record findings.", catalog
    )
    assert auditors.answers["action_label"] == "Record finding"
    tickets = offline.plan("Dispatchers want a board of open service tickets with technician assignments.", catalog)
    assert tickets.answers["action_label"] == "Assign technician"


def test_chatbot_intents_are_the_topics(catalog: Catalog) -> None:
    plan = offline.plan(WEDDING, catalog)
    a = plan.answers
    names = [i["name"] for i in a["intents"]]
    assert plan.blueprint == "chatbot"
    assert {"dress_code", "parking", "schedule", "human_handoff"} <= set(names)
    for intent in a["intents"]:
        assert len(intent["examples"]) == 3
        if intent["name"] != "human_handoff":
            assert "prototype" in intent["answer"] and "replace" in intent["answer"].lower()
    assert "dress code" in a["greeting"] and a["fallback"] and a["persona"]
    indicator_events = {i.event for i in plan.brief.indicators}
    assert {"conversation_resolved", "feedback_given"} <= indicator_events


def test_chatbot_turns_the_main_question_into_an_intent(catalog: Catalog) -> None:
    plan = offline.plan("Tenants want to ask whether their landlord can raise the rent", catalog)
    examples = [e for i in plan.answers["intents"] for e in i["examples"]]
    assert any("whether my landlord can raise the rent" in e for e in examples)
    assert 3 <= len(plan.answers["intents"]) <= 8


@pytest.mark.parametrize("forced", ["api", "streamlit", "chatbot"])
def test_forced_blueprint(catalog: Catalog, forced: str) -> None:
    for statement in (PHARMACY, PLANT, WEDDING, "x"):
        plan = offline.plan(statement, catalog, blueprint=forced)
        assert plan.blueprint == forced
        assert_valid(plan, catalog, statement)
        assert "--blueprint" in plan.rationale


@pytest.mark.parametrize("statement", ADVERSARIAL)
def test_adversarial_statements_still_give_a_valid_plan(catalog: Catalog, statement: str) -> None:
    plan = offline.plan(statement, catalog)
    assert_valid(plan, catalog, statement)
    assert plan.provenance is not None and plan.provenance.warnings == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400).map(lambda s: " ".join(s.split())).filter(bool))
def test_any_text_gives_a_valid_plan(catalog: Catalog, statement: str) -> None:
    assert_valid(offline.plan(statement, catalog), catalog, statement)


SALAD = "ask see send per by about the users want need to which whether how id type class list import for each and , . "
SALAD += "orders order booking system import def return lambda café 2026 ’s"
WORDS = st.sampled_from(SALAD.split(" "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=1, max_size=40).map(" ".join), st.sampled_from([None, "api", "streamlit", "chatbot"]))
def test_statement_like_word_salad_gives_a_valid_plan(catalog: Catalog, statement: str, forced: str | None) -> None:
    assert_valid(offline.plan(statement, catalog, blueprint=forced), catalog, statement)


def test_custom_blueprint_is_scored_by_its_keywords(tmp_path: Path) -> None:
    folder = tmp_path / "kiosk"
    folder.mkdir()
    (folder / "copier.yml").write_text(
        "project_name: {type: str}\nslug: {type: str}\nscreen_title: {type: str}\nlanguages: {type: int, default: 2}\n",
        encoding="utf-8",
    )
    (folder / "blueprint.yml").write_text(
        "name: kiosk\ntitle: Touch kiosk\nsummary: A kiosk.\nuse_when: visitors use a touch screen kiosk\n"
        "keywords: [kiosk, touch screen, lobby]\nevents: {kiosk_opened: opened, kiosk_done: finished}\n",
        encoding="utf-8",
    )
    catalog = Catalog([tmp_path])
    statement = "Hotel guests want a lobby kiosk with a touch screen for check-out"
    name, reason = offline.choose_blueprint(statement, catalog)
    assert name == "kiosk" and "kiosk" in reason
    plan = offline.plan(statement, catalog)
    assert plan.blueprint == "kiosk"
    assert_valid(plan, catalog, statement)
    assert {e for i in plan.brief.indicators for e in i.events()} <= {"kiosk_opened", "kiosk_done"}
