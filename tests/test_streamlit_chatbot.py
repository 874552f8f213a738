"""The Streamlit-mock and chatbot blueprints: render the fixture plans and run each generated suite; plans that
would break their repo are refused. (Hostile answer text, for every blueprint: tests/test_hostile_text.py.)"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_plan, run_generated_tests

from scaffolder.catalog import Catalog
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan

#: The data file each blueprint's app reads its answers from.
DATA_FILES = {"streamlit": "app/data.json", "chatbot": "app/bot.json"}


def render(data: dict, out: Path) -> Path:
    catalog = Catalog()
    write(parse_plan(data, catalog, source="test"), catalog, out)
    return out


def assert_safe(repo: Path, blueprint: str, data: dict) -> None:
    """Every answer reaches the app verbatim through its JSON data file; no generated source is broken."""
    rendered = json.loads((repo / DATA_FILES[blueprint]).read_text(encoding="utf-8"))
    for name, value in data["answers"].items():
        assert rendered[name] == value, name
    assert rendered["project_name"] == data["project_name"]
    assert rendered["problem"] == data["brief"]["problem"]
    for source in [*repo.glob("app/*.py"), *repo.glob("tests/*.py")]:
        ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    assert tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == data["slug"]


@pytest.mark.parametrize("kinds", [["table"], ["detail", "overview"]])
def test_streamlit_suite_follows_the_screens(kinds: list[str], tmp_path: Path) -> None:
    """Tests are generated for the screens the plan has, so none is skipped and none is missing; without a detail
    screen the actions are offered under the table (or the overview), and their tests still perform them."""
    data = fixture_plan("streamlit")
    data["answers"]["screens"] = [{"kind": kind, "title": f"Renewals {kind}"} for kind in kinds]
    repo = render(data, tmp_path / "out")
    assert_safe(repo, "streamlit", data)
    assert (repo / "app" / "__main__.py").is_file() and (repo / ".copier-answers.yml").is_file()
    suite = (repo / "tests" / "test_app.py").read_text(encoding="utf-8")
    assert ("def test_table_filters" in suite) == ("table" in kinds)
    assert ("def test_overview" in suite) == ("overview" in kinds)
    assert "def test_log_follow_up_changes_the_record_at_once_and_is_recorded" in suite
    assert "def test_add_renewal_adds_a_record_and_records_it" in suite
    result = run_generated_tests(repo)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "skipped" not in result.stdout


#: Hand-written plans for statements about a verb (tests/fixtures), with the generated test that performs it.
VERB_PLANS = {
    "pick_orders": "def test_reassign_changes_the_record_at_once_and_is_recorded",
    "volunteer_attendance": "def test_mark_no_show_changes_the_record_at_once_and_is_recorded",
}


@pytest.mark.parametrize("name", sorted(VERB_PLANS))
def test_verb_plans_render_with_the_cli_and_their_suite_performs_the_verb(name: str, cli, tmp_path: Path) -> None:
    """The pick-order board's suite runs in tests/test_hostile_text.py, with hostile text in every field."""
    plan_file = FIXTURES / f"plan_{name}.json"
    out = tmp_path / "out"
    result = cli("--plan", str(plan_file), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    assert_safe(out, "streamlit", data)
    assert VERB_PLANS[name] in (out / "tests" / "test_app.py").read_text(encoding="utf-8")
    if name == "pick_orders":
        return
    suite = run_generated_tests(out)
    assert suite.returncode == 0, suite.stdout[-4000:] + suite.stderr[-2000:]
    assert "skipped" not in suite.stdout


def pick_orders() -> dict:
    return json.loads((FIXTURES / "plan_pick_orders.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["rows"][0].pop("zone"), "row 1: zone is missing"),
        (lambda a: a["rows"][2].update(zone="D"), 'row 3: zone "D" is not one of its choices'),
        (lambda a: a["rows"][1].update(order=a["rows"][0]["order"]), "order values must be unique"),
        (lambda a: a["rows"][1].update(minutes_late="12"), "row 2: minutes_late must be a number"),
        (lambda a: a["chart"].update(group_by="lines"), "chart.group_by must name a category column"),
        (lambda a: a["actions"][0]["sets"][0].update(column="pickr"), 'sets "pickr", which is not a column'),
        (lambda a: a["actions"][1]["sets"][0].update(value="Gone"), '"Gone" is not one of status\'s choices'),
        (lambda a: a["actions"][1].update(applies_to={"status": ["Picked"]}), "would change none of the rows"),
        (lambda a: a["figures"].append({"label": "Late share", "agg": "rate"}), "a rate needs `where`"),
        (lambda a: a["actions"][0].update(id="re'assign\"); import os"), "answers.actions[0].id"),
        (lambda a: a["columns"][0].update(name="../order"), "answers.columns[0].name"),
    ],
)
def test_streamlit_plans_that_would_break_their_repo_are_refused(change, message: str, cli, tmp_path: Path) -> None:
    """Issue 10 §8: a plan either validates and renders a repo whose tests pass, or is refused with a clear line."""
    data = pick_orders()
    change(data["answers"])
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(data), encoding="utf-8")
    result = cli("--plan", str(plan_file), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()
