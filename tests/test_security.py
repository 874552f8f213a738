"""Hostile user blueprints: no code runs, nothing outside --out changes, the temp sweep deletes only its own.

Every case runs the real `scaffold` as a subprocess on a real temporary tree, with a `--blueprints` template built
by the test. A hostile hook, fsmonitor or filter would write a marker file; each test asserts that no marker
appeared and that no byte outside `--out` changed (the whole test folder is snapshotted, links included).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATEMENT = "Growers need humidity alerts for each greenhouse zone"
#: A saved plan for the test's blueprint (planners are not under test here).
PLAN = {
    "statement": STATEMENT,
    "project_name": "Zone alerts",
    "slug": "zone-alerts",
    "blueprint": "evil",
    "brief": {
        "problem": STATEMENT,
        "target_users": ["Growers"],
        "hypotheses": [
            {"belief": "We believe growers will open alerts.", "indicator": "opened"},
            {"belief": "We believe growers will come back.", "indicator": "returned"},
        ],
        "indicators": [
            {"id": "opened", "name": "Alerts opened", "kind": "count", "event": "alert_opened", "target": 3},
            {
                "id": "returned",
                "name": "Returning growers",
                "kind": "returning",
                "event": "alert_opened",
                "target": 0.3,
            },
        ],
    },
    "answers": {},
    "rationale": "A plain page is enough to test the idea.",
}


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCAFFOLD_", "GIT_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["HOME"] = str(home)  # a controlled global git config
    env.pop("XDG_CONFIG_HOME", None)
    return env


class World:
    """A temporary tree: a home, a victim folder with a secret, a marker path, and a hostile blueprint."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir()
        self.victim = root / "victim"
        self.victim.mkdir()
        (self.victim / "secret.txt").write_text("do not touch\n")
        (self.victim / "plan.json").write_text('{"mine": true}\n')
        self.marker = root / "PWNED"
        self.hook = f"#!/bin/sh\necho ran >> {self.marker}\nexit 0\n"
        self.blueprint = root / "bps" / "evil"
        self.template = self.blueprint / "template"
        self.template.mkdir(parents=True)
        self.out = root / "work" / "out"
        self.out.parent.mkdir()
        self.copier_yml = "_subdirectory: template\n"
        (self.blueprint / "blueprint.yml").write_text(
            "name: evil\ntitle: Evil\nsummary: A plain page.\nuse_when: never\nshared_kit: false\nevents: {}\n"
        )
        self.file("README.md.jinja", "# {{ project_name }}\n")
        self.plan = root / "plan.json"
        self.plan.write_text(json.dumps(PLAN))

    def file(self, relpath: str, text: str, mode: int = 0o644, where: Path | None = None) -> Path:
        path = (where or self.template) / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        return path

    def hook_file(self, relpath: str, where: Path | None = None) -> Path:
        return self.file(relpath, self.hook, 0o755, where)

    def link(self, relpath: str, target: str | Path) -> None:
        path = self.template / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)

    def snapshot(self) -> dict[str, object]:
        """Every entry outside --out: file bytes, link targets, folder names (the blueprint complete by now)."""
        self._write_copier_yml()
        seen: dict[str, object] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.out.parent:
                dirnames[:] = [d for d in dirnames if d != self.out.name]
            for name in dirnames + filenames:
                path = Path(dirpath, name)
                key = str(path.relative_to(self.root))
                if path.is_symlink():
                    seen[key] = ("link", os.readlink(path))
                elif path.is_file():
                    seen[key] = ("file", path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
                else:
                    seen[key] = ("dir",)
        return seen

    def _write_copier_yml(self) -> None:
        (self.blueprint / "copier.yml").write_text(
            self.copier_yml + "project_name: {type: str}\nslug: {type: str}\nproblem: {type: str, default: ''}\n"
        )

    def run(self, *extra: str) -> subprocess.CompletedProcess[str]:
        self._write_copier_yml()
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "scaffolder",
                "--plan",
                str(self.plan),
                "--blueprints",
                str(self.blueprint),
                "--out",
                str(self.out),
                *extra,
            ],
            env=_env(self.home),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def _refused(world: World, before: dict[str, object], result: subprocess.CompletedProcess[str], names: str) -> None:
    """Exit 2, one error line naming the path, no marker, nothing outside --out changed, nothing left behind."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("scaffold: error:")]
    assert result.returncode == 2, result.stderr
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert names in errors[0], errors[0]
    assert not world.marker.exists(), "template code ran on the host"
    assert world.snapshot() == before
    assert not world.out.exists()
    assert list(world.out.parent.iterdir()) == []


# --- 1. git metadata from a template --------------------------------------------------------------------------------


def _plant_hooks(world: World, gitdir: str) -> None:
    for hook in ("pre-commit", "commit-msg", "post-commit", "post-checkout", "pre-auto-gc"):
        world.hook_file(f"{gitdir}/hooks/{hook}")


@pytest.mark.parametrize(
    "spelling",
    [".git", "{{ '.git' }}", ".GIT", ".Git", "sub/.git", "a/b/{{ '.gi' ~ 't' }}", ".git.", ".g\u200cit", "git~1"],
)
def test_template_git_folder_is_refused_however_spelled(world, spelling):
    _plant_hooks(world, spelling)
    world.file(f"{spelling}/config", f"[core]\n\tfsmonitor = {world.marker}.sh\n\thooksPath = hooks\n")
    before = world.snapshot()
    _refused(world, before, world.run(), ".git" if "git~" not in spelling else "git~1")


@pytest.mark.parametrize("folder", [".git", "{{ '.git' }}"], ids=["plain", "jinja"])
def test_template_git_config_setting_hooks_path_or_fsmonitor_is_refused(world, folder):
    """The Jinja spelling gets past the template check and is rendered; Copier then asks git about each later file
    (`git config core.fileMode`, `git ls-files`) inside the half-rendered tree: that must run nothing either."""
    world.hook_file("hooks/pre-commit")
    fsmonitor = world.hook_file("fsmonitor.sh", where=world.root)
    real = world.root / "real"
    subprocess.run(["git", "init", "-q", str(real)], check=True, env=_env(world.home))
    shutil.copytree(real / ".git", world.template / folder)
    world.file(f"{folder}/config", f"[core]\n\thooksPath = hooks\n\tfsmonitor = {fsmonitor}\n\tfileMode = false\n")
    shutil.rmtree(real)
    for n in range(3):
        world.file(f"zzz/later{n}.sh", "#!/bin/sh\n", 0o755)
    before = world.snapshot()
    _refused(world, before, world.run(), ".git")


def test_git_file_pointing_to_a_hostile_git_dir_is_refused(world):
    elsewhere = world.root / "elsewhere.git"
    subprocess.run(["git", "init", "-q", "--bare", str(elsewhere)], check=True, env=_env(world.home))
    _plant_hooks(world, str(elsewhere))
    world.file(".git", f"gitdir: {elsewhere}\n")
    before = world.snapshot()
    _refused(world, before, world.run(), ".git")


def test_template_without_subdirectory_and_empty_exclude_cannot_ship_git(world):
    world.template = world.blueprint  # the blueprint folder is the template
    world.copier_yml = "_exclude: []\n"
    _plant_hooks(world, ".git")
    before = world.snapshot()
    _refused(world, before, world.run(), ".git")


def test_commit_runs_no_hooks_even_from_the_users_global_config(world):
    """The user's identity is used; the user's global hooksPath and fsmonitor are not run by scaffold's commit."""
    hooks = world.root / "global-hooks"
    for hook in ("pre-commit", "commit-msg", "post-commit"):
        world.hook_file(hook, where=hooks)
    (world.home / ".gitconfig").write_text(
        f"[user]\n\tname = Ada Grower\n\temail = ada@example.org\n[core]\n\thooksPath = {hooks}\n"
        f"\tfsmonitor = {hooks / 'pre-commit'}\n[init]\n\ttemplateDir = {world.root / 'tpl'}\n"
    )
    world.hook_file("hooks/post-commit", where=world.root / "tpl")
    result = world.run()
    assert result.returncode == 0, result.stderr
    assert not world.marker.exists(), "a hook ran"
    assert not (world.out / ".git" / "hooks" / "post-commit").exists()
    log = subprocess.run(
        ["git", "log", "--format=%an <%ae>"],
        cwd=world.out,
        capture_output=True,
        text=True,
        check=True,
        env=_env(world.home),
    )
    assert log.stdout.strip() == "Ada Grower <ada@example.org>"
    config = (world.out / ".git" / "config").read_text()
    assert "hooksPath" not in config and "fsmonitor" not in config


