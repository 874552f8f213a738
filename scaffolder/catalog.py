"""The blueprint catalogue: plain Copier templates plus a little metadata that tells a planner when to use each.

A blueprint is a folder holding `copier.yml` (the questions, the source of truth for its answers) and
`blueprint.yml` (planner metadata: a one-line summary, when to use it, the events its prototype records, and JSON
schemas for answers whose Copier type is `json` or `yaml`). Folders whose name starts with `_` are not blueprints:
`_shared` is the measurement kit every bundled blueprint is rendered with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from scaffolder.errors import BadInput

#: Answers that scaffold fills from the plan itself; a planner never provides them.
RESERVED_ANSWERS = ("project_name", "slug", "problem")

#: Environment variable naming extra blueprint folders, separated by os.pathsep.
BLUEPRINTS_ENV = "SCAFFOLD_BLUEPRINTS"

_COPIER_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "json": {},
    "yaml": {},
}


def bundled_root() -> Path:
    """Where the bundled blueprints live: inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "blueprints"
    return installed if installed.is_dir() else here.parent / "blueprints"


def shared_kit_path() -> Path:
    """The measurement kit: a plain Copier template rendered after every blueprint that asks for it."""
    return bundled_root() / "_shared"


def load_yaml_file(path: Path, root: Path | None = None) -> dict[str, Any]:
    """Load a Copier-style YAML file: several documents merged, `!include` resolved inside `root` only."""
    import yaml

    root = (root or path.parent).resolve()

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present
        pass

    def include(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        pattern = str(loader.construct_scalar(node))  # type: ignore[arg-type]
        if PurePosixPath(pattern).is_absolute():
            raise BadInput(f"{path}: !include needs a relative path")
        merged: dict[str, Any] = {}
        for included in sorted(root.glob(pattern)):
            if not included.resolve().is_relative_to(root):
                raise BadInput(f"{path}: !include {pattern} points outside the template")
            merged.update(load_yaml_file(included, root))
        return merged

    Loader.add_constructor("!include", include)
    merged: dict[str, Any] = {}
    try:
        for document in yaml.load_all(path.read_text(encoding="utf-8"), Loader=Loader):
            if isinstance(document, dict):
                merged.update(document)
    except yaml.YAMLError as error:
        raise BadInput(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from error
    return merged


@dataclass(frozen=True)
class Blueprint:
    """One Copier template and what a planner needs to know about it."""

    name: str
    path: Path
    title: str
    summary: str
    use_when: str
    keywords: tuple[str, ...] = ()
    events: dict[str, str] = field(default_factory=dict)  # name -> description
    event_properties: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> {property: type}
    settings: dict[str, str] = field(default_factory=dict)
    open_url: str | None = None
    shared_kit: bool = False
    before_you_show: tuple[str, ...] = ()  # what a team should know before showing the prototype
    answer_schemas: dict[str, Any] = field(default_factory=dict)
    bundled: bool = True

    @cached_property
    def questions(self) -> dict[str, dict[str, Any]]:
        """The Copier questions, normalised to dicts (Copier allows `name: default` shorthand)."""
        config = load_yaml_file(self.path / "copier.yml", self.path)
        questions: dict[str, dict[str, Any]] = {}
        for name, spec in config.items():
            if name.startswith("_"):
                continue
            questions[name] = spec if isinstance(spec, dict) else {"default": spec}
        return questions

    @cached_property
    def answer_schema(self) -> dict[str, Any]:
        """JSON schema of the answers a planner must give, derived from the copier.yml questions."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, q in self.questions.items():
            if name in RESERVED_ANSWERS or q.get("when") is False:
                continue
            qtype = str(q.get("type") or _infer_type(q.get("default")))
            prop = dict(self.answer_schemas.get(name) or _COPIER_TYPES.get(qtype, {}))
            choices = q.get("choices")
            if choices:
                values = list(choices.values()) if isinstance(choices, dict) else list(choices)
                prop = {"type": "array", "items": {"enum": values}} if q.get("multiselect") else {"enum": values}
            if q.get("help"):
                prop.setdefault("description", str(q["help"]).strip())
            default = q.get("default")
            if default is None or (isinstance(default, str) and "{{" in default):
                required.append(name)
            properties[name] = prop
        return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}

    def validate_answers(self, answers: dict[str, Any]) -> list[str]:
        """Every problem with `answers`, as `path: message` lines (empty when valid)."""
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(self.answer_schema)
        problems = []
        for error in sorted(validator.iter_errors(answers), key=lambda e: list(e.absolute_path)):
            where = "answers" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            problems.append(f"{where}: {_short(error.message)}")
        return problems or self._copier_validator_problems(answers)

    @cached_property
    def _validators(self) -> dict[str, Any]:
        """The template's own `validator` expressions, compiled once, as Copier will run them."""
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
        return {
            name: env.from_string(str(q["validator"]))
            for name, q in self.questions.items()
            if name not in RESERVED_ANSWERS and q.get("validator")
        }

    def _copier_validator_problems(self, answers: dict[str, Any]) -> list[str]:
        """Run the template's validators with the answers as plain data (never as template source)."""
        context = {n: q.get("default") for n, q in self.questions.items()} | answers
        problems = []
        for name, template in self._validators.items():
            if name not in answers:
                continue
            try:
                message = template.render(**context).strip()
            except Exception as error:  # noqa: BLE001 - a validator that cannot run on this answer rejects it
                message = f"cannot be checked ({type(error).__name__}: {error})"
            if message:
                problems.append(f"answers.{name}: {_short(message)}")
        return problems

    def event_signature(self, name: str) -> str:
        """`name(prop: type, ...)`, as the prompt and error messages show an event."""
        props = self.event_properties.get(name) or {}
        return f"{name}({', '.join(f'{k}: {v}' for k, v in props.items())})"

    def check_indicators(self, indicators: list[Any]) -> list[str]:
        """Problems with indicators' events and `where` filters: unknown events, undeclared properties."""
        if not self.events:
            return []  # a blueprint that declares no events accepts any (a user's template may record its own)
        problems = []
        for indicator in indicators:
            for event in indicator.events():
                if event not in self.events:
                    problems.append(
                        f"brief.indicators[{indicator.id}]: event {event!r} is not recorded by the {self.name} "
                        f"blueprint; use one of {sorted(self.events)}"
                    )
            where = getattr(indicator, "where", None) or {}
            if indicator.event in self.events:
                declared = self.event_properties.get(indicator.event) or {}
                for prop in where:
                    if prop not in declared:
                        known = ", ".join(declared) or "none"
                        problems.append(
                            f"brief.indicators[{indicator.id}].where: {indicator.event} has no property {prop!r}; "
                            f"its properties: {known}"
                        )
        return problems

    def describe(self) -> dict[str, Any]:
        """What a planner is told about this blueprint."""
        return {
            "name": self.name,
            "summary": self.summary,
            "use_when": self.use_when,
            "events": sorted(self.events),
            "answers_schema": self.answer_schema,
        }


def _infer_type(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, str) or default is None:
        return "str"
    return "yaml"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def load_blueprint(path: Path, bundled: bool = False) -> Blueprint:
    """Read one blueprint folder; a folder without planner metadata still works, described by its name."""
    path = path.resolve()
    if not (path / "copier.yml").is_file():
        raise BadInput(f"{path} is not a Copier template (no copier.yml)")
    meta_file = path / "blueprint.yml"
    meta = load_yaml_file(meta_file) if meta_file.is_file() else {}
    name = str(meta.get("name") or path.name).replace("-", "_")
    events, properties = _events(meta.get("events") or {})
    return Blueprint(
        name=name,
        path=path,
        title=str(meta.get("title") or name),
        summary=" ".join(str(meta.get("summary") or f"Copier template at {path}").split()),
        use_when=" ".join(str(meta.get("use_when") or "").split()),
        keywords=tuple(str(k).lower() for k in meta.get("keywords") or ()),
        events=events,
        event_properties=properties,
        settings={str(k): " ".join(str(v).split()) for k, v in (meta.get("settings") or {}).items()},
        open_url=meta.get("open_url"),
        shared_kit=bool(meta.get("shared_kit", False)),
        before_you_show=tuple(" ".join(str(item).split()) for item in meta.get("before_you_show") or ()),
        answer_schemas=dict(meta.get("answer_schemas") or {}),
        bundled=bundled,
    )


#: Event property types a blueprint may declare.
PROPERTY_TYPES = ("str", "int", "float", "bool")


def _events(raw: Any) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Events in either form: `name: description`, or `name: {description, properties: {prop: type}}`."""
    events: dict[str, str] = {}
    properties: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        return events, properties
    for name, spec in raw.items():
        if isinstance(spec, dict):
            events[str(name)] = " ".join(str(spec.get("description") or "").split())
            props = spec.get("properties") or {}
            properties[str(name)] = (
                {str(k): str(v) if str(v) in PROPERTY_TYPES else "str" for k, v in props.items()}
                if isinstance(props, dict)
                else {}
            )
        else:
            events[str(name)] = " ".join(str(spec if spec is not None else "").split())
            properties[str(name)] = {}
    return events, properties


def _template_dirs(folder: Path) -> list[Path]:
    if (folder / "copier.yml").is_file():
        return [folder]
    return sorted(
        p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")) and (p / "copier.yml").is_file()
    )


class Catalog:
    """The blueprints a planner may pick from: bundled ones, then user folders (which win on a name clash)."""

    def __init__(self, extra_dirs: list[Path] | tuple[Path, ...] = ()) -> None:
        self.blueprints: dict[str, Blueprint] = {}
        for path in _template_dirs(bundled_root()):
            bp = load_blueprint(path, bundled=True)
            self.blueprints[bp.name] = bp
        for folder in extra_dirs:
            folder = Path(folder).expanduser()
            if not folder.is_dir():
                raise BadInput(f"blueprint folder not found: {folder}")
            dirs = _template_dirs(folder)
            if not dirs:
                raise BadInput(f"no Copier template (copier.yml) in {folder}")
            for path in dirs:
                bp = load_blueprint(path)
                self.blueprints[bp.name] = bp

    @staticmethod
    def extra_dirs_from_env(environ: dict[str, str] | os._Environ[str]) -> list[Path]:
        value = environ.get(BLUEPRINTS_ENV, "")
        return [Path(p) for p in value.split(os.pathsep) if p.strip()]

    def names(self) -> list[str]:
        return list(self.blueprints)

    def get(self, name: str) -> Blueprint:
        try:
            return self.blueprints[name]
        except KeyError:
            raise BadInput(f"unknown blueprint {name!r}; choose one of: {', '.join(self.names())}") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.blueprints.values())
