"""Where the offline planner finds a blueprint's planning knowledge: its cues and its optional fill plugin.

One hook for every planner plugin, the way `llm` loads its built-in models: a bundled blueprint's
`blueprints/<name>/planner.py` is loaded by file path, and an installed package can register more through the
`scaffold.planners` entry-point group (`name = "package.module"` or `"package.module:fill"`). A blueprint from a
user's `--blueprints` folder is data: its folder is never imported; it gets the generic fill from its `copier.yml`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.catalog import Blueprint

#: The entry-point group third-party planner plugins register in.
ENTRY_POINT_GROUP = "scaffold.planners"

#: Plugins registered in this process (tests, embedding applications): blueprint name -> fill function.
_registered: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class Cues:
    """General evidence that favours a blueprint (from its `cues.yml`): who acts, what kind of verb, cue words."""

    actor_kinds: dict[str, float] = field(default_factory=dict)
    verb_kinds: dict[str, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)
    states: float = 0.0  # per state the statement names
    quantities: float = 0.0  # per quantity
    topics: float = 0.0  # when the statement lists topics
    questions: float = 0.0  # when the statement quotes questions people ask ("How do I ...?")
    prior: float = 0.0  # a small tie-breaker, never enough on its own


def register(name: str, fill: Callable[..., Any]) -> None:
    """Register a fill function for the blueprint called `name` (in-process; entry points do the same)."""
    _registered[name] = fill


def unregister(name: str) -> None:
    _registered.pop(name, None)


@cache
def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def planner_for(blueprint: Blueprint) -> Callable[..., Any] | None:
    """The fill function for `blueprint`, or None when it gets the generic fill from its copier.yml."""
    if blueprint.name in _registered:
        return _registered[blueprint.name]
    if blueprint.bundled and (blueprint.path / "planner.py").is_file():
        from scaffolder.planners.plugin import load_planner

        return getattr(load_planner(blueprint.path), "fill", None)
    entry = _entry_points().get(blueprint.name)
    if entry is not None:
        loaded = entry.load()
        return loaded if callable(loaded) else getattr(loaded, "fill", None)
    return None


def checker_for(blueprint: Blueprint) -> Callable[[dict[str, Any]], list[str]] | None:
    """A bundled blueprint's `check(answers)`: what its questions cannot say about answers (e.g. whether a chatbot's
    phrasings find their intents), so that a plan that validates renders a repo whose own tests pass."""
    if blueprint.bundled and (blueprint.path / "planner.py").is_file():
        from scaffolder.planners.plugin import load_planner

        return getattr(load_planner(blueprint.path), "check", None)
    return None


def brief_templates(blueprint: Blueprint) -> dict[str, Any]:
    """The blueprint's `brief.yml` sentence templates (data, so a user's blueprint may bring its own)."""
    path = blueprint.path / "brief.yml"
    if not path.is_file():
        return {}
    return copy.deepcopy(_brief_templates(path, path.stat().st_mtime_ns))


@cache
def _brief_templates(path: Path, mtime: int) -> dict[str, Any]:
    from scaffolder.catalog import load_yaml_file

    return load_yaml_file(path, path.parent)


def cues(blueprint: Blueprint) -> Cues:
    """The blueprint's `cues.yml` (a user's blueprint may bring one too; it is plain data)."""
    return _cues(blueprint.path)


@cache
def _cues(path: Path) -> Cues:
    from scaffolder.catalog import load_yaml_file

    file = path / "cues.yml"
    data = load_yaml_file(file, path) if file.is_file() else {}

    def weights(key: str) -> dict[str, float]:
        value = data.get(key) or {}
        if isinstance(value, list):
            return {str(k).lower(): 1.0 for k in value}
        return {str(k).lower(): float(v) for k, v in value.items() if isinstance(v, (int, float))}

    def number(key: str) -> float:
        value = data.get(key, 0)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0

    return Cues(
        actor_kinds=weights("actor_kinds"),
        verb_kinds=weights("verb_kinds"),
        words=weights("words"),
        states=number("states"),
        quantities=number("quantities"),
        topics=number("topics"),
        questions=number("questions"),
        prior=number("prior"),
    )
