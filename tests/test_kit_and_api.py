"""The API blueprint with the shared measurement kit: what it writes, that its own suite passes, that the running
service records its events, that metrics.py counts them, and that hostile answer text stays data."""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import git
import pytest
from conftest import fixture_plan, run_generated_tests
from prototype_server import running_prototype

from scaffolder.catalog import Catalog, shared_kit_path
from scaffolder.pipeline import parse_plan, write

KIT_FILES = [
    "README.md",
    "Makefile",
    ".gitignore",
    ".github/workflows/ci.yml",
    "analytics.py",
    "metrics.py",
    ".scaffold/brief.json",
    "tests/conftest.py",
    "tests/test_analytics.py",
    "tests/test_metrics.py",
    ".copier-answers.shared.yml",
]
API_FILES = [
    "pyproject.toml",
    "app/__init__.py",
    "app/__main__.py",
    "app/main.py",
    "app/resources.py",
    "app/data/app.json",
    "tests/test_api.py",
    ".copier-answers.yml",
    ".scaffold/plan.json",
]
HOSTILE = 'it\'s "quoted" \\ back\\slash {{ 6*7 }} {% if true %}X{% endif %} $(rm -rf /) `touch pwned` <b>|</b> 💊'


def render(plan_data: dict, out: Path) -> Path:
    catalog = Catalog()
    write(parse_plan(plan_data, catalog, source="test"), catalog, out)
    return out


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(fixture_plan("api"), tmp_path_factory.mktemp("api") / "out")


