"""Robustness: replays are exact, interrupts leave all or nothing, bad input is refused.

The interrupt tests kill a real `python -m scaffolder` at random (seeded) moments. (Hostile answer text:
tests/test_hostile_text.py.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest
from conftest import fixture_plan, tree

from scaffolder.catalog import Catalog
from scaffolder.render import TMP_PREFIX
from scaffolder.validation import parse_plan

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINTS = ["api", "chatbot", "streamlit"]
PHARMACY = "Partner pharmacies need to check whether a prescription was approved before dispensing"

# --- replays -------------------------------------------------------------------------------------------------------


def test_plan_replay_gives_the_same_files(cli, tmp_path):
    first = tmp_path / "first"
    assert cli(PHARMACY, "--out", str(first)).exit_code == 0
    second = tmp_path / "second"
    result = cli("--plan", str(first / ".scaffold/plan.json"), "--out", str(second), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["planner"] == "file"
    one, two = tree(first), tree(second)
    assert one.keys() == two.keys()
    differing = [name for name in one if one[name] != two[name]]
    assert differing == [".scaffold/plan.json"]  # only the provenance says it was replayed
    replayed = json.loads(two[".scaffold/plan.json"])
    original = json.loads(one[".scaffold/plan.json"])
    replayed.pop("provenance"), original.pop("provenance")
    assert replayed == original


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_dry_run_json_round_trip_renders_identical_trees(cli, tmp_path, blueprint):
    original = fixture_plan(blueprint)
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(original))
    dry = cli("--plan", str(fixture), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.stderr
    payload = json.loads(dry.stdout)
    assert payload["planner"] == "file" and payload["out"] is None
    normalised = parse_plan(original, Catalog(), source="fixture").model_dump(mode="json")  # defaults filled in
    replayed = {k: v for k, v in payload["plan"].items() if k != "provenance"}
    assert replayed == {k: v for k, v in normalised.items() if k != "provenance"}
    saved = tmp_path / "dry-run.json"
    saved.write_text(dry.stdout)

    outs = [tmp_path / name for name in ("a", "b")]
    for out, source in [(outs[0], saved), (outs[1], fixture)]:
        result = cli("--plan", str(source), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        assert "LLM" not in result.stderr and "offline planner" not in result.stderr
    trees = [tree(out) for out in outs]
    assert trees[0] == trees[1]
    git_trees = {git.Repo(out).head.commit.tree.hexsha for out in outs}
    assert len(git_trees) == 1  # same content and modes: only commit metadata can differ


def test_plan_replay_never_connects_to_a_configured_llm(cli, tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{listener.getsockname()[1]}/v1", "OPENAI_API_KEY": "sk-x"}
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps(fixture_plan("chatbot")))
        result = cli("--plan", str(plan), "--out", str(tmp_path / "out"), "--json", env=env)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["planner"] == "file"
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked


# --- interrupts ----------------------------------------------------------------------------------------------------


def _command(out: Path) -> list[str]:
    return [sys.executable, "-m", "scaffolder", PHARMACY, "--offline", "--out", str(out)]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _temps(parent: Path) -> list[Path]:
    return list(parent.glob(f"{TMP_PREFIX}*")) if parent.is_dir() else []


def _wait_for_temp(process: subprocess.Popen, parent: Path, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if _temps(parent):
            return True
        time.sleep(0.002)
    return False


def assert_all_or_nothing(out: Path) -> None:
    if not out.exists():
        return
    repo = git.Repo(out)
    assert len(list(repo.iter_commits())) == 1
    status = subprocess.run(["git", "status", "--porcelain"], cwd=out, capture_output=True, text=True, check=True)
    assert status.stdout == ""
    assert {"README.md", "pyproject.toml", ".scaffold/plan.json"} <= set(tree(out))


@pytest.fixture(scope="module")
def timings(tmp_path_factory: pytest.TempPathFactory) -> tuple[float, float]:
    """Seconds for a whole run, and from the temporary folder's appearance to the end."""
    parent = tmp_path_factory.mktemp("timing")
    started = time.monotonic()
    process = subprocess.Popen(_command(parent / "out"), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert _wait_for_temp(process, parent, 60)
    appeared = time.monotonic()
    assert process.wait(60) == 0, process.stderr.read() if process.stderr else ""
    ended = time.monotonic()
    return ended - started, max(ended - appeared, 0.05)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["KILL", "TERM", "INT"])
