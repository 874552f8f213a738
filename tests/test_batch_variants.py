"""`scaffold batch FILE` and `--variants N`: many prototypes at once, each complete or absent, failures contained."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import git
import pytest
import yaml
from conftest import fixture_plan, tree
from openai_server import FakeOpenAI, Reply

from scaffolder.render import TMP_PREFIX

ROOT = Path(__file__).resolve().parents[1]
PHARMACY = "Partner pharmacies need to check whether a prescription was approved before dispensing"
DASHBOARD = "Site managers want to see a dashboard of open safety incidents per site by week"
QUESTIONS = "Tenants keep asking questions about their rights and the rules on deposits, in plain language"


def _one_commit_repo(folder: Path) -> git.Repo:
    repo = git.Repo(folder)
    assert len(list(repo.iter_commits())) == 1
    assert not repo.is_dirty(untracked_files=True)
    return repo


def _no_temp_folders(root: Path) -> None:
    assert not [p for p in root.rglob(f"{TMP_PREFIX}*")], "a temporary render folder was left behind"


def _write_lines(path: Path, *lines: str | dict) -> Path:
    path.write_text("\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n", encoding="utf-8")
    return path


# --- batch ---------------------------------------------------------------------------------------------------------


def test_batch_plain_and_jsonl_lines_make_one_repo_each(cli, tmp_path):
    source = _write_lines(
        tmp_path / "statements.txt",
        "# comments and blank lines are skipped",
        PHARMACY,
        "",
        {"statement": DASHBOARD, "blueprint": "streamlit"},
        {"statement": QUESTIONS, "blueprint": "chatbot", "out": "tenants/faq"},
        {"statement": PHARMACY, "blueprint": "chatbot"},
    )
    parent = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(parent))
    assert result.exit_code == 0, result.stderr
    assert "4 of 4 prototypes written" in result.stdout
    assert result.stdout.count("Created ") == 4 and "Failed" not in result.stdout

    folders = {p.relative_to(parent).as_posix() for p in parent.rglob(".git")}
    assert len(folders) == 4
    assert "tenants/faq/.git" in folders
    plans = {}
    for marker in folders:
        folder = parent / marker[: -len("/.git")]
        _one_commit_repo(folder)
        plans[folder.relative_to(parent).as_posix()] = json.loads((folder / ".scaffold/plan.json").read_text())
    assert plans["tenants/faq"]["blueprint"] == "chatbot"
    assert sorted(p["blueprint"] for p in plans.values()) == ["api", "chatbot", "chatbot", "streamlit"]
    assert sorted(p["statement"] for p in plans.values()) == sorted([PHARMACY, DASHBOARD, QUESTIONS, PHARMACY])
    _no_temp_folders(tmp_path)


def test_batch_lines_naming_an_experiment_become_its_variants(cli, tmp_path):
    source = _write_lines(
        tmp_path / "statements.txt",
        {"statement": DASHBOARD, "blueprint": "streamlit", "experiment": "pick-board", "out": "board-a"},
        {"statement": DASHBOARD, "blueprint": "chatbot", "experiment": "pick-board", "out": "board-b"},
        {"statement": PHARMACY, "experiment": 3},
        PHARMACY,
    )
    parent = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(parent), "--json")
    assert result.exit_code == 1
    failed = [entry for entry in json.loads(result.stdout) if not entry["ok"]]
    assert len(failed) == 1 and '"experiment" must be' in failed[0]["error"]
    for variant in ("board-a", "board-b"):
        kit = yaml.safe_load((parent / variant / ".copier-answers.shared.yml").read_text())
        assert (kit["experiment"], kit["variant"]) == ("pick-board", variant)
    alone = next(p for p in parent.iterdir() if p.name not in ("board-a", "board-b"))
    assert yaml.safe_load((alone / ".copier-answers.shared.yml").read_text())["experiment"] == ""


def test_batch_json_is_one_array_in_file_order_of_the_result_a_single_run_gives(cli, tmp_path):
    source = _write_lines(tmp_path / "b.jsonl", {"statement": DASHBOARD}, PHARMACY)
    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
    single = json.loads(cli(DASHBOARD, "--dry-run", "--json").stdout)
    variants = json.loads(cli(DASHBOARD, "--variants", "2", "--dry-run", "--json").stdout)
    assert all(set(r) == set(single) for r in payload + variants)  # one result type, whichever command made it
    assert single["index"] is None and single["ok"] is True and single["statement"] == DASHBOARD
    assert isinstance(payload, list) and len(payload) == 2
    assert [o["index"] for o in payload] == [1, 2]  # line numbers, in file order
    assert [o["statement"] for o in payload] == [DASHBOARD, PHARMACY]
    for outcome in payload:
        assert outcome["ok"] is True and len(outcome["commit"]) == 40
        assert Path(outcome["out"]).parent == (tmp_path / "out").absolute()
        assert git.Repo(outcome["out"]).head.commit.hexsha == outcome["commit"]


def test_same_slug_gets_distinct_folders(cli, tmp_path):
    source = _write_lines(tmp_path / "b.txt", PHARMACY, PHARMACY, PHARMACY)
    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stderr
    outs = [o["out"] for o in json.loads(result.stdout)]
    assert len(set(outs)) == 3
    slug = json.loads(result.stdout)[0]["plan"]["slug"]
    assert sorted(Path(o).name for o in outs) == sorted([slug, f"{slug}-2", f"{slug}-3"])
    for out in outs:
        _one_commit_repo(Path(out))


def test_failing_lines_do_not_stop_the_others_and_exit_1(cli, tmp_path):
    parent = tmp_path / "out"
    taken = parent / "taken"
    taken.mkdir(parents=True)
    (taken / "notes.txt").write_text("keep me")
    source = _write_lines(
        tmp_path / "b.jsonl",
        PHARMACY,
        {"statement": DASHBOARD, "blueprint": "spreadsheet"},
        {"statement": DASHBOARD, "out": "taken"},
        {"statement": DASHBOARD, "out": "../escape"},
        {"statement": DASHBOARD, "out": str(tmp_path / "absolute")},
        {"statement": "   "},
        {"statement": QUESTIONS, "blueprint": "chatbot"},
    )
    result = cli("batch", str(source), "--out", str(parent), "--json")
    assert result.exit_code == 1, result.stderr
    outcomes = json.loads(result.stdout)
    assert [o["ok"] for o in outcomes] == [True, False, False, False, False, False, True]
    failed = {o["index"]: o for o in outcomes if not o["ok"]}
    assert "unknown blueprint 'spreadsheet'" in failed[2]["error"]
    assert "not empty" in failed[3]["error"]
    assert "inside the batch --out folder" in failed[4]["error"]
    assert "inside the batch --out folder" in failed[5]["error"]
    assert "empty" in failed[6]["error"]
    assert all(o["exit_code"] == 2 for o in failed.values())
    for o in outcomes:
        if o["ok"]:
            _one_commit_repo(Path(o["out"]))
    assert tree(taken) == {"notes.txt": b"keep me"}  # the user's folder is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.jsonl", "out"]  # nothing escaped the parent
    _no_temp_folders(tmp_path)

    human = cli("batch", str(source), "--out", str(tmp_path / "again"))  # here "taken" is free
    assert human.exit_code == 1
    assert "3 of 7 prototypes written, 4 failed" in human.stdout
    failed = [line for line in human.stdout.splitlines() if line.startswith("Failed ")]
    assert len(failed) == 4 and all(re.match(r"Failed line \d+: (?!line \d)", line) for line in failed), failed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no statements"),
        (b"   \n\n# only a comment\n\t\n", "has no statements"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not UTF-8"),
        ("Pharmacies need caf\u00e9 prescriptions".encode("latin-1"), "not UTF-8"),
        (b'{"statement": "unterminated\n', "not valid JSON"),
        (b'{"statement": 42}\n', '"statement" string'),
        (b'{"statement": "x", "out": ["a"]}\n', "must be strings"),
    ],
)
def test_a_batch_file_with_no_usable_line_is_exit_2_and_writes_nothing(cli, tmp_path, content, message):
    source = tmp_path / "batch.txt"
    source.write_bytes(content)
    parent = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(parent))
    assert result.exit_code == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("scaffold: error:")]
    assert len(errors) == 1 and message in errors[0]
    assert not parent.exists()


def test_bad_lines_fail_alone_and_blueprints_are_spelled_as_on_the_command_line(cli, tmp_path):
    """A malformed JSON line, a non-string statement, a stray non-UTF-8 byte or NUL: per-line failures, exit 1."""
    lines = [
        b'{"statement": "unterminated',
        json.dumps({"statement": PHARMACY, "blueprint": " API "}).encode(),
        b'{"statement": 42}',
        b"Pharmacies need caf\xe9 prescriptions",
        b"binary \x00\x01 line",
        b"[Urgent] Clinics need to check prescription approvals",
        PHARMACY.encode(),
        b'{"statement": "x", "blueprint": ["api"]}',
    ]
    source = tmp_path / "b.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    parent = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(parent), "--json", "--jobs", "2")
    assert result.exit_code == 1, result.stderr
    outcomes = json.loads(result.stdout)
    assert [o["index"] for o in outcomes] == list(range(1, 9))
    assert [o["ok"] for o in outcomes] == [False, True, False, False, False, True, True, False]
    failed = {o["index"]: o for o in outcomes if not o["ok"]}
    assert "not valid JSON" in failed[1]["error"]
    assert '"statement" string' in failed[3]["error"]
    assert "not UTF-8" in failed[4]["error"]
    assert "binary" in failed[5]["error"]
    assert "must be strings" in failed[8]["error"]
    assert all(o["exit_code"] == 2 for o in failed.values())
    assert outcomes[1]["blueprint"] == "api"
    assert outcomes[5]["statement"].startswith("[Urgent]")  # only lines starting with { are JSON
    _no_temp_folders(tmp_path)


def test_the_renderer_names_a_failed_line_once(capsys):
    """A bad batch line's error already says its line ("line 3: ..."); the text output must not say it twice."""
    from scaffolder.pipeline import Result
    from scaffolder.report import describe

    describe(
        [
            Result("{", line=3, error='line 3: a JSON line needs a "statement" string', exit_code=2),
            Result("hi", line=4, error="say who has what problem", exit_code=2),
        ]
    )
    out = capsys.readouterr().out
    assert 'Failed line 3: a JSON line needs a "statement" string' in out and "line 3: line 3" not in out
    assert "Failed line 4: say who has what problem" in out
    assert out.strip().splitlines()[-1] == "0 of 2 prototypes written, 2 failed"


