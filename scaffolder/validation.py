"""Untrusted plan data (a `--plan` file or an LLM reply) -> a Plan, or every problem found.

One place, used by the pipeline and the LLM planner alike, so that a saved plan and a model's reply pass exactly
the same checks.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scaffolder.errors import PlanInvalid

if TYPE_CHECKING:
    from scaffolder.catalog import Catalog
    from scaffolder.plan import Plan


def validate_plan(plan: Plan, catalog: Catalog) -> list[str]:
    """Problems that the Plan model alone cannot see: the blueprint, its answers, and the events it records."""
    if plan.blueprint not in catalog.names():
        return [f"blueprint: unknown blueprint {plan.blueprint!r}; choose one of {catalog.names()}"]
    blueprint = catalog.get(plan.blueprint)
    problems = blueprint.validate_answers(plan.answers)
    if not problems:
        from scaffolder.planners.registry import checker_for

        check = checker_for(blueprint)
        problems += check(plan.answers) if check else []
    problems += blueprint.check_indicators(plan.brief.indicators)
    return problems


def parse_plan(data: Any, catalog: Catalog, *, source: str) -> Plan:
    """Validate untrusted plan data into a Plan, or raise PlanInvalid listing every problem."""
    from pydantic import ValidationError

    from scaffolder.plan import Plan

    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'plan'}: {e['msg']}" for e in error.errors(include_url=False)
        ]
        raise PlanInvalid(f"{source}: {len(problems)} problem(s): {problems[0]}", problems) from None
    problems = validate_plan(plan, catalog)
    if problems:
        raise PlanInvalid(f"{source}: {len(problems)} problem(s): {problems[0]}", problems)
    return plan


def strict_json(text: str) -> Any:
    """JSON as the standard has it: `NaN`, `Infinity` and `-Infinity` (which Python accepts) are refused, so that
    no plan carries a number that JSON cannot write back."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    return json.loads(text, parse_constant=refuse)
