"""The records behind the API: one in-memory table per resource, described by app/data/app.json.

Each resource's entry in that file lists its fields (type, required, nullable, choices, min/max, references), its
natural key and its sample records. From it this module builds the Pydantic models the routes use, so the rules
in the file are the rules the API enforces, and seeds each table with the samples. A field that `references`
another resource holds one of that resource's keys; creating or changing a record whose reference names no
record is refused (422, reason `unknown_reference`).
"""

# No `from __future__ import annotations`: the models are built at run time and FastAPI reads their annotations.

import json
import keyword
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

DATA_FILE = Path(__file__).resolve().parent / "data" / "app.json"
TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "date": date, "datetime": datetime}
#: A text key goes into URL paths (GET /shipments/{key}): no "/", and not empty, "." or "..".
URL_SAFE_KEY = r"^([^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)$"
#: One lock for every table: creating a record that updates another changes two tables at once.
LOCK = threading.RLock()


class Rejected(Exception):
    """A request the API turns down: the HTTP status, a reason for the `request_failed` event, and a message."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


def load_data(path: Path = DATA_FILE) -> dict[str, Any]:
    """The project name, the problem and the resources this prototype was generated with."""
    return json.loads(path.read_text(encoding="utf-8"))


def may_be_null(spec: dict[str, Any]) -> bool:
    """Nullable fields (`nullable: true`) and optional ones (`required: false`) take null and may be left out."""
    return spec.get("nullable", False) or not spec.get("required", True)


def camel(name: str) -> str:
    """`status_update` -> `StatusUpdate`: the model's name in the OpenAPI document (unique: copier.yml checks)."""
    return "".join(part.capitalize() for part in name.split("_"))


