"""Release step: record each bundled blueprint's current state as its next version, for `scaffold update`.

For every template folder under blueprints/ (the kit `_shared` included) whose files differ from its newest
released version, this adds a commit tagged `v<N+1>` to `blueprints/_versions/<name>.bundle`. Run it whenever a
blueprint changes (a test fails until you do), after `scripts/lock_blueprints.py` when dependencies changed.

    python scripts/release_blueprints.py [ROOT]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scaffolder.versions import VERSIONS_FOLDER, bundle_path, git, released  # noqa: E402

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def released_files(template: Path) -> list[Path]:
    """What Copier reads of a blueprint: its questions and its template folder (planner knowledge is not versioned)."""
    subfolder = template / "template"
    return [template / "copier.yml", subfolder] if subfolder.is_dir() else [template]


def templates(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/copier.yml"))


def release(template: Path) -> str | None:
    """Commit and tag the folder as its next version when it changed; returns the new tag, else None."""
    bundle = bundle_path(template)
    versions = released(template)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        if versions:
            git("clone", "--quiet", str(bundle), str(work))
            git("checkout", "--quiet", f"v{versions[-1]}", cwd=work)
            git("switch", "--quiet", "-C", "main", cwd=work)
        else:
            work.mkdir()
            git("init", "--quiet", "--initial-branch", "main", cwd=work)
        for child in work.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for source in released_files(template):
            if source.is_dir():
                shutil.copytree(source, work / source.relative_to(template), dirs_exist_ok=True, ignore=IGNORED)
            else:
                shutil.copy2(source, work / source.name)
        git("add", "--all", cwd=work)
        if versions and not git("status", "--porcelain", cwd=work).strip():
            return None
        tag = f"v{versions[-1] + 1 if versions else 1}"
        identity = ["-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost"]
        git(*identity, "commit", "--quiet", "--no-verify", "-m", f"{template.name} {tag}", cwd=work)
        git(*identity, "tag", tag, cwd=work)
        bundle.parent.mkdir(exist_ok=True)
        fresh = Path(tmp) / "new.bundle"
        git("bundle", "create", "--quiet", str(fresh), "main", "--tags", cwd=work)
        shutil.move(fresh, bundle)
        return tag


def main(root: Path) -> None:
    for template in templates(root):
        if template.name == VERSIONS_FOLDER:
            continue
        tag = release(template)
        print(f"{template.name}: {'released ' + tag if tag else 'unchanged'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "blueprints")
