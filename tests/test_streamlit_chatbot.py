"""The Streamlit-mock and chatbot blueprints: render the fixture plans, run each generated suite, and make sure
answer text full of template syntax, quotes and unicode is carried as data, never evaluated."""

from __future__ import annotations

import ast
import copy
import json
import tomllib
from pathlib import Path

import pytest
from conftest import fixture_plan, run_generated_tests

from scaffolder.catalog import Catalog
from scaffolder.pipeline import parse_plan, write

#: Text that breaks naive templating: Jinja syntax, quotes, backslashes, a closing script tag, unicode, newlines.
NASTY = 'It\'s "{{ 7 * 7 }}" {% if x %}\\n{% endif %} {# c #} \\ </script> ${HOME} — ünïcødé 🎉\nline two'

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


def nasty_streamlit() -> dict:
    data = copy.deepcopy(fixture_plan("streamlit"))
    data["project_name"] = NASTY[:80]
    data["brief"]["problem"] = NASTY
    answers = data["answers"]
    answers["entity_label"] = NASTY
    answers["action_label"] = NASTY[:60]
    answers["columns"][0]["label"] = NASTY[:60]
    answers["columns"][2]["label"] = "Risk {{ x }}"
    for row in answers["rows"][:3]:
        row["account"] = NASTY
        row["risk"] = "{% raw %}High\\"
    answers["screens"] = [{"kind": "detail", "title": NASTY[:60]}, {"kind": "table", "title": "{{ title }}"}]
    return data


def nasty_chatbot() -> dict:
    data = copy.deepcopy(fixture_plan("chatbot"))
    data["project_name"] = NASTY[:80]
    answers = data["answers"]
    for key in ("bot_name", "persona", "greeting", "fallback"):
        answers[key] = NASTY
    answers["intents"][0]["answer"] = NASTY
    answers["intents"][0]["examples"].append("{{ cycler.__init__ }} ünïcødé?")
    return data


@pytest.mark.parametrize("blueprint", ["streamlit", "chatbot"])
def test_fixture_plan_renders_and_its_suite_passes(blueprint: str, tmp_path: Path) -> None:
    data = fixture_plan(blueprint)
    repo = render(data, tmp_path / "out")
    assert_safe(repo, blueprint, data)
    assert (repo / "app" / "__main__.py").is_file() and (repo / ".copier-answers.yml").is_file()
    result = run_generated_tests(repo)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout


@pytest.mark.parametrize(("blueprint", "make"), [("streamlit", nasty_streamlit), ("chatbot", nasty_chatbot)])
def test_nasty_answer_text_is_data(blueprint: str, make, tmp_path: Path) -> None:
    data = make()
    repo = render(data, tmp_path / "out")
    assert_safe(repo, blueprint, data)
    result = run_generated_tests(repo)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_streamlit_suite_follows_the_screens(tmp_path: Path) -> None:
    """Tests are generated for the screens the plan has, so none is skipped and none is missing."""
    data = fixture_plan("streamlit")
    data["answers"]["screens"] = [{"kind": "table", "title": "Renewals"}]
    repo = render(data, tmp_path / "out")
    suite = (repo / "tests" / "test_app.py").read_text(encoding="utf-8")
    assert "def test_table_filters" in suite
    assert "def test_detail_opens" not in suite and "def test_overview" not in suite
    result = run_generated_tests(repo)  # one screen: no navigation at all
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
