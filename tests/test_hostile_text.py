"""Hostile text stays data: answers full of quotes, backslashes, unicode, Jinja syntax, shell metacharacters and
`../` paths are refused with a clear error or rendered literally, never evaluated, and the repo they make passes its
own tests. The one home of these tests for every blueprint.

A property test (Hypothesis) renders many random hostile plans per blueprint without running their suites; one plan
per blueprint carries hostile text in every kind of field at once and has its generated suite run.
"""

from __future__ import annotations

import copy
import json
import random
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import FIXTURES, fixture_plan, run_generated_tests, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.catalog import Catalog
from scaffolder.errors import BadInput, PlanInvalid
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan

BLUEPRINTS = ["api", "chatbot", "streamlit"]

FRAGMENTS = [
    '"',
    "'",
    "\\",
    "\\n",
    '\\"',
    '"""',
    "'''",
    "`id`",
    "$(touch /tmp/scaffold-pwned)",
    "${HOME}",
    "; rm -rf ~",
    "| cat /etc/passwd",
    "&&",
    "../",
    "../../etc/passwd",
    "/etc/passwd",
    "{{ 7*7 }}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% if true %}yes{% endif %}",
    "{# comment #}",
    "{{ cycler.__init__.__globals__ }}",
    "[[ x ]]",
    "<% x %>",
    "</script><script>alert(1)</script>",
    "<!--",
    "&amp;",
    "%s",
    "{0}",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u202e",
    "caf\u00e9",
    "\u65e5\u672c\u8a9e",
    "\U0001f680",
    "e\u0301",
    "\x1b[31m",
    "---",
    "- ",
    ": ",
    "#",
    "null",
    "None",
    "True",
    "__import__('os')",
    "|",
    "*",
    "!",
    "@",
    "\ufeff",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6).map("".join)

#: Plan keys outside the answers whose values are identifiers, enums or references; every other string is free text.
IDENT_KEYS = {
    "": {"slug", "blueprint"},
    "brief": {"id", "event", "of_event", "indicator", "kind", "direction"},
}


def _free_text(schema: dict) -> bool:
    """A string the blueprint's answer schema leaves free: no pattern, no choices (what it constrains is not text)."""
    return schema.get("type") == "string" and not ({"pattern", "enum", "const", "format"} & set(schema))


#: Answer text that is not free: a chatbot's phrasings must find their intents (the blueprint's check refuses a
#: plan whose phrasings would not, before anything is written). Hostile phrasings beside real ones are tested in
#: tests/test_chatbot.py; here they keep the fixture's.
MATCHED_TEXT = "phrasings"


def _answer_slots(data: Any, schema: dict, path: tuple) -> Iterator[tuple]:
    """Paths to the answers' free-text strings, read from the blueprint's own answer schema (so the test follows
    the answer contract instead of keeping a list of its keys)."""
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        if option.get("type") in ("object", "array"):
            schema = option
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if key == MATCHED_TEXT:
            continue
        if isinstance(data, dict):
            extra = schema.get("additionalProperties")
            sub = schema.get("properties", {}).get(key) or (extra if isinstance(extra, dict) else {})
        else:
            sub = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        if isinstance(value, str) and _free_text(sub):
            yield (*path, key)
        elif isinstance(value, dict | list):
            yield from _answer_slots(value, sub, (*path, key))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from _strings(value)


def text_slots(plan: dict) -> Iterator[tuple]:
    """Paths to every free-text string in a plan (provenance aside): not an identifier, and not a value that
    another part of the plan refers to (a choice its rows use, a column a filter names), which must stay as is."""
    counts: dict[str, int] = {}
    for text in _strings({k: v for k, v in plan.items() if k != "provenance"}):
        counts[text] = counts.get(text, 0) + 1
    for slot in _slots(plan):
        value: Any = plan
        for key in slot:
            value = value[key]
        if counts.get(value) == 1 and not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            yield slot


def _slots(data: Any, path: tuple = ()) -> Iterator[tuple]:
    section = path[0] if path else ""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if key == "provenance":
            continue
        if key == "answers" and not path:
            yield from _answer_slots(value, Catalog().get(data["blueprint"]).answer_schema, ("answers",))
        elif isinstance(value, str) and not (isinstance(key, str) and key in IDENT_KEYS.get(section, set())):
            yield (*path, key)
        elif isinstance(value, dict | list):
            yield from _slots(value, (*path, key))


