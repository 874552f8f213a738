"""`scaffold batch FILE`: many statements, planned and written concurrently, one repo each.

One failing statement does not stop the others. Planning is I/O bound (LLM requests), so a thread pool bounded
by `--jobs` overlaps the waits; each statement is then rendered atomically like a single scaffold.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import Catalog
from scaffolder.errors import BadInput, ScaffoldError
from scaffolder.pipeline import Notify, Request, Result, run

if TYPE_CHECKING:
    from scaffolder.plan import Plan


@dataclass
class Entry:
    """One line of the batch file."""

    index: int
    statement: str
    blueprint: str | None = None
    out: str | None = None


@dataclass
class Outcome:
    """What became of one entry."""

    index: int
    statement: str
    result: Result | None = None
    error: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.result is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"index": self.index, "statement": self.statement, "ok": self.ok}
        if self.result is not None:
            data.update(self.result.to_json())
        else:
            data.update({"error": self.error, "exit_code": self.exit_code})
        return data


def read_entries(path: Path) -> list[Entry]:
    """Plain lines are statements; lines starting with `{` are JSON objects with statement, blueprint, out."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not UTF-8 text") from None
    if "\x00" in text:
        raise BadInput(f"{path} looks binary; give one statement per line")
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise BadInput(f"{path}:{number}: not valid JSON ({error.msg})") from None
            statement = data.get("statement")
            if not isinstance(statement, str):
                raise BadInput(f'{path}:{number}: a JSON line needs a "statement" string')
            blueprint, out = data.get("blueprint"), data.get("out")
            if not isinstance(blueprint, str | None) or not isinstance(out, str | None):
                raise BadInput(f'{path}:{number}: "blueprint" and "out" must be strings')
            entries.append(Entry(number, statement, blueprint, out))
        else:
            entries.append(Entry(number, line))
    if not entries:
        raise BadInput(f"{path} has no statements")
    return entries


class _Names:
    """Hands out distinct folder names under the parent, so two statements never share one."""

    def __init__(self, parent: Path) -> None:
        self.parent = parent
        self.taken: set[str] = set()
        self.lock = threading.Lock()

    def claim(self, wanted: str, explicit: bool) -> Path:
        if explicit:
            relative = Path(wanted)
            if relative.is_absolute() or ".." in relative.parts or not relative.parts:
                raise BadInput(f"out {wanted!r} must be a relative folder inside the batch --out folder")
        with self.lock:
            name, n = wanted, 2
            while name in self.taken and not explicit:
                name, n = f"{wanted}-{n}", n + 1
            if name in self.taken:
                raise BadInput(f"out {wanted!r} is used by another line")
            self.taken.add(name)
        return self.parent / name


def _render_job(plan_data: dict[str, Any], blueprint_dirs: tuple[str, ...], out: str) -> str:
    """In a worker process: render and commit one plan that the parent already planned and validated."""
    from scaffolder.catalog import Catalog
    from scaffolder.pipeline import write
    from scaffolder.plan import Plan

    return write(Plan.model_validate(plan_data), Catalog(tuple(Path(d) for d in blueprint_dirs)), Path(out))


def _ready() -> None:
    """Starts a worker early, so that it forks while the planners are still waiting on the LLM."""


class _Renderer:
    """Renders on every core: a forkserver process pool (its server preloads Copier and GitPython once) when the
    batch is big enough to pay for starting it, else in the calling thread. Rendering is CPU-bound, so threads
    alone would take turns."""

    PRELOAD = ("scaffolder.pipeline", "scaffolder.render", "scaffolder.repo", "scaffolder.plan", "copier", "git")

    def __init__(self, entries: int, blueprint_dirs: tuple[Path, ...]) -> None:
        self.blueprint_dirs = blueprint_dirs
        self.pool: ProcessPoolExecutor | None = None
        # One more worker than cores: part of each render is waiting on git subprocesses.
        self.workers = min((os.cpu_count() or 1) + 1, entries)
        self.starting: threading.Thread | None = None
        if self.workers > 1 and entries >= 3:
            # Starting a worker waits for the server's preload: do it beside the planners, not before them.
            self.starting = threading.Thread(target=self._start, name="scaffold-render-pool", daemon=True)
            self.starting.start()

    def _start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(self.PRELOAD))
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        for _ in range(self.workers):
            self.pool.submit(_ready)

    def write(self, plan: Plan, out: Path) -> str:
        if self.starting is not None:
            self.starting.join()
        if self.pool is None:
            from scaffolder.pipeline import write

            return write(plan, Catalog(self.blueprint_dirs), out)
        dirs = tuple(str(d) for d in self.blueprint_dirs)
        return self.pool.submit(_render_job, plan.model_dump(mode="json"), dirs, str(out)).result()

    def close(self) -> None:
        if self.starting is not None:
            self.starting.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def run_batch(file: Path, parent: Path, template: Request, *, jobs: int, notify: Notify) -> list[Outcome]:
    """Scaffold every entry of `file` under `parent`: plans `jobs` at a time, renders on every core.

    Outcomes are in file order."""
    entries = read_entries(file)
    parent = parent.absolute()
    names = _Names(parent)
    renderer = _Renderer(len(entries), template.blueprint_dirs)
    catalog = Catalog(template.blueprint_dirs)  # one for all entries: its parsed questions and schemas are reused

    def one(entry: Entry) -> Outcome:
        outcome = Outcome(entry.index, entry.statement)
        try:
            request = replace(template, statement=entry.statement, blueprint=entry.blueprint, dry_run=True)
            planned = run(request, lambda m: notify(f"line {entry.index}: {m}"), quiet_offline=True, catalog=catalog)
            out = names.claim(entry.out or planned.plan.slug, explicit=entry.out is not None)
            commit = renderer.write(planned.plan, out)
            outcome.result = Result(plan=planned.plan, out=out, commit=commit, warnings=planned.warnings)
            if template.verify:
                from scaffolder.verify import verify

                outcome.result.verified = verify(out, lambda m: notify(f"line {entry.index}: {m}"))
        except ScaffoldError as error:
            outcome.error, outcome.exit_code = error.message, int(error.exit_status)
        except Exception as error:  # noqa: BLE001 - one statement must not stop the others
            outcome.error, outcome.exit_code = f"unexpected {type(error).__name__}: {error}", 1
        return outcome

    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="scaffold-batch") as pool:
            return list(pool.map(one, entries))
    finally:
        renderer.close()
