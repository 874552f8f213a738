"""`scaffold batch FILE` and `--variants N`: many prototypes at once, each complete or absent, failures contained."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import git
import pytest
from conftest import fixture_plan, tree
from openai_server import FakeOpenAI, Reply

from scaffolder.render import TMP_PREFIX

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
    assert result.stdout.count("ok") >= 4 and "failed" not in result.stdout

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


def test_batch_json_is_one_array_in_file_order(cli, tmp_path):
    source = _write_lines(tmp_path / "b.jsonl", {"statement": DASHBOARD}, PHARMACY)
    result = cli("batch", str(source), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no statements"),
        (b"   \n\n# only a comment\n\t\n", "has no statements"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not UTF-8"),
        (b"statement one\n\x00\x01\x02\x03\n", "looks binary"),
        ("Pharmacies need caf\u00e9 prescriptions".encode("latin-1"), "not UTF-8"),
        (b'{"statement": "unterminated\n', "not valid JSON"),
        (b'{"statement": 42}\n', '"statement" string'),
        (b'{"statement": "x", "out": ["a"]}\n', "must be strings"),
    ],
)
def test_unusable_batch_file_is_exit_2_and_writes_nothing(cli, tmp_path, content, message):
    source = tmp_path / "batch.txt"
    source.write_bytes(content)
    parent = tmp_path / "out"
    result = cli("batch", str(source), "--out", str(parent))
    assert result.exit_code == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("scaffold: error:")]
    assert len(errors) == 1 and message in errors[0]
    assert not parent.exists()


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
