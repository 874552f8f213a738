"""Robustness: hostile answers stay data, replays are exact, interrupts leave all or nothing, bad input is refused.

Property-based tests feed plans whose text is full of quotes, backslashes, unicode, Jinja syntax, shell
metacharacters and `../` paths; the interrupt tests kill a real `python -m scaffolder` at random (seeded) moments.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import pytest
from conftest import fixture_plan, run_generated_tests, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai_server import closed_port

from scaffolder.catalog import Catalog
from scaffolder.errors import BadInput, PlanInvalid
from scaffolder.pipeline import write
from scaffolder.render import TMP_PREFIX
from scaffolder.validation import parse_plan

ROOT = Path(__file__).resolve().parents[1]
BLUEPRINTS = ["api", "chatbot", "streamlit"]
PHARMACY = "Partner pharmacies need to check whether a prescription was approved before dispensing"

# --- hostile text --------------------------------------------------------------------------------------------------

FRAGMENTS = [
    '"',
    "'",
    "\\",
    "\\n",
    '\\"',
    '"""',
    "'''",
    "`id`",
    "$(touch /tmp/scaffold-pwned)",
    "${HOME}",
    "; rm -rf ~",
    "| cat /etc/passwd",
    "&&",
    "../",
    "../../etc/passwd",
    "/etc/passwd",
    "{{ 7*7 }}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% if true %}yes{% endif %}",
    "{# comment #}",
    "{{ cycler.__init__.__globals__ }}",
    "[[ x ]]",
    "<% x %>",
    "</script><script>alert(1)</script>",
    "<!--",
    "&amp;",
    "%s",
    "{0}",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u202e",
    "caf\u00e9",
    "\u65e5\u672c\u8a9e",
    "\U0001f680",
    "e\u0301",
    "\x1b[31m",
    "---",
    "- ",
    ": ",
    "#",
    "null",
    "None",
    "True",
    "__import__('os')",
    "|",
    "*",
    "!",
    "@",
    "\ufeff",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=6).map("".join)

#: Plan keys outside the answers whose values are identifiers, enums or references; every other string is free text.
IDENT_KEYS = {
    "": {"slug", "blueprint"},
    "brief": {"id", "event", "of_event", "indicator", "kind", "direction"},
}


def _free_text(schema: dict) -> bool:
    """A string the blueprint's answer schema leaves free: no pattern, no choices (what it constrains is not text)."""
    return schema.get("type") == "string" and not ({"pattern", "enum", "const", "format"} & set(schema))


#: Answer text that is not free: a chatbot's phrasings must find their intents (the blueprint's check refuses a
#: plan whose phrasings would not, before anything is written). Hostile phrasings beside real ones are tested in
#: tests/test_chatbot.py; here they keep the fixture's.
MATCHED_TEXT = "phrasings"


def _answer_slots(data: Any, schema: dict, path: tuple) -> Iterator[tuple]:
    """Paths to the answers' free-text strings, read from the blueprint's own answer schema (so the test follows
    the answer contract instead of keeping a list of its keys)."""
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        if option.get("type") in ("object", "array"):
            schema = option
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if key == MATCHED_TEXT:
            continue
        if isinstance(data, dict):
            extra = schema.get("additionalProperties")
            sub = schema.get("properties", {}).get(key) or (extra if isinstance(extra, dict) else {})
        else:
            sub = schema.get("items", {}) if isinstance(schema.get("items"), dict) else {}
        if isinstance(value, str) and _free_text(sub):
            yield (*path, key)
        elif isinstance(value, dict | list):
            yield from _answer_slots(value, sub, (*path, key))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from _strings(value)


def text_slots(plan: dict) -> Iterator[tuple]:
    """Paths to every free-text string in a plan (provenance aside): not an identifier, and not a value that
    another part of the plan refers to (a choice its rows use, a column a filter names), which must stay as is."""
    counts: dict[str, int] = {}
    for text in _strings({k: v for k, v in plan.items() if k != "provenance"}):
        counts[text] = counts.get(text, 0) + 1
    for slot in _slots(plan):
        value: Any = plan
        for key in slot:
            value = value[key]
        if counts.get(value) == 1 and not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            yield slot


def _slots(data: Any, path: tuple = ()) -> Iterator[tuple]:
    section = path[0] if path else ""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        if key == "provenance":
            continue
        if key == "answers" and not path:
            yield from _answer_slots(value, Catalog().get(data["blueprint"]).answer_schema, ("answers",))
        elif isinstance(value, str) and not (isinstance(key, str) and key in IDENT_KEYS.get(section, set())):
            yield (*path, key)
        elif isinstance(value, dict | list):
            yield from _slots(value, (*path, key))


def with_texts(plan: dict, texts: list[str]) -> dict:
    """The plan with every free-text slot set to the texts in turn; once they run out, each repeat gets a number,
    so that texts that must differ (phrasings, screen titles) do."""
    data = copy.deepcopy(plan)
    for n, slot in enumerate(text_slots(plan)):
        target = data
        for key in slot[:-1]:
            target = target[key]
        text = texts[n % len(texts)]
        target[slot[-1]] = text if n < len(texts) else f"{text} {n}"
    return data


def assert_inside(root: Path, out: Path) -> None:
    """Nothing was written beside `out`, and nothing in it points outside it."""
    assert [p.name for p in root.iterdir()] == [out.name]
    for path in out.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(out.resolve()), path


def compile_python(out: Path) -> None:
    """What compileall checks, without writing bytecode into the repo."""
    files = [p for p in out.rglob("*.py") if ".git" not in p.parts]
    assert files
    for path in files:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)


