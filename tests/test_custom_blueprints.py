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


# --- the offline planner's registry: plugins for bundled blueprints only, the generic fill for yours ----------------


def _catalog(*folders: Path):  # type: ignore[no-untyped-def]
    from scaffolder.catalog import Catalog

    return Catalog(list(folders))


def test_own_blueprint_gets_the_generic_fill_from_its_copier_yml():
    from scaffolder.planners import offline
    from scaffolder.validation import validate_plan

    catalog = _catalog(BLUEPRINTS)
    plan = offline.plan(GROWERS, catalog)
    assert plan.blueprint == "greenhouse" and validate_plan(plan, catalog) == []
    zones = plan.answers["zones"]
    assert [z["name"] for z in zones] == ["zone_a", "zone_b", "zone_c"]  # the statement's "each zone"
    assert plan.answers["crop"] == "Seedlings"
    assert plan.brief.target_users == ["Growers"]
    limit = offline.plan("Growers need an alert when humidity in a zone goes over 85%", catalog).answers["zones"]
    assert {z["limit"] for z in limit} == {85}  # the statement's number, inside the question's range


def test_own_blueprint_folder_is_never_imported(tmp_path):
    from scaffolder.planners import offline

    folder = tmp_path / "bp" / "greenhouse"
    shutil.copytree(GREENHOUSE, folder)
    marker = tmp_path / "imported"
    (folder / "planner.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit('imported')\n")
    plan = offline.plan(GROWERS, _catalog(folder.parent))
    assert plan.blueprint == "greenhouse" and not marker.exists()


def test_a_registered_plugin_fills_its_blueprint():
    from scaffolder.plan import Hypothesis, Indicator
    from scaffolder.planners import offline, registry
    from scaffolder.planners.plugin import Fill

    seen = {}

    def fill(reading, kit):  # type: ignore[no-untyped-def]
        seen["reading"] = reading
        zones = [{"name": f"bed_{n}", "limit": 70} for n in (1, 2)]
        indicators = [
            Indicator(
                id="acknowledged", name="Alerts acknowledged", kind="count", event="alert_acknowledged", target=3
            ),
            Indicator(
                id="zone_alerts",
                name="Alerts in bed 1",
                kind="count",
                event="alert_raised",
                where={"zone": "bed_1"},
                target=1,
            ),
        ]
        hypotheses = [
            Hypothesis(belief="We believe growers will acknowledge alerts.", indicator="acknowledged"),
            Hypothesis(belief="We believe bed 1 alerts first.", indicator="zone_alerts"),
        ]
        return Fill({"crop": "Basil", "zones": zones}, "Basil beds", ["basil", "beds"], hypotheses, indicators)

    registry.register("greenhouse", fill)
    try:
        plan = offline.plan(GROWERS, _catalog(BLUEPRINTS))
    finally:
        registry.unregister("greenhouse")
    assert seen["reading"].users == "Growers"
    assert plan.project_name == "Basil beds" and plan.slug == "basil-beds"
    assert plan.answers["zones"][0]["name"] == "bed_1"
    assert [i.id for i in plan.brief.indicators] == ["acknowledged", "zone_alerts"]


def test_a_plugin_that_fails_gives_the_safe_mode_not_a_traceback():
    from scaffolder.planners import offline, registry

    def broken(reading, kit):  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    registry.register("greenhouse", broken)
    try:
        plan = offline.plan(GROWERS, _catalog(BLUEPRINTS))
    finally:
        registry.unregister("greenhouse")
    assert plan.provenance is not None and any("safe mode" in w for w in plan.provenance.warnings)
    assert plan.answers["zones"]


def test_entry_point_plugins_use_the_same_hook(monkeypatch):
    from scaffolder.planners import registry

    class EntryPoint:
        name = "greenhouse"

        def load(self):  # type: ignore[no-untyped-def]
            return lambda reading, kit: "filled"

    monkeypatch.setattr(registry, "_entry_points", lambda: {"greenhouse": EntryPoint()})
    [greenhouse] = [bp for bp in _catalog(BLUEPRINTS) if bp.name == "greenhouse"]
    assert registry.planner_for(greenhouse)(None, None) == "filled"


def test_no_bundled_blueprint_is_named_in_the_package():
    """Each blueprint's planning knowledge lives in its own folder: the core knows none of them by name."""
    import re

    package = Path(__file__).resolve().parents[1] / "scaffolder"
    bundled = [p.name for p in (package.parent / "blueprints").iterdir() if (p / "blueprint.yml").is_file()]
    pattern = re.compile(r"[\"'](" + "|".join(bundled) + r")[\"']")
    found = []
    for source in package.rglob("*.py"):
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "fastapi" not in line:  # a list of library names is not a blueprint name
                found.append(f"{source.name}:{number}: {line.strip()}")
    assert not found, found


# --- events as data -------------------------------------------------------------------------------------------------


def test_events_in_the_old_and_the_new_form(tmp_path):
    from scaffolder.catalog import load_blueprint

    new = load_blueprint(GREENHOUSE)
    assert new.events["alert_raised"] == "a zone went over its humidity limit"
    assert new.event_properties["alert_raised"] == {"zone": "str", "humidity": "float"}
    assert new.event_signature("alert_raised") == "alert_raised(zone: str, humidity: float)"
    folder = tmp_path / "old"
    shutil.copytree(GREENHOUSE, folder)
    (folder / "blueprint.yml").write_text("name: old\nevents:\n  alert_raised: a zone went over its limit\n")
    old = load_blueprint(folder)
    assert old.events == {"alert_raised": "a zone went over its limit"} and old.event_properties["alert_raised"] == {}


def test_indicators_naming_unknown_events_or_properties_are_invalid():
    from scaffolder.catalog import load_blueprint
    from scaffolder.plan import Indicator

    bp = load_blueprint(GREENHOUSE)
    good = Indicator(id="a", name="A", kind="count", event="alert_raised", where={"zone": "north"}, target=1)
    unknown = Indicator(id="b", name="B", kind="count", event="alert_cleared", target=1)
    bad_where = Indicator(id="c", name="C", kind="count", event="alert_acknowledged", where={"humidity": 90}, target=1)
    assert bp.check_indicators([good]) == []
    [first] = bp.check_indicators([unknown])
    assert "'alert_cleared'" in first and "alert_raised" in first
    [second] = bp.check_indicators([bad_where])
    assert "'humidity'" in second and "its properties: zone" in second


def test_a_version_1_plan_gets_a_hint_to_plan_again(cli, tmp_path):
    plan = json.loads(cli(GROWERS, "--dry-run", "--json", "--blueprints", str(BLUEPRINTS)).stdout)["plan"]
    plan["schema_version"] = 1
    old = tmp_path / "plan.json"
    old.write_text(json.dumps(plan))
    result = cli("--plan", str(old), "--dry-run", "--blueprints", str(BLUEPRINTS))
    assert result.exit_code == 2
    [error] = _errors(result.stderr)
    assert "schema_version 1" in error and "plan the statement again" in error