# --- 2. links ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preserve", [True, False], ids=["preserve-links", "follow-links"])
@pytest.mark.parametrize(
    ("relpath", "target"),
    [
        (".scaffold/plan.json", "VICTIM/plan.json"),
        (".scaffold", "VICTIM"),
        ("etc", "/etc"),
        ("secret.txt", "VICTIM/secret.txt"),
        ("up", "../../../.."),
        ("app/inside", "../README.md.jinja"),  # even a link that stays inside: no links at all
    ],
    ids=["plan-file", "scaffold-dir", "etc", "secret", "relative-up", "inside"],
)
def test_links_in_a_template_are_refused_and_nothing_outside_changes(world, preserve, relpath, target):
    world.copier_yml += "_preserve_symlinks: true\n" if preserve else ""
    world.link(relpath, str(target).replace("VICTIM", str(world.victim)))
    before = world.snapshot()
    _refused(world, before, world.run(), relpath)


def test_jinja_named_folder_cannot_write_through_a_link(world):
    world.copier_yml += "_preserve_symlinks: true\n"
    world.link("d", world.victim)
    world.file("{{ 'd' }}/secret.txt", "overwritten\n")
    before = world.snapshot()
    _refused(world, before, world.run(), "d")


def test_a_fifo_in_a_template_is_refused_without_blocking(world):
    os.mkfifo(world.template / "pipe")
    before = world.snapshot()
    _refused(world, before, world.run(), "pipe")


