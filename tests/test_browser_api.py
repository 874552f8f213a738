"""The shipment API in Swagger UI (/docs), in headless Chromium, with no internet: a partner reads the sample
records as examples, pushes a status update from the docs page, looks the shipment up by its tracking number and
sees the ETA it pushed; every request made from the page lands in one session of the event log (the `session`
cookie the API handed out with /docs), although the page sends no session header.

Needs Debian's Chromium at /usr/bin/chromium (see tests/test_browser.py; SCAFFOLD_NO_BROWSER=1 skips).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import recorded, screenshot
from test_browser import EVENT_SECONDS, local_only, render, serve, wait_for

NEW_ETA = "2024-06-14T11:00:00Z"
UPDATE = {
    "update_id": "SU-BROWSER-0001",
    "shipment": "DHL4471902391",
    "status": "in_transit",
    "location": "Hamburg hub, DE",
    "eta": NEW_ETA,
    "exception_code": None,
    "reported_at": "2024-06-12T06:10:00Z",
}


def operation(page: Any, operation_id: str) -> Any:
    """One operation block of Swagger UI (its id is operations-<tag>-<operationId>), expanded, in Try-it-out mode."""
    block = page.locator(f'[id$="-{operation_id}"]')
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    return block


def executed(block: Any, status: int) -> str:
    """Press Execute, wait for `status`, return the response body Swagger UI shows."""
    block.get_by_role("button", name="Execute").click()
    shown = block.locator(".live-responses-table .response-col_status", has_text=re.compile(rf"^\s*{status}\s*$"))
    shown.wait_for()
    return block.locator(".live-responses-table .response-col_description pre").first.inner_text()


def test_a_partner_pushes_an_update_from_the_docs_and_sees_the_eta(page: Any, tmp_path: Path) -> None:
    repo, data = render("shipments", tmp_path / "out")
    shipments, updates = data["answers"]["resources"]
    events = tmp_path / "events.jsonl"
    with serve(repo, events, "/openapi.json") as base:
        elsewhere = local_only(page, base)
        page.goto(f"{base}/docs")
        for resource in (shipments, updates):  # tags carry the human titles
            page.locator(".opblock-tag", has_text=resource["title"]).first.wait_for()

        push = operation(page, "create_status_update")
        body = push.locator("textarea.body-param__text")
        example = json.loads(body.input_value())
        assert example["update_id"] == updates["samples"][0]["update_id"]  # the first sample, not "string"
        assert example["shipment"] == updates["samples"][0]["shipment"]
        second = updates["samples"][1]["update_id"]  # every sample is offered as a named example
        examples = push.locator("select", has=page.locator("option", has_text=second))
        assert examples.locator("option").count() == len(updates["samples"])
        body.fill(json.dumps(UPDATE))
        assert json.loads(executed(push, 201))["eta"] == NEW_ETA

        look_up = operation(page, "get_shipment")
        look_up.locator('input[placeholder="tracking_number"]').fill(UPDATE["shipment"])
        shipment = json.loads(executed(look_up, 200))
        assert (shipment["status"], shipment["latest_eta"]) == ("in_transit", NEW_ETA)
        wait_for(lambda: recorded(events, "resource_viewed", resource="shipment"), EVENT_SECONDS, "resource_viewed")
        shot = screenshot(page, "api_shipments_docs")
        cookie = {c["name"]: c["value"] for c in page.context.cookies()}.get("session")

    assert not elsewhere, f"/docs asked the internet for {elsewhere}"
    log = (
        recorded(events, "resource_created")
        + recorded(events, "resource_updated")
        + recorded(events, "resource_viewed")
    )
    assert [e["properties"] for e in recorded(events, "resource_updated")] == [
        {"resource": "shipment", "via": "status_update"}
    ]
    assert len(log) == 3
    assert cookie and {e["session_id"] for e in log} == {cookie}  # one session, from the cookie alone
    assert shot.stat().st_size > 10_000
