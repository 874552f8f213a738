"""Request -> Plan -> render -> commit -> Result: the only place that knows the order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import __version__
from scaffolder.errors import BadInput, PlanInvalid, PlannerUnavailable
from scaffolder.settings import LLMSettings
from scaffolder.validation import parse_plan, strict_json

if TYPE_CHECKING:
    from scaffolder.catalog import Blueprint, Catalog
    from scaffolder.plan import Plan

#: Said once, on standard error, whenever the offline planner is used because no LLM is configured.
OFFLINE_NOTE = "no LLM configured (OPENAI_API_KEY and OPENAI_BASE_URL unset, or --offline): using the offline planner"

#: Statements longer than this many characters are cut (with a warning) before planning.
STATEMENT_BUDGET = 2000

Notify = Callable[[str], None]


@dataclass
class Request:
    """Everything the user asked for, from flags and environment; built by the CLI only."""

    statement: str | None = None
    out: Path | None = None
    blueprint: str | None = None
    llm: LLMSettings | None = None
    no_fallback: bool = False
    plan_file: Path | None = None
    dry_run: bool = False
    verify: bool = False
    blueprint_dirs: tuple[Path, ...] = ()
    cwd: Path = field(default_factory=Path.cwd)


@dataclass
class Result:
    """What became of one prototype: a single scaffold, one of its variants, or one line of a batch.

    Every command that scaffolds returns a list of these, written, planned only (dry run) or failed, and
    `report.describe` prints them, or `to_json` gives each as one JSON object with the same keys."""

    statement: str
    plan: Plan | None = None
    out: Path | None = None
    commit: str | None = None
    warnings: list[str] = field(default_factory=list)
    verified: str | None = None
    line: int | None = None  # a batch line's number in its file
    error: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def planner(self) -> str | None:
        if self.plan is None:
            return None
        return self.plan.provenance.planner if self.plan.provenance else "offline"

    def to_json(self) -> dict[str, Any]:
        return {
            "scaffold_version": __version__,
            "ok": self.ok,
            "index": self.line,
            "statement": self.statement,
            "blueprint": self.plan.blueprint if self.plan else None,
            "out": str(self.out) if self.out else None,
            "planner": self.planner,
            "commit": self.commit,
            "warnings": self.warnings,
            "verified": self.verified,
            "plan": self.plan.model_dump(mode="json") if self.plan else None,
            "error": self.error,
            "exit_code": self.exit_code,
        }


def clean_statement(text: str, notify: Notify) -> str:
    """Normalise whitespace, refuse empty input, cut to the documented budget."""
    if "\x00" in text:
        raise BadInput("the statement contains NUL bytes; give plain text")
    statement = " ".join(text.split())
    if not statement:
        raise BadInput(
            'the problem statement is empty; say who has what problem, e.g. scaffold "Field technicians need to log faults offline"'
        )
    if len(statement) > STATEMENT_BUDGET:
        notify(f"the statement has {len(statement):,} characters; using the first {STATEMENT_BUDGET:,}")
        statement = statement[:STATEMENT_BUDGET].rsplit(" ", 1)[0]
    return statement


#: The largest --plan file read (a plan is a few kilobytes); `--plan /dev/zero` must not read forever.
MAX_PLAN_BYTES = 4 * 1024 * 1024


def load_plan_file(path: Path, catalog: Catalog) -> Plan:
    """A saved plan: a generated repo's .scaffold/plan.json, or the `plan` of `--dry-run --json` output."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as error:
        raise BadInput(f"cannot read --plan {path}: {error.strerror}") from error
    if len(raw) > MAX_PLAN_BYTES:
        raise BadInput(f"--plan {path} is larger than {MAX_PLAN_BYTES // 2**20} MB; a plan is a few kilobytes")
    try:
        data = strict_json(raw.decode("utf-8-sig"))  # a BOM is accepted, as for --file
    except (UnicodeDecodeError, ValueError) as error:
        raise BadInput(f"--plan {path} is not a JSON plan ({type(error).__name__}: {str(error)[:80]})") from error
    except RecursionError:
        raise BadInput(f"--plan {path} is nested too deeply to be a plan") from None
    if isinstance(data, dict) and isinstance(data.get("plan"), dict) and "scaffold_version" in data:
        data = data["plan"]  # the whole `--json` output was given
    try:
        return parse_plan(data, catalog, source=f"--plan {path}")
    except PlanInvalid as error:
        raise BadInput(error.message) from error
    except RecursionError:
        raise BadInput(f"--plan {path} is nested too deeply to be a plan") from None


