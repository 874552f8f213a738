"""Your own blueprints: any Copier template with planner metadata joins the catalogue, by flag or environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest
from conftest import FIXTURES, run_generated_tests, tree

BLUEPRINTS = FIXTURES / "blueprints"
GREENHOUSE = BLUEPRINTS / "greenhouse"
GROWERS = "Growers tending seedlings in a greenhouse need humidity and irrigation alerts for each zone"
PHARMACY = "Partner pharmacies need to check whether a prescription was approved before dispensing"


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("scaffold: error:")]


@pytest.mark.parametrize("via", ["flag", "env", "template-folder"])
def test_own_blueprint_is_listed(cli, via):
    args, env = {
        "flag": (["--blueprints", str(BLUEPRINTS)], None),
        "env": ([], {"SCAFFOLD_BLUEPRINTS": str(BLUEPRINTS)}),
        "template-folder": (["--blueprints", str(GREENHOUSE)], None),  # the template itself, not its parent
    }[via]
    result = cli("blueprints", *args, env=env)
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.strip().splitlines()}
    assert sorted(rows) == ["api", "chatbot", "greenhouse", "streamlit"]
    assert "Greenhouse humidity and irrigation monitor" in rows["greenhouse"]
    listed = {b["name"]: b for b in json.loads(cli("blueprints", "--json", *args, env=env).stdout)}
    assert Path(listed["greenhouse"]["path"]) == GREENHOUSE.resolve()
    assert listed["greenhouse"]["title"] == "Greenhouse monitor"


def test_env_holds_several_folders(cli, tmp_path):
    other = tmp_path / "more"
    shutil.copytree(GREENHOUSE, other / "orchard")
    (other / "orchard" / "blueprint.yml").write_text("name: orchard\nsummary: Orchard picking planner.\n")
    result = cli("blueprints", "--json", env={"SCAFFOLD_BLUEPRINTS": f"{BLUEPRINTS}:{other}"})
    assert result.exit_code == 0, result.stderr
    assert {"greenhouse", "orchard"} <= {b["name"] for b in json.loads(result.stdout)}


@pytest.mark.parametrize("via", ["flag", "env"])
def test_offline_planner_picks_it_from_its_keywords(cli, via):
    args, env = (
        (["--blueprints", str(BLUEPRINTS)], None) if via == "flag" else ([], {"SCAFFOLD_BLUEPRINTS": str(BLUEPRINTS)})
    )
    result = cli(GROWERS, "--dry-run", "--json", *args, env=env)
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert plan["blueprint"] == "greenhouse"
    assert plan["answers"]["crop"].strip()
    assert 1 <= len(plan["answers"]["zones"]) <= 3
    # The brief's indicators use the blueprint's own event vocabulary.
    events = {e for i in plan["brief"]["indicators"] for e in (i["event"], i.get("of_event")) if e}
    assert events <= {"alert_raised", "alert_acknowledged"}
    # Without the folder, the same statement goes to a bundled blueprint.
    bundled = json.loads(cli(GROWERS, "--dry-run", "--json").stdout)["plan"]["blueprint"]
    assert bundled in {"api", "chatbot", "streamlit"}


def test_it_does_not_steal_unrelated_statements(cli):
    result = cli(PHARMACY, "--dry-run", "--json", "--blueprints", str(BLUEPRINTS))
    assert json.loads(result.stdout)["plan"]["blueprint"] == "api"


def test_forced_own_blueprint_renders_a_repo_whose_tests_pass(cli, tmp_path):
    out = tmp_path / "repo"
    result = cli(PHARMACY, "--blueprints", str(BLUEPRINTS), "--blueprint", "greenhouse", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["blueprint"] == "greenhouse"
    repo = git.Repo(out)
    assert len(list(repo.iter_commits())) == 1 and not repo.is_dirty(untracked_files=True)
    files = tree(out)
    assert {
        "pyproject.toml",
        "app/__init__.py",
        "app/settings.json",
        "tests/test_zones.py",
        ".scaffold/plan.json",
    } <= set(files)
    assert "analytics.py" not in files  # no shared_kit in its metadata: the measurement kit is not added
    settings = json.loads(files["app/settings.json"])
    assert settings["project_name"] == payload["plan"]["project_name"]
    assert settings["zones"] == payload["plan"]["answers"]["zones"]
    run = run_generated_tests(out)
    assert run.returncode == 0, run.stdout + run.stderr

    # The saved plan replays with the folder given again, and only with it.
    again = cli(
        "--plan", str(out / ".scaffold/plan.json"), "--blueprints", str(BLUEPRINTS), "--out", str(tmp_path / "b")
    )
    assert again.exit_code == 0, again.stderr
    missing = cli("--plan", str(out / ".scaffold/plan.json"), "--out", str(tmp_path / "c"))
    assert missing.exit_code == 2 and "unknown blueprint 'greenhouse'" in missing.stderr
    assert not (tmp_path / "c").exists()


def test_own_blueprint_overrides_a_bundled_one_of_the_same_name(cli, tmp_path):
    folder = tmp_path / "mine" / "api"
    shutil.copytree(GREENHOUSE, folder)
    (folder / "blueprint.yml").write_text(
        (GREENHOUSE / "blueprint.yml").read_text().replace("name: greenhouse", "name: api")
    )
    result = cli("blueprints", "--json", "--blueprints", str(tmp_path / "mine"))
    [api] = [b for b in json.loads(result.stdout) if b["name"] == "api"]
    assert Path(api["path"]) == folder.resolve()


@pytest.mark.parametrize("command", ["new", "blueprints"])
def test_folder_without_copier_yml_is_exit_2(cli, tmp_path, command):
    empty = tmp_path / "not-a-blueprint"
    (empty / "template").mkdir(parents=True)
    (empty / "blueprint.yml").write_text("name: nothing\nsummary: metadata but no copier.yml\n")
    args = [PHARMACY, "--dry-run"] if command == "new" else ["blueprints"]
    result = cli(*args, "--blueprints", str(empty))
    assert result.exit_code == 2
    [error] = _errors(result.stderr)
    assert "copier.yml" in error and str(empty) in error
    assert "Traceback" not in result.stderr


def test_missing_blueprint_folder_is_exit_2(cli, tmp_path):
    result = cli(PHARMACY, "--dry-run", env={"SCAFFOLD_BLUEPRINTS": str(tmp_path / "nowhere")})
    assert result.exit_code == 2
    [error] = _errors(result.stderr)
    assert "blueprint folder not found" in error


def test_invalid_metadata_is_exit_2(cli, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(GREENHOUSE, folder)
    (folder / "blueprint.yml").write_text("name: [unclosed\n")
    result = cli("blueprints", "--blueprints", str(folder))
    assert result.exit_code == 2
    [error] = _errors(result.stderr)
    assert "not valid YAML" in error


def test_template_tasks_never_run(cli, tmp_path):
    """A blueprint is data: Copier tasks (arbitrary commands) are never run, the render refuses or skips them."""
    folder = tmp_path / "bp" / "greenhouse"
    shutil.copytree(GREENHOUSE, folder)
    marker = tmp_path / "task-ran"
    with (folder / "copier.yml").open("a") as handle:
        handle.write(f'\n_tasks:\n  - "touch {marker}"\n')
    out = tmp_path / "out"
    result = cli(GROWERS, "--blueprints", str(folder.parent), "--out", str(out))
    assert not marker.exists()
    if result.exit_code != 0:
        assert result.exit_code == 1 and len(_errors(result.stderr)) == 1
        assert not out.exists()
    else:
        assert (out / ".git").is_dir()