def render_and_check(plan_data: dict, root: Path) -> Path | None:
    """Validate and write a plan: a clear validation error (None), or a sound repo inside `root` (its path)."""
    catalog = Catalog()
    try:
        plan = parse_plan(plan_data, catalog, source="hostile")
    except (PlanInvalid, BadInput) as error:
        assert error.message.startswith("hostile: ") and "problem(s)" in error.message
        return None
    out = root / "out"
    sha = write(plan, catalog, out)
    repo = git.Repo(out)
    assert repo.head.commit.hexsha == sha and not repo.is_dirty(untracked_files=True)
    assert_inside(root, out)
    compile_python(out)
    saved = json.loads((out / ".scaffold/plan.json").read_text(encoding="utf-8"))
    assert saved == plan.model_dump(mode="json")  # the text round-trips exactly, unevaluated
    return out


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_hostile_answers_are_refused_or_rendered_as_plain_data(blueprint: str) -> None:
    base = fixture_plan(blueprint)
    assert len(list(text_slots(base))) > 10

    rendered = []

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts=st.lists(hostile, min_size=1, max_size=8))
    def check(texts: list[str]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            rendered.append(render_and_check(with_texts(base, texts), Path(tmp)) is not None)

    check()
    assert sum(rendered) >= 5, "almost every example was refused: the property tested nothing"


def hostile_set(seed: int) -> list[str]:
    """Twenty distinct hostile texts (distinct so that, e.g., screen titles differ), from every fragment."""
    rng = random.Random(seed)
    fragments = FRAGMENTS[:]
    rng.shuffle(fragments)
    return [f"{''.join(fragments[(i * 3) % len(fragments) : (i * 3) % len(fragments) + 3])} {i}" for i in range(20)]


@pytest.mark.parametrize(
    ("blueprint", "seed"),
    [("api", 1), ("api", 2), ("chatbot", 2), ("chatbot", 4), ("streamlit", 1)],  # the suites are slow: a few each
)
def test_hostile_answers_give_a_repo_whose_own_tests_pass(blueprint: str, seed: int, tmp_path: Path) -> None:
    data = with_texts(fixture_plan(blueprint), hostile_set(seed))
    for hostile_intent, intent in zip(
        data["answers"].get("intents", []), fixture_plan(blueprint)["answers"].get("intents", []), strict=True
    ):
        hostile_intent["phrasings"] = intent["phrasings"]  # the chatbot's own suite measures matching on them
    out = render_and_check(data, tmp_path)
    assert out is not None, "the hostile set should be a valid plan"
    run = run_generated_tests(out)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_template_syntax_in_answers_is_never_evaluated(blueprint: str, tmp_path: Path) -> None:
    """`{{12345*3}}` in every text field appears literally in the data files; its value 37035 appears nowhere."""
    payload = "{{12345*3}}{%if 1%}EVALUATED{%endif%}"  # short enough for every field, with a number added
    data = with_texts(fixture_plan(blueprint), [payload])
    plan = parse_plan(data, Catalog(), source="test")
    out = tmp_path / "out"
    write(plan, Catalog(), out)
    files = tree(out)
    everything = b"\n".join(files.values()) + git.Repo(out).head.commit.message.encode()
    assert b"37035" not in everything
    assert b"EVALUATED" not in everything.replace(b"EVALUATED{%", b"")
    data_files = [name for name in files if name.startswith("app/") and name.endswith(".json")]
    assert data_files
    for name in data_files:
        assert payload in json.dumps(json.loads(files[name]), ensure_ascii=False), name
    assert payload in files[".scaffold/brief.json"].decode()
    assert "{{12345*3}}" in files["README.md"].decode()
    assert payload in git.Repo(out).head.commit.message  # the statement, in the commit message


# Edge cases found by the tests above.


def test_streamlit_screens_need_distinct_titles(tmp_path: Path) -> None:
    data = fixture_plan("streamlit")
    for screen in data["answers"]["screens"]:
        screen["title"] = "Renewals"
    with pytest.raises(PlanInvalid, match="screen titles must differ"):
        parse_plan(data, Catalog(), source="hostile")


def test_chatbot_answer_with_leading_newline(tmp_path: Path) -> None:
    data = fixture_plan("chatbot")
    data["answers"]["intents"][0]["answer"] = "\r\n" + data["answers"]["intents"][0]["answer"]
    out = render_and_check(data, tmp_path)
    assert out is not None
    run = run_generated_tests(out)
    assert run.returncode == 0, run.stdout[-3000:]


# --- replays -------------------------------------------------------------------------------------------------------


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

    # An LLM is configured but unreachable: --plan must not even try it.
    llm_env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1", "OPENAI_API_KEY": "sk-unused"}
    outs = [tmp_path / name for name in ("a", "b", "c")]
    for out, source, env in [(outs[0], saved, None), (outs[1], saved, llm_env), (outs[2], fixture, None)]:
        result = cli("--plan", str(source), "--out", str(out), env=env)
        assert result.exit_code == 0, result.stderr
        assert "LLM" not in result.stderr and "offline planner" not in result.stderr
    trees = [tree(out) for out in outs]
    assert trees[0] == trees[1] == trees[2]
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
    for trial in range(10):
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


def test_plan_into_a_non_empty_out_is_refused_untouched(cli, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(fixture_plan("streamlit")))
    result = cli("--plan", str(plan), "--out", str(out))
    assert result.exit_code == 2
    assert "not empty" in _one_error(result.stderr)
    assert tree(out) == {"keep.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "precious"]


def test_generated_folder_has_ordinary_permissions(cli, tmp_path):
    """The repo folder is created like `mkdir` would (umask applies), not private like a temp folder."""
    umask = os.umask(0)
    os.umask(umask)
    out = tmp_path / "repo"
    assert cli(PHARMACY, "--out", str(out)).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (out / "app").stat().st_mode & 0o777 == 0o777 & ~umask
