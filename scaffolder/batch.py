"""`scaffold batch FILE`: many statements, planned and written concurrently, one repo each.

One failing statement does not stop the others. Planning is I/O bound (LLM requests), so a thread pool bounded
by `--jobs` overlaps the waits; each statement is then rendered atomically like a single scaffold.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.catalog import Catalog
from scaffolder.errors import BadInput, ExitStatus, ScaffoldError
from scaffolder.pipeline import Notify, Request, Result, run

if TYPE_CHECKING:
    from scaffolder.plan import Plan


@dataclass
class Entry:
    """One line of the batch file; `error` when the line itself cannot be used (it fails alone)."""

    index: int
    statement: str
    blueprint: str | None = None
    out: str | None = None
    error: str | None = None
    experiment: str | None = None  # lines naming the same experiment are its variants


def read_entries(path: Path) -> list[Entry]:
    """Plain lines are statements; lines starting with `{` are JSON objects with statement, blueprint, out.

    A line that cannot be used (not UTF-8, binary, malformed JSON, a statement that is not a string) becomes an
    entry with an `error`, failing alone like a line that fails to plan; only a file with no usable line at all is
    bad input as a whole."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from error
    data = data.removeprefix(b"\xef\xbb\xbf")
    entries: list[Entry] = []
    for number, raw in enumerate(data.splitlines(), 1):
        entry = _entry(number, raw)
        if entry is not None:
            entries.append(entry)
    if not entries:
        raise BadInput(f"{path} has no statements")
    if all(e.error for e in entries):
        raise BadInput(f"{path}:{entries[0].index}: {entries[0].error}" + _more(len(entries) - 1))
    return entries


def _more(count: int) -> str:
    return f" (and {count} more line(s) like it)" if count else ""


def _entry(number: int, raw: bytes) -> Entry | None:
    """One line as an Entry (None for blank lines and comments)."""
    shown = raw.decode("utf-8", "replace").strip()[:80]
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return Entry(number, shown, error="the line is not UTF-8 text")
    if any(ord(ch) < 32 and ch != "\t" for ch in line):
        return Entry(number, "".join(ch for ch in shown if ch.isprintable()), error="the line looks binary")
    if not line or line.startswith("#"):
        return None
    if not line.startswith("{"):
        return Entry(number, line)
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return Entry(number, shown, error=f"not valid JSON ({getattr(error, 'msg', 'nested too deeply')})")
    statement = data.get("statement") if isinstance(data, dict) else None
    if not isinstance(statement, str):
        return Entry(number, shown, error='a JSON line needs a "statement" string')
    blueprint, out, experiment = data.get("blueprint"), data.get("out"), data.get("experiment")
    if not all(isinstance(v, str | None) for v in (blueprint, out, experiment)):
        return Entry(number, statement, error='"blueprint", "out" and "experiment" must be strings')
    blueprint = blueprint.strip().lower() or None if blueprint is not None else None  # spelled as --blueprint is
    experiment = experiment.strip() or None if experiment is not None else None
    return Entry(number, statement, blueprint, out, experiment=experiment)


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


def _render_job(
    plan_data: dict[str, Any], blueprint_dirs: tuple[str, ...], out: str, experiment: dict[str, str | None]
) -> str:
    """In a worker process: render and commit one plan that the parent already planned and validated."""
    from scaffolder.catalog import Catalog
    from scaffolder.pipeline import write
    from scaffolder.plan import Plan

    catalog = Catalog(tuple(Path(d) for d in blueprint_dirs))
    return write(Plan.model_validate(plan_data), catalog, Path(out), **experiment)


def _ready() -> None:
    """Starts a worker early, so that it forks while the planners are still waiting on the LLM."""


