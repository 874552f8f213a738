"""The Plan: one Pydantic model with four uses.

It is the JSON schema the LLM must answer with, what `--dry-run --json` prints, what a generated repo keeps in
`.scaffold/plan.json`, and what `--plan FILE` replays. Blueprint-specific answers are validated separately against
the chosen blueprint's own `copier.yml` questions (see `catalog.py`), because a user's own blueprint brings its own.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

#: A name that is safe as a Python identifier, a module name, a file name and an event name.
IDENT_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
#: The generated repo's folder and distribution name.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}$"

Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


def _strip(value: Any) -> Any:
    """Python's strip, the one the blueprints' Jinja validators use: it also takes the control characters that
    Python counts as space (U+001C-U+001F), which Pydantic's own stripping keeps, so a name made of them is empty
    here as it is there."""
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=400)]
ShortText = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=80)]

#: Version 2: blueprint answers v2 (actions, relations, constraints) and events with properties.
SCHEMA_VERSION = 2

IndicatorKind = Literal["conversion", "ratio", "median_seconds", "share", "returning", "count"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _kinds_text() -> str:
    """The kinds as the kit's metrics.py defines them (its KINDS): the one description the schema, README and code share."""
    from scaffolder.evidence import kit_metrics

    return "; ".join(f"{kind}: {meaning}" for kind, meaning in kit_metrics().KINDS.items())


class Indicator(_Model):
    """A leading indicator computed from recorded events, with a numeric target."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: schema.pop("description", None))

    id: Ident = Field(description="snake_case id, referenced by hypotheses")
    name: ShortText
    kind: IndicatorKind = Field(description=_kinds_text())
    event: Ident
    of_event: Ident | None = None
    where: dict[Ident, str | int | float | bool] = Field(
        default_factory=dict, description="property filter on `event`, e.g. {'positive': true}"
    )
    window_days: float | None = Field(default=None, gt=0, description="count only: the last N days")
    target: float = Field(ge=0, description="ratios in 0..1, seconds, or a count")
    direction: Literal["at_least", "at_most"] = "at_least"

    @model_validator(mode="after")
    def _check_kind(self) -> Indicator:
        if self.kind in ("median_seconds", "ratio") and not self.of_event:
            raise ValueError(f"indicator {self.id!r}: {self.kind} needs `of_event` ({KIND_OF_EVENT[self.kind]})")
        if self.kind in ("conversion", "ratio", "share", "returning") and self.target > 1:
            raise ValueError(f"indicator {self.id!r}: a {self.kind} target is a ratio between 0 and 1")
        if self.window_days is not None and self.kind != "count":
            raise ValueError(f"indicator {self.id!r}: window_days applies to count indicators only")
        return self

    def events(self) -> list[str]:
        """The events this indicator is computed from."""
        return [self.event] + ([self.of_event] if self.of_event else [])


#: What `of_event` is for the kinds that need one.
KIND_OF_EVENT = {"median_seconds": "the start event", "ratio": "the event counted below the line"}


class Hypothesis(_Model):
    """A falsifiable belief, tied to the indicator that will confirm or refute it."""

    belief: Text = Field(description="'We believe <users> will <behaviour> because <reason>'")
    indicator: Ident = Field(description="id of the indicator that measures it")


class Brief(_Model):
    """The discovery brief: who has the problem, what we believe, and how we will know."""

    problem: Text
    target_users: list[ShortText] = Field(min_length=1, max_length=5)
    hypotheses: list[Hypothesis] = Field(min_length=2, max_length=5)
    indicators: list[Indicator] = Field(min_length=2, max_length=6)
    notes: list[Text] = Field(
        default_factory=list, max_length=3, description="cautions for whoever runs sessions, e.g. consent"
    )

    @model_validator(mode="after")
    def _check_links(self) -> Brief:
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique")
        for h in self.hypotheses:
            if h.indicator not in ids:
                raise ValueError(f"hypothesis refers to unknown indicator {h.indicator!r}; known: {ids}")
        return self


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Provenance(_Model):
    """How the plan was made. Filled by scaffold, never by the LLM; never holds a secret."""

    planner: Literal["offline", "llm", "file"]
    model: str | None = None
    base_url_host: str | None = None
    requests: int = 0
    usage: Usage | None = None
    latency_ms: int | None = None
    warnings: list[str] = Field(default_factory=list)
    scaffold_version: str | None = None


class Plan(_Model):
    """Everything needed to render one prototype."""

    schema_version: Literal[2] = SCHEMA_VERSION
    statement: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    project_name: ShortText = Field(description="short human title of the prototype")
    slug: Slug = Field(description="kebab-case folder name, e.g. 'prescription-check'")
    blueprint: Ident = Field(description="name of the chosen blueprint")
    brief: Brief
    answers: dict[str, Any] = Field(
        default_factory=dict, description="the chosen blueprint's answers, per its answer schema"
    )
    rationale: Text = Field(description="one or two sentences: why this blueprint and these hypotheses")
    provenance: Provenance | None = None

    @model_validator(mode="before")
    @classmethod
    def _check_version(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("schema_version") not in (None, SCHEMA_VERSION):
            raise ValueError(
                f"schema_version {data.get('schema_version')!r}: this plan was made by another scaffold version; "
                f'plan the statement again (scaffold --dry-run --json "<statement>") and edit the new plan'
            )
        return data


#: Fields scaffold fills itself; the LLM is never asked for them.
LLM_EXCLUDED = {"schema_version", "provenance", "statement"}


def llm_reply_schema() -> dict[str, Any]:
    """The JSON schema of the reply the LLM must give: the Plan less the fields scaffold fills itself."""
    schema = Plan.model_json_schema()
    for name in LLM_EXCLUDED:
        schema["properties"].pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in LLM_EXCLUDED]
    schema["$defs"].pop("Provenance", None)
    schema["$defs"].pop("Usage", None)
    return schema


def slugify(text: str, max_len: int = 40) -> str:
    """Kebab-case ASCII slug; never empty."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len:
            break
        slug = candidate
    return slug or "prototype"
