"""Release step: pin what each bundled blueprint's generated repo installs, in `template/requirements.lock`.

Run it when a blueprint's dependencies change (a test fails until you do): it renders the blueprint's fixture plan
(tests/fixtures/plan_<name>.json) with scaffold, resolves the generated pyproject.toml with all its extras for
Python 3.11+ on any platform (`uv pip compile --universal`), and writes the result into the blueprint. Generated
repos then install exactly these versions (`make install` passes the lock as constraints), offline-resolvable at
scaffold time and the same next month as today.

    python scripts/lock_blueprints.py [NAME...]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = "requirements.lock"
COMMAND = "python scripts/lock_blueprints.py"


def uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.is_file() else shutil.which("uv")
    if not found:
        sys.exit("lock_blueprints: uv is needed (pip install uv)")
    return found


def lock(name: str) -> Path:
    plan = ROOT / "tests" / "fixtures" / f"plan_{name}.json"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / name
        subprocess.run(
            [sys.executable, "-m", "scaffolder", "--plan", str(plan), "--out", str(out)],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        target = ROOT / "blueprints" / name / "template" / LOCK
        subprocess.run(
            [
                uv(),
                "pip",
                "compile",
                "--quiet",
                "--universal",
                "--python-version",
                "3.11",
                "--all-extras",
                "--custom-compile-command",
                COMMAND,
                "pyproject.toml",
                "-o",
                str(target),
            ],
            check=True,
            cwd=out,
        )
    return target


def main(names: list[str]) -> None:
    bundled = sorted(
        p.parent.name for p in (ROOT / "blueprints").glob("*/copier.yml") if not p.parent.name.startswith("_")
    )
    for name in names or bundled:
        print(f"locked {lock(name).relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