def with_texts(plan: dict, texts: list[str]) -> dict:
    """The plan with every free-text slot set to the texts in turn; once they run out, each repeat gets a number,
    so that texts that must differ (phrasings, screen titles) do."""
    data = copy.deepcopy(plan)
    for n, slot in enumerate(text_slots(plan)):
        target = data
        for key in slot[:-1]:
            target = target[key]
        text = texts[n % len(texts)]
        target[slot[-1]] = text if n < len(texts) else f"{text} {n}"
    return data


def assert_inside(root: Path, out: Path) -> None:
    """Nothing was written beside `out`, and nothing in it points outside it."""
    assert [p.name for p in root.iterdir()] == [out.name]
    for path in out.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(out.resolve()), path


def compile_python(out: Path) -> None:
    """What compileall checks, without writing bytecode into the repo."""
    files = [p for p in out.rglob("*.py") if ".git" not in p.parts]
    assert files
    for path in files:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


def render_and_check(plan_data: dict, root: Path) -> Path | None:
    """Validate and write a plan: a clear validation error (None), or a sound repo inside `root` (its path)."""
    catalog = Catalog()
    try:
        plan = parse_plan(plan_data, catalog, source="hostile")
    except (PlanInvalid, BadInput) as error:
        assert error.message.startswith("hostile: ") and "problem(s)" in error.message
        return None
    out = root / "out"
    sha = write(plan, catalog, out)
    repo = git.Repo(out)
    assert repo.head.commit.hexsha == sha and not repo.is_dirty(untracked_files=True)
    assert_inside(root, out)
    compile_python(out)
    saved = json.loads((out / ".scaffold/plan.json").read_text(encoding="utf-8"))
    assert saved == plan.model_dump(mode="json")  # the text round-trips exactly, unevaluated
    return out


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_hostile_answers_are_refused_or_rendered_as_plain_data(blueprint: str) -> None:
    base = fixture_plan(blueprint)
    assert len(list(text_slots(base))) > 10

    rendered = []

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts=st.lists(hostile, min_size=1, max_size=8))
    def check(texts: list[str]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            rendered.append(render_and_check(with_texts(base, texts), Path(tmp)) is not None)

    check()
    assert sum(rendered) >= 5, "almost every example was refused: the property tested nothing"


def hostile_set(seed: int) -> list[str]:
    """Twenty distinct hostile texts (distinct so that, e.g., screen titles differ), from every fragment."""
    rng = random.Random(seed)
    fragments = FRAGMENTS[:]
    rng.shuffle(fragments)
    return [f"{''.join(fragments[(i * 3) % len(fragments) : (i * 3) % len(fragments) + 3])} {i}" for i in range(20)]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_template_syntax_in_answers_is_never_evaluated(blueprint: str, tmp_path: Path) -> None:
    """`{{12345*3}}` in every text field appears literally in the data files; its value 37035 appears nowhere."""
    payload = "{{12345*3}}{%if 1%}EVALUATED{%endif%}"  # short enough for every field, with a number added
    data = with_texts(fixture_plan(blueprint), [payload])
    plan = parse_plan(data, Catalog(), source="test")
    out = tmp_path / "out"
    write(plan, Catalog(), out)
    files = tree(out)
    everything = b"\n".join(files.values()) + git.Repo(out).head.commit.message.encode()
    assert b"37035" not in everything
    assert b"EVALUATED" not in everything.replace(b"EVALUATED{%", b"")
    data_files = [name for name in files if name.startswith("app/") and name.endswith(".json")]
    assert data_files
    for name in data_files:
        assert payload in json.dumps(json.loads(files[name]), ensure_ascii=False), name
    assert payload in files[".scaffold/brief.json"].decode()
    assert "{{12345*3}}" in files["README.md"].decode()
    assert payload in git.Repo(out).head.commit.message  # the statement, in the commit message


# Edge cases found by the tests above.


def test_streamlit_screens_need_distinct_titles(tmp_path: Path) -> None:
    data = fixture_plan("streamlit")
    for screen in data["answers"]["screens"]:
        screen["title"] = "Renewals"
    with pytest.raises(PlanInvalid, match="screen titles must differ"):
        parse_plan(data, Catalog(), source="hostile")


# --- one plan per blueprint, hostile in every kind of field, whose generated suite runs -----------------------------

#: Text that breaks naive templating: Jinja syntax, quotes, backslashes, a closing script tag, unicode, newlines.
NASTY = 'It\'s "{{ 7 * 7 }}" {% if x %}\\n{% endif %} {# c #} \\ </script> ${HOME} — ünïcødé 🎉\nline two'


def _evaluate(marker: Path) -> str:
    """Template code that, if ever evaluated, creates `marker`."""
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}') }}}}"


