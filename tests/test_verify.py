"""`--verify`: the generated repo's own tests run in a fresh environment (uv when on PATH, else venv + pip).

One real green install (the api blueprint, with uv when available); the red and broken cases use a small custom
blueprint whose only requirement is pytest, once through each installer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from conftest import FIXTURES

from scaffolder.errors import VerifyFailed
from scaffolder.verify import requirements

PHARMACY = "Partner pharmacies need to check whether a prescription was approved before dispensing"
GROWERS = "Growers tending seedlings in a greenhouse need humidity and irrigation alerts for each zone"

#: uv ships as a Python package; the test environment has it beside the interpreter (the `test` extra).
UV = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))

RED_TESTS = """import os

from app import SETTINGS, over_limit


def test_runs_without_the_callers_secrets():
    assert "OPENAI_API_KEY" not in os.environ
    assert SETTINGS["zones"]


def test_deliberately_red():
    assert over_limit({}) == ["no_such_zone"]
"""


def _path_without_uv() -> str:
    return os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "uv").exists()
    )


@pytest.fixture(params=["uv", "pip"])
def installer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Decide through PATH which installer --verify finds."""
    if request.param == "uv":
        if UV is None:
            pytest.fail("uv is not installed; it is part of the `test` extra")
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(UV).parent), _path_without_uv()]))
    else:
        monkeypatch.setenv("PATH", _path_without_uv())
    assert (shutil.which("uv") is not None) == (request.param == "uv")
    return request.param


def _red_blueprint(root: Path) -> Path:
    folder = root / "blueprints" / "greenhouse"
    shutil.copytree(FIXTURES / "blueprints" / "greenhouse", folder)
    (folder / "template" / "tests" / "test_zones.py.jinja").write_text(RED_TESTS)
    return folder.parent


def _porcelain(repo: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("scaffold: error:")]


def test_green_verify_of_the_api_blueprint(cli, tmp_path, monkeypatch):
    if UV is not None:  # the fast path; the pip path is exercised by the red test below
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(UV).parent), os.environ.get("PATH", "")]))
    out = tmp_path / "api"
    result = cli(PHARMACY, "--out", str(out), "--verify", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["blueprint"] == "api"
    assert payload["verified"] and " passed" in payload["verified"] and "failed" not in payload["verified"]
    assert f"with {'uv' if UV else 'venv + pip'}" in result.stderr
    assert f"verified: {payload['verified']}" in result.stderr
    repo = git.Repo(out)
    assert len(list(repo.iter_commits())) == 1
    assert _porcelain(out) == ""  # no venv, caches, bytecode or analytics files left in the repo, not even ignored
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api"]


def test_red_verify_exits_1_keeps_the_repo_and_summarises(cli, tmp_path, installer):
    out = tmp_path / "red"
    env = {"OPENAI_API_KEY": "sk-must-not-leak"}
    blueprints = _red_blueprint(tmp_path)
    result = cli(GROWERS, "--offline", "--blueprints", str(blueprints), "--out", str(out), "--verify", env=env)
    assert result.exit_code == 1, result.stderr
    [error] = _errors(result.stderr)
    assert "1 failed, 1 passed" in error  # the secrets test passed: the caller's environment did not leak
    assert str(out) in error and "kept" in error
    assert f"with {installer if installer == 'uv' else 'venv + pip'}" in result.stderr
    assert "Traceback" not in result.stderr
    repo = git.Repo(out)
    assert len(list(repo.iter_commits())) == 1
    assert _porcelain(out) == ""


def test_red_verify_with_json_prints_one_error_object(cli, tmp_path, monkeypatch):
    if UV is not None:
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(UV).parent), os.environ.get("PATH", "")]))
    out = tmp_path / "red"
    result = cli(GROWERS, "--blueprints", str(_red_blueprint(tmp_path)), "--out", str(out), "--verify", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["exit_code"] == 1 and "1 failed" in payload["error"]
    assert (out / ".git").is_dir()


def test_install_failure_exits_1_with_the_installers_reason(cli, tmp_path, monkeypatch):
    """A requirement that cannot be installed (a local path that is not there: no registry involved)."""
    if UV is not None:
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(UV).parent), os.environ.get("PATH", "")]))
    blueprints = _red_blueprint(tmp_path)
    pyproject = blueprints / "greenhouse" / "template" / "pyproject.toml.jinja"
    missing = (tmp_path / "no-such-package").as_uri()
    pyproject.write_text(pyproject.read_text().replace("dependencies = []", f'dependencies = ["helper @ {missing}"]'))
    out = tmp_path / "out"
    result = cli(GROWERS, "--blueprints", str(blueprints), "--out", str(out), "--verify")
    assert result.exit_code == 1
    [error] = _errors(result.stderr)
    assert "installing the generated repo's requirements failed" in error
    assert (out / ".git").is_dir() and _porcelain(out) == ""


def test_requirements_are_the_dependencies_and_the_test_extra(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["fastapi>=0.110"]\n'
        '[project.optional-dependencies]\ntest = ["pytest>=8"]\nposthog = ["posthog"]\n'
    )
    assert requirements(tmp_path) == ["fastapi>=0.110", "pytest>=8"]
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(VerifyFailed, match="cannot read"):
        requirements(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    with pytest.raises(VerifyFailed, match="cannot read"):
        requirements(tmp_path)
