"""The API blueprint with the shared measurement kit: what it writes, that its own suite passes, that the running
service records its events (a partner pushing status updates moves a shipment's ETA), that metrics.py counts them,
that hostile answer text stays data, and that answers which would break the generated code do not validate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import git
import pytest
from conftest import fixture_plan, run_generated_tests
from prototype_server import running_prototype

from scaffolder.catalog import Catalog, shared_kit_path
from scaffolder.errors import PlanInvalid
from scaffolder.pipeline import write
from scaffolder.validation import parse_plan

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
    "app/records.py",
    "app/sessions.py",
    "app/routes/__init__.py",
    "app/routes/prescriptions.py",
    "app/routes/approvals.py",
    "app/data/app.json",
    "tests/test_api.py",
    ".copier-answers.yml",
    ".scaffold/plan.json",
]


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


# This plan's generated suite runs in tests/test_update.py, after the repo is updated to a new blueprint version.


@pytest.fixture(scope="module")
def shipments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipment API a capable model would plan for "push status updates, query the latest ETA"."""
    return render(fixture_plan("shipments"), tmp_path_factory.mktemp("shipments") / "out")


def test_the_shipments_suite_passes(shipments: Path) -> None:
    assert (shipments / "app/routes/shipments.py").is_file() and (shipments / "app/routes/status_updates.py").is_file()
    result = run_generated_tests(shipments, verbose=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "test_creating_a_record_updates_the_record_it_references[status_updates] PASSED" in result.stdout


def _server_env(store: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYTICS_", "POSTHOG_", "OTEL_"))}
    env.update(ANALYTICS_PATH=str(store), PYTHONDONTWRITEBYTECODE="1")
    return env


def _call(
    base: str,
    method: str,
    path: str,
    session: str | None = None,
    body: dict | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, dict | list | None]:
    """(status, JSON reply) of one request; `session` becomes X-Session-Id, else `opener` may keep cookies."""
    headers = {"X-Participant-Id": "partner-7", "Content-Type": "application/json"}
    if session:
        headers["X-Session-Id"] = session
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            raw = response.read()
            kind = response.headers.get("content-type", "")
            return response.status, json.loads(raw) if raw and kind.startswith("application/json") else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _metrics(repo: Path, store: Path, env: dict[str, str]) -> dict:
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
    return json.loads(result.stdout)


def test_the_running_service_records_events_that_metrics_counts(repo: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.jsonl"
    env = _server_env(store)
    approval = {
        "approval_id": "APR-5200",
        "prescription_number": "RX-2024-00019",
        "decision": "approved",
        "decided_at": "2024-05-04T10:00:00",
        "approver": "GP",
        "valid_until": "2024-06-03",
    }
    with running_prototype(repo, env, "/health", timeout=30) as prototype:
        base = prototype.base
        assert _call(base, "GET", "/health") == (200, {"status": "ok"})
        statuses = [
            _call(base, "GET", "/prescriptions", "s1")[0],
            _call(base, "GET", "/prescriptions/RX-2024-00019", "s1")[0],
            _call(base, "GET", "/approvals", "s2")[0],
            _call(base, "GET", "/approvals/APR-5101", "s2")[0],
            _call(base, "POST", "/approvals", "s3", approval)[0],
            _call(base, "POST", "/approvals", "s3", {**approval, "approval_id": "APR-5201", "decision": "maybe"})[0],
            _call(base, "GET", "/approvals/APR-9999", "s3")[0],
            _call(
                base, "POST", "/approvals", "s3", {**approval, "approval_id": "APR-5202", "prescription_number": "RX-0"}
            )[0],
            _call(base, "GET", "/docs", "s4")[0],
            _call(base, "GET", "/static/swagger-ui-bundle.js", "s4")[0],  # served locally: /docs works offline
        ]
        assert statuses == [200, 200, 200, 200, 201, 422, 404, 422, 200, 200]
        status, prescription = _call(base, "GET", "/prescriptions/RX-2024-00019", "s3")
        assert status == 200 and prescription["approval_status"] == "approved"  # the approval updated it
        assert prescription["approved_until"] == "2024-06-03"

    events = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["session_id"], e["properties"]) for e in events] == [
        ("resource_listed", "s1", {"resource": "prescription"}),
        ("resource_viewed", "s1", {"resource": "prescription", "by": "number"}),
        ("resource_listed", "s2", {"resource": "approval"}),
        ("resource_viewed", "s2", {"resource": "approval", "by": "approval_id"}),
        ("resource_created", "s3", {"resource": "approval"}),
        ("resource_updated", "s3", {"resource": "prescription", "via": "approval"}),
        ("request_failed", "s3", {"resource": "approval", "status": 422, "reason": "invalid"}),
        ("request_failed", "s3", {"resource": "approval", "status": 404, "reason": "not_found"}),
        ("request_failed", "s3", {"resource": "approval", "status": 422, "reason": "unknown_reference"}),
        ("resource_viewed", "s3", {"resource": "prescription", "by": "number"}),
    ]
    assert {e["distinct_id"] for e in events} == {"partner-7"}
    assert {e["source"] for e in events} == {fixture_plan("api")["slug"]}

    data = _metrics(repo, store, env)
    assert (data["events"], data["sessions"], data["participants"]) == (10, 3, 1)
    got = {r["id"]: (r["numerator"], r["denominator"]) for r in data["indicators"]}
    assert got == {
        "approval_checked": (2, 3),  # s1 and s3 looked a prescription up by number (of 3 sessions)
        "time_to_approval": (1, 2),  # s1 did, within seconds; s2 listed but checked no prescription
        "rejected_requests": (1, 3),  # one of three failures broke a field rule
        "approvals_recorded": (1, None),  # one approval created
    }
    assert 0 <= next(r["value"] for r in data["indicators"] if r["id"] == "time_to_approval") < 30
    assert {r["status"] for r in data["indicators"]} == {"too_few"}  # 3 sessions of one participant are never MET
    checked = next(r for r in data["indicators"] if r["id"] == "approval_checked")
    assert checked["n"] == 3 and checked["interval"] == pytest.approx([0.2077, 0.9385], abs=1e-4)  # Wilson, 2 of 3

    for chart, magic in (("chart.html", b"<!doctype html>"), ("chart.png", b"\x89PNG")):
        out = tmp_path / chart
        args = [sys.executable, "metrics.py", "--events", str(store), "--chart", str(out)]
        drawn = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert drawn.returncode == 0, drawn.stderr
        assert out.read_bytes().startswith(magic)


def test_a_partner_pushes_status_updates_and_sees_the_eta_move(shipments: Path, tmp_path: Path) -> None:
    """The statement's verb end to end, against uvicorn: a client that only keeps cookies is one session."""
    store = tmp_path / "events.jsonl"
    env = _server_env(store)
    cookies = CookieJar()
    partner = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    tracking = "/shipments/DHL4471902391"
    update = {
        "update_id": "SU-E2E-0001",
        "shipment": "DHL4471902391",
        "status": "in_transit",
        "location": "Hamburg hub, DE",
        "eta": "2024-06-14T11:00:00Z",
        "exception_code": None,
        "reported_at": "2024-06-12T06:10:00Z",
    }
    with running_prototype(shipments, env, "/health", timeout=30) as prototype:
        base = prototype.base
        status, before = _call(base, "GET", tracking, opener=partner)
        assert status == 200 and (before["status"], before["latest_eta"]) == ("created", None)
        assert [c.name for c in cookies] == ["session"]  # handed out on first contact
        assert _call(base, "POST", "/status_updates", body=update, opener=partner)[0] == 201
        assert _call(base, "GET", tracking, opener=partner)[1]["latest_eta"] == "2024-06-14T11:00:00Z"
        later = {
            **update,
            "update_id": "SU-E2E-0002",
            "eta": "2024-06-15T09:30:00Z",
            "reported_at": "2024-06-13T07:00:00Z",
        }
        assert _call(base, "POST", "/status_updates", body=later, opener=partner)[0] == 201
        status, after = _call(base, "GET", tracking, opener=partner)
        assert (after["status"], after["latest_eta"], after["updated_at"]) == (
            "in_transit",
            "2024-06-15T09:30:00Z",
            "2024-06-13T07:00:00Z",
        )
        unknown = {**update, "update_id": "SU-E2E-0003", "shipment": "NO-SUCH-PARCEL"}
        status, reply = _call(base, "POST", "/status_updates", body=unknown, opener=partner)
        assert (status, reply["reason"]) == (422, "unknown_reference")
        teleported = {**update, "update_id": "SU-E2E-0004", "status": "teleported"}
        assert _call(base, "POST", "/status_updates", body=teleported, opener=partner)[0] == 422
        assert _call(base, "GET", "/shipments/NO-SUCH-PARCEL", opener=partner)[0] == 404
        status, moving = _call(base, "GET", "/shipments?status=in_transit", opener=partner)
        assert status == 200 and "DHL4471902391" in [s["tracking_number"] for s in moving]

    events = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert len({e["session_id"] for e in events}) == 1  # no header sent: the cookie made it one session
    assert [e["properties"] for e in events if e["event"] == "resource_updated"] == [
        {"resource": "shipment", "via": "status_update"}
    ] * 2
    assert [e["properties"]["reason"] for e in events if e["event"] == "request_failed"] == [
        "unknown_reference",
        "invalid",
        "not_found",
    ]
    got = {r["id"]: (r["numerator"], r["denominator"]) for r in _metrics(shipments, store, env)["indicators"]}
    assert got["status_updates_pushed"][0] == 2 and got["etas_moved"][0] == 2
    assert got["unknown_shipment_rejections"] == (1, 3)
    assert got["eta_checked_after_push"] == (1, 1)


def edge_plan() -> dict:
    """Valid answers whose names are awkward for generated code: keywords and Pydantic's own names as fields, an
    int key called `id`, a key called `request`, int choices, an optional date, a nullable range, a single-field
    resource, and names that differ only by underscores and digits."""
    plan = fixture_plan("api")
    item = {
        "name": "item",
        "plural": "items",
        "title": "Items",
        "description": "An item.",
        "key": "id",
        "fields": [
            {"name": "id", "type": "int"},
            {"name": "json", "type": "str"},
            {"name": "class", "type": "str"},
            {"name": "model_config", "type": "str"},
            {"name": "schema", "type": "bool"},
            {"name": "priority", "type": "int", "choices": [1, 2, 3]},
            {"name": "score", "type": "float", "min": -1.5, "max": 2.5, "nullable": True},
            {"name": "due", "type": "date", "required": False},
            {"name": "seen_at", "type": "datetime"},
        ],
        "samples": [
            {
                "id": 1,
                "json": "a",
                "class": "b",
                "model_config": "c",
                "schema": True,
                "priority": 1,
                "score": 0.5,
                "due": "2024-02-29",
                "seen_at": "2024-03-01T10:00:00+02:00",
            },
            {
                "id": 2,
                "json": "d",
                "class": "e",
                "model_config": "f",
                "schema": False,
                "priority": 3,
                "score": None,
                "seen_at": "2024-03-01 11:00",
            },
        ],
    }
    note = {
        "name": "item_note",
        "plural": "item_notes",
        "title": "Item notes",
        "description": "A note on an item.",
        "key": "request",
        "fields": [
            {"name": "request", "type": "str"},
            {"name": "item", "type": "int", "references": "item", "required": False},
            {"name": "priority", "type": "int", "choices": [2, 3]},
            {"name": "flag", "type": "bool"},
        ],
        "samples": [{"request": "...x", "item": 2, "priority": 2, "flag": False}],
        "updates": {"via": "item", "set": {"priority": "priority", "schema": "flag"}},
    }
    one = {
        "name": "a_1b",
        "plural": "a_1bs",
        "title": "A",
        "description": "x",
        "key": "code",
        "fields": [{"name": "code", "type": "str"}],
        "samples": [{"code": "A-1"}],
    }
    two = {
        "name": "a1_b",
        "plural": "a1_bs",
        "title": "B",
        "description": "y",
        "key": "n",
        "fields": [{"name": "n", "type": "int"}],
        "samples": [{"n": 7}],
    }
    plan["answers"]["resources"] = [item, note, one, two]
    return plan


def test_awkward_but_valid_names_render_a_passing_repo(tmp_path: Path) -> None:
    repo = render(edge_plan(), tmp_path / "out")
    assert {p.name for p in (repo / "app/routes").iterdir()} >= {"items.py", "item_notes.py", "a_1bs.py", "a1_bs.py"}
    result = run_generated_tests(repo, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _rekey(resource: dict, name: str) -> None:
    """Rename a resource's key field (in its fields and samples)."""
    old = resource["key"]
    resource["key"] = name
    next(f for f in resource["fields"] if f["name"] == old)["name"] = name
    for sample in resource["samples"]:
        sample[name] = sample.pop(old)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: (r[2].update(name="a_b"), r[3].update(name="a__b")), "model name AB"),
        (lambda r: r[2].update(name="a_1_b", plural="x"), "model name A1B"),  # a1_b and a_1_b: both A1B
        (lambda r: r[2].update(name="item__", plural="x"), "model name Item"),
        (lambda r: r[3].update(name="item_changes", plural="x"), "model name ItemChanges"),
        (lambda r: r[3].update(name="response", plural="x"), "model name Response"),
        (lambda r: _rekey(r[1], "track"), "cannot be called track"),
        (lambda r: _rekey(r[1], "class"), "cannot be called class"),
        (lambda r: r[1]["samples"][0].update(request="a/b"), "cannot be used in a URL path"),
        (lambda r: r[1]["samples"][0].update(item=99), "is not the id of any item sample"),
        (lambda r: r[1]["samples"][0].update(priority=1), "is not one of its choices"),
        (lambda r: r[0]["samples"][0].update(score=3), "above its max"),
        (lambda r: r[0]["samples"][0].update(seen_at=None), "not nullable"),
        (lambda r: r[0]["samples"][1].update(id=1), "repeats the key"),
        (lambda r: r[1]["updates"]["set"].update(json="flag"), "is a str but flag is a bool"),
        (lambda r: r[1]["updates"].update(via="flag"), "updates.via"),
        (lambda r: r[1]["fields"][1].update(references="nothing"), "which is not a resource"),
        (lambda r: r[0].update(plural="import"), "Python keyword"),
    ],
)
def test_answers_that_would_break_the_generated_code_are_refused(change, message: str) -> None:
    """Issue 10 §8: a plan that validates renders a repo whose own tests pass; these would not, so they do not
    validate, and the message says why (the LLM's repair round quotes it)."""
    plan = edge_plan()
    change(plan["answers"]["resources"])
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(plan, Catalog(), source="test")
    assert message in " ".join(caught.value.errors)
