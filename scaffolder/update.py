"""`scaffold update DIR`: bring a generated repo up to the blueprint versions of the installed scaffold.

Each layer of the repo (the blueprint, then the shared measurement kit) is updated with Copier's own update, a
three-way merge between the recorded version, the new version and the team's edits; conflicts are marked inline the
way Copier marks them. The work happens in a temporary clone of the repo, so the repo itself changes only at the end,
by one fast-forward to one new commit; `--dry-run` stops before that and lists what would change.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.errors import BadInput, RenderFailed
from scaffolder.versions import git, latest, materialize, source_name

#: The answers files scaffold writes: the blueprint's, then the kit's.
ANSWERS_FILES = (".copier-answers.yml", ".copier-answers.shared.yml")
#: Copier's inline conflict marker (conflict="inline").
CONFLICT_MARK = "<<<<<<< before updating"


@dataclass
class Layer:
    answers_file: str
    name: str
    old: str
    new: str


@dataclass
class UpdateResult:
    repo: Path
    layers: list[Layer]
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    commit: str | None = None
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "repo": str(self.repo),
            "layers": [vars(layer) for layer in self.layers],
            "changed": self.changed,
            "conflicts": self.conflicts,
            "commit": self.commit,
            "dry_run": self.dry_run,
        }


def _read_answers(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BadInput(f"cannot read {path.name}: {str(error).splitlines()[0]}") from error
    return data if isinstance(data, dict) else {}


def _set_source(answers_file: Path, source: str) -> None:
    """Point an answers file's `_src_path` somewhere else, keeping every other line as it is."""
    lines = answers_file.read_text(encoding="utf-8").splitlines(keepends=True)
    answers_file.write_text(
        "".join(f"_src_path: {source}\n" if line.startswith("_src_path:") else line for line in lines),
        encoding="utf-8",
    )


def plan_layers(repo: Path) -> list[Layer]:
    """The bundled layers of a generated repo and the versions they would move between."""
    from scaffolder.catalog import bundled_root

    layers = []
    for answers_file in ANSWERS_FILES:
        path = repo / answers_file
        if not path.is_file():
            continue
        answers = _read_answers(path)
        name = source_name(answers)
        if name is None:
            continue
        template = bundled_root() / name
        new = latest(template)
        if not template.is_dir() or new is None:
            raise BadInput(f"{answers_file} names blueprint {name!r}, which this scaffold does not bundle")
        layers.append(Layer(answers_file, name, str(answers.get("_commit") or ""), new))
    if not layers:
        raise BadInput(
            f"{repo} was not made by scaffold from a versioned blueprint (no scaffold: source in its answers)"
        )
    return layers


def _identity() -> list[str]:
    """`-c user.name=… -c user.email=…`: the identity scaffold's own commit uses (repo.identity)."""
    from scaffolder.repo import identity

    author = identity()
    return ["-c", f"user.name={author.name}", "-c", f"user.email={author.email}"]  # type: ignore[attr-defined]


def _commit(work: Path, message: str, identity: list[str]) -> None:
    git("add", "--all", cwd=work)
    git(*identity, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message, cwd=work)


def _check_repo(repo: Path) -> None:
    if not (repo / ".git").is_dir():
        raise BadInput(f"{repo} is not a git repository made by scaffold")
    if git("status", "--porcelain", cwd=repo).strip():
        raise BadInput(f"{repo} has uncommitted changes; commit or stash them, then update")


def _copier_update(work: Path, answers_file: str, version: str) -> None:
    import copier

    try:
        copier.run_update(
            work,
            answers_file=answers_file,
            vcs_ref=version,
            defaults=True,
            overwrite=True,
            unsafe=False,
            skip_tasks=True,
            quiet=True,
            conflict="inline",
            settings=copier.Settings(),
        )
    except Exception as error:  # Copier's own failures: one line, the repo untouched
        raise RenderFailed(f"Copier could not update {answers_file}: {' '.join(str(error).split())[:300]}") from error


def update(repo: Path, *, dry_run: bool = False, notify: Callable[[str], None] = lambda _m: None) -> UpdateResult:
    """Update every bundled layer of `repo`; one commit, or nothing when already current."""
    from scaffolder.catalog import bundled_root

    repo = repo.absolute()
    _check_repo(repo)
    layers = plan_layers(repo)
    result = UpdateResult(repo=repo, layers=layers, dry_run=dry_run)
    stale = [layer for layer in layers if layer.old != layer.new]
    identity = _identity()
    if not stale:
        return result
    with tempfile.TemporaryDirectory(prefix="scaffold-update-") as tmp:
        work = Path(tmp) / "work"
        git("clone", "--quiet", "--no-hardlinks", str(repo), str(work))
        base = git("rev-parse", "HEAD", cwd=work).strip()
        for layer in stale:
            template = materialize(bundled_root() / layer.name, Path(tmp) / f"template-{layer.name}")
            answers = work / layer.answers_file
            _set_source(answers, str(template))
            _commit(work, f"point {layer.answers_file} at {layer.name}", identity)
            notify(f"updating {layer.name} {layer.old or '?'} -> {layer.new}")
            _copier_update(work, layer.answers_file, layer.new)
            _set_source(answers, f"scaffold:{layer.name}")
            _commit(work, f"{layer.name} {layer.new}", identity)
        git("reset", "--quiet", "--soft", base, cwd=work)
        result.changed = [line for line in git("diff", "--cached", "--name-only", cwd=work).splitlines() if line]
        result.conflicts = [
            name
            for name in result.changed
            if (work / name).is_file() and CONFLICT_MARK in (work / name).read_text(encoding="utf-8", errors="replace")
        ]
        if dry_run or not result.changed:
            return result
        summary = ", ".join(f"{layer.name} {layer.old or '?'} -> {layer.new}" for layer in stale)
        message = f"Update to the installed scaffold's blueprints ({summary})\n"
        if result.conflicts:
            message += "\nConflicts marked inline, to resolve:\n" + "".join(f"  {c}\n" for c in result.conflicts)
        _commit(work, message, identity)
        git("fetch", "--quiet", str(work), "HEAD", cwd=repo)
        git("merge", "--quiet", "--ff-only", "FETCH_HEAD", cwd=repo)
        result.commit = git("rev-parse", "HEAD", cwd=repo).strip()
    return result
