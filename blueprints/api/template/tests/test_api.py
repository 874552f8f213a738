"""CRUD works on every resource, the sample records are served, and every request records its event."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.resources import Resource, load_config

CONFIG = load_config()
RESOURCES = [Resource.from_dict(r) for r in CONFIG["resources"]]
VALUES = {
    "str": ("example", "changed"),
    "int": (7, 8),
    "float": (2.5, 3.5),
    "bool": (True, False),
    "date": ("2024-01-02", "2024-02-03"),
    "datetime": ("2024-01-02T03:04:05", "2024-02-03T04:05:06"),
}

#: The address of every script and stylesheet a page loads.
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def payload(resource: Resource, variant: int = 0) -> dict[str, Any]:
    """A valid body for `resource`, whatever its fields."""
    return {f["name"]: VALUES[f["type"]][variant] for f in resource.fields}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(params=RESOURCES, ids=[r.plural for r in RESOURCES])
def resource(request: pytest.FixtureRequest) -> Resource:
    return request.param


def test_health_and_docs(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == CONFIG["project_name"]
    for r in RESOURCES:
        assert set(spec["paths"][f"/{r.plural}"]) == {"get", "post"}
        assert set(spec["paths"][f"/{r.plural}/{{id}}"]) == {"get", "put", "delete"}
        properties = spec["components"]["schemas"][r.title]["properties"]
        assert set(properties) == {"id"} | {f["name"] for f in r.fields}


@pytest.mark.parametrize(("page", "kind"), [("/docs", "Swagger UI"), ("/redoc", "ReDoc")])
def test_docs_work_without_internet(client: TestClient, page: str, kind: str) -> None:
    """The docs pages load their scripts and styles from this server, never a CDN, and the server has them."""
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert f"<title>{escape(CONFIG['project_name'])} - {kind}</title>" in html
    assets = ASSET.findall(html)
    assert any(a.endswith(".js") for a in assets), assets
    remote = [a for a in assets if not a.startswith("/") or a.startswith("//")]
    assert not remote, f"{page} loads {remote} from the internet"
    assert "fonts.googleapis" not in html
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and served.content, asset
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_samples_are_served(client: TestClient, resource: Resource, events) -> None:
    rows = client.get(f"/{resource.plural}").json()
    assert [row["id"] for row in rows] == list(range(1, len(resource.samples) + 1))
    types = {f["name"]: f["type"] for f in resource.fields}
    for row, sample in zip(rows, resource.samples, strict=True):
        for key, value in sample.items():
            if types[key] == "str" and isinstance(value, str):
                assert row[key] == value  # text is served exactly as given
    assert client.get(f"/{resource.plural}/1").json() == rows[0]
    assert events.names() == ["resource_listed", "resource_viewed"]
    assert [e["properties"]["resource"] for e in events.all()] == [resource.name] * 2
    assert events.all()[0]["properties"]["count"] == len(resource.samples)


def test_crud_records_each_event(client: TestClient, resource: Resource, events) -> None:
    base, count = f"/{resource.plural}", len(resource.samples)
    created = client.post(base, json=payload(resource))
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    assert new_id == count + 1
    assert client.get(f"{base}/{new_id}").json() == created.json()
    updated = client.put(f"{base}/{new_id}", json=payload(resource, 1))
    assert updated.status_code == 200, updated.text
    assert {k: updated.json()[k] for k in payload(resource, 1)} == payload(resource, 1)
    assert len(client.get(base).json()) == count + 1
    assert client.delete(f"{base}/{new_id}").status_code == 204
    assert client.get(f"{base}/{new_id}").status_code == 404
    assert events.names() == [
        "resource_created",
        "resource_viewed",
        "resource_updated",
        "resource_listed",
        "resource_deleted",
        "request_failed",
    ]
    assert all(e["properties"]["resource"] == resource.name for e in events.all())
    assert events.named("request_failed")[0]["properties"]["status"] == 404
    assert events.named("resource_created")[0]["properties"]["record_id"] == new_id


def test_rejected_requests_record_request_failed(client: TestClient, resource: Resource, events) -> None:
    base = f"/{resource.plural}"
    assert client.post(base, json={}).status_code == 422
    assert client.get(f"{base}/not-a-number").status_code == 422
    assert client.put(f"{base}/999999", json=payload(resource)).status_code == 404
    assert client.get("/no-such-thing").status_code == 404  # not a resource: nothing recorded
    failures = events.named("request_failed")
    assert [(e["properties"]["resource"], e["properties"]["status"]) for e in failures] == [
        (resource.name, 422),
        (resource.name, 422),
        (resource.name, 404),
    ]
    assert len(events.all()) == 3


def test_filters_by_field(client: TestClient, resource: Resource, events) -> None:
    created = client.post(f"/{resource.plural}", json=payload(resource)).json()
    field = resource.fields[0]["name"]
    value = created[field]
    rows = client.get(f"/{resource.plural}", params={field: str(value).lower() if value is True else value}).json()
    assert created in rows
    assert all(row[field] == value for row in rows)
    assert events.named("resource_listed")[0]["properties"]["filters"] == [field]


def test_session_and_participant_headers(client: TestClient, events) -> None:
    plural = RESOURCES[0].plural
    headers = {"X-Session-Id": "pilot-session-1", "X-Participant-Id": "pharmacy-42"}
    response = client.get(f"/{plural}", headers=headers)
    assert response.headers["X-Session-Id"] == "pilot-session-1"
    client.get(f"/{plural}")
    client.get(f"/{plural}")
    first, second, third = events.all()
    assert (first["session_id"], first["distinct_id"]) == ("pilot-session-1", "pharmacy-42")
    assert second["session_id"] and third["session_id"] and second["session_id"] != third["session_id"]
    assert second["distinct_id"] is None