def _plan(name: str) -> dict:
    return json.loads((FIXTURES / f"plan_{name}.json").read_text(encoding="utf-8"))


def hostile_streamlit(data: dict, marker: Path) -> dict:
    """The pick-order board with hostile text where other answers refer to it: choices the rows use and that
    figures, actions and applies_to name, record labels, action labels, fixed values, units, a null row."""
    answers = data["answers"]
    status = {"Late": "Late {{ 7*7 }} </script>", "On time": 'On "time" \\ ${HOME}', "Picked": "../../etc/passwd"}
    zone = {"A": "{% include '/etc/passwd' %}", "B": "~/.ssh/id_rsa", "C": "C:\\Windows\\{# x #}"}
    pickers = [_evaluate(marker), "Robert'); DROP TABLE orders;--", "{{ '.git' }}/hooks", "Ünïcødé 🎉 \n"]
    columns = {c["name"]: c for c in answers["columns"]}
    columns["status"]["choices"] = list(status.values())
    columns["zone"]["choices"] = list(zone.values())
    columns["minutes_late"]["unit"] = "%d{{x}}%%"
    columns["order"]["label"] = "</script><script>alert(1)</script>"
    for i, row in enumerate(answers["rows"]):
        row["status"], row["zone"] = status[row["status"]], zone[row["zone"]]
        row["order"] = ["{{ 7*7 }}", "../" * 3 + "PO", "/etc/shadow", "'\"", "{% raw %}"][i % 5] + f" #{i}"
        row["picker"] = pickers[i % len(pickers)]
    answers["rows"][-1].update(zone=None, picker=None, due=None, minutes_late=None)  # empty cells group as "(none)"
    answers["figures"][0].update(label="{{ 7*7 }} late", where={"status": status["Late"]})
    answers["figures"][1].update(where={"status": [status["Late"], status["On time"]]})
    answers["figures"][2].update(where={"status": status["Late"]})
    answers["actions"][0].update(label="{{ 7*7 }} </script>", applies_to={"status": [status["Late"]]})
    answers["actions"][1]["sets"][0]["value"] = status["Picked"]
    answers["actions"][1].update(label="Mark \"picked\" '{% endraw %}'", applies_to={"zone": list(zone.values())})
    answers["entity_label"] = "../../{{ entity }}"
    return data


def hostile_chatbot(data: dict, marker: Path) -> dict:
    """The parcel bot with hostile phrasings beside its real ones, hostile facts, hand-off and an answer that
    starts with a line break."""
    answers = data["answers"]
    answers["fallback"] = NASTY + " " + _evaluate(marker)
    answers["persona"] = "Persona: " + NASTY  # distinct from the texts that are shown, which the suite checks
    intent = answers["intents"][0]
    intent["answer"] = "\r\n" + intent["answer"]
    first, second = intent["phrasings"][:2]  # two of its phrasings, wrapped in hostile text, must still find it
    intent["phrasings"][:2] = [f'"{first}" </script>', f"{{% for x in range(9) %}}{second}{{% endfor %}}"]
    intent["facts"] = [
        {"label": NASTY[:60], "value": NASTY[:200]},
        {"label": "{{ cycler.__init__.__globals__ }}", "value": "{% include '/etc/passwd' %}"},
    ]
    answers["handoff"] = {"label": 'Talk to "a person" </script>', "message": NASTY}
    return data


HOSTILE_VALUES = [
    'it\'s "quoted" \\ back\\slash',
    "{{ 6*7 }} {% if true %}X{% endif %}",
    "</script><script>alert(1)</script>",
    "..\\..\\etc\\passwd $(touch pwned) `touch pwned`",
    "{% raw %}''' \"\"\" %}",
]