def test_a_plain_user_blueprint_still_works(world):
    world.file("app/data.json.jinja", "{{ {'name': project_name} | tojson }}\n")
    world.file(".gitignore", "__pycache__/\n")
    result = world.run("--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["blueprint"] == "evil"
    assert (world.out / ".scaffold" / "plan.json").is_file() and not (world.out / ".scaffold").is_symlink()
    assert (world.out / ".gitignore").is_file()


# --- 3. the stale-temp sweep ----------------------------------------------------------------------------------------


def test_sweep_leaves_a_users_folder_that_only_looks_like_a_temp(world):
    mine = world.out.parent / ".scaffold-tmp-3999999-mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    (world.out.parent / ".scaffold-tmp-3999998-abcd0123.lock").write_text("not a token\n")
    (world.out.parent / ".scaffold-tmp-3999998-abcd0123").mkdir()
    result = world.run()
    assert result.returncode == 0, result.stderr
    assert (mine / "notes.txt").read_text() == "mine\n"
    assert (world.out.parent / ".scaffold-tmp-3999998-abcd0123").is_dir()


def test_sweep_spares_a_live_run_from_another_pid_namespace_and_removes_it_once_abandoned(world):
    """A run whose pid means nothing here (another container) but whose lock is held is alive: spared."""
    from scaffolder.render import TMP_PREFIX, lock_token

    name = f"{TMP_PREFIX}3999999-0123abcd"
    folder = world.out.parent / name
    folder.mkdir()
    (folder / "half-written.txt").write_text("in progress\n")
    lock_path = world.out.parent / f"{name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(lock_token(name))
        lock.flush()
        result = world.run()
        assert result.returncode == 0, result.stderr
        assert (folder / "half-written.txt").read_text() == "in progress\n"
    # The lock is free now: the run was killed. The next run removes exactly that folder and its lock file.
    second = world.run()
    assert second.returncode == 2  # --out exists now
    world.out = world.out.parent / "second"
    third = world.run()
    assert third.returncode == 0, third.stderr
    assert not folder.exists() and not lock_path.exists()
    assert sorted(p.name for p in world.out.parent.iterdir()) == ["out", "second"]
