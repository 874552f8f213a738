"""Human-readable output: what was made, why, and what to do next. Written to standard error when --json is on."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.pipeline import Result


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def describe_result(result: Result) -> None:
    """A short summary: where the repo is, the brief, and the commands to run it."""
    from rich.markup import escape

    plan = result.plan
    console = _console()
    where = "[dim](dry run: nothing written)[/]"
    if result.out is not None:
        try:
            shown = os.path.relpath(result.out)
        except ValueError:
            shown = str(result.out)
        where = f"[bold green]Created[/] {escape(shown)}"
        if result.commit:
            where += f" [dim](commit {result.commit[:7]} on main)[/]"
    console.print(f"{where}\n  {escape(plan.project_name)} — {plan.blueprint} blueprint, {result.planner} planner")
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
    if result.out is not None:
        folder = escape(os.path.relpath(result.out)) if not os.path.isabs(os.path.relpath(result.out)) else result.out
        console.print(
            f"  [bold]Next[/]: cd {folder} && make install && make test && make run   [dim](then make metrics)[/]"
        )


def _shown(path: Any) -> str:
    """A path relative to the current folder when it is below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def describe_batch(outcomes: list[Any]) -> None:
    """One table row per statement."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for column in ("#", "status", "blueprint", "planner", "folder or error"):
        table.add_column(column)
    for outcome in outcomes:
        status = "[green]ok[/]" if outcome.ok else "[red]failed[/]"
        detail = _shown(outcome.result.out) if outcome.ok else outcome.error
        blueprint = outcome.result.plan.blueprint if outcome.ok else "-"
        planner = outcome.result.planner if outcome.ok else "-"
        table.add_row(str(outcome.index), status, blueprint, planner, escape(str(detail)))
    console = _console()
    console.print(table)
    failed = sum(1 for o in outcomes if not o.ok)
    console.print(
        f"{len(outcomes) - failed} of {len(outcomes)} prototypes written" + (f", {failed} failed" if failed else "")
    )
