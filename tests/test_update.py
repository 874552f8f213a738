"""`scaffold update`: a generated repo follows its blueprint's new version and keeps the team's edits."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import git
import pytest
import yaml
from conftest import FIXTURES, run_generated_tests

from scaffolder import catalog
from scaffolder.versions import bundle_path, latest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import release_blueprints  # noqa: E402


@pytest.fixture
def blueprints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled blueprints, released once (v1), standing in for the installed ones."""
    root = tmp_path / "blueprints"
    shutil.copytree(catalog.bundled_root(), root, ignore=shutil.ignore_patterns("__pycache__", "_versions"))
    release_blueprints.main(root)
    monkeypatch.setattr(catalog, "bundled_root", lambda: root)
    return root


def _commit_all(repo: git.Repo, message: str) -> None:
    repo.git.add(all=True)
    repo.git.commit("-m", message, "--no-verify", author="Team <team@example.com>")


def test_bundled_versions_match_the_blueprint_folders(tmp_path: Path) -> None:
    """Changing a blueprint without releasing it would leave `scaffold update` behind: release, then commit."""
    for template in release_blueprints.templates(catalog.bundled_root()):
        assert bundle_path(template).is_file(), (
            f"no released versions of {template.name}: run scripts/release_blueprints.py"
        )
        copy = tmp_path / template.name
        shutil.copytree(template, copy, ignore=shutil.ignore_patterns("__pycache__"))
        (copy.parent / "_versions").mkdir(exist_ok=True)
        shutil.copy2(bundle_path(template), bundle_path(copy))
        assert release_blueprints.release(copy) is None, (
            f"{template.name} changed since {latest(template)}: run scripts/release_blueprints.py"
        )


def test_update_brings_the_new_version_and_keeps_the_teams_edit(blueprints: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "proto"
    made = cli("--plan", str(FIXTURES / "plan_api.json"), "--out", str(out))
    assert made.exit_code == 0, made.stderr
    answers_text = (out / ".copier-answers.yml").read_text(encoding="utf-8")
    answers = yaml.safe_load(answers_text)
    assert (answers["_src_path"], answers["_commit"]) == ("scaffold:api", "v1")
    assert str(tmp_path) not in answers_text and str(ROOT) not in answers_text  # no local paths recorded
    assert yaml.safe_load((out / ".copier-answers.shared.yml").read_text())["_commit"] == "v1"

    repo = git.Repo(out)
    readme = out / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nTeam note: demo on Friday.\n", encoding="utf-8")
    _commit_all(repo, "Our note")
    before = repo.head.commit.hexsha

    makefile = blueprints / "_shared" / "template" / "Makefile"
    makefile.write_text(makefile.read_text() + "\nhello: ## say hello\n\t@echo hello\n", encoding="utf-8")
    init = blueprints / "api" / "template" / "app" / "__init__.py"
    init.write_text(init.read_text() + "# Updated in blueprint v2.\n", encoding="utf-8")
    release_blueprints.main(blueprints)

    dry = cli("update", str(out), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "Makefile" in dry.stdout + dry.stderr and "app/__init__.py" in dry.stdout + dry.stderr
    assert repo.head.commit.hexsha == before and not repo.is_dirty(untracked_files=True)

    done = cli("update", str(out))
    assert done.exit_code == 0, done.stderr
    assert repo.head.commit.parents[0].hexsha == before  # exactly one new commit
    assert not repo.is_dirty(untracked_files=True)
    assert "Team note: demo on Friday." in readme.read_text(encoding="utf-8")
    assert "hello: ## say hello" in (out / "Makefile").read_text(encoding="utf-8")
    assert "# Updated in blueprint v2." in (out / "app" / "__init__.py").read_text(encoding="utf-8")
    assert yaml.safe_load((out / ".copier-answers.yml").read_text())["_commit"] == "v2"
    assert yaml.safe_load((out / ".copier-answers.yml").read_text())["_src_path"] == "scaffold:api"

    again = cli("update", str(out))
    assert again.exit_code == 0 and repo.head.commit.parents[0].hexsha == before  # already current: no commit

    suite = run_generated_tests(out)
    assert suite.returncode == 0, suite.stdout[-3000:]


def test_update_refuses_a_dirty_work_tree(blueprints: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "proto"
    assert cli("--plan", str(FIXTURES / "plan_api.json"), "--out", str(out)).exit_code == 0
    (out / "README.md").write_text("edited, not committed\n", encoding="utf-8")
    refused = cli("update", str(out))
    assert refused.exit_code == 2
    assert refused.stderr.strip().count("\n") == 0 and "uncommitted" in refused.stderr
    assert (out / "README.md").read_text() == "edited, not committed\n"


def test_update_marks_conflicts_and_lists_them(blueprints: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "proto"
    assert cli("--plan", str(FIXTURES / "plan_api.json"), "--out", str(out)).exit_code == 0
    repo = git.Repo(out)
    init = out / "app" / "__init__.py"
    init.write_text("# The team's own first line.\n", encoding="utf-8")
    _commit_all(repo, "Our line")
    template_init = blueprints / "api" / "template" / "app" / "__init__.py"
    template_init.write_text("# The blueprint's new first line.\n", encoding="utf-8")
    release_blueprints.main(blueprints)
    done = cli("update", str(out), "--json")
    assert done.exit_code == 0, done.stderr
    assert "app/__init__.py" in done.stdout
    text = init.read_text(encoding="utf-8")
    assert "<<<<<<< before updating" in text and "The team's own first line." in text
