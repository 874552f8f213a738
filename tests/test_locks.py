"""Generated repos install pinned versions: each bundled blueprint's requirements.lock covers its pyproject."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import jinja2
import pytest

BLUEPRINTS = Path(__file__).resolve().parents[1] / "blueprints"
BUNDLED = sorted(p.parent.parent.name for p in BLUEPRINTS.glob("*/template/pyproject.toml.jinja"))


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0)).lower()


@pytest.mark.parametrize("blueprint", BUNDLED)
def test_the_lock_pins_every_dependency_the_pyproject_names(blueprint: str) -> None:
    template = BLUEPRINTS / blueprint / "template"
    text = jinja2.Environment(autoescape=False).from_string((template / "pyproject.toml.jinja").read_text())
    project = tomllib.loads(text.render(slug="x", project_name="x", problem=""))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for extra in project.get("optional-dependencies", {}).values() for r in extra}
    lock = template / "requirements.lock"
    assert lock.is_file(), f"{blueprint} has no requirements.lock: run scripts/lock_blueprints.py {blueprint}"
    pinned = {
        _name(line.split("==")[0]): line.split("==")[1].split(";")[0].strip()
        for line in lock.read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    missing = sorted(wanted - set(pinned))
    assert not missing, f"{blueprint}'s lock misses {missing}: run scripts/lock_blueprints.py {blueprint}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version) for version in pinned.values())
