"""A non-editable install into a fresh virtual environment gives a working `scaffold` from any folder,
with the blueprints inside the installed package and nothing from the test extras."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git

ROOT = Path(__file__).resolve().parents[1]
STATEMENT = "Partner pharmacies need to check whether a prescription was approved before dispensing"


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.is_file() else shutil.which("uv")


def _run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_installed_scaffold_works_outside_the_source_tree(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    uv = _uv()
    if uv:
        steps = [
            [uv, "venv", "-q", "--python", sys.executable, str(venv)],
            [uv, "pip", "install", "-q", "--python", str(python), str(ROOT)],
        ]
    else:
        steps = [[sys.executable, "-m", "venv", str(venv)], [str(python), "-m", "pip", "install", "-q", str(ROOT)]]
    for step in steps:
        done = _run(*step, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCAFFOLD_", "PYTHON"))}
    scaffold = str(venv / "bin" / "scaffold")

    assert _run(scaffold, "--help", cwd=elsewhere, env=env).returncode == 0
    listed = _run(scaffold, "blueprints", "--json", cwd=elsewhere, env=env)
    assert listed.returncode == 0, listed.stderr
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    for blueprint in json.loads(listed.stdout):
        assert Path(blueprint["path"]).is_relative_to(site_packages), blueprint["path"]
    assert (site_packages / "scaffolder" / "blueprints" / "_shared" / "copier.yml").is_file()

    made = _run(scaffold, STATEMENT, "--out", "pharmacy-check", cwd=elsewhere, env=env)
    assert made.returncode == 0, made.stderr
    repo = git.Repo(elsewhere / "pharmacy-check")
    assert len(list(repo.iter_commits())) == 1 and not repo.is_dirty(untracked_files=True)
    assert not [name for name in repo.git.ls_files().splitlines() if "__pycache__" in name or name.endswith(".pyc")]
