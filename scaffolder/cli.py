"""The `scaffold` command: parse flags and environment into a Request, run the pipeline, print the Result.

Thin on purpose: everything else lives in modules that are imported only when a command runs, so that
`scaffold --help` and `scaffold --version` stay instant. Errors become one line on standard error and an
exit code (see errors.ExitStatus); `--debug` shows the traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from scaffolder import __version__
from scaffolder.errors import BadInput, ExitStatus, ScaffoldError
from scaffolder.pipeline import OFFLINE_NOTE

if TYPE_CHECKING:
    from scaffolder.pipeline import Request, Result
    from scaffolder.settings import LLMSettings

DEFAULT_MODEL = "gpt-5-mini"
MAX_STATEMENT_BYTES = 10 * 1024 * 1024
#: Bounds of --timeout (seconds per request) and --retries; the LLM planner's deadline is derived from both.
MAX_TIMEOUT = 600
MAX_RETRIES = 5
EXAMPLE = 'scaffold "Field technicians need to log equipment faults offline" --out fault-log'


# Options that several commands take: declared once, so their names and help read the same everywhere.
BlueprintDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--blueprints", metavar="DIR", help="Extra folder of Copier blueprints (repeatable; also SCAFFOLD_BLUEPRINTS)."
    ),
]
Offline = Annotated[bool, typer.Option("--offline", help="Use the offline planner even if an LLM is configured.")]
Model = Annotated[
    str | None,
    typer.Option("--model", "-m", metavar="MODEL", help=f"LLM model (also SCAFFOLD_MODEL; default {DEFAULT_MODEL})."),
]
Timeout = Annotated[
    float | None,
    typer.Option("--timeout", metavar="SECONDS", help="Seconds per LLM request (also SCAFFOLD_TIMEOUT; default 60)."),
]
Retries = Annotated[
    int | None,
    typer.Option("--retries", metavar="N", help="Retries per LLM request (also SCAFFOLD_RETRIES; default 2)."),
]
NoFallback = Annotated[
    bool, typer.Option("--no-fallback", help="Fail (exit 1) instead of falling back to the offline planner.")
]
Verify = Annotated[bool, typer.Option("--verify", help="Run each generated repo's own tests; exit 1 if any is red.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout; messages for people go to stderr.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]


class _DefaultGroup(TyperGroup):
    """`scaffold "STATEMENT"` runs the `new` command; `batch` and `blueprints` are named subcommands."""

    default_command = "new"

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None, **extra: Any) -> Any:
        """Usage errors (an unknown flag, `--variants 9`) are bad input like any other: one `scaffold: error:` line,
        exit 2, and the JSON error object with --json (Click's own handling prints the usage and no JSON)."""
        if extra.pop("standalone_mode", True) is False:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            status = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as error:
            if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):  # not a ClickException
                if type(error).__name__ != "Abort":  # Click's name for Ctrl-C while it parses
                    raise
                message, status = interrupted_message(), ExitStatus.INTERRUPTED
            else:
                message = " ".join(str(error.format_message()).split()) + " (see scaffold --help)"
                status = ExitStatus.BAD_INPUT if error.exit_code == 2 else error.exit_code
            with contextlib.suppress(typer.Exit):
                Output(as_json="--json" in argv, debug=False).fail(message, status)
        sys.exit(status if isinstance(status, int) else 0)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        # The default command's help is the tool's help: that is what most people run. (Typer brings its own
        # Click, vendored in recent versions, so the context class is taken from `ctx` rather than imported.)
        command = self.commands[self.default_command]
        command.format_help(type(ctx)(command, info_name=ctx.info_name), formatter)