def make_plan(request: Request, catalog: Catalog, notify: Notify, *, quiet_offline: bool = False) -> Plan:
    """Choose the planner, run it, and fall back to the offline planner when the LLM path fails."""
    from scaffolder.plan import Provenance
    from scaffolder.planners import offline

    if request.plan_file:
        plan = load_plan_file(request.plan_file, catalog)
        if request.blueprint and request.blueprint != plan.blueprint:
            raise BadInput(f"--blueprint {request.blueprint} contradicts the plan's blueprint {plan.blueprint}")
        previous = plan.provenance
        plan.provenance = Provenance(planner="file", model=previous.model if previous else None)
        return plan
    statement = clean_statement(request.statement or "", notify)
    if request.blueprint:
        catalog.get(request.blueprint)  # unknown -> BadInput before any planning
    if request.llm is None and not quiet_offline:
        notify(OFFLINE_NOTE)
    if request.llm is not None:
        from scaffolder.planners import llm

        try:
            return llm.plan(statement, catalog, request.llm, blueprint=request.blueprint, notify=notify)
        except PlannerUnavailable as error:
            if request.no_fallback:
                raise
            notify(f"LLM planner failed ({error.message}); falling back to the offline planner")
            plan = offline.plan(statement, catalog, blueprint=request.blueprint)
            assert plan.provenance is not None
            plan.provenance.warnings.append(f"LLM planner failed: {error.message}")
            return plan
    return offline.plan(statement, catalog, blueprint=request.blueprint)


def copier_answers(plan: Plan, blueprint: Blueprint) -> dict[str, Any]:
    """The blueprint's Copier answers: the plan's answers plus the reserved ones filled from the plan."""
    reserved = {"project_name": plan.project_name, "slug": plan.slug, "problem": plan.brief.problem}
    answers = dict(plan.answers)
    answers.update({k: v for k, v in reserved.items() if k in blueprint.questions})
    return answers


def kit_answers(
    plan: Plan, blueprint: Blueprint, *, experiment: str | None = None, variant: str | None = None
) -> dict[str, Any]:
    """Answers for the shared measurement kit (README, analytics, metrics, Makefile, CI); `experiment` and `variant`
    when this prototype is one of several made together. What each indicator computes comes from the kit's own
    metrics.py, so the README says what the code does."""
    from scaffolder.evidence import kit_metrics

    metrics = kit_metrics()
    brief = plan.brief.model_dump(mode="json")
    return {
        "project_name": plan.project_name,
        "slug": plan.slug,
        "blueprint_title": blueprint.title,
        "open_url": blueprint.open_url or "",
        "brief": brief,
        "events": blueprint.events,
        "settings": blueprint.settings,
        "before_you_show": list(blueprint.before_you_show),
        "experiment": experiment or "",
        "variant": variant or "",
        "kinds": metrics.KINDS,
        "measures": {i["id"]: metrics.measures(i) for i in brief["indicators"]},
    }


def default_out(plan: Plan, cwd: Path) -> Path:
    return cwd / plan.slug


def write(plan: Plan, catalog: Catalog, out: Path, *, experiment: str | None = None, variant: str | None = None) -> str:
    """Render the plan into `out` atomically and commit; returns the commit sha. Prototypes made together pass the
    `experiment` they share and their own `variant`."""
    from scaffolder.catalog import shared_kit_path
    from scaffolder.render import SHARED_ANSWERS_FILE, write_atomically

    blueprint = catalog.get(plan.blueprint)
    layers: list[tuple[Path, dict[str, Any], str | None]] = [(blueprint.path, copier_answers(plan, blueprint), None)]
    if blueprint.shared_kit:
        layers.append(
            (
                shared_kit_path(),
                kit_answers(plan, blueprint, experiment=experiment, variant=variant),
                SHARED_ANSWERS_FILE,
            )
        )
    message = f"Scaffold {plan.project_name} ({plan.blueprint} blueprint)\n\nProblem statement:\n{plan.statement}\n"
    files = {".scaffold/plan.json": plan.model_dump(mode="json")}
    return write_atomically(out, layers, files, message)


def run(request: Request, notify: Notify, *, quiet_offline: bool = False, catalog: Catalog | None = None) -> Result:
    """Plan, and unless this is a dry run, render, commit and (with --verify) test one prototype."""
    from scaffolder.catalog import Catalog
    from scaffolder.render import check_target, output_path

    if request.out is not None:
        request.out = output_path(request.out)
        check_target(request.out)  # refuse early: before spending an LLM call
    catalog = catalog or Catalog(request.blueprint_dirs)
    plan = make_plan(request, catalog, notify, quiet_offline=quiet_offline)
    assert plan.provenance is not None
    plan.provenance.scaffold_version = __version__
    warnings = list(plan.provenance.warnings)
    if request.dry_run:
        return Result(plan.statement, plan=plan, warnings=warnings)
    out = (request.out or default_out(plan, request.cwd)).absolute()
    commit = write(plan, catalog, out)
    result = Result(plan.statement, plan=plan, out=out, commit=commit, warnings=warnings)
    if request.verify:
        from scaffolder.verify import verify

        result.verified = verify(out, notify)
    return result
