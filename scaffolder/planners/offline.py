"""The offline planner: read the statement, choose a blueprint, let the blueprint fill its answers, make the Plan.

It is the default when no LLM is configured and the fallback when the LLM fails, so it returns a valid Plan for any
text that names somebody or something, quickly and deterministically (randomness is seeded from the statement).
It knows no blueprint by name: each blueprint folder brings its cues (`cues.yml`) and, if bundled, a fill plugin
(`planner.py`); any other blueprint is filled generically from its own `copier.yml` questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffolder.errors import BadInput, PlannerUnavailable, ScaffoldError
from scaffolder.plan import Brief, Hypothesis, Indicator, Plan, Provenance, slugify
from scaffolder.planners.plugin import article, cap, cut, safe_ident

if TYPE_CHECKING:
    from scaffolder.catalog import Blueprint, Catalog
    from scaffolder.planners.plugin import Fill
    from scaffolder.planners.reading import Reading

#: What a statement needs, said when it has neither.
STATEMENT_HINT = (
    "the statement names nobody and nothing to work with; say who has what problem, e.g. "
    '"Warehouse supervisors need to see which pick orders are late"'
)
#: Seeing that is looking something up: an organisation's software does it ("partner banks check a status").
LOOKUP_VERBS = frozenset({"check", "verify", "validate", "look", "lookup", "confirm"})
#: A choice whose lead over the runner-up is smaller than this is reported as weak evidence.
WEAK_MARGIN = 1.0

#: What a sensitive domain adds to the brief (and so to the README).
SENSITIVE_NOTES = {
    "health": "health information",
    "children": "information about children",
    "credit": "financial and credit information",
    "tenant screening": "tenant-screening information",
}


# --- choosing a blueprint ------------------------------------------------------------------------------------------


@dataclass
class Score:
    name: str
    score: float
    evidence: list[str]


def _score(reading: Reading, blueprint: Blueprint) -> Score:
    """How strongly the reading favours `blueprint`, from its cues: who acts, what they do, and cue words."""
    from scaffolder.planners.registry import cues

    c = cues(blueprint)
    words = dict(c.words)
    for keyword in blueprint.keywords:  # a user's blueprint.yml keywords count as cue words
        words.setdefault(keyword, 1.5)
    evidence: list[str] = []
    score = c.prior
    kind_weight = c.actor_kinds.get(reading.actor_kind, 0.0)
    if kind_weight and reading.actor and reading.actor_known:
        score += kind_weight
        who = "a person" if reading.actor_kind == "person" else f"{article(reading.actor_kind)} {reading.actor_kind}"
        evidence.append(f"who acts ({reading.actor.lower()}) is {who}")
    seen: set[str] = set()
    looks = any(a.kind == "see" and a.verb not in LOOKUP_VERBS for a in reading.actions)
    for action in reading.actions:
        actor_kind = "system" if reading.via_interface else reading.actor_kind
        kind = _verb_kind(action.kind, actor_kind, action.verb, looks)
        if kind in seen or kind not in c.verb_kinds:
            continue
        seen.add(kind)
        score += c.verb_kinds[kind]
        evidence.append(f"they {action.verb} ({kind})")
    tokens = set(reading.cues) | set(reading.words)
    matched = [w for w in words if (w in tokens or (" " in w and w in " ".join(reading.cues)))]
    for word in matched:
        score += words[word]
    if matched:
        evidence.append("it says " + ", ".join(f'"{w}"' for w in matched[:3]))
    if c.states and reading.states:
        score += c.states * min(2, len(reading.states))
        evidence.append("it names states (" + ", ".join(s.value.lower() for s in reading.states[:2]) + ")")
    if c.quantities and reading.quantities:
        score += c.quantities * min(2, len(reading.quantities))
    if c.questions and reading.questions:
        score += c.questions
        evidence.append(f'it quotes questions people ask ("{cut(reading.questions[0], 60)}")')
    if c.topics and len(reading.topics) >= 2:
        score += c.topics
        evidence.append("it lists topics (" + ", ".join(reading.topics[:3]) + ")")
    return Score(blueprint.name, round(score, 3), evidence)


def _verb_kind(kind: str, actor_kind: str, verb: str = "", looks: bool = False) -> str:
    """Software and devices do not look at screens or chat: when they act, seeing and asking are querying, and
    changing is sending. An organisation acts through its software too, unless its people also look at records
    ("blood banks need to know which donors are eligible and invite them"); a lookup ("check", "verify") is a query.
    """
    if actor_kind in ("system", "device"):
        return {"see": "query", "change": "send", "ask": "query"}.get(kind, kind)
    if actor_kind == "partner":
        if kind == "see":
            return "query" if verb in LOOKUP_VERBS else "see"
        return {"change": "see" if looks else "send", "ask": "query"}.get(kind, kind)
    return kind


def rank(reading: Reading, catalog: Catalog) -> list[Score]:
    """Every blueprint with its score and evidence, best first (ties keep the catalogue's order)."""
    scores = [_score(reading, bp) for bp in catalog]
    return sorted(scores, key=lambda s: -s.score)


def score_blueprints(statement: str, catalog: Catalog) -> list[tuple[str, float, list[str]]]:
    """(name, score, evidence) for every blueprint, best first."""
    from scaffolder.planners.reading import read

    return [(s.name, s.score, s.evidence) for s in rank(read(statement), catalog)]


def choose(reading: Reading, catalog: Catalog) -> tuple[str, str, str | None]:
    """The best blueprint, the reason in words, and a warning when the evidence is weak."""
    ranked = rank(reading, catalog)
    best = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    reason = "; ".join(best.evidence) or "nothing in the statement favours another blueprint"
    warning = None
    if not best.evidence:
        warning = (
            f"the statement gives no evidence for any blueprint; chose {best.name} by default "
            "(say who uses it and what they do, or pass --blueprint)"
        )
    elif runner is not None and best.score - runner.score < WEAK_MARGIN:
        warning = (
            f"weak evidence: {best.name} ({best.score:g}) over {runner.name} ({runner.score:g}); "
            "pass --blueprint to choose"
        )
    return best.name, reason, warning


def choose_blueprint(statement: str, catalog: Catalog) -> tuple[str, str]:
    """The best blueprint for `statement` and why."""
    from scaffolder.planners.reading import read

    name, reason, _ = choose(read(statement), catalog)
    return name, reason


# --- the generic fill: any blueprint, from its copier.yml questions --------------------------------------------------


def generic_fill(reading: Reading, blueprint: Blueprint) -> dict[str, Any]:
    """Answers for a blueprint without a plugin: each question's schema filled with the statement's own words.

    Text answers take the thing the question names (by its name or help), else the statement's main thing; lists
    of records get one record per distinct thing; numbers sit inside their range. The template's defaults are used
    where the statement has nothing to say. The blueprint's folder is never imported.
    """
    schema = blueprint.answer_schema
    props = schema.get("properties", {})
    answers: dict[str, Any] = {}
    for key in schema.get("required", []):
        question = blueprint.questions.get(key, {})
        answers[key] = _value(props.get(key) or {}, key, str(question.get("help") or ""), reading, 0)
    if blueprint.validate_answers(answers):
        defaults = {
            k: q["default"]
            for k, q in blueprint.questions.items()
            if k in props and q.get("default") is not None and "{{" not in str(q.get("default"))
        }
        candidate = {**answers, **{k: v for k, v in defaults.items() if k in answers}}
        if not blueprint.validate_answers(candidate):
            return candidate
    return answers


def _things_for(name: str, help_text: str, reading: Reading, plural: bool = False) -> list[str]:
    """Labels of the things a question is about: those its name or help names, else the statement's objects."""
    from scaffolder.planners.reading import singular

    asked = {singular(w) for w in safe_ident(name).split("_")} | {
        singular(w.strip(".,:;()").lower()) for w in help_text.split()[:8]
    }
    own = {singular(w) for w in safe_ident(name).split("_")}
    if any(t.head in own for t in reading.things):  # "zones" asked, "each zone" said: zone a, zone b, zone c
        noun = next(t.label for t in reading.things if t.head in own)
        return [f"{noun} {letter}" for letter in "abcdefgh"]

    def label(thing: Any) -> str:
        return thing.plural_label if plural else thing.label

    named = [label(t) for t in reading.things if t.head in asked or t.name in asked]
    return named or [label(t) for t in reading.objects] or [label(t) for t in reading.things] or ["record"]


def _value(
    schema: dict[str, Any], name: str, help_text: str, reading: Reading, depth: int, index: int = 0, owner: str = ""
) -> Any:
    """A value for one schema node; `owner` is the question a record's fields belong to (zones -> zone a)."""
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        item = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        low = max(1, int(schema.get("minItems", 1)))
        high = int(schema.get("maxItems", max(low, 3)))
        if "enum" in item and schema.get("uniqueItems"):
            return item["enum"][:low]
        count = min(high, max(low, min(3, len(_things_for(name, help_text, reading)))))
        return [_value(item or {"type": "string"}, name, help_text, reading, depth + 1, i, owner) for i in range(count)]
    if kind == "object" or (kind is None and "properties" in schema):
        fields = schema.get("properties") or {}
        required = schema.get("required") or list(fields)
        if depth > 5:
            return {}
        return {
            k: _value(fields.get(k) or {}, k, help_text if k == "name" else "", reading, depth + 1, index, name)
            for k in required
        }
    if kind in ("integer", "number"):
        low = float(schema.get("minimum", 0))
        high = float(schema.get("maximum", max(low + 10, 100)))
        amount = next((q.amount for q in reading.quantities if q.amount is not None and low <= q.amount <= high), None)
        value = amount if amount is not None else low + (high - low) * (0.5 + 0.1 * index)
        value = min(high, max(low, value))
        return round(value) if kind == "integer" else round(value, 2)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    about = owner if name in ("name", "id", "key", "title", "label") and owner else name
    ident = bool(schema.get("pattern")) or name in ("name", "id", "key")
    labels = _things_for(about, help_text, reading, plural=not ident)
    label = labels[index % len(labels)]
    if ident:
        ident = safe_ident(label, "record")
        if index >= len(labels):
            ident = safe_ident(f"{ident}_{index + 1}", "record")
        return ident
    text = cap(label)
    return text[: int(schema.get("maxLength", 200))]


# --- the brief -----------------------------------------------------------------------------------------------------


def generic_brief(reading: Reading, blueprint: Blueprint, users: str) -> tuple[list[Hypothesis], list[Indicator]]:
    """Hypotheses and indicators from the blueprint's own events, in the statement's words."""
    events = [e for e in blueprint.events if safe_ident(e, "") == e] or ["session_started", "task_completed"]
    start, end = events[0], events[-1]
    action = next((a for a in reading.actions if a.object is not None and a.kind != "other"), None)
    need = f"{action.verb} {action.object.plural_label}" if action and action.object else _need(reading)
    indicators = [
        Indicator(
            id="completion_rate",
            name=cut(f"Sessions that reach {end.replace('_', ' ')}", 80),
            kind="conversion",
            event=end,
            of_event=start if start != end else None,
            target=0.5,
        ),
        Indicator(
            id="time_to_outcome",
            name=cut(f"Seconds from {start.replace('_', ' ')} to {end.replace('_', ' ')}", 80),
            kind="median_seconds",
            event=end,
            of_event=start,
            target=_seconds_target(reading),
            direction="at_most",
        ),
    ]
    lower_users = users[0].lower() + users[1:] if users[:2] != users[:2].upper() else users
    hypotheses = [
        Hypothesis(
            belief=cut(
                f"We believe {lower_users} will {need} in most sessions, because the prototype puts it on one screen.",
                400,
            ),
            indicator="completion_rate",
        ),
        Hypothesis(
            belief=cut(
                f"We believe {lower_users} will get there within two minutes, because the prototype shows only "
                "what the statement asks for.",
                400,
            ),
            indicator="time_to_outcome",
        ),
    ]
    return hypotheses, indicators


def _seconds_target(reading: Reading) -> float:
    for q in reading.quantities:
        if q.kind == "duration" and q.amount and q.unit in ("min", "s"):
            return float(q.amount * (60 if q.unit == "min" else 1))
    return 120.0


def _need(reading: Reading) -> str:
    if reading.actions:
        action = reading.actions[0]
        return cut(action.text[0].lower() + action.text[1:], 80)
    thing = reading.things[0].plural_label if reading.things else "this"
    return f"work with {thing}"


def users_of(reading: Reading) -> str:
    """Who has the problem, as the statement names them; else the people who work with its main thing."""
    if reading.users:
        return cut(reading.users, 80)
    if reading.actor:  # "We need an endpoint where weighbridge scales post ...": who acts, known class or not
        return cut(reading.actor, 80)
    thing = (reading.objects or reading.things)[0].plural_label if reading.things else "this work"
    return cut(f"Teams who handle {thing}", 80)


def sensitive_note(reading: Reading) -> str | None:
    """A consent and personal-data note for sensitive domains (health, children, credit, tenant screening)."""
    if not reading.sensitive:
        return None
    what = SENSITIVE_NOTES.get(reading.sensitive, f"{reading.sensitive} information")
    return (
        f"This prototype touches {what}: use invented sample data only, get written consent before a session, "
        "and do not record personal data (leave ANALYTICS_RECORD_TEXT off)."
    )


# --- the plan ------------------------------------------------------------------------------------------------------


def _problem(statement: str) -> str:
    text = cap(" ".join(statement.split())) or "A problem statement"
    if text[-1] not in ".!?…":
        text += "."
    return cut(text, 400)


def _title(reading: Reading, blueprint: Blueprint) -> tuple[str, list[str]]:
    action = next((a for a in reading.actions if a.object is not None and a.kind != "other"), None)
    if action is not None and action.object is not None:
        words = [action.verb, *action.object.plural_label.split()]
    elif reading.objects or reading.things:
        words = (reading.objects or reading.things)[0].plural_label.split()
    else:
        words = blueprint.title.split()
    return cut(cap(" ".join(words)), 60), words


def plan(statement: str, catalog: Catalog, blueprint: str | None = None) -> Plan:
    """A complete, valid Plan for `statement`, deterministically; `blueprint` forces the choice.

    Raises BadInput when the statement names nobody and nothing, and ReadingUnavailable (exit 1) when the lexicon
    is missing or broken.
    """
    from scaffolder.planners.reading import read

    statement = statement if statement and statement.strip() else ""
    reading = read(statement)
    if reading.actor is None and reading.users is None and not reading.things:
        raise BadInput(STATEMENT_HINT)
    warnings: list[str] = []
    if blueprint:
        chosen, reason = catalog.get(blueprint).name, "it was chosen with --blueprint"
    else:
        chosen, reason, warning = choose(reading, catalog)
        if warning:
            warnings.append(warning)
    bp = catalog.get(chosen)
    try:
        return _plan(reading, bp, reason, warnings)
    except ScaffoldError:
        raise
    except Exception as error:  # noqa: BLE001 - the offline planner must always produce a plan
        problem = f"{type(error).__name__}: {str(error)[:160]}"
    try:  # the blueprint's own fill again, from a plainer reading: its main thing only
        return _plan(
            plainer(reading), bp, reason, [*warnings, f"offline planner read the statement plainly ({problem})"]
        )
    except ScaffoldError:
        raise
    except Exception:  # noqa: BLE001, S110 - the safe mode below still makes a plan
        pass
    try:
        return _plan(reading, bp, reason, [*warnings, f"offline planner used its safe mode ({problem})"], safe=True)
    except Exception as error:  # noqa: BLE001 - one line for the user, not a traceback
        raise PlannerUnavailable(
            f"the offline planner cannot fill the {bp.name} blueprint ({problem}; then {type(error).__name__}: "
            f"{str(error)[:120]}); configure an LLM or pass another --blueprint"
        ) from None


def plainer(reading: Reading) -> Reading:
    """The same statement read more plainly: who, and its main thing; no actions, states, quantities or topics.

    A second chance for a blueprint's fill when the full reading led it to answers its blueprint refuses."""
    from dataclasses import replace

    return replace(reading, things=reading.things[:1], actions=[], states=[], quantities=[], topics=[], frames=[])


def _plan(reading: Reading, bp: Blueprint, reason: str, warnings: list[str], safe: bool = False) -> Plan:
    from scaffolder.planners.plugin import PlanKit
    from scaffolder.planners.registry import brief_templates, checker_for, planner_for

    users = users_of(reading)
    fill: Fill | None = None
    fill_function = None if safe else planner_for(bp)
    if fill_function is not None:
        fill = fill_function(reading, PlanKit(reading=reading, brief=brief_templates(bp)))
        problems = bp.validate_answers(fill.answers) if fill is not None else ["no answers"]
        check = checker_for(bp)
        if fill is not None and not problems and check is not None:
            problems = check(fill.answers)
        if problems:
            raise ValueError(f"{bp.name} plugin gave invalid answers: {problems[0]}")
    if fill is not None:
        answers, (title, slug_words) = fill.answers, (fill.title, fill.slug_words)
        hypotheses, indicators = list(fill.hypotheses), list(fill.indicators)
    else:
        answers = generic_fill(reading, bp)
        title, slug_words = _title(reading, bp)
        hypotheses, indicators = [], []
    if fill is not None and fill.target_users:
        users = cut(fill.target_users[0], 80)
    if len(hypotheses) < 2 or len(indicators) < 2:
        hypotheses, indicators = generic_brief(reading, bp, users)
    note = sensitive_note(reading)
    brief = Brief(
        problem=_problem(reading.statement),
        target_users=[users, *(cut(u, 80) for u in (fill.target_users[1:2] if fill is not None else []))],
        hypotheses=hypotheses[:5],
        indicators=indicators[:6],
        notes=[note] if note else [],
    )
    plan = Plan(
        statement=reading.statement,
        project_name=cut(title, 60) or cap(bp.title),
        slug=slugify(" ".join(slug_words), 40),
        blueprint=bp.name,
        brief=brief,
        answers=answers,
        rationale=cut(f"The {bp.title} blueprint fits because {reason}.", 400),
        provenance=Provenance(planner="offline", warnings=warnings),
    )
    from scaffolder.validation import validate_plan

    problems = validate_plan(plan, _SingleCatalog(bp))
    if problems:
        raise ValueError(problems[0])
    return plan


class _SingleCatalog:
    """Just enough of a Catalog for validate_plan to check one blueprint's plan."""

    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint

    def names(self) -> list[str]:
        return [self.blueprint.name]

    def get(self, name: str) -> Blueprint:
        return self.blueprint


__all__ = ["BadInput", "choose", "choose_blueprint", "generic_fill", "plan", "rank", "score_blueprints"]