def test_writes_the_blueprint_and_the_kit(repo: Path) -> None:
    missing = [f for f in KIT_FILES + API_FILES if not (repo / f).is_file()]
    assert not missing
    plan = fixture_plan("api")
    saved = json.loads((repo / ".scaffold/plan.json").read_text(encoding="utf-8"))
    assert saved["statement"] == plan["statement"] and saved["answers"] == plan["answers"]
    assert json.loads((repo / ".scaffold/brief.json").read_text(encoding="utf-8")) == saved["brief"]
    answers = (repo / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "resources:" in answers and "prescriptions" in answers
    assert "indicators:" in (repo / ".copier-answers.shared.yml").read_text(encoding="utf-8")
    assert (repo / "Makefile").read_bytes() == (shared_kit_path() / "template" / "Makefile").read_bytes()
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for hypothesis in plan["brief"]["hypotheses"]:
        assert hypothesis["belief"] in readme
    assert "make metrics" in readme and "http://127.0.0.1:8000/docs" in readme
    assert tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == plan["slug"]


def test_one_commit_on_main_and_a_clean_tree(repo: Path) -> None:
    with git.Repo(repo) as r:
        assert r.active_branch.name == "main"
        assert len(list(r.iter_commits())) == 1
        assert not r.is_dirty(untracked_files=True)
        tracked = set(r.git.ls_files().splitlines())
    assert {"analytics.py", "app/main.py", ".scaffold/plan.json"} <= tracked


def test_the_generated_suite_passes(repo: Path) -> None:
    result = run_generated_tests(repo, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def _call(base: str, method: str, path: str, session: str, body: dict | None = None) -> int:
    headers = {"X-Session-Id": session, "X-Participant-Id": "pharmacy-7", "Content-Type": "application/json"}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_running_service_records_events_that_metrics_counts(repo: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYTICS_", "POSTHOG_", "OTEL_"))}
    env.update(ANALYTICS_PATH=str(store), PYTHONDONTWRITEBYTECODE="1")
    with running_prototype(repo, env, "/health", timeout=30) as prototype:
        base = prototype.base
        with urllib.request.urlopen(base + "/health", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "ok"}
        approval = {
            "prescription_number": "RX-2024-00019",
            "approved": True,
            "decided_at": "2024-05-04T10:00:00",
            "approver": "GP",
            "valid_days": 30,
            "note": "ok",
        }
        statuses = [
            _call(base, "GET", "/prescriptions", "s1"),
            _call(base, "GET", "/approvals/1", "s1"),
            _call(base, "GET", "/approvals", "s2"),
            _call(base, "GET", "/prescriptions/1", "s2"),
            _call(base, "POST", "/approvals", "s3", approval),
            _call(base, "POST", "/approvals", "s3", {"approved": "maybe"}),
            _call(base, "GET", "/approvals/99", "s3"),
            _call(base, "GET", "/docs", "s4"),
            _call(base, "GET", "/static/swagger-ui-bundle.js", "s4"),  # served locally: /docs works offline
        ]
        assert statuses == [200, 200, 200, 200, 201, 422, 404, 200, 200]

    events = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["session_id"], e["properties"]["resource"]) for e in events] == [
        ("resource_listed", "s1", "prescription"),
        ("resource_viewed", "s1", "approval"),
        ("resource_listed", "s2", "approval"),
        ("resource_viewed", "s2", "prescription"),
        ("resource_created", "s3", "approval"),
        ("request_failed", "s3", "approval"),
        ("request_failed", "s3", "approval"),
    ]
    assert [e["properties"]["status"] for e in events if e["event"] == "request_failed"] == [422, 404]
    assert {e["distinct_id"] for e in events} == {"pharmacy-7"}
    assert {e["source"] for e in events} == {fixture_plan("api")["slug"]}

    result = subprocess.run(
        [sys.executable, "metrics.py", "--json", "--events", str(store)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["events"], data["sessions"], data["participants"]) == (7, 3, 1)
    got = {r["id"]: (r["numerator"], r["denominator"], r["status"]) for r in data["indicators"]}
    assert got == {
        "approval_checked": (1, 2, "not_met"),  # s1 viewed an approval after listing; s2 did not; target 60%
        "time_to_approval": (1, 2, "met"),  # s1 took well under 30 s
        "rejected_requests": (1, 2, "not_met"),  # one 422 of two failures; at most 20%
        "approvals_recorded": (1, None, "not_met"),  # one approval created; at least 5
    }
    values = {r["id"]: r["value"] for r in data["indicators"]}
    assert values["approval_checked"] == 0.5 and values["rejected_requests"] == 0.5
    assert 0 <= values["time_to_approval"] < 30

    for chart, magic in (("chart.html", b"<!doctype html>"), ("chart.png", b"\x89PNG")):
        out = tmp_path / chart
        args = [sys.executable, "metrics.py", "--events", str(store), "--chart", str(out)]
        drawn = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert drawn.returncode == 0, drawn.stderr
        assert out.read_bytes().startswith(magic) and "NOT MET" in drawn.stdout


def hostile_plan() -> dict:
    plan = fixture_plan("api")
    plan["project_name"] = 'Rx 💊 {{ 6*7 }} "check" $(rm -rf /) </title><i>'  # the docs pages escape it
    plan["brief"]["problem"] = "Problem: " + HOSTILE
    plan["brief"]["target_users"] = ["Pharmacists | " + HOSTILE[:60]]
    plan["brief"]["hypotheses"][0]["belief"] = "We believe " + HOSTILE
    plan["brief"]["indicators"][0]["name"] = "Checks | {{ x }} $(id)"
    plan["rationale"] = HOSTILE
    prescriptions, approvals = plan["answers"]["resources"]
    prescriptions["description"] = HOSTILE
    prescriptions["fields"][0]["description"] = HOSTILE
    prescriptions["samples"][0]["number"] = HOSTILE
    prescriptions["samples"][1]["medication"] = "'''\"\"\"\\n{% raw %}"
    approvals["samples"][0]["note"] = "${HOME} {{ resources }} \\x00 \\u0041"
    return plan


def test_hostile_answer_text_stays_data(tmp_path: Path) -> None:
    plan = hostile_plan()
    repo = render(plan, tmp_path / "out")
    for source in repo.rglob("*.py"):
        py_compile.compile(str(source), cfile=str(tmp_path / "compiled.pyc"), doraise=True)
    tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    data = json.loads((repo / "app/data/app.json").read_text(encoding="utf-8"))
    assert data["project_name"] == plan["project_name"]
    assert data["problem"] == plan["brief"]["problem"]
    assert data["resources"] == plan["answers"]["resources"]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "{{ 6*7 }}" in readme and "{% if true %}X{% endif %}" in readme and "$(rm -rf /)" in readme
    assert "&lt;b>\\|&lt;/b>" in readme and "Checks \\| {{ x }} $(id)" in readme  # escaped table cells
    assert "Pharmacists | " in readme  # outside a table a pipe is just a pipe
    assert "<b>" not in readme
    for name in ("Makefile", ".github/workflows/ci.yml", "pyproject.toml"):
        text = (repo / name).read_text(encoding="utf-8")
        assert "rm -rf" not in text and "6*7" not in text, name
    result = run_generated_tests(repo, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert not list(tmp_path.rglob("pwned")) and not (Path.cwd() / "pwned").exists()