class Table:
    """One resource: its models, and its records by natural key, seeded with the samples."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.name: str = spec["name"]
        self.words = self.name.replace("_", " ")
        self.plural: str = spec["plural"]
        self.title: str = spec["title"]
        self.description: str = spec["description"]
        self.key: str = spec["key"]
        self.fields: dict[str, dict[str, Any]] = {f["name"]: f for f in spec["fields"]}
        # In field order (app.json holds them with sorted keys), so the docs show each example as the fields read.
        self.samples: list[dict[str, Any]] = [{f: s[f] for f in self.fields if f in s} for s in spec["samples"]]
        self.rows: dict[Any, dict[str, Any]] = {}
        self.models = self.record_model(), self.changes_model(), self.filters_model()
        self.reset()

    # --- models ---------------------------------------------------------------------------------------------------

    def _field(self, index: int, spec: dict[str, Any], optional: bool) -> tuple[str, tuple[Any, Any]]:
        """(Python attribute, (type, Field)) for one field; the JSON name is its alias, whatever Python reserves."""
        kind: Any = TYPES[spec["type"]]
        if spec.get("choices"):
            kind = Literal[tuple(spec["choices"])]
        if may_be_null(spec):
            kind = kind | None
        name = spec["name"]
        # A name Python or Pydantic reserves (`class`, `json`, `model_config`) gets an attribute no field can have.
        attribute = f"Field{index}" if keyword.iskeyword(name) or hasattr(BaseModel, name) else name
        examples = [s[name] for s in self.samples if s.get(name) is not None][:1]
        field = Field(
            None if optional or may_be_null(spec) else ...,
            alias=name,
            description=spec.get("description") or None,
            ge=spec.get("min"),
            le=spec.get("max"),
            pattern=URL_SAFE_KEY if name == self.key and spec["type"] == "str" else None,
            allow_inf_nan=False if spec["type"] == "float" else None,  # JSON has no NaN or Infinity
            examples=examples or None,
        )
        return attribute, (kind, field)

    def _model(self, suffix: str, optional: bool, skip: str | None = None, **config: Any) -> type[BaseModel]:
        fields = dict(
            self._field(index, spec, optional) for index, spec in enumerate(self.spec["fields"]) if spec["name"] != skip
        )
        settings = ConfigDict(populate_by_name=True, serialize_by_alias=True, protected_namespaces=(), **config)
        return create_model(camel(self.name) + suffix, __config__=settings, **fields)

    def record_model(self) -> type[BaseModel]:
        """A whole record: what create takes and every endpoint returns (each field's example is from a sample)."""
        model = self._model("", False, extra="forbid")
        model.__doc__ = f"One {self.words}, identified by its {self.key}."
        return model

    def changes_model(self) -> type[BaseModel]:
        """What a change (PATCH) takes: any fields but the key; the ones left out keep their values."""
        model = self._model("Changes", True, skip=self.key, extra="forbid")
        model.__doc__ = f"New values for some fields of one {self.words} (not its {self.key})."
        return model

    def filters_model(self) -> type[BaseModel]:
        """The list's query parameters: any field, matched exactly."""
        fields = {}
        for index, spec in enumerate(self.spec["fields"]):
            attribute, (kind, _) = self._field(index, spec, True)
            if spec["type"] == "int":  # a query string is text: "2" matches the int choice 2, never Literal[2]
                kind = int
            described = f"only {self.plural} whose {spec['name']} is this"
            fields[attribute] = (kind | None, Field(None, alias=spec["name"], description=described))
        settings = ConfigDict(populate_by_name=True, extra="forbid", protected_namespaces=())
        return create_model(camel(self.name) + "Filters", __config__=settings, **fields)

    @property
    def examples(self) -> dict[str, dict[str, Any]]:
        """The samples as named request examples for the docs (Swagger UI offers them in a list)."""
        return {str(s[self.key]): {"summary": f"{self.key} {s[self.key]}", "value": s} for s in self.samples}

    # --- records --------------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the sample records."""
        with LOCK:
            self.rows = {}
            for sample in self.samples:
                record = self.models[0].model_validate(sample).model_dump(mode="json", by_alias=True)
                self.rows[record[self.key]] = record

    def find(self, filters: BaseModel) -> list[dict[str, Any]]:
        """The records whose fields equal every filter given."""
        wanted = filters.model_dump(mode="json", by_alias=True, exclude_none=True)
        with LOCK:
            return [r for r in self.rows.values() if all(r.get(k) == v for k, v in wanted.items())]

    def get(self, key: Any) -> dict[str, Any]:
        with LOCK:
            record = self.rows.get(key)
        if record is None:
            raise Rejected(404, "not_found", f"no {self.words} has {self.key} {key!r}")
        return record

    def create(self, body: BaseModel) -> dict[str, Any]:
        """Store a new record: 409 when its key is taken, 422 when a reference names no record."""
        record = body.model_dump(mode="json", by_alias=True)
        key = record[self.key]
        with LOCK:
            if key in self.rows:
                raise Rejected(409, "duplicate_key", f"{self.key} {key!r} is taken by another {self.words}")
            self.check_references(record)
            self.rows[key] = record
        return record

    def change(self, key: Any, values: BaseModel | dict[str, Any]) -> dict[str, Any]:
        """Set some fields of the record with this key (404 when there is none); returns the changed record."""
        if isinstance(values, BaseModel):  # a PATCH body: only the fields it sets
            values = values.model_dump(mode="json", by_alias=True, exclude_unset=True)
        with LOCK:
            record = {**self.get(key), **values}
            self.check_references(record)
            self.rows[key] = record
        return record

    def delete(self, key: Any) -> None:
        with LOCK:
            self.get(key)
            del self.rows[key]

    def check_references(self, record: dict[str, Any]) -> None:
        """Every reference in `record` names an existing record of the resource it references (else 422)."""
        for name, spec in self.fields.items():
            target = spec.get("references")
            if target and record.get(name) is not None and record[name] not in TABLES[target].rows:
                other = TABLES[target]
                raise Rejected(422, "unknown_reference", f"{name}: no {other.words} has {other.key} {record[name]!r}")


def load_tables() -> dict[str, Table]:
    return {spec["name"]: Table(spec) for spec in load_data()["resources"]}


#: Every resource's table, by resource name, as app/data/app.json lists them.
TABLES = load_tables()


def reset() -> None:
    """Every table back to its samples (each test starts from them)."""
    for table in TABLES.values():
        table.reset()