@pytest.mark.parametrize("which", ["missing", "folder"])
def test_unreadable_batch_file_is_exit_2(cli, tmp_path, which):
    source = tmp_path / "nope.txt" if which == "missing" else tmp_path
    result = cli("batch", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert not (tmp_path / "out").exists()


def test_batch_plans_concurrently(cli, tmp_path):
    """With --jobs 4, four slow LLM requests are all in flight before the first reply comes back."""
    delay, count = 1.0, 4
    reply = fixture_plan("api")
    for key in ("schema_version", "statement", "provenance"):
        reply.pop(key, None)
    source = _write_lines(tmp_path / "b.txt", *[f"{PHARMACY} (site {n})" for n in range(count)])
    arrivals: list[float] = []
    with FakeOpenAI() as server:
        server.queue(*[Reply(json.dumps(reply), delay=delay) for _ in range(count)])
        done = threading.Event()

        def watch() -> None:  # when did the server see the 1st, 2nd, ... request?
            while not done.is_set() and len(arrivals) < count:
                while len(arrivals) < len(server.received):
                    arrivals.append(time.monotonic())
                time.sleep(0.005)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        env = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test", "SCAFFOLD_RETRIES": "0"}
        try:
            result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--jobs", str(count), "--json", env=env)
        finally:
            done.set()
            watcher.join()
        assert len(server.received) == count
    assert result.exit_code == 0, result.stderr
    outcomes = json.loads(result.stdout)
    assert [o["planner"] for o in outcomes] == ["llm"] * count
    assert len({o["out"] for o in outcomes}) == count  # the model gave one slug; the folders still differ
    spread = arrivals[-1] - arrivals[0]
    assert spread < delay * 0.8, f"the last request came {spread:.2f}s after the first: planning was not concurrent"


# --- variants ------------------------------------------------------------------------------------------------------


def test_variants_write_different_blueprints_side_by_side(cli, tmp_path):
    parent = tmp_path / "variants"
    result = cli(PHARMACY, "--variants", "3", "--out", str(parent), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert isinstance(payload, list) and len(payload) == 3
    assert payload[0]["blueprint"] == "api"  # the best-ranked blueprint comes first
    assert sorted(r["blueprint"] for r in payload) == ["api", "chatbot", "streamlit"]
    assert sorted(p.name for p in parent.iterdir()) == sorted(Path(r["out"]).name for r in payload)
    for number, r in enumerate(payload, 1):
        out = Path(r["out"])
        assert out.parent == parent.absolute() and out.name.startswith(f"{number}-{r['blueprint']}-")
        assert _one_commit_repo(out).head.commit.hexsha == r["commit"]
        assert json.loads((out / ".scaffold/plan.json").read_text())["blueprint"] == r["blueprint"]
        kit = yaml.safe_load((out / ".copier-answers.shared.yml").read_text())  # one experiment, one variant each
        assert (kit["experiment"], kit["variant"]) == ("variants", f"{number}-{r['blueprint']}")
        assert f'VARIANT = "{number}-{r["blueprint"]}"' in (out / "analytics.py").read_text()
    assert not (parent / ".git").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["variants"]


def test_variants_default_folder_is_named_after_the_first_slug(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(DASHBOARD, "--variants", "2", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [p.name for p in tmp_path.iterdir()] == [f"{payload[0]['plan']['slug']}-variants"]


def test_variants_dry_run_json_is_an_array_and_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(QUESTIONS, "--variants", "2", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert len(payload) == 2 and payload[0]["blueprint"] == "chatbot"
    assert len({r["blueprint"] for r in payload}) == 2
    assert all(r["out"] is None and r["commit"] is None for r in payload)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--variants", "4"], "only 3 blueprints"),
        (["--variants", "2", "--blueprint", "api"], "do not also give --blueprint"),
        (["--variants", "2", "--plan", "PLAN"], "cannot be combined with --plan"),
    ],
)
def test_variants_bad_combinations_are_exit_2(cli, tmp_path, extra, message):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(fixture_plan("api")))
    args = [a if a != "PLAN" else str(plan) for a in extra]
    statement = [] if "--plan" in extra else [PHARMACY]
    out = tmp_path / "out"
    result = cli(*statement, *args, "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_variants_appear_all_at_once_or_not_at_all(cli, tmp_path):
    """One variant that fails to render leaves no folder at all, not the variants rendered before it."""
    broken = tmp_path / "blueprints" / "broken"
    (broken / "template").mkdir(parents=True)
    (broken / "copier.yml").write_text("_subdirectory: template\nproject_name:\n  type: str\n")
    (broken / "blueprint.yml").write_text("name: broken\nsummary: A template with a Jinja syntax error.\n")
    (broken / "template" / "README.md.jinja").write_text("{% if %}")
    work = tmp_path / "work"
    work.mkdir()
    result = cli(PHARMACY, "--variants", "4", "--blueprints", str(tmp_path / "blueprints"), "--out", str(work / "v"))
    assert result.exit_code == 1, result.stderr
    assert "broken" in result.stderr
    assert list(work.iterdir()) == []


# --- a batch that is interrupted or killed ---------------------------------------------------------------------------


def _batch_process(source: Path, parent: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SCAFFOLD_"))}
    base.update(env or {}, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "batch", str(source), "--out", str(parent), "--json", "--jobs", "4"],
        env=base,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_kill_9_of_a_batch_takes_its_render_workers_with_it(tmp_path):
    """The forkserver and its workers must not outlive the batch, holding the caller's standard output open."""
    source = _write_lines(tmp_path / "b.txt", *[f"{PHARMACY} at site {n}" for n in range(12)])
    process = _batch_process(source, tmp_path / "out")
    helpers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and len(helpers) < 3:
        helpers = _descendants(process.pid)
        time.sleep(0.05)
    assert len(helpers) >= 3, "the render pool never started"
    process.kill()
    reader = threading.Thread(target=process.stdout.read, daemon=True)  # EOF once nobody holds the pipe
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "something still holds the caller's standard output"
    process.wait(10)
    gone_by = time.monotonic() + 10
    while time.monotonic() < gone_by and any(_alive(pid) for pid in helpers):
        time.sleep(0.1)
    assert not [pid for pid in helpers if _alive(pid)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_an_interrupted_batch_says_line_by_line_what_was_written(tmp_path, signum):
    chatbot = fixture_plan("chatbot")
    for key in ("schema_version", "statement", "provenance"):
        chatbot.pop(key, None)
    source = _write_lines(tmp_path / "b.txt", *[f"{QUESTIONS}, case {n}" for n in range(4)])
    parent = tmp_path / "out"
    with FakeOpenAI() as server:
        server.queue(*[Reply(json.dumps(chatbot))] * 2, *[Reply(json.dumps(chatbot), delay=30)] * 2)
        env = {"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-test", "SCAFFOLD_RETRIES": "0"}
        process = _batch_process(source, parent, env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len([p for p in parent.glob("*") if not p.name.startswith(".")]) < 2:
            time.sleep(0.05)
        time.sleep(0.3)
        started = time.monotonic()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
        took = time.monotonic() - started
    assert process.returncode == 130, stderr
    assert took < 5, took
    outcomes = json.loads(stdout)
    assert [o["index"] for o in outcomes] == [1, 2, 3, 4]
    written = [o for o in outcomes if o["ok"]]
    assert len(written) == 2
    for o in written:
        _one_commit_repo(Path(o["out"]))
    for o in outcomes:
        if not o["ok"]:
            assert o["exit_code"] == 130 and "interrupted before" in o["error"]
    assert sorted(p.name for p in parent.iterdir()) == sorted(Path(o["out"]).name for o in written)
    errors = [line for line in stderr.splitlines() if line.startswith("scaffold: error:")]
    assert len(errors) == 1 and "written in full" in errors[0], stderr
    assert all(o["out"] in errors[0] for o in written)
    _no_temp_folders(tmp_path)
