"""Resources as data: each entry of data/app.json becomes Pydantic models, an in-memory store and a router.

`GET /{plural}` (optionally filtered by any field, e.g. `?status=approved`), `GET /{plural}/{id}`,
`POST /{plural}`, `PUT /{plural}/{id}` and `DELETE /{plural}/{id}`. Each successful call records its event
(`resource_listed`, `resource_viewed`, `resource_created`, `resource_updated`, `resource_deleted`) with the
property `resource` (the singular name); rejected calls record `request_failed` (see app/main.py).
"""

# No `from __future__ import annotations`: FastAPI must see the models made here as real objects.

import inspect
import json
import keyword
import sys
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

import analytics

DATA_FILE = Path(__file__).resolve().parent / "data" / "app.json"
TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "date": date, "datetime": datetime}


def load_config(path: Path = DATA_FILE) -> dict[str, Any]:
    """The project name, the problem and the resources this prototype was generated with."""
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Resource:
    """One thing the API exposes, as described by the answers."""

    name: str
    plural: str
    description: str
    fields: list[dict[str, Any]]
    samples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Resource":
        return cls(data["name"], data["plural"], data.get("description", ""), data["fields"], data.get("samples", []))


def _attribute(index: int, name: str) -> str:
    """A Python attribute for a field; names Pydantic or Python reserve get a safe one (the alias keeps the name)."""
    if keyword.iskeyword(name) or hasattr(BaseModel, name) or name.startswith("model_"):
        return f"field_{index}_{name}"
    return name


def build_models(resource: Resource) -> tuple[type[BaseModel], type[BaseModel]]:
    """(input model: every field required, record model: id plus every field, possibly null)."""
    config = ConfigDict(populate_by_name=True, coerce_numbers_to_str=True, protected_namespaces=())
    required: dict[str, Any] = {}
    optional: dict[str, Any] = {"id": (int, Field(description=f"{resource.name} id, assigned by the API"))}
    for index, spec in enumerate(resource.fields):
        kind, name, help_text = TYPES[spec["type"]], spec["name"], spec.get("description") or None
        attribute = _attribute(index, name)
        required[attribute] = (kind, Field(alias=name, description=help_text))
        optional[attribute] = (kind | None, Field(None, alias=name, description=help_text))
    data_model = create_model(f"{resource.title}Data", __config__=ConfigDict(config, extra="forbid"), **required)
    record_model = create_model(resource.title, __config__=ConfigDict(config, extra="ignore"), **optional)
    data_model.__doc__ = f"The fields of a {resource.name}: {resource.description}"
    record_model.__doc__ = f"A stored {resource.name}: {resource.description}"
    return data_model, record_model


