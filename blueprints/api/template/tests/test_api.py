"""The API does what its resources in app/data/app.json say, and every request records its event.

The tests read the resources from that file, so they keep passing when the samples or fields are edited: records
are found by their natural key, references must name an existing record, field rules (choices, ranges, nulls)
are enforced, and creating a record whose resource declares `updates` changes the record it references.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.records import TABLES, Table, load_data, may_be_null

DATA = load_data()
RESOURCES = list(TABLES.values())
#: The address of every script and stylesheet a page loads.
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def fields_where(test: Any) -> list[tuple[Table, dict[str, Any]]]:
    """(resource, field) pairs whose field passes `test`: the cases a parametrized test runs."""
    return [(t, f) for t in RESOURCES for f in t.fields.values() if test(t, f)]


def pair_id(pair: tuple[Table, dict[str, Any]]) -> str:
    return f"{pair[0].name}.{pair[1]['name']}"


def url(table: Table, key: Any) -> str:
    return f"/{table.plural}/{quote(str(key), safe='')}"


def value_for(field: dict[str, Any], n: int = 0) -> Any:
    """A valid value for `field`; a different one for each small `n` where the field allows it."""
    if field.get("references"):
        target = TABLES[field["references"]]
        return target.samples[n % len(target.samples)][target.key]
    if field.get("choices"):
        return field["choices"][n % len(field["choices"])]
    kind, low, high = field["type"], field.get("min"), field.get("max")
    if kind in ("int", "float"):
        start = low if low is not None else (high - 10 if high is not None else 1)
        end = high if high is not None else start + 100
        if kind == "int":
            return min(math.ceil(start) + n, math.floor(end))
        return start + (end - start) * (0.25 + 0.5 * (n % 2))
    return {
        "str": f"test value {n}",
        "bool": n % 2 == 0,
        "date": f"2031-0{n % 9 + 1}-15",
        "datetime": f"2031-0{n % 9 + 1}-15T10:30:00Z",
    }[kind]


def new_key(table: Table, n: int = 0) -> Any:
    """A key no record has."""
    taken = {s[table.key] for s in table.samples}
    if table.fields[table.key]["type"] == "int":
        return max((k for k in taken if isinstance(k, int)), default=0) + 1 + n
    return next(k for i in range(len(taken) + 1) if (k := f"new-{table.name}-{n}-{i}") not in taken)


def new_record(table: Table, n: int = 0) -> dict[str, Any]:
    """A valid record that is not stored yet: every field set, references pointing at sample records."""
    return {**{name: value_for(f, n) for name, f in table.fields.items()}, table.key: new_key(table, n)}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(params=RESOURCES, ids=[t.plural for t in RESOURCES])
def table(request: pytest.FixtureRequest) -> Table:
    return request.param


def record_schema(spec: dict[str, Any], table: Table) -> dict[str, Any]:
    """The schema of a record, found the way a client finds it: from the create endpoint's request body."""
    body = spec["paths"][f"/{table.plural}"]["post"]["requestBody"]["content"]["application/json"]
    return spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[-1]]


