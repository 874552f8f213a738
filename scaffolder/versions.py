"""Released versions of the bundled blueprints, so generated repos can follow them with Copier's update.

Copier updates a project by rendering the template at the project's recorded version and at the new one and merging
the difference into the project (a three-way merge), which needs the template as a git repository with version tags.
The wheel therefore carries, beside each bundled template folder, a git bundle `_versions/<name>.bundle` whose tags
`v1`, `v2`, … are that folder's released states (`scripts/release_blueprints.py` adds a version; a test checks that the
newest tag matches the folder). A generated repo's answers files record `_src_path: scaffold:<name>` and
`_commit: v<N>`: the version, without the local path scaffold was installed at.
"""

from __future__ import annotations

import os
import re
import subprocess
from functools import cache
from pathlib import Path

from scaffolder.errors import BadInput

SOURCE_PREFIX = "scaffold:"
VERSIONS_FOLDER = "_versions"
_TAG = re.compile(r"^v(\d+)$")


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git as scaffold's commit does (repo.git_environment: no system or global configuration, no hooks, no
    fsmonitor); return its standard output."""
    from scaffolder.repo import git_environment

    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | git_environment()
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BadInput(f"git {args[0]} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return done.stdout


def bundle_path(template: Path) -> Path:
    """Where a bundled template's released versions are kept."""
    return template.parent / VERSIONS_FOLDER / f"{template.name}.bundle"


@cache
def _tags(bundle: str, mtime: float) -> tuple[int, ...]:
    heads = git("bundle", "list-heads", bundle)
    numbers = []
    for line in heads.splitlines():
        ref = line.split()[-1]
        if ref.startswith("refs/tags/") and (match := _TAG.match(ref.removeprefix("refs/tags/"))):
            numbers.append(int(match.group(1)))
    return tuple(sorted(numbers))


def released(template: Path) -> tuple[int, ...]:
    """The released version numbers of a bundled template, oldest first (empty when it has none)."""
    bundle = bundle_path(template)
    if not bundle.is_file():
        return ()
    return _tags(str(bundle), bundle.stat().st_mtime)


def latest(template: Path) -> str | None:
    """The newest released version tag of a bundled template, e.g. 'v3'."""
    numbers = released(template)
    return f"v{numbers[-1]}" if numbers else None


def materialize(template: Path, dest: Path) -> Path:
    """A git repository of every released version of `template`, at `dest` (for Copier's update)."""
    bundle = bundle_path(template)
    if not bundle.is_file():
        raise BadInput(f"blueprint {template.name} has no released versions to update from")
    git("clone", "--quiet", str(bundle), str(dest))
    return dest


def stamped_answers(answers_text: str, template: Path) -> str | None:
    """A Copier answers file recording a bundled template's name and released version instead of a local path;
    None when `template` is not a released bundled blueprint (a user's own template keeps Copier's record)."""
    import yaml

    from scaffolder.catalog import bundled_root

    version = latest(template)
    if version is None or template.resolve().parent != bundled_root().resolve():
        return None
    header = "".join(line for line in answers_text.splitlines(keepends=True) if line.startswith("#"))
    answers = yaml.safe_load(answers_text) or {}
    answers["_src_path"] = f"{SOURCE_PREFIX}{template.name}"
    answers["_commit"] = version
    ordered = {"_commit": version, "_src_path": answers["_src_path"]}
    ordered |= {k: v for k, v in answers.items() if k not in ordered}
    return header + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)


def source_name(answers: dict) -> str | None:
    """The bundled template a generated repo's answers name (`scaffold:<name>`), if any."""
    source = str(answers.get("_src_path") or "")
    return source.removeprefix(SOURCE_PREFIX) if source.startswith(SOURCE_PREFIX) else None