def hostile_api(data: dict, marker: Path) -> dict:
    """The shipments API with hostile choices, samples (the docs' examples), and keys with the references to them."""
    data["project_name"] = 'Rx 💊 {{ 6*7 }} "check" $(rm -rf /) </title><i>'  # the docs pages escape it
    data["brief"]["problem"] = "Problem: " + _evaluate(marker)
    shipments, updates = data["answers"]["resources"]
    statuses = [*HOSTILE_VALUES, "delivered"]
    for resource in (shipments, updates):
        next(f for f in resource["fields"] if f["name"] == "status")["choices"] = statuses
        for n, sample in enumerate(resource["samples"]):
            sample["status"] = statuses[n % len(statuses)]
    renamed = {}  # hostile keys (no "/": a key is part of a URL path), and the references to them
    for n, sample in enumerate(shipments["samples"]):
        renamed[sample["tracking_number"]] = f"{HOSTILE_VALUES[n % 5].replace('/', '|')} #{n}"
        sample["tracking_number"] = renamed[sample["tracking_number"]]
    for sample in updates["samples"]:
        sample["shipment"] = renamed[sample["shipment"]]
    return data


#: Per blueprint: the hand-written plan to start from, what makes it hostile where answers refer to each other, and
#: the JSON data file through which the app reads its answers.
HOSTILE = {
    "api": ("shipments", hostile_api, "app/data/app.json"),
    "chatbot": ("chatbot", hostile_chatbot, "app/bot.json"),
    "streamlit": ("pick_orders", hostile_streamlit, "app/data.json"),
}


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_a_plan_hostile_everywhere_stays_data_and_its_suite_passes(blueprint: str, cli, tmp_path: Path) -> None:
    """Every free-text field gets hostile text from every fragment, and the fields others refer to get it by hand.
    Written by the CLI: nothing outside --out changes, nothing is evaluated, the answers reach the app verbatim,
    the generated Python compiles and holds no answer text, and the generated suite passes."""
    name, make_hostile, data_file = HOSTILE[blueprint]
    marker = tmp_path / "evaluated"
    data = make_hostile(with_texts(_plan(name), hostile_set(2)), marker)
    plan = parse_plan(copy.deepcopy(data), Catalog(), source="test")  # valid: hostile is not wrong
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(data), encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    result = cli("--plan", str(plan_file), "--out", str(root / "out"))
    assert result.exit_code == 0, result.stderr
    out = root / "out"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "root"]
    assert_inside(root, out)
    compile_python(out)

    saved = json.loads((out / ".scaffold/plan.json").read_text(encoding="utf-8"))
    expected = plan.model_dump(mode="json")
    assert {k: v for k, v in saved.items() if k != "provenance"} == {
        k: v for k, v in expected.items() if k != "provenance"
    }
    rendered = json.loads((out / data_file).read_text(encoding="utf-8"))
    shared = [key for key in expected["answers"] if key in rendered]
    assert shared and all(rendered[key] == expected["answers"][key] for key in shared)  # verbatim, unevaluated
    for path, content in tree(out).items():
        text = content.decode("utf-8", "replace")
        if path.endswith(".py") or path in ("Makefile", "pyproject.toml", ".github/workflows/ci.yml"):
            for value in ("cycler", "6*7", "7*7", "alert(1)", "passwd", "rm -rf"):
                assert value not in text, f"{path} holds answer text {value!r}: answers belong in data files"
    assert not marker.exists()

    suite = run_generated_tests(out, verbose=True)
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert not marker.exists() and not list(tmp_path.rglob("pwned"))
    if blueprint == "streamlit":  # the pick-order board's suite reassigns an order (the verb, with hostile text)
        assert "test_reassign_changes_the_record_at_once_and_is_recorded PASSED" in suite.stdout


@pytest.mark.parametrize("name", ["\x1f", " \x1c\x1d\x1e ", "\u2028"])
def test_a_name_of_characters_python_counts_as_space_is_refused_before_rendering(name: str) -> None:
    """Found by the property test above: "\\x1f" passed the plan's check and then failed Copier's validator."""
    data = fixture_plan("api") | {"project_name": name}
    with pytest.raises(PlanInvalid, match="project_name"):
        parse_plan(data, Catalog(), source="hostile")
