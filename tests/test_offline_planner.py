"""The offline planner: a real reading of statements it has never seen, the blueprint chosen from that reading, and
always a valid, deterministic plan (or a one-line BadInput for text that names nobody and nothing).

Accuracy is asserted on tests/fixtures/statements_heldout.jsonl, statements written blind (never tuned on);
tests/fixtures/statements_tuning.jsonl, statements_probes.jsonl and statements_dev.jsonl are what the reading and
the cues were tuned on and only guard against regressions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.catalog import Catalog
from scaffolder.errors import BadInput, ExitStatus
from scaffolder.plan import Plan
from scaffolder.planners import offline
from scaffolder.planners.reading import read
from scaffolder.validation import validate_plan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
TUNING = FIXTURES / "statements_tuning.jsonl"
HELDOUT = FIXTURES / "statements_heldout.jsonl"
#: Labels that betray a template instead of a reading: "Reassign 01", "Produce 02 (2)", "Item 3".
PLACEHOLDER = re.compile(r"^[A-Z][a-z]+(?: [A-Za-z]+)? \d{1,2}(?: \(\d+\))?$")
GENERIC_USERS = {"people who raised this problem", "we", "i", "us", "users", "people"}


def statements(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def accuracy(rows: list[dict[str, str]], catalog: Catalog) -> tuple[float, list[str]]:
    misses = []
    for row in rows:
        name, _ = offline.choose_blueprint(row["statement"], catalog)
        if name != row["blueprint"]:
            misses.append(f"{row['blueprint']} -> {name}: {row['statement']}")
    return 1 - len(misses) / len(rows), misses


# --- the statement files -------------------------------------------------------------------------------------------


def test_tuning_file_is_labelled_and_covers_every_blueprint(catalog: Catalog) -> None:
    rows = statements(TUNING)
    assert len(rows) == 40
    assert all(set(row) == {"statement", "blueprint", "users", "verb", "thing"} for row in rows)
    assert {row["blueprint"] for row in rows} == set(catalog.names())
    assert len({row["statement"] for row in rows}) == len(rows)


def test_heldout_accuracy(catalog: Catalog) -> None:
    """The goal, measured on statements the planner was never tuned on: 60 written blind (by a session that never
    saw the planner's code), first scored 0.967 (58/60), 0.983 after one fix that was not about these statements
    (a fill that its blueprint refused now retries from a plainer reading instead of failing)."""
    rows = statements(HELDOUT)
    score, misses = accuracy(rows, catalog)
    assert len(rows) >= 20
    assert score >= 0.95, f"held-out accuracy {score:.3f}; misses: {misses}"


def test_tuning_accuracy_does_not_regress(catalog: Catalog) -> None:
    score, misses = accuracy(statements(TUNING), catalog)
    assert score >= 0.95, misses


def test_probe_accuracy_does_not_regress(catalog: Catalog) -> None:
    """322 statements written in batches while building the planner; each batch was first scored unseen
    (0.85-0.97; the last six batches, after the dev-set work, 0.92-0.97), then its misses fixed by general
    rules. Now tuning data: a regression guard."""
    score, misses = accuracy(statements(FIXTURES / "statements_probes.jsonl"), catalog)
    assert score >= 0.95, misses


def test_dev_accuracy_does_not_regress(catalog: Catalog) -> None:
    """80 statements written blind by someone who never saw the code (0.925 when first scored, before the reading
    learnt compound subjects and requests for help); studied since, so tuning data: a regression guard."""
    score, misses = accuracy(statements(FIXTURES / "statements_dev.jsonl"), catalog)
    assert score >= 0.95, misses


def test_dev_readings_name_the_labelled_users(catalog: Catalog) -> None:
    """Who the prototype is for, as labelled by the statements' author (for a chatbot: who asks)."""
    rows = [row for row in statements(FIXTURES / "statements_dev.jsonl") if row.get("users")]
    plans = [offline.plan(row["statement"], catalog) for row in rows]
    right = sum(p.brief.target_users[0].lower() == row["users"].lower() for p, row in zip(plans, rows, strict=True))
    assert right / len(rows) >= 0.85, right


def test_tuning_readings_name_the_labelled_users_and_verbs() -> None:
    """The reading finds who has the problem, and the statement's verb among its actions, for most statements."""
    rows = statements(TUNING)
    users = sum((read(row["statement"]).users or "").lower() == row["users"].lower() for row in rows)
    verbs = 0
    for row in rows:
        reading = read(row["statement"])
        verbs += row["verb"] in {a.verb for a in reading.actions} or (row["verb"] == "ask" and reading.topics != [])
    assert users / len(rows) >= 0.85, users
    assert verbs / len(rows) >= 0.8, verbs


# --- the reading ---------------------------------------------------------------------------------------------------


def test_reading_of_a_board_statement() -> None:
    r = read("Depot supervisors need to see which repair tickets are overdue and reassign them to another mechanic.")
    assert r.users == "Depot supervisors" and r.actor_kind == "person"
    assert r.things[0].label == "repair ticket" and r.things[0].plural_label == "repair tickets"
    reassign = next(a for a in r.actions if a.verb == "reassign")
    assert reassign.kind == "change" and reassign.object is not None and reassign.object.name == "repair_ticket"
    assert reassign.target is not None and reassign.target.label == "mechanic" and reassign.target.is_person
    overdue = next(s for s in r.states if s.value == "Overdue")
    assert len(overdue.values) >= 2


def test_reading_of_devices_and_quantities() -> None:
    r = read("Cold-store freezers report their temperature in °C every 10 minutes and we need an endpoint for it.")
    assert r.actor == "Cold-store freezers" and r.actor_kind in ("device", "system")
    assert any(a.kind == "send" and a.verb == "report" for a in r.actions)
    assert any(q.unit == "°C" for q in r.quantities)
    assert "every 10 minutes" in r.frames


def test_a_named_unit_replaces_the_default_unit_of_its_dimension() -> None:
    weights = read("Haul trucks push their payload weight (tonnes) to the dispatch system after each load.")
    assert [q.name for q in weights.quantities] == ["weight_t"]  # not also a weight in kg
    fahrenheit = read("Lab technicians log the temperature in °F of each freezer twice a day.")
    assert [(q.name, q.unit) for q in fahrenheit.quantities] == [("temperature_f", "°F")]
    default = read("Couriers record the parcel weight and the distance driven on each route.")
    assert {q.name for q in default.quantities} == {"weight_kg", "distance_km"}


def test_what_people_are_told_of_is_the_object() -> None:
    """'notify us of flight delays': the delays are sent, not 'us'; 'warn drivers about closures' tells drivers."""
    notify = read("Bus operators want to notify us of route diversions so we can update the journey planner.")
    told = next(a for a in notify.actions if a.verb == "notify")
    assert told.object is not None and told.object.label == "route diversion"
    warn = next(a for a in read("Dispatchers want to warn drivers about road closures.").actions if a.verb == "warn")
    assert warn.object is not None and warn.object.label == "road closure"
    assert warn.target is not None and warn.target.label == "driver"


def test_a_bare_gerund_after_a_time_preposition_is_an_activity(catalog: Catalog) -> None:
    """'approved before shipping': what happens next, not a record called 'shipping' beside the order."""
    reading = read("Partner wholesalers need to check whether an order was released before shipping.")
    assert "shipping" not in {t.label for t in reading.things}
    plan = offline.plan("Partner wholesalers need to check whether an order was released before shipping.", catalog)
    assert [r["name"] for r in plan.answers["resources"]] == ["order"]
    about = read("Patients keep asking about parking.")
    assert "parking" in {t.label for t in about.things}, "a bare gerund after 'about' is still what they ask about"


def test_participles_before_a_noun_phrase_and_after_have() -> None:
    given = read("Tutors want a service that returns a pupil's reading age given their quiz answers.")
    assert "reading age given" not in {t.label for t in given.things}
    assert {"quiz answer", "pupil"} <= {t.label for t in given.things}
    perfect = read("Ward clerks need to see which patients have given consent for the trial.")
    assert "consent" in {t.label for t in perfect.things}, "'have given' is a verb, not part of 'given consent'"


def test_reading_of_a_passive_statement_and_of_amounts() -> None:
    r = read("Meter readings should be submitted by energy suppliers, about 200 readings a week.")
    assert r.actor == "Energy suppliers" and r.actor_kind == "partner"
    assert r.users == "Energy suppliers"
    assert any(q.amount == 200 and q.per == "week" for q in r.quantities)


def test_listed_topics_drop_judging_adjectives() -> None:
    assert read("Visitors ask about the right entrance, parking and opening times.").topics[:1] == ["entrance"]


def test_reading_of_topics_and_sensitive_domains() -> None:
    r = read("Patients keep phoning the clinic about parking, opening hours and repeat prescriptions.")
    assert r.topics[:3] == ["parking", "opening hours", "repeat prescriptions"]
    assert r.sensitive == "health"
    assert read("Letting agents want to screen tenants before a viewing.").sensitive == "tenant screening"
    assert read("Nursery staff want to see which children were picked up late.").sensitive == "children"
    assert read("Warehouse leads want to see which pallets are late.").sensitive is None


def test_reading_of_a_user_story_and_a_delegated_system() -> None:
    story = read("As a claims handler, I want to see which claims are waiting for documents.")
    assert story.users == "Claims handlers" and story.actor_kind == "person"
    delegated = read("Travel agencies want their booking system to fetch seat availability by flight number.")
    assert delegated.users == "Travel agencies" and delegated.actor_kind == "system"


def test_words_that_are_not_things_never_become_things() -> None:
    r = read("Staff were able to reassign shifts now, but nobody showed up to the training.")
    labels = {t.label for t in r.things}
    assert labels.isdisjoint({"able", "now", "showed", "reassign", "nobody"})
    assert "shift" in labels


@pytest.mark.parametrize(
    ("statement", "users", "kind"),
    [
        ("Ticket scanning gates must post every entry to the stadium database.", "Ticket scanning gates", None),
        ("Vending machine fleets across the campus report stock levels every hour.", "Vending machine fleets", None),
        ("Billing operations staff need to see which invoices bounced.", "Billing operations staff", "person"),
        ("Our suppliers' invoicing systems need to send credit notes to us.", "Invoicing systems", "system"),
        ("Wind turbines on the ridge report blade speed every 10 seconds.", "Wind turbines", "device"),
    ],
)
def test_compound_subjects_are_kept_whole(statement: str, users: str, kind: str | None) -> None:
    """A bare singular noun opens a compound ("ticket scanning gates"), never a subject of its own."""
    r = read(statement)
    assert r.users == users
    if kind:
        assert r.actor_kind == kind


def test_asking_for_help_and_asking_participles_are_questions(catalog: Catalog) -> None:
    """ "need guidance", "asking whether": people with questions; the ones asking are who the bot is for."""
    helped = read("Warehouse temps need quick guidance when a forklift battery warning lights up.")
    assert any(a.kind == "ask" for a in helped.actions)
    plan = offline.plan("Our help desk gets 300 emails a month from tenants asking whether pets are allowed.", catalog)
    assert plan.blueprint == "chatbot"
    assert plan.brief.target_users[0] == "Tenants"
    co = read("Co-owners want explanations of the lease in simple words before they submit a renewal.")
    assert co.actor_kind == "person" and co.things[0].head != "word"  # people who ask, even if they also submit
    verbs = read("Clients of the agency want to know what happens when a visa is refused.")
    assert "happen" not in {t.head for t in verbs.things} and not verbs.things[0].is_system


def test_object_complements_and_phrasal_verbs_are_not_nouns() -> None:
    """'find the form confusing and give up': an adjective and a verb, never the things 'form confusing' or 'give'."""
    r = read("Applicants find the grant form confusing and give up halfway through.")
    labels = {t.label for t in r.things}
    assert "grant form" in labels and not any("confusing" in label or label == "give" for label in labels)
    assert any(a.verb == "give" and a.text.startswith("give up") for a in r.actions)


def test_a_relation_makes_an_organisation_and_a_belonging_does_not() -> None:
    r = read("Buyers need to match supplier invoices against orders from partner clinics.")
    kinds = {t.label: t.is_org for t in r.things}
    assert kinds["supplier invoice"] is False and kinds["partner clinic"] is True


def test_passives_and_lists_are_not_states_or_verbs() -> None:
    pushed = read("Delivery slots should be pushed by the planning tool to every store.")
    assert all(s.value.lower() != "pushed" for s in pushed.states)
    listed = read("Learners ask about enrolment dates, fees and resits.")
    assert "resit" not in {a.verb for a in listed.actions} and "resits" in listed.topics
    owned = read("Invoices that are unpaid must be chased by the finance team.")
    assert any(s.value == "Unpaid" and s.of == "invoice" for s in owned.states)


def test_quantity_labels_and_counted_heads() -> None:
    r = read("Fridge sensors in 40 corner shops send temperature in °C and humidity every 5 minutes.")
    labels = {q.label for q in r.quantities}
    assert {"Temperature (°C)", "Humidity (%)"} <= labels
    assert any(q.name == "shops" and q.amount == 40 for q in r.quantities)


def test_numbers_that_fit_become_targets(catalog: Catalog) -> None:
    plan = offline.plan(
        "Passengers want 70% of their questions about baggage, refunds and seat changes answered by a bot.", catalog
    )
    resolved = next(i for i in plan.brief.indicators if i.id == "resolved_rate")
    assert resolved.target == 0.7 and "70%" in plan.brief.hypotheses[0].belief
    cut = offline.plan("Gym members ask how to cut their monthly fee by 20% and when classes start.", catalog)
    assert next(i for i in cut.brief.indicators if i.id == "resolved_rate").target == 0.5


def test_an_add_action_is_measured_by_the_record_it_adds(catalog: Catalog) -> None:
    plan = offline.plan(
        "Quality inspectors need to record defects per production batch and see which lines fail.", catalog
    )
    action = plan.answers["actions"][0]
    if action.get("kind") == "add":
        assert plan.brief.indicators[0].event == "record_added"
        assert plan.brief.indicators[0].where == {"action": action["id"]}
    else:
        assert plan.brief.indicators[0].event == "action_taken"


# --- bad input and the lexicon -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["hi", "asdf qwerty", "hello there", "?!", "12345"])
def test_text_with_nobody_and_nothing_is_bad_input(catalog: Catalog, text: str) -> None:
    with pytest.raises(BadInput) as caught:
        offline.plan(text, catalog)
    assert "\n" not in caught.value.message and "say who has what problem" in caught.value.message


def test_bad_input_exits_2_with_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--offline", "--dry-run", "hello there")
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "Traceback" not in result.output and "say who has what problem" in result.output


@pytest.mark.parametrize(
    "body",
    [
        "raise ImportError('No module named lemminflect')",  # missing
        "def getAllLemmas(word, upos=None):\n    return {}\n",  # installed but its data is gone
    ],
)
def test_a_missing_or_broken_lexicon_is_one_clear_line(tmp_path: Path, body: str) -> None:
    fake = tmp_path / "lemminflect"
    fake.mkdir()
    (fake / "__init__.py").write_text(body + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCAFFOLD_"))}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "scaffolder", "--offline", "--dry-run", "Fleet managers need to see late vans"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == ExitStatus.FAILURE, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "lemminflect" in line]
    assert len(lines) == 1 and "missing or broken" in lines[0]


# --- plans ---------------------------------------------------------------------------------------------------------


def assert_reads_the_statement(plan: Plan, catalog: Catalog, statement: str) -> None:
    assert validate_plan(plan, catalog) == []
    assert plan.schema_version == 2 and plan.provenance is not None and plan.provenance.planner == "offline"
    users = plan.brief.target_users[0]
    assert users.lower() not in GENERIC_USERS
    lowered = statement.lower()
    assert any(word.rstrip("s")[:-1] in lowered for word in re.findall(r"[a-z]{3,}", users.lower())), users
    assert not PLACEHOLDER.match(plan.project_name)
    text = json.dumps(plan.answers)
    assert not re.search(r'"[A-Z][a-z]+ 0\d"', text), "placeholder rows"
    answers = plan.answers
    names = [answers.get("entity"), *[r["name"] for r in answers.get("resources", [])][:1]]
    names += [i["name"] for i in answers.get("intents", [])][:1]
    for name in filter(None, names):  # the rows, first resource and first intent: named after the statement's words
        assert any(part.rstrip("s")[:4] in lowered for part in name.split("_") if len(part) > 2), name
    for action in answers.get("actions", []):  # the action is the statement's verb, or sets a state it names
        label = action["label"].split()[0].lower()
        assert label[:4] in lowered or any(s["mode"] == "fixed" for s in action.get("sets", [])), action["label"]


def test_every_tuning_statement_gives_a_valid_plan_from_its_words(catalog: Catalog) -> None:
    for row in statements(TUNING):
        plan = offline.plan(row["statement"], catalog)
        assert_reads_the_statement(plan, catalog, row["statement"])
        for hypothesis in plan.brief.hypotheses:
            assert hypothesis.belief.startswith("We believe ") and hypothesis.belief.endswith(".")


def test_sensitive_domains_add_a_consent_note(catalog: Catalog) -> None:
    plan = offline.plan("Care home nurses need to see which residents missed their medication today.", catalog)
    assert plan.brief.notes and "consent" in plan.brief.notes[0]
    assert not offline.plan("Depot leads need to see which vans are late.", catalog).brief.notes


def test_forced_blueprint_is_used_and_said(catalog: Catalog) -> None:
    for name in catalog.names():
        plan = offline.plan("Depot leads need to see which vans are late.", catalog, blueprint=name)
        assert plan.blueprint == name and "--blueprint" in plan.rationale
        assert validate_plan(plan, catalog) == []


def test_weak_evidence_is_said_in_the_warning(catalog: Catalog) -> None:
    plan = offline.plan("Invoices.", catalog)
    assert plan.provenance is not None
    assert any("evidence" in w for w in plan.provenance.warnings), plan.provenance.warnings
    strong = offline.plan("Depot leads need a dashboard of late vans per depot.", catalog)
    assert strong.provenance is not None and not strong.provenance.warnings


ADVERSARIAL = [
    "{{ cookiecutter.project }} managers need {% raw %} ${HOME} $(rm -rf /)",
    "../../etc/passwd users want to see files",
    "\"quotes\" and 'apostrophes' and it’s fine for tenants",
    "class import id list type def lambda",
    "Users want to ask about class, import and def",
    "People need to send id, type and list to the system",
    "café naïve résumé users want to see größe per Straße",
    " ".join(["noise"] * 400)[:2000],
    "Robert'); DROP TABLE students;-- wants a report",
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_hostile_text_gives_a_valid_plan_or_bad_input(catalog: Catalog, text: str) -> None:
    try:
        plan = offline.plan(text, catalog)
    except BadInput:
        return
    assert validate_plan(plan, catalog) == []


# --- properties over generated statements -----------------------------------------------------------------------------

ROLES = ["nurse", "driver", "teacher", "auditor", "planner", "dispatcher", "librarian", "baker", "ranger", "curator"]
OBJECTS = ["invoice", "delivery", "booking", "inspection", "shipment", "complaint", "permit", "repair", "order"]
VERBS = ["approve", "reassign", "review", "track", "cancel", "schedule", "flag", "check"]
STATES = ["late", "overdue", "pending", "missing", "cancelled"]
SHAPES = [
    "{Role}s need to see which {object}s are {state} and {verb} them.",
    "Our {role}s keep losing track of {state} {object}s and want to {verb} them.",
    "As a {role}, I want to {verb} {object}s that are {state}.",
    "{Role}s at three sites want to {verb} each {object} before noon.",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from(ROLES),
    obj=st.sampled_from(OBJECTS),
    verb=st.sampled_from(VERBS),
    state=st.sampled_from(STATES),
    shape=st.sampled_from(SHAPES),
)
def test_generated_statements_are_read_from_their_own_words(
    catalog: Catalog, role: str, obj: str, verb: str, state: str, shape: str
) -> None:
    statement = shape.format(Role=role.capitalize(), role=role, object=obj, verb=verb, state=state)
    reading = read(statement)
    assert reading.users is not None and reading.users.lower().rstrip("s").startswith(role[:-1])
    assert obj in {t.head for t in reading.things}
    assert verb in {a.verb for a in reading.actions}
    plan = offline.plan(statement, catalog)
    assert_reads_the_statement(plan, catalog, statement)
    assert role in plan.brief.target_users[0].lower()


def test_plans_are_the_same_under_any_hash_seed() -> None:
    rows = [row["statement"] for row in statements(TUNING)[::5]]
    code = (
        "import json, sys; from scaffolder.catalog import Catalog; from scaffolder.planners import offline; "
        "c = Catalog(); print(json.dumps([offline.plan(s, c).model_dump(mode='json') for s in sys.argv[1:]]))"
    )
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, *rows], capture_output=True, text=True, env=env, timeout=300, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