def test_health_and_openapi_document(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == DATA["project_name"]
    tags = {t["name"]: t["description"] for t in spec["tags"]}
    for t in RESOURCES:
        assert tags[t.title] == t.description  # the docs group each resource under its human title
        assert set(spec["paths"][f"/{t.plural}"]) == {"get", "post"}
        assert set(spec["paths"][f"/{t.plural}/{{{t.key}}}"]) == {"get", "patch", "delete"}
        assert spec["paths"][f"/{t.plural}"]["get"]["tags"] == [t.title]
        schema = record_schema(spec, t)
        assert list(schema["properties"]) == list(t.fields)
        assert set(schema.get("required", [])) == {n for n, f in t.fields.items() if not may_be_null(f)}


def test_docs_show_the_samples_as_examples(client: TestClient, table: Table) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"][f"/{table.plural}"]["post"]["requestBody"]["content"]["application/json"]
    shown = [e["value"] for e in body["examples"].values()]
    assert [e[table.key] for e in shown] == [s[table.key] for s in table.samples]
    properties = record_schema(spec, table)["properties"]
    for name, field in table.fields.items():
        values = [s[name] for s in table.samples if s.get(name) is not None]
        if values:  # Swagger UI shows a sample's value, never a bare "string"
            assert properties[name]["examples"] == values[:1], name
        if field.get("choices"):
            assert (
                field["choices"]
                == next(p for p in [properties[name], *properties[name].get("anyOf", [])] if "enum" in p)["enum"]
            )


@pytest.mark.parametrize(("page", "kind"), [("/docs", "Swagger UI"), ("/redoc", "ReDoc")])
def test_docs_work_without_internet(client: TestClient, page: str, kind: str) -> None:
    """The docs pages load their scripts and styles from this server, never a CDN, and the server has them."""
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert f"<title>{escape(DATA['project_name'])} - {kind}</title>" in html
    assets = ASSET.findall(html)
    assert any(a.endswith(".js") for a in assets), assets
    remote = [a for a in assets if not a.startswith("/") or a.startswith("//")]
    assert not remote, f"{page} loads {remote} from the internet"
    assert "fonts.googleapis" not in html
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and served.content, asset
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_samples_are_served_and_found_by_their_key(client: TestClient, table: Table, events) -> None:
    rows = client.get(f"/{table.plural}").json()
    assert [row[table.key] for row in rows] == [s[table.key] for s in table.samples]
    for row, sample in zip(rows, table.samples, strict=True):
        for name, value in sample.items():
            if table.fields[name]["type"] == "str":
                assert row[name] == value  # text is served exactly as given
    for row in rows:
        assert client.get(url(table, row[table.key])).json() == row
    assert events.names() == ["resource_listed"] + ["resource_viewed"] * len(rows)
    assert {e["properties"]["resource"] for e in events.all()} == {table.name}
    assert events.named("resource_viewed")[0]["properties"]["by"] == table.key


def test_unknown_key_is_404(client: TestClient, table: Table, events) -> None:
    missing = new_key(table)
    assert client.get(url(table, missing)).status_code == 404
    assert client.patch(url(table, missing), json={}).status_code == 404
    assert client.delete(url(table, missing)).status_code == 404
    failures = [(e["properties"]["status"], e["properties"]["reason"]) for e in events.named("request_failed")]
    assert failures == [(404, "not_found")] * 3


def test_create_change_delete(client: TestClient, table: Table, events) -> None:
    body = new_record(table)
    created = client.post(f"/{table.plural}", json=body)
    assert created.status_code == 201, created.text
    record = created.json()
    key = record[table.key]
    assert key == body[table.key]
    assert client.get(url(table, key)).json() == record
    again = client.post(f"/{table.plural}", json=body)
    assert (again.status_code, again.json()["reason"]) == (409, "duplicate_key")

    changes = {}
    for name, field in table.fields.items():
        if name != table.key and (value := value_for(field, 1)) != body[name]:
            changes = {name: value}
            break
    changed = client.patch(url(table, key), json=changes)
    assert changed.status_code == 200, changed.text
    assert client.get(url(table, key)).json() == changed.json()
    kept = {name: value for name, value in record.items() if name not in changes}
    assert {name: value for name, value in changed.json().items() if name not in changes} == kept
    assert all(changed.json()[name] != record[name] for name in changes)
    assert len(client.get(f"/{table.plural}").json()) == len(table.samples) + 1
    assert client.delete(url(table, key)).status_code == 204
    assert client.get(url(table, key)).status_code == 404

    names = events.names()
    assert names.count("resource_created") == 1 and names[-2:] == ["resource_deleted", "request_failed"]
    patched = [e["properties"] for e in events.named("resource_updated") if e["properties"]["via"] == "PATCH"]
    assert patched == [{"resource": table.name, "via": "PATCH"}]
    assert [e["properties"]["reason"] for e in events.named("request_failed")] == ["duplicate_key", "not_found"]


def test_list_filters_by_any_field(client: TestClient, table: Table, events) -> None:
    rows = client.get(f"/{table.plural}").json()
    for name in table.fields:
        value = rows[0][name]
        if value is None:
            continue
        given = str(value).lower() if isinstance(value, bool) else value
        found = client.get(f"/{table.plural}", params={name: given}).json()
        assert rows[0] in found and all(row[name] == value for row in found), name
    assert client.get(f"/{table.plural}", params={"No-Such-Field": "x"}).status_code == 422


@pytest.mark.parametrize("pair", fields_where(lambda t, f: f.get("references")), ids=pair_id)
def test_unknown_reference_is_rejected(client: TestClient, pair: tuple[Table, dict[str, Any]], events) -> None:
    table, field = pair
    body = {**new_record(table), field["name"]: new_key(TABLES[field["references"]], 7)}
    response = client.post(f"/{table.plural}", json=body)
    assert response.status_code == 422 and response.json()["reason"] == "unknown_reference", response.text
    assert client.get(url(table, body[table.key])).status_code == 404  # nothing was stored
    failed = events.named("request_failed")[0]["properties"]
    assert failed == {"resource": table.name, "status": 422, "reason": "unknown_reference"}


@pytest.mark.parametrize("pair", fields_where(lambda t, f: f.get("choices")), ids=pair_id)
def test_a_value_outside_the_choices_is_rejected(
    client: TestClient, pair: tuple[Table, dict[str, Any]], events
) -> None:
    table, field = pair
    bad = "not one of the choices" if field["type"] == "str" else max(field["choices"]) + 1
    response = client.post(f"/{table.plural}", json={**new_record(table), field["name"]: bad})
    assert response.status_code == 422, response.text
    assert events.named("request_failed")[0]["properties"] == {
        "resource": table.name,
        "status": 422,
        "reason": "invalid",
    }


@pytest.mark.parametrize(
    "pair", fields_where(lambda t, f: f.get("min") is not None or f.get("max") is not None), ids=pair_id
)
def test_a_value_out_of_range_is_rejected(client: TestClient, pair: tuple[Table, dict[str, Any]]) -> None:
    table, field = pair
    bad = field["min"] - 1 if field.get("min") is not None else field["max"] + 1
    assert client.post(f"/{table.plural}", json={**new_record(table), field["name"]: bad}).status_code == 422


@pytest.mark.parametrize("pair", fields_where(lambda t, f: may_be_null(f)), ids=pair_id)
def test_a_nullable_field_accepts_null(client: TestClient, pair: tuple[Table, dict[str, Any]]) -> None:
    table, field = pair
    for n, body in enumerate(({field["name"]: None}, {})):
        body = {**{k: v for k, v in new_record(table, n).items() if k != field["name"]}, **body}
        response = client.post(f"/{table.plural}", json=body)
        assert response.status_code == 201, response.text
        assert response.json()[field["name"]] is None


@pytest.mark.parametrize("pair", fields_where(lambda t, f: not may_be_null(f)), ids=pair_id)
def test_a_required_field_is_required(client: TestClient, pair: tuple[Table, dict[str, Any]]) -> None:
    table, field = pair
    body = new_record(table)
    assert client.post(f"/{table.plural}", json={**body, field["name"]: None}).status_code == 422
    del body[field["name"]]
    assert client.post(f"/{table.plural}", json=body).status_code == 422


@pytest.mark.parametrize("table", [t for t in RESOURCES if t.spec.get("updates")], ids=lambda t: t.plural)
def test_creating_a_record_updates_the_record_it_references(client: TestClient, table: Table, events) -> None:
    """The `updates` rule: e.g. a new status update sets its shipment's status and latest ETA."""
    via, copied = table.spec["updates"]["via"], table.spec["updates"]["set"]
    target = TABLES[table.fields[via]["references"]]
    before = client.get(url(target, target.samples[0][target.key])).json()
    body = {**new_record(table), via: before[target.key]}
    for goal, source in copied.items():  # new values, so that the change shows
        options = [value_for(table.fields[source], n) for n in range(4)]
        body[source] = next((v for v in options if v != before[goal]), options[0])
    created = client.post(f"/{table.plural}", json=body)
    assert created.status_code == 201, created.text
    after = client.get(url(target, before[target.key])).json()
    assert {goal: after[goal] for goal in copied} == {goal: created.json()[source] for goal, source in copied.items()}
    if any(body[source] != before[goal] for goal, source in copied.items()):
        assert after != before
    assert [(e["event"], e["properties"]) for e in events.all()[1:3]] == [
        ("resource_created", {"resource": table.name}),
        ("resource_updated", {"resource": target.name, "via": table.name}),
    ]


def test_requests_from_one_client_share_a_session(events) -> None:
    """A client that keeps cookies (a browser, Swagger UI at /docs) needs no header to be one session."""
    first, second = TestClient(create_app()), TestClient(create_app())
    plural = RESOURCES[0].plural
    first.get("/docs")
    assert first.cookies.get("session")
    first.get(f"/{plural}")
    first.get(f"/{plural}")
    second.get(f"/{plural}")
    one, two, three = events.all()
    assert one["session_id"] == two["session_id"] == first.cookies.get("session")
    assert three["session_id"] != one["session_id"]


def test_session_and_participant_headers(client: TestClient, events) -> None:
    plural = RESOURCES[0].plural
    headers = {"X-Session-Id": "pilot-session-1", "X-Participant-Id": "partner-42"}
    response = client.get(f"/{plural}", headers=headers)
    assert response.headers["X-Session-Id"] == "pilot-session-1"
    assert "session" not in response.cookies  # a client that names its session gets no cookie
    client.get(f"/{plural}")
    first, second = events.all()
    assert (first["session_id"], first["distinct_id"]) == ("pilot-session-1", "partner-42")
    assert second["session_id"] != "pilot-session-1" and second["distinct_id"] is None


def test_requests_outside_the_resources_record_nothing(client: TestClient, events) -> None:
    assert client.get("/no-such-thing").status_code == 404
    assert client.get("/health").status_code == 200
    assert events.all() == []