app = typer.Typer(
    name="scaffold",
    cls=_DefaultGroup,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn a customer problem statement into a runnable, instrumented prototype repository."""


@app.command(
    "new",
    epilog=(
        f"Example: {EXAMPLE}\n\n"
        "Other commands: scaffold blueprints lists the blueprints; "
        "scaffold batch FILE --out DIR scaffolds one prototype per statement.\n\n"
        "Exit codes: 0 success, 1 failure, 2 bad input, 130 interrupted. "
        "Planner: an OpenAI-compatible LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the offline planner."
    ),
)
def new(
    statement: Annotated[
        str | None,
        typer.Argument(
            metavar="STATEMENT", help="The customer problem, in one or two sentences; '-' reads standard input."
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", metavar="PATH", help="Read the statement from a text file ('-' for stdin)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Folder to create (default: ./<slug>). Must be absent or empty."
        ),
    ] = None,
    blueprint: Annotated[
        str | None,
        typer.Option("--blueprint", "-b", metavar="NAME", help="Force a blueprint (see `scaffold blueprints`)."),
    ] = None,
    blueprints_dir: BlueprintDirs = None,
    plan_file: Annotated[
        Path | None,
        typer.Option(
            "--plan", metavar="FILE", help="Render a saved plan (.scaffold/plan.json or --dry-run --json output)."
        ),
    ] = None,
    offline: Offline = False,
    model: Model = None,
    timeout: Timeout = None,
    retries: Retries = None,
    no_fallback: NoFallback = False,
    variants: Annotated[
        int, typer.Option("--variants", metavar="N", min=1, max=5, help="Write N alternative prototypes side by side.")
    ] = 1,
    verify: Verify = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")] = False,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Scaffold a prototype repository from a customer problem statement."""
    ui = Output(as_json=as_json, debug=debug)
    if "scaffolder.render" in sys.modules:  # a previous run in this process (tests): its folders are not this run's
        sys.modules["scaffolder.render"].forget_written()
    with ui.errors():
        request = build_request(
            statement=statement,
            file=file,
            out=out,
            blueprint=blueprint,
            blueprint_dirs=blueprints_dir or [],
            plan_file=plan_file,
            offline=offline,
            model=model,
            timeout=timeout,
            retries=retries,
            no_fallback=no_fallback,
            verify=verify,
            dry_run=dry_run,
            spinner=not as_json,
            environ=os.environ,
        )
        if variants > 1:
            from scaffolder.variants import run_variants

            ui.show(run_variants(request, variants, ui.note))
        else:
            from scaffolder.pipeline import run

            ui.show([run(request, ui.note)], one=True)


@app.command("blueprints")
def list_blueprints(blueprints_dir: BlueprintDirs = None, as_json: AsJson = False) -> None:
    """List the available blueprints, one line each."""
    ui = Output(as_json=as_json, debug=False)
    with ui.errors():
        from scaffolder.catalog import Catalog

        catalog = Catalog(_blueprint_dirs(blueprints_dir or [], os.environ))
        if as_json:
            ui.emit([{"name": b.name, "title": b.title, "summary": b.summary, "path": str(b.path)} for b in catalog])
            return
        width = max(len(name) for name in catalog.names())
        for bp in catalog:
            typer.echo(f"{bp.name:<{width}}  {bp.summary}")


@app.command("batch")
def batch(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Statements: one per line, or JSONL with statement/blueprint/out.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Parent folder for the prototypes.")] = Path(
        "."
    ),
    blueprints_dir: BlueprintDirs = None,
    offline: Offline = False,
    model: Model = None,
    timeout: Timeout = None,
    retries: Retries = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            max=32,
            help="Concurrent LLM requests (default: one per line, up to 16).",
        ),
    ] = None,
    no_fallback: NoFallback = False,
    verify: Verify = False,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Scaffold one prototype per statement in FILE, concurrently; exit 1 if any failed."""
    ui = Output(as_json=as_json, debug=debug)
    with ui.errors():
        from scaffolder.batch import run_batch

        template = build_request(
            environ=os.environ,
            blueprint_dirs=blueprints_dir,
            offline=offline,
            model=model,
            timeout=timeout,
            retries=retries,
            no_fallback=no_fallback,
            verify=verify,
            spinner=False,
            needs_statement=False,
        )
        if template.llm is None:
            ui.note(OFFLINE_NOTE)
        from scaffolder.batch import BatchInterrupted

        try:
            results = run_batch(file, out, template, jobs=jobs, notify=ui.note)
        except BatchInterrupted as stop:  # each line's result, then one line saying what was written
            ui.show(stop.results)
            written = [r.out for r in stop.results if r.ok and r.out]
            typer.echo(f"scaffold: error: {interrupted_message(written)}", err=True)
            raise typer.Exit(ExitStatus.INTERRUPTED) from None
        ui.show(results)
        if any(not r.ok for r in results):
            raise typer.Exit(ExitStatus.FAILURE)


def _blueprint_dirs(flags: list[Path], environ: Any) -> tuple[Path, ...]:
    from scaffolder.catalog import Catalog

    return (*Catalog.extra_dirs_from_env(environ), *flags)


def read_statement(statement: str | None, file: Path | None, stdin: Any = None) -> str:
    """The statement from the argument, `--file`, or standard input, as text."""
    stdin = stdin or sys.stdin
    if statement is not None and file is not None:
        raise BadInput("give the statement as an argument or with --file, not both")
    if file is not None and str(file) != "-":
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_STATEMENT_BYTES + 1)
        except OSError as error:
            raise BadInput(f"cannot read --file {file}: {error.strerror or error}") from error
        return _decode(data, f"--file {file}")
    if file is not None or statement == "-":
        if stdin is None or (hasattr(stdin, "isatty") and stdin.isatty()):
            raise BadInput("'-' reads the statement from standard input, but nothing was piped in")
        stream = getattr(stdin, "buffer", stdin)
        data = stream.read(MAX_STATEMENT_BYTES + 1)
        return _decode(data if isinstance(data, bytes) else data.encode("utf-8"), "standard input")
    if statement is None:
        raise BadInput(f"no problem statement given; for example: {EXAMPLE}")
    try:
        statement.encode("utf-8")  # bytes that are not UTF-8 arrive from argv as lone surrogates
    except UnicodeEncodeError:
        raise BadInput("the statement argument is not UTF-8 text") from None
    return statement


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_STATEMENT_BYTES:
        raise BadInput(f"{source} is larger than {MAX_STATEMENT_BYTES // (1024 * 1024)} MB; give a short statement")
    if b"\x00" in data:
        raise BadInput(f"{source} looks binary; give a UTF-8 text statement")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{source} is not UTF-8 text") from None


def llm_settings(
    *, offline: bool, model: str | None, timeout: float | None, retries: int | None, spinner: bool, environ: Any
) -> LLMSettings | None:
    """LLM settings from flags and environment, or None when the offline planner should be used."""
    from scaffolder.settings import LLMSettings

    api_key = environ.get("OPENAI_API_KEY") or None
    base_url = environ.get("OPENAI_BASE_URL") or None
    _check_limits(timeout, retries)  # a bad flag is bad input even when no LLM is used
    if offline or not (api_key or base_url):
        return None
    try:
        timeout = timeout if timeout is not None else float(environ.get("SCAFFOLD_TIMEOUT", 60))
        retries = retries if retries is not None else int(environ.get("SCAFFOLD_RETRIES", 2))
    except ValueError:
        raise BadInput("SCAFFOLD_TIMEOUT must be a number of seconds and SCAFFOLD_RETRIES a whole number") from None
    _check_limits(timeout, retries)
    return LLMSettings(
        model=model or environ.get("SCAFFOLD_MODEL") or DEFAULT_MODEL,
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        max_retries=retries,
        spinner=spinner,
    )


def _check_limits(timeout: float | None, retries: int | None) -> None:
    if timeout is not None and not 0 < timeout <= MAX_TIMEOUT:  # also refuses nan and inf
        raise BadInput(f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT}, not {timeout:g}")
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        raise BadInput(f"--retries must be 0 to {MAX_RETRIES}, not {retries}")


def build_request(
    *,
    environ: Any,
    statement: str | None = None,
    file: Path | None = None,
    out: Path | None = None,
    blueprint: str | None = None,
    blueprint_dirs: list[Path] | None = None,
    plan_file: Path | None = None,
    offline: bool = False,
    model: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    no_fallback: bool = False,
    verify: bool = False,
    dry_run: bool = False,
    spinner: bool = True,
    needs_statement: bool = True,
) -> Request:
    """Turn flags and environment into one Request; the only place that reads them."""
    from scaffolder.pipeline import Request

    if plan_file is not None:
        if statement is not None or file is not None:
            raise BadInput("--plan replays a saved plan; do not also give a statement")
        text = None
    elif needs_statement:
        text = read_statement(statement, file)
    else:
        text = None  # batch: each line of its file brings its own statement
    return Request(
        statement=text,
        out=out,
        blueprint=blueprint.strip().lower() if blueprint else None,
        llm=llm_settings(
            offline=offline or plan_file is not None,
            model=model,
            timeout=timeout,
            retries=retries,
            spinner=spinner,
            environ=environ,
        ),
        no_fallback=no_fallback,
        plan_file=plan_file,
        dry_run=dry_run,
        verify=verify,
        blueprint_dirs=_blueprint_dirs(blueprint_dirs or [], environ),
        cwd=Path.cwd(),
    )


class Output:
    """Prints results for humans (Rich) or as JSON for machines; maps errors to one line and an exit code."""

    def __init__(self, *, as_json: bool, debug: bool) -> None:
        self.as_json = as_json
        self.debug = debug

    def note(self, message: str) -> None:
        typer.echo(f"scaffold: {message}", err=True)

    def emit(self, payload: Any) -> None:
        import json

        typer.echo(json.dumps(payload, ensure_ascii=False))

    def errors(self) -> _ErrorBoundary:
        return _ErrorBoundary(self)

    def fail(self, message: str, status: ExitStatus) -> NoReturn:
        typer.echo(f"scaffold: error: {message}", err=True)
        if self.as_json:
            self.emit({"error": message, "exit_code": int(status)})
        raise typer.Exit(int(status))

    def show(self, results: list[Result], *, one: bool = False) -> None:
        """Every scaffolding command's results: text for people, or JSON (one object when the command makes
        exactly `one` prototype, else a list), each result with the same keys."""
        if self.as_json:
            self.emit(results[0].to_json() if one else [r.to_json() for r in results])
            return
        from scaffolder.report import describe

        describe(results)


class _ErrorBoundary:
    def __init__(self, ui: Output) -> None:
        self.ui = ui

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, typer.Exit | SystemExit):
            return False
        if self.ui.debug:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        if isinstance(exc, ScaffoldError):
            self.ui.fail(exc.message, exc.exit_status)
        if isinstance(exc, KeyboardInterrupt):
            self.ui.fail(interrupted_message(), ExitStatus.INTERRUPTED)
        if isinstance(exc, Exception):
            hint = "" if self.ui.debug else " (run with --debug for the traceback)"
            detail = " ".join(str(exc).split())[:300]
            self.ui.fail(f"unexpected {type(exc).__name__}: {detail}{hint}", ExitStatus.FAILURE)
        return False


def interrupted_message(done: list[Path] | None = None) -> str:
    """What an interrupt leaves, truthfully: nothing, or the prototypes already written in full."""
    render = sys.modules.get("scaffolder.render")
    done = done if done is not None else (render.written() if render else [])
    if not done:
        return "interrupted; nothing was written"
    shown = ", ".join(str(p) for p in done[:3]) + (f" and {len(done) - 3} more" if len(done) > 3 else "")
    return f"interrupted; written in full before the interrupt: {shown}; nothing else was written"


def _interrupt(signum: int, frame: Any) -> NoReturn:
    raise KeyboardInterrupt


def _redeliver_interrupts(unraisable: Any) -> None:
    """An interrupt that lands inside a finalizer is printed and dropped by Python; deliver it again instead,
    so that Ctrl-C or SIGTERM always stops the run (and cleans up) without a stray traceback. It is re-sent from
    another thread a moment later (raised here, it would land in this hook and be dropped again) as a real SIGINT
    to the main thread, which also wakes a blocking call there (`_thread.interrupt_main` would wait for it to end)."""
    import signal
    import threading

    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        main_thread = threading.main_thread().ident
        assert main_thread is not None
        threading.Timer(0.02, signal.pthread_kill, (main_thread, signal.SIGINT)).start()
        return
    sys.__unraisablehook__(unraisable)


def main() -> None:
    """Console entry point; SIGTERM is treated like Ctrl-C so temporary folders are cleaned up."""
    import signal

    signal.signal(signal.SIGTERM, _interrupt)
    sys.unraisablehook = _redeliver_interrupts
    try:
        app(prog_name="scaffold")
    except KeyboardInterrupt:  # arrived outside a command's own error handling (e.g. while parsing)
        typer.echo(f"scaffold: error: {interrupted_message()}", err=True)
        _exit_now(ExitStatus.INTERRUPTED)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            typer.echo(done.code, err=True)
        _exit_now(code)  # the work is done: a late SIGTERM must not find the interpreter half torn down


def _exit_now(status: int) -> NoReturn:
    """Leave at once: the work is cleaned up or complete and everything printed. The interpreter's own teardown
    (collecting every module's objects: about 0.4 s once the LLM client is loaded) would make Ctrl-C feel
    ignored, and a SIGTERM arriving during it kills the process by the signal (exit -15) once Python has put the
    default handlers back. A request still waiting in a helper thread ends with the process."""
    import signal

    with contextlib.suppress(Exception):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(int(status))


@app.command("report")
def report(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Prototype folders, or folders holding them.")],
    as_json: AsJson = False,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="Also write a page of charts.")] = None,
) -> None:
    """Each prototype's indicators (value, n, 95% interval, verdict) and which variant leads."""
    ui = Output(as_json=as_json, debug=False)
    with ui.errors():
        from scaffolder import evidence

        found = evidence.gather(paths)
        if html is not None:
            ui.note(f"charts written to {evidence.write_html(found, html)}")
        if as_json:
            ui.emit(found.to_json())
        else:
            evidence.print_table(found)


@app.command("update")
def update(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A repo that scaffold generated.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; change nothing.")] = False,
    as_json: AsJson = False,
) -> None:
    """Bring a generated repo up to this scaffold's blueprint versions (Copier's three-way merge), in one commit."""
    ui = Output(as_json=as_json, debug=False)
    with ui.errors():
        from scaffolder.update import update as run_update

        result = run_update(folder, dry_run=dry_run, notify=ui.note)
        if as_json:
            ui.emit(result.to_json())
            return
        from scaffolder.report import describe_update

        describe_update(result)