def _exit_with(batch_pid: int) -> None:
    """Worker initializer: exit as soon as the batch process is gone, however it went (kill -9 included).

    A forkserver worker's parent is the forkserver, not the batch, and each worker holds the pipes that would
    otherwise tell it (and the forkserver) that the batch has died: without this they live on, holding the
    caller's standard output open. A pidfd (Linux) becomes readable when the batch exits; elsewhere, polling."""
    import select
    import time

    def watch() -> None:
        try:
            handle = os.pidfd_open(batch_pid)
        except (AttributeError, OSError):
            handle = None
        if handle is not None:
            select.select([handle], [], [])
        else:
            while True:
                time.sleep(0.5)
                try:
                    os.kill(batch_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
        os._exit(1)

    threading.Thread(target=watch, name="scaffold-batch-watch", daemon=True).start()


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
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_exit_with, initargs=(os.getpid(),)
        )
        for _ in range(self.workers):
            self.pool.submit(_ready)

    def write(self, plan: Plan, out: Path, experiment: str | None = None, variant: str | None = None) -> str:
        if self.starting is not None:
            self.starting.join()
        names = {"experiment": experiment, "variant": variant}
        if self.pool is None:
            from scaffolder.pipeline import write

            return write(plan, Catalog(self.blueprint_dirs), out, **names)
        dirs = tuple(str(d) for d in self.blueprint_dirs)
        return self.pool.submit(_render_job, plan.model_dump(mode="json"), dirs, str(out), names).result()

    def close(self) -> None:
        if self.starting is not None:
            self.starting.join()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


#: Said for each line that an interrupt stopped before its prototype was written.
NOT_WRITTEN = "interrupted before this line's prototype was written"


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a batch; `results` says, line by line, what was written in full and what not."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__(NOT_WRITTEN)
        self.results = results


#: Planning requests in flight at once when --jobs is not given: every line of a batch up to this many, which hosted
#: APIs' rate limits bear (their 429s are retried by the openai client after the Retry-After the server sends).
DEFAULT_JOBS = 16


def run_batch(file: Path, parent: Path, template: Request, *, jobs: int | None, notify: Notify) -> list[Result]:
    """Scaffold every entry of `file` under `parent`: plans `jobs` at a time, renders on every core.

    Results are in file order. On an interrupt no new render starts, renders under way finish (each is atomic),
    and BatchInterrupted carries every line's result."""
    entries = read_entries(file)
    parent = parent.absolute()
    names = _Names(parent)
    renderer = _Renderer(len(entries), template.blueprint_dirs)
    catalog = Catalog(template.blueprint_dirs)  # one for all entries: its parsed questions and schemas are reused
    stopping = threading.Event()
    rendering: set[int] = set()
    state = threading.Lock()

    def one(entry: Entry) -> Result:
        if entry.error:
            return _failed(entry, f"line {entry.index}: {entry.error}", int(BadInput.exit_status))
        try:
            request = replace(template, statement=entry.statement, blueprint=entry.blueprint, dry_run=True)
            planned = run(request, lambda m: notify(f"line {entry.index}: {m}"), quiet_offline=True, catalog=catalog)
            with state:
                if stopping.is_set():
                    return _failed(entry, NOT_WRITTEN, int(ExitStatus.INTERRUPTED))
                rendering.add(entry.index)
            out = names.claim(entry.out or planned.plan.slug, explicit=entry.out is not None)
            variant = (entry.out or out.name) if entry.experiment else None
            commit = renderer.write(planned.plan, out, entry.experiment, variant)
            result = replace(planned, out=out, commit=commit, line=entry.index)
            if template.verify:
                from scaffolder.verify import verify

                result.verified = verify(out, lambda m: notify(f"line {entry.index}: {m}"))
            return result
        except ScaffoldError as error:
            return _failed(entry, error.message, int(error.exit_status))
        except Exception as error:  # noqa: BLE001 - one statement must not stop the others
            return _failed(entry, f"unexpected {type(error).__name__}: {error}", 1)

    pool = ThreadPoolExecutor(
        max_workers=jobs or max(1, min(len(entries), DEFAULT_JOBS)), thread_name_prefix="scaffold-batch"
    )
    futures = [pool.submit(one, entry) for entry in entries]
    try:
        results = [future.result() for future in futures]
        pool.shutdown()
        return results
    except KeyboardInterrupt:
        with state:
            stopping.set()
            under_way = [future for entry, future in zip(entries, futures, strict=True) if entry.index in rendering]
        pool.shutdown(wait=False, cancel_futures=True)
        wait(under_way, timeout=300)  # atomic renders: each ends written in full, or not at all
        raise BatchInterrupted(
            [_settled(entry, future) for entry, future in zip(entries, futures, strict=True)]
        ) from None
    finally:
        renderer.close()


def _failed(entry: Entry, error: str, exit_code: int) -> Result:
    return Result(entry.statement, line=entry.index, error=error, exit_code=exit_code)


def _settled(entry: Entry, future: Future[Result]) -> Result:
    """A line's result after an interrupt: its own if it finished, else not written."""
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return _failed(entry, NOT_WRITTEN, int(ExitStatus.INTERRUPTED))
