"""Human-readable output: what was made, why, and what to do next. Written to standard error when --json is on."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.pipeline import Result


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def describe(results: list[Result]) -> None:
    """What every prototype became, one block each, then a tally when there are several.

    A written prototype gets where it is, its brief and the commands to run it; a dry run gets a preview of the
    blueprint's answers; a failed one (a batch line) gets its one-line error."""
    console = _console()
    for result in results:
        _describe_one(result, console)
    if len(results) > 1:
        failed = sum(1 for r in results if not r.ok)
        written = sum(1 for r in results if r.ok and r.out is not None)
        planned = len(results) - failed - written
        parts = [f"{written} of {len(results)} prototypes written"]
        if planned:
            parts.append(f"{planned} planned only (dry run)")
        if failed:
            parts.append(f"{failed} failed")
        console.print(", ".join(parts))


def _describe_one(result: Result, console: Any) -> None:
    from rich.markup import escape

    line = f"line {result.line}: " if result.line is not None else ""
    if not result.ok or result.plan is None:
        error = str(result.error)
        console.print(f"[bold red]Failed[/] {escape(error if error.startswith(line) else line + error)}")
        return
    plan = result.plan
    where = "[dim](dry run: nothing written)[/]"
    if result.out is not None:
        where = f"[bold green]Created[/] {escape(_shown(result.out))}"
        if result.commit:
            where += f" [dim](commit {result.commit[:7]} on main)[/]"
    console.print(
        f"{escape(line)}{where}\n  {escape(plan.project_name)} — {plan.blueprint} blueprint, {result.planner} planner"
    )
    brief = plan.brief
    console.print(f"  [bold]For[/]: {escape(', '.join(brief.target_users))}")
    indicators = {i.id: i for i in brief.indicators}
    for n, hypothesis in enumerate(brief.hypotheses, 1):
        indicator = indicators[hypothesis.indicator]
        sign = "≥" if indicator.direction == "at_least" else "≤"
        console.print(
            f"  [bold]H{n}[/] {escape(hypothesis.belief)}\n      [dim]→ {escape(indicator.name)} {sign} {indicator.target:g}[/]"
        )
    for warning in result.warnings:
        console.print(f"  [yellow]warning[/]: {escape(warning)}")
    if result.out is None:
        preview_answers(plan.answers, console)
    else:
        console.print(
            f"  [bold]Next[/]: cd {escape(_shown(result.out))} && make install && make test && make run"
            "   [dim](then make metrics)[/]"
        )


#: How many records of each list a dry run shows.
PREVIEW_ROWS = 3


def preview_answers(answers: dict[str, Any], console: Any) -> None:
    """What the prototype will hold, so a PM can check it before anything is written.

    Generic over blueprints: a list of records becomes a small table (its first rows), a record holding lists
    (a resource with fields and samples) is shown by its scalar parts and then its lists; other answers one line each.
    """
    console.print("  [bold]Preview[/] [dim](the blueprint's answers)[/]")
    for key, value in answers.items():
        _preview_value(_label(key), value, console, indent=4)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _cell(value: Any, limit: int = 40) -> str:
    if isinstance(value, list):
        text = ", ".join(_cell(v, limit) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={_cell(v, limit)}" for k, v in value.items())
    else:
        text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _preview_value(label: str, value: Any, console: Any, indent: int) -> None:
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    pad = " " * indent
    records = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    if not records:
        console.print(f"{pad}[bold]{escape(label)}[/]: {escape(_cell(value, 100))}")
        return
    flat = all(
        all(_is_scalar(v) or (isinstance(v, list | dict) and len(_cell(v)) < 40) for v in r.values()) for r in value
    )
    if flat:
        keys: list[str] = []
        for record in value:
            keys += [k for k in record if k not in keys]
        table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="dim")
        for key in keys[:8]:
            table.add_column(escape(key))
        for record in value[:PREVIEW_ROWS]:
            table.add_row(*(escape(_cell(record.get(k))) for k in keys[:8]))
        more = f" [dim](first {PREVIEW_ROWS} of {len(value)})[/]" if len(value) > PREVIEW_ROWS else ""
        console.print(f"{pad}[bold]{escape(label)}[/]{more}")
        console.print(Padding(table, (0, 0, 0, indent + 2)))
        return
    console.print(f"{pad}[bold]{escape(label)}[/] ({len(value)})")
    for record in value:
        scalars = {k: v for k, v in record.items() if _is_scalar(v)}
        console.print(f"{pad}  • " + escape("; ".join(f"{k}: {_cell(v, 60)}" for k, v in scalars.items())))
        for key, nested in record.items():
            if not _is_scalar(nested):
                _preview_value(_label(key), nested, console, indent + 4)


def _shown(path: Any) -> str:
    """A path relative to the current folder when it is below it or beside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative.startswith(os.path.join(os.pardir, os.pardir)) else relative


def describe_update(result: Any) -> None:
    """What `scaffold update` changed (or would change), with the conflicts to resolve."""
    from rich.markup import escape

    console = _console()
    versions = ", ".join(f"{layer.name} {layer.old or '?'} -> {layer.new}" for layer in result.layers)
    if not result.changed:
        console.print(f"{escape(_shown(result.repo))} is up to date ({escape(versions)})")
        return
    verb = "Would change" if result.dry_run else "Updated"
    commit = f" [dim](commit {result.commit[:7]})[/]" if result.commit else ""
    console.print(
        f"[bold]{verb}[/] {len(result.changed)} file(s) in {escape(_shown(result.repo))}{commit}: {escape(versions)}"
    )
    for name in result.changed:
        mark = " [red]conflict[/]" if name in result.conflicts else ""
        console.print(f"  {escape(name)}{mark}")
    if result.conflicts:
        console.print(
            f"[yellow]{len(result.conflicts)} conflict(s)[/] marked inline (<<<<<<< before updating … >>>>>>> after "
            "updating): resolve them, then commit"
        )