def test_interrupted_run_leaves_a_complete_repo_or_nothing(tmp_path, timings, signum):
    total, rendering = timings
    rng = random.Random(1000 + signum)
    outcomes = []
    for trial in range(6):
        parent = tmp_path / f"trial-{trial}"
        parent.mkdir()
        out = parent / "out"
        process = subprocess.Popen(_command(out), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if trial % 2:  # aim at rendering and committing: from the moment the temporary folder appears
            _wait_for_temp(process, parent, total * 3)
            time.sleep(rng.uniform(0, rendering * 1.1))
        else:
            time.sleep(rng.uniform(0, total))
        if process.poll() is None:
            process.send_signal(signum)
        code = process.wait(60)
        stderr = process.stderr.read().decode() if process.stderr else ""
        outcomes.append((code, out.exists()))
        assert_all_or_nothing(out)
        if signum != signal.SIGKILL:
            # -SIGINT too: CPython 3.11 exits "by SIGINT" after a KeyboardInterrupt raised inside exec() of a string
            # (e.g. while dataclasses builds a class during an import), even when scaffold handled it.
            assert code in (0, 130, -signum, -signal.SIGINT), stderr
            assert "Traceback" not in stderr
            assert _temps(parent) == [], f"trial {trial}: a temporary folder was left ({code}, {stderr})"
            errors = [line for line in stderr.splitlines() if line.startswith("scaffold: error:")]
            if code == 130 and errors:  # (Click's own handler, before the command starts, prints no message)
                if out.exists():  # interrupted after the rename: the message must not deny it
                    assert errors == [
                        f"scaffold: error: interrupted; written in full before the interrupt: {out}; "
                        "nothing else was written"
                    ]
                else:
                    assert errors == ["scaffold: error: interrupted; nothing was written"]
    assert any(code != 0 for code, _ in outcomes), "no trial was actually interrupted"


def test_next_run_removes_the_temporary_folder_of_a_killed_run(tmp_path):
    parent = tmp_path / "work"
    parent.mkdir()
    for _ in range(5):  # kill as soon as the temporary folder appears; retry if the run was quicker than us
        process = subprocess.Popen(
            _command(parent / "first"), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        found = _wait_for_temp(process, parent, 60)
        process.kill()
        process.wait(60)
        if found and _temps(parent) and not (parent / "first").exists():
            break
    stale = _temps(parent)
    assert stale, "could not catch a run while it rendered"
    result = subprocess.run(_command(parent / "second"), env=_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _temps(parent) == []
    assert sorted(p.name for p in parent.iterdir()) == ["second"]
    assert_all_or_nothing(parent / "second")


# --- bad input and file system edges -------------------------------------------------------------------------------


def _one_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("scaffold: error:")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    return errors[0]


def test_one_megabyte_statement_is_cut_with_a_warning_and_works(cli, tmp_path):
    source = tmp_path / "long.txt"
    sentence = "Pharmacies need to check prescription approvals before dispensing. "
    source.write_text(sentence * (1024 * 1024 // len(sentence) + 1), encoding="utf-8")
    assert source.stat().st_size >= 1024 * 1024
    out = tmp_path / "out"
    result = cli("--file", str(source), "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert "using the first 2,000" in result.stderr
    assert "error" not in result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert 0 < len(plan["statement"]) <= 2000
    assert len(git.Repo(out).head.commit.message) < 3000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Pharmacies need caf\u00e9 checks".encode("latin-1"), "not UTF-8"),
        (b"x" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
)
def test_unusable_statement_file_is_exit_2(cli, tmp_path, content, message):
    source = tmp_path / "statement.txt"
    source.write_bytes(content)
    result = cli("--file", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in _one_error(result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statement.txt"]


def test_nul_bytes_on_stdin_are_exit_2(cli, tmp_path):
    result = cli("-", "--out", str(tmp_path / "out"), input=b"Pharmacies need checks\x00\x01")
    assert result.exit_code == 2
    assert "binary" in _one_error(result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_out_below_a_file_is_exit_2(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli(PHARMACY, "--out", str(blocker / "sub" / "repo"))
    assert result.exit_code == 2
    _one_error(result.stderr)
    assert blocker.read_text() == "x"


def test_out_that_is_a_symlink_is_refused(cli, tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    result = cli(PHARMACY, "--out", str(link))
    assert result.exit_code == 2
    assert "not a folder" in _one_error(result.stderr)
    assert list(target.iterdir()) == []


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "../../escape"},
        {"slug": "/tmp/absolute"},
        {"project_name": ""},
        {
            "answers": {
                "resources": [
                    {
                        "name": "../evil",
                        "plural": "evil",
                        "description": "x",
                        "fields": [{"name": "a", "type": "str"}],
                        "samples": [{"a": "b"}],
                    }
                ]
            }
        },
    ],
    ids=["slug-dotdot", "slug-absolute", "empty-name", "resource-path"],
)
def test_plan_with_path_like_or_empty_fields_is_exit_2_and_touches_nothing(cli, tmp_path, change):
    data = fixture_plan("api") | change
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data))
    result = cli("--plan", str(plan), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "problem(s)" in _one_error(result.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
    assert not Path("/tmp/absolute").exists()


def test_generated_folder_has_ordinary_permissions(cli, tmp_path):
    """The repo folder is created like `mkdir` would (umask applies), not private like a temp folder."""
    umask = os.umask(0)
    os.umask(umask)
    out = tmp_path / "repo"
    assert cli(PHARMACY, "--out", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "app").stat().st_mode & 0o777 == 0o777 & ~umask
