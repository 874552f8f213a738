"""`--verify`: run a generated repo's own test suite in a fresh, isolated environment.

The environment lives in a temporary folder, not in the repo, and only the project's dependencies are installed
(not the project itself), so verifying leaves the committed tree exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

from scaffolder.errors import VerifyFailed

INSTALL_TIMEOUT = 900
TEST_TIMEOUT = 600


def requirements(repo: Path) -> list[str]:
    """The runtime and `test` extra requirements declared in the repo's pyproject.toml."""
    try:
        project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise VerifyFailed(f"cannot read {repo / 'pyproject.toml'}: {error}") from error
    extras = project.get("optional-dependencies", {})
    return [*project.get("dependencies", []), *extras.get("test", [])]


def _run(
    command: list[str], cwd: Path, timeout: int, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise VerifyFailed(f"{command[0]} timed out after {timeout} s") from error


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def verify(repo: Path, notify: Callable[[str], None]) -> str:
    """Install the repo's requirements into a temporary environment and run its tests; returns pytest's summary."""
    reqs = requirements(repo)
    uv = shutil.which("uv")
    with tempfile.TemporaryDirectory(prefix="scaffold-verify-") as tmp:
        venv = Path(tmp) / "venv"
        python = venv / "bin" / "python"
        notify(f"verifying: installing {len(reqs)} requirement(s) with {'uv' if uv else 'venv + pip'}")
        if uv:
            steps = [
                [uv, "venv", "-q", "--python", sys.executable, str(venv)],
                [uv, "pip", "install", "-q", "--python", str(python), *reqs],
            ]
        else:
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *reqs],
            ]
        for step in steps:
            done = _run(step, repo, INSTALL_TIMEOUT)
            if done.returncode != 0:
                raise VerifyFailed(
                    f"installing the generated repo's requirements failed: {_last_line(done.stderr or done.stdout)}"
                )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANALYTICS_", "PYTHON"))}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        notify("verifying: running the generated tests")
        done = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], repo, TEST_TIMEOUT, env)
        summary = _last_line(done.stdout)
        if done.returncode != 0:
            raise VerifyFailed(f"the generated tests failed in {repo} ({summary}); the repo was kept")
        notify(f"verified: {summary}")
        return summary