class Store:
    """The records of one resource for the life of the process, seeded with the samples (ids 1..n)."""

    def __init__(self, resource: Resource, record_model: type[BaseModel]) -> None:
        self.resource = resource
        self.record_model = record_model
        self.lock = threading.Lock()
        self.records: dict[int, dict[str, Any]] = {}
        for number, sample in enumerate(resource.samples, start=1):
            self.records[number] = self.normalise({**sample, "id": number})
        self.next_id = len(self.records) + 1

    def normalise(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as the API serves it; a sample value of the wrong type becomes null, with a warning."""
        try:
            return self.record_model.model_validate(record).model_dump(mode="json", by_alias=True)
        except ValidationError as error:
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            print(f"warning: {self.resource.name} {record.get('id')}: ignoring invalid {sorted(bad)}", file=sys.stderr)
            kept = {k: v for k, v in record.items() if k not in bad}
            return self.record_model.model_validate(kept).model_dump(mode="json", by_alias=True)

    def list(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        with self.lock:
            rows = list(self.records.values())
        return [r for r in rows if all(r.get(k) == v for k, v in filters.items())]

    def get(self, record_id: int) -> dict[str, Any]:
        with self.lock:
            record = self.records.get(record_id)
        if record is None:
            raise HTTPException(status_code=404, detail=f"no {self.resource.name} with id {record_id}")
        return record

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            record = self.normalise({**data, "id": self.next_id})
            self.records[self.next_id] = record
            self.next_id += 1
        return record

    def update(self, record_id: int, data: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if record_id not in self.records:
                raise HTTPException(status_code=404, detail=f"no {self.resource.name} with id {record_id}")
            record = self.records[record_id] = self.normalise({**data, "id": record_id})
        return record

    def delete(self, record_id: int) -> None:
        with self.lock:
            if self.records.pop(record_id, None) is None:
                raise HTTPException(status_code=404, detail=f"no {self.resource.name} with id {record_id}")


def documented_headers(
    x_session_id: Annotated[str | None, Header(description="Groups requests into one session for the metrics")] = None,
    x_participant_id: Annotated[str | None, Header(description="Who is calling (a pilot participant id)")] = None,
) -> None:
    """Shows the optional analytics headers in the docs; app/main.py reads them for every request."""


def _filters(resource: Resource) -> Any:
    """A dependency taking one optional query parameter per field; returns the ones given, as stored values."""
    parameters, adapters = [], {}
    for index, spec in enumerate(resource.fields):
        kind, name = TYPES[spec["type"]], spec["name"]
        adapters[name] = TypeAdapter(kind)
        parameters.append(
            inspect.Parameter(
                f"filter_{index}",
                inspect.Parameter.KEYWORD_ONLY,
                default=Query(None, alias=name, description=f"only {resource.plural} whose {name} equals this"),
                annotation=kind | None,
            )
        )
    names = [spec["name"] for spec in resource.fields]

    def dependency(**given: Any) -> dict[str, Any]:
        values = {names[int(key.split("_")[1])]: value for key, value in given.items() if value is not None}
        return {name: adapters[name].dump_python(value, mode="json") for name, value in values.items()}

    dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return dependency


def build_router(resource: Resource) -> APIRouter:
    """The five endpoints of one resource, each recording its event."""
    data_model, record_model = build_models(resource)
    store = Store(resource, record_model)
    router = APIRouter(prefix=f"/{resource.plural}", tags=[resource.plural], dependencies=[Depends(documented_headers)])
    filters = _filters(resource)
    name = resource.name

    def track(event: str, request: Request, **properties: Any) -> None:
        analytics.track(
            event,
            session_id=request.state.session_id,
            distinct_id=request.state.distinct_id,
            resource=name,
            **properties,
        )

    def list_records(request: Request, where: Annotated[dict, Depends(filters)]) -> list[dict[str, Any]]:
        rows = store.list(where)
        track("resource_listed", request, count=len(rows), filters=sorted(where))
        return rows

    def get_record(id: int, request: Request) -> dict[str, Any]:
        record = store.get(id)
        track("resource_viewed", request, record_id=id)
        return record

    def create_record(body: data_model, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        record = store.create(body.model_dump(mode="json", by_alias=True))
        track("resource_created", request, record_id=record["id"])
        return record

    def update_record(id: int, body: data_model, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        record = store.update(id, body.model_dump(mode="json", by_alias=True))
        track("resource_updated", request, record_id=id)
        return record

    def delete_record(id: int, request: Request) -> Response:
        store.delete(id)
        track("resource_deleted", request, record_id=id)
        return Response(status_code=204)

    plural = resource.plural
    router.add_api_route(
        "",
        list_records,
        methods=["GET"],
        response_model=list[record_model],
        summary=f"List {plural}",
        operation_id=f"list_{plural}",
    )
    router.add_api_route(
        "/{id}",
        get_record,
        methods=["GET"],
        response_model=record_model,
        summary=f"Get one {name}",
        operation_id=f"get_{name}",
    )
    router.add_api_route(
        "",
        create_record,
        methods=["POST"],
        response_model=record_model,
        status_code=201,
        summary=f"Create a {name}",
        operation_id=f"create_{name}",
    )
    router.add_api_route(
        "/{id}",
        update_record,
        methods=["PUT"],
        response_model=record_model,
        summary=f"Replace a {name}",
        operation_id=f"update_{name}",
    )
    router.add_api_route(
        "/{id}",
        delete_record,
        methods=["DELETE"],
        status_code=204,
        response_class=Response,
        summary=f"Delete a {name}",
        operation_id=f"delete_{name}",
    )
    router.store = store  # type: ignore[attr-defined]  # tests and demos can reach the records
    return router
