"""Offline planner plugin for the Streamlit mock: a board of the statement's main thing, its states and quantities.

Rows are one record of the main thing; columns are its label (a realistic Faker label, never "X 01"), the people
and places it names, the states it names (with their values), its quantities (typed and ranged by unit) and its
dates (created before due). The action is the statement's own verb. The sample rows tell a story: some records in
the problem state (late, no-show ...), most not, and one clearly worst case, sorted first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scaffolder.planners.plugin import (
    ATTRIBUTE_HEADS,
    BETTER_HIGH,
    DISPLAY_NOUNS,
    GRADES,
    IDENTIFIER_NOUNS,
    LATENESS_WORDS,
    LIMIT_NOUNS,
    MEASURE_HEADS,
    RATE_NOUNS,
    SCORE_NOUNS,
    SEQUENCE_STEPS,
    TIME_NOUNS,
    Fill,
    PlanKit,
    anchor_time,
    article,
    brief_from_templates,
    cap,
    cut,
    declared_events,
    duration_words,
    fold,
    head_word,
    load_yaml,
    lower_first,
    measure,
    owner_of,
    plural,
    problem_value,
    safe_ident,
    sample_values,
    singular,
    state_values,
    target_seconds,
    thing_class,
    value_kind,
    words,
)
from scaffolder.planners.reading import Action, Quantity, Reading, State, Thing

HERE = Path(__file__).resolve().parent

#: Verbs that create a record rather than change one (general English).
ADD_VERBS = words("add create log record register enter submit book report file raise open request schedule order")
#: Verb kinds that the board itself does (seeing, querying): they are not actions on a record.
PASSIVE_KINDS = ("see", "query", "ask")
#: Object pronouns dropped from an action's label: "reassign them to another picker" -> "Reassign to another picker".
PRONOUNS = words("it them this these those that him her they their its")


@dataclass
class Column:
    name: str
    label: str
    kind: str  # text, category, number, money, percent, date, datetime
    choices: list[str] = field(default_factory=list)
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    role: str = ""  # label, party, state, quantity, measure, notes, created, due, moment
    worse: str = "high"  # for a measure, which end is the bad one: "high" (scrap rate) or "low" (uptime, rating)
    cls: str = ""  # for a party: person, org, place, subdivision, record (see plugin.thing_class)

    def answer(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label, "kind": self.kind}
        if self.kind == "category":
            out["choices"] = list(self.choices)
        if self.unit:
            out["unit"] = self.unit
        if self.low is not None:
            out["min"] = self.low
        if self.high is not None:
            out["max"] = self.high
        return out


class Board:
    """Columns as they are added, with unique names."""

    def __init__(self) -> None:
        self.columns: list[Column] = []

    def add(self, column: Column) -> Column | None:
        taken = any(c.name == column.name or c.label.lower() == column.label.lower() for c in self.columns)
        if len(self.columns) >= 10 or taken:
            return None
        self.columns.append(column)
        return column

    def by_role(self, *roles: str) -> list[Column]:
        """Columns with any of these roles, in board order."""
        return [c for c in self.columns if c.role in roles]

    def get(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def fill(reading: Reading, kit: PlanKit) -> Fill:
    """The Streamlit mock's answers and brief for this reading."""
    if not kit.brief:
        kit.brief = load_yaml(HERE / "brief.yml")
    entity = main_thing(reading)
    board, state, problem = build_columns(reading, kit, entity)
    late = any(w in LATENESS_WORDS for w in fold(problem).lower().replace("-", " ").split())
    actions = build_actions(reading, board, state, problem)
    if any(s["mode"] == "type" and s["column"] == "notes" for a in actions for s in a["sets"]):
        board.add(Column("notes", "Notes", "text", role="notes"))
    rows = build_rows(kit, board, entity, state, problem, late)
    linked = linked_quantity(board, problem)
    order = sort_order(board, linked, state)
    rows = sorted_rows(rows, board.get(order["column"]), order["descending"])  # the preview tells the story too
    answers: dict[str, Any] = {
        "entity": safe_ident(entity.name, "record"),
        "entity_label": cut(cap(entity.plural_label), 60),
        "columns": [c.answer() for c in board.columns],
        "label_column": board.columns[0].name,
        "sort": order,
        "rows": rows,
        "figures": figures(board, entity, state, problem, linked),
        "chart": chart(board, state, linked),
        "actions": actions,
        "screens": [
            {"kind": "overview", "title": cut(f"{cap(entity.plural_label)} at a glance", 60)},
            {"kind": "table", "title": cut(f"All {entity.plural_label}", 60)},
            {"kind": "detail", "title": cut(f"{cap(entity.label)} details", 60)},
        ],
    }
    problem_things = f"{lower_first(problem)} {entity.plural_label}" if problem else entity.plural_label
    title = cut(f"{cap(problem_things)} board", 60)
    hypotheses, indicators = brief(reading, kit, answers, entity, problem_things)
    return Fill(
        answers=answers,
        title=title,
        slug_words=[*problem_things.split()[:3], "board"],
        hypotheses=hypotheses,
        indicators=indicators,
    )


# --- columns -------------------------------------------------------------------------------------------------------


def build_columns(reading: Reading, kit: PlanKit, entity: Thing) -> tuple[Board, Column | None, str]:
    """The label, the other things, the states, the quantities and the dates; the state column and its problem value.

    The problem value is the state that needs the users (late, no-show, pending): it comes first in the choices so
    that it sorts first, and the figures count it.
    """
    board = Board()
    board.add(label_column(entity))
    for thing in other_things(reading, entity):
        board.add(thing_column(thing, kit))
    for state_col in [state_column(s) for s in reading.states[:2]]:
        board.add(state_col)
    if not board.by_role("state") and not board.by_role("party"):
        board.add(fallback_state())  # the chart needs a category to group by
    state = next(iter(board.by_role("state")), None)
    problem = ""
    if state is not None and reading.states:
        named = next((s.value for s in reading.states if safe_ident(s.name, "status") == state.name), None)
        problem = problem_value(state.choices, named)
        # values the users' own verbs set (approve -> Approved, reject -> Rejected) are outcomes; the records that
        # need them are the ones still waiting
        outcomes = {m[1] for a in reading.actions if a.kind == "change" and (m := state_matching(a, board, True))}
        waiting = [v for v in state.choices if v not in outcomes]
        if problem in outcomes and waiting:
            problem = problem_value(waiting, None)
        state.choices = [problem] + [v for v in state.choices if v != problem]
    for quantity in (measured(reading) or implied_quantities(reading))[:3]:
        board.add(quantity_column(quantity))
    if not any(c.kind in ("date", "datetime") for c in board.columns) and not entity.is_person:
        board.add(Column("created_at", "Created", "datetime", role="created"))
    lateness = next((w for w in fold(problem).lower().split() if w in LATENESS_WORDS), None)
    if lateness:  # how late: minutes from the due time, and a created time before it
        if lateness != "expired" and linked_quantity(board, problem) is None:
            # minutes for work done within a day (orders, calls, deliveries), else days (loans, invoices, tasks)
            by_minutes = re.search(r"\b(minutes?|hours?|today|tonight|shifts?|now|hourly)\b", reading.statement, re.I)
            unit, high = ("min", 240) if by_minutes else ("days", 30)
            label = f"{'Minutes' if by_minutes else 'Days'} {lateness}"
            board.add(Column(safe_ident(label), label, "number", unit=unit, low=0, high=high, role="quantity"))
        board.add(Column("created_at", "Created", "datetime", role="created"))
        board.add(Column("due_at", "Due", "datetime", role="due"))
    return board, state, problem


def is_user(reading: Reading, thing: Thing) -> bool:
    """Whether a thing is the statement's own users or actor (they look at the board; they are not on it)."""
    names = [fold(n or "").lower() for n in (reading.users, reading.actor)]
    return any(n and (thing.plural_label.lower() in n or n.endswith(thing.plural_label.lower())) for n in names)


def measured(reading: Reading) -> list[Quantity]:
    """Quantities measured per record; a stated time limit ("within 15 minutes") is a target, not a column."""
    return [q for q in reading.quantities if not (q.kind == "duration" and q.amount is not None)]


def implied_quantities(reading: Reading) -> list[Quantity]:
    """'how much produce', 'how many staff': an amount the users must decide, though no unit is named."""
    if re.search(r"\bhow (much|many)\b", reading.statement, re.IGNORECASE):
        return [Quantity(name="quantity", label="Quantity", kind="count", low=0, high=200)]
    return []


def users_place(reading: Reading, thing: Thing) -> bool:
    """Whether the thing is where the users work ('coordinators at a food bank'): one place, not a column."""
    pattern = rf"\b(?:at|in|for|of)\s+(?:a|an|the|our|their|my)\s+{re.escape(thing.label)}\b"
    return bool(re.search(pattern, reading.statement, re.IGNORECASE))


def main_thing(reading: Reading) -> Thing:
    """What one row is: what the users look at or change, in the statement's order; else the first thing named.

    A property phrase stands for its owner ("pupil attendance" -> pupil); the users themselves, a state spelled as a
    noun ("no-shows") and a measured quantity ("milk yield") are never the row.
    """
    acts = [a for a in reading.actions if a.object is not None and imperative(a)]
    by_name = {t.name: t for t in reading.things}
    made = [a for a in acts if a.kind == "send" or fold(a.verb).lower() in ADD_VERBS]  # "send reminders", "log a call"
    candidates = [shown_thing(reading)]  # "a shift view of residents who ...": what the board is a view of
    candidates += [a.object for a in acts if a not in made]  # what they look at or change, in the statement's order
    candidates += [a.target for a in made if value_kind(a.object) not in (None, "event")]  # "scores for each player"
    candidates += list(reading.things) + [by_name.get(getattr(s, "of", None) or "") for s in reading.states]
    candidates += [a.object for a in acts]  # what they add ("send reminders") only when nothing else is named
    states = state_values(reading)
    moments: list[Thing] = []
    for candidate in candidates:
        if candidate is None:
            continue
        owner = owner_of(candidate)
        if owner is not None:  # reuse the statement's own thing when it names the owner too (keeps is_person)
            # "sugar levels per plot": the plot is the row, unless the statement names the owner on its own too
            named = next((t for t in reading.things if t.name == owner.name), None)
            candidate = named or per_thing(reading, candidate) or owner
        if is_user(reading, candidate) or singular(fold(candidate.label).lower()) in states:
            continue
        if head_word(candidate.label) in DISPLAY_NOUNS | IDENTIFIER_NOUNS:
            continue
        if value_kind(candidate) not in (None, "event") and head_word(candidate.label) not in RATE_NOUNS:
            candidate = per_thing(reading, candidate)  # "fitness scores for each player": a column of the player
            if candidate is None:
                continue
        if is_measure(reading, candidate) or head_word(candidate.label) in ATTRIBUTE_HEADS | MEASURE_HEADS | RATE_NOUNS:
            # "milk yield per cow": the cow is the row; "machine uptime": the machine
            owner = measured_owner(reading, candidate) if head_word(candidate.label) in RATE_NOUNS else None
            candidate = per_thing(reading, candidate) or owner
            if candidate is None:
                continue
        if thing_class(candidate) == "time":  # "against last season": a row only when nothing else is named
            moments.append(candidate)
            continue
        return candidate
    return moments[0] if moments else Thing(name="record", label="record", plural_label="records", plural="records")


def shown_thing(reading: Reading) -> Thing | None:
    """The thing a display noun is 'of': 'a board of open service tickets', 'a shift view of residents who ...'."""
    text = fold(reading.statement)
    display = "|".join(sorted(DISPLAY_NOUNS | {"queue", "worklist"}))
    for thing in sorted(reading.things, key=lambda t: -len(t.plural_label)):
        names = "|".join(re.escape(n) for n in (thing.plural_label, thing.label))
        pattern = rf"\b(?:{display})s?\s+of\s+(?:(?:all|every|each|the|our|their|any)\s+)?(?:[a-z-]+\s+)?(?:{names})\b"
        if not is_user(reading, thing) and re.search(pattern, text, re.IGNORECASE):
            return thing
    return None


def per_thing(reading: Reading, measure_thing: Thing) -> Thing | None:
    """The thing after 'per' in '<measure> per <thing>' ('kWh per building'), when the statement names it."""
    names = "|".join(re.escape(n) for n in (measure_thing.plural_label, measure_thing.label))
    pattern = rf"(?:{names})\b[^.;:]*?\bper\s+([a-z][a-z-]*)"
    match = re.search(pattern, fold(reading.statement), re.IGNORECASE)
    if match is None:
        return None
    word = singular(match.group(1).lower())
    return next((t for t in reading.things if head_word(t.label) == word and thing_class(t) != "time"), None)


def measured_owner(reading: Reading, measure_thing: Thing) -> Thing | None:
    """The record a rate's own name says it is of: 'machine uptime' -> machine; none for 'no-show rate' (a share of
    records in a state) or 'weekly rate' (a time)."""
    tokens = measure_thing.label.split()
    if len(tokens) < 2:
        return None
    label = singular(" ".join(tokens[:-1]))
    head = head_word(label)
    if head in ATTRIBUTE_HEADS | MEASURE_HEADS | RATE_NOUNS | DISPLAY_NOUNS | TIME_NOUNS:
        return None
    if singular(fold(label).lower()) in state_values(reading):
        return None
    known = next((t for t in reading.things if fold(t.label).lower() == fold(label).lower()), None)
    return known or Thing(safe_ident(label), label, plural(label), safe_ident(plural(label)))


def imperative(action: Action) -> bool:
    """Whether the action is written as something to do ('reassign them'), not a state ('have not replied')."""
    first = action.text.split()[0] if action.text.split() else ""
    return fold(first).lower() == fold(action.verb).lower()


def is_measure(reading: Reading, thing: Thing) -> bool:
    """Whether the thing is what a quantity measures ('milk yield' and the yield in litres): a column, not a row."""
    return any(head_word(thing.label) in q.name.split("_") for q in reading.quantities if q.kind != "count")


def other_things(reading: Reading, entity: Thing) -> list[Thing]:
    """Things named beside the main one that describe a row: action targets first, then the rest."""
    out: list[Thing] = []
    targets = [a.target for a in reading.actions if a.target is not None]
    sent = [a.object.name for a in reading.actions if a.kind == "send" and a.object is not None]
    for thing in [*targets, *reading.things]:
        if thing.name in sent:
            continue  # "send reminders": a Sent / Not sent column made with the action
        if thing.name == entity.name or is_user(reading, thing) or any(t.name == thing.name for t in out):
            continue
        if thing_class(thing) == "device" and not thing.is_person and thing not in targets:
            continue  # a system the users work in is not a column
        if thing_class(thing) in ("org", "place") and users_place(reading, thing):
            continue
        if is_measure(reading, thing) or owner_of(thing) is not None or head_word(thing.label) in DISPLAY_NOUNS:
            continue  # what a quantity measures ("feed in litres") or a property ("stock level"): not a column
        out.append(thing)
    return out[:3]


def label_column(entity: Thing) -> Column:
    return Column(safe_ident(entity.name, "name"), cut(cap(entity.label), 60), "text", role="label")


def thing_column(thing: Thing, kit: PlanKit) -> Column:
    """A column naming another thing: people, companies and places as categories, moments as datetimes."""
    name = safe_ident(thing.name, "party")
    label = cut(cap(thing.label), 60)
    if thing_class(thing) == "time":
        return Column(name, label, "datetime", role="moment")
    if head_word(thing.label) in IDENTIFIER_NOUNS:  # "tracking number": one per row, issued elsewhere
        return Column(name, label, "text", role="identifier")
    if head_word(thing.label) in LIMIT_NOUNS:  # "output target", "budget": a number each row is held to
        return Column(name, label, "number", low=0, high=1000, role="limit")
    kind = value_kind(thing)
    if kind == "grade":  # "sorted by risk": High, Medium, Low
        return Column(name, label, "category", choices=list(GRADES), role="party", cls="grade")
    if kind == "text":  # "with notes on each": written by the users, empty until they do
        return Column(name, label, "text", role="notes")
    if kind == "ordinal":  # "by stage": where each row is in its sequence (the statement does not name the steps)
        return Column(name, label, "category", choices=list(SEQUENCE_STEPS), role="party", cls="grade")
    if kind == "event":  # "interview", "last visit": when it is
        return Column(name, label, "datetime", role="moment")
    if kind == "amount":  # "kWh consumption", "portion size": a measure of each row, its unit unnamed
        return Column(name, label, "number", low=0, high=100, role="measure")
    worse = "low" if head_word(thing.label) in BETTER_HIGH else "high"  # uptime, ratings: the lowest are worst
    if kind == "score":  # "low ratings": 1 to 5; "quiz scores": 0 to 100
        low, high = SCORE_NOUNS[head_word(thing.label)]
        return Column(name, label, "number", low=low, high=high, role="measure", worse=worse)
    if kind in ("money", "percent"):  # "campaign spend", "scrap rate": a measure of each row
        m = measure(Quantity(name=name, label=label, kind=kind, unit="€" if kind == "money" else "%"))
        return Column(name, label, kind, unit=m.unit, low=m.low, high=m.high, role="measure", worse=worse)
    count = 4 if thing_class(thing) in ("person", "subdivision") else 3
    choices = sample_values(kit, thing, count + 1)
    return Column(name, label, "category", choices=choices, role="party", cls=thing_class(thing))


def state_column(state: State) -> Column:
    values = [cut(v, 40) for v in state.values or (state.value,)]
    if len(values) < 2:
        values.append(f"Not {lower_first(values[0])}")
    unique = list(dict.fromkeys(values))
    return Column(safe_ident(state.name, "status"), cut(cap(state.label), 60), "category", unique, role="state")


def fallback_state() -> Column:
    """With no state and nothing to group by in the statement, a plain workflow status."""
    return Column("status", "Status", "category", ["Open", "In progress", "Done"], role="state")


def quantity_column(quantity: Quantity) -> Column:
    m = measure(quantity)
    kind = {"money": "money", "percent": "percent"}.get(quantity.kind, "number")
    name = safe_ident(quantity.name, "amount")
    return Column(name, cut(cap(quantity.label), 60), kind, unit=m.unit, low=m.low, high=m.high, role="quantity")


def linked_quantity(board: Board, problem: str) -> Column | None:
    """The quantity that measures the problem ('minutes late' for 'Late'), else the first quantity; a measure named
    as a plain noun ('scrap rate') only when no problem state orders the board."""
    quantities = board.by_role("quantity")
    problem_words = set(fold(problem).lower().replace("-", " ").split())
    for col in board.by_role("quantity", "measure"):
        if problem_words & set(col.name.split("_")):
            return col
    if quantities:
        return quantities[0]
    measures = board.by_role("measure")
    return measures[0] if measures and not problem else None


# --- actions -------------------------------------------------------------------------------------------------------


#: Minutes in one unit of a lateness measure.
MINUTES_PER = {"min": 1, "h": 60, "days": 1440}
#: Kinds of thing a record is assigned to ("to another picker", "to a supplier", "to zone B").
ASSIGNABLE = ("person", "org", "place", "subdivision")
#: Prepositions that start an action's complement: "reassign [them] to another picker".
COMPLEMENT = words("to into onto for from with at in on")


def action_label(action: Action, drop_object: bool = False) -> str:
    """The action as written, object pronouns dropped: 'reassign them to another picker' -> 'Reassign to another picker'.

    With `drop_object`, the object phrase goes too ('reassign delayed deliveries to another driver' -> 'Reassign to
    another driver'): the record is the one on screen.
    """
    tokens = action.text.split()
    if drop_object and len(tokens) > 2:
        cut_at = next((i for i, w in enumerate(tokens[1:], 1) if w.lower() in COMPLEMENT), None)
        if cut_at is not None:
            tokens = [tokens[0], *tokens[cut_at:]]
    kept = [w for w in tokens if w.lower().strip(",.") not in PRONOUNS]
    if len(kept) <= 1 and action.object is not None:  # "order" -> "Order produce"
        kept = [*(kept[:1] or [action.verb]), action.object.label]
    text = " ".join(kept) or action.verb
    return cut(cap(text), 40)


def state_matching(action: Action, board: Board, set_by_verb: bool = False) -> tuple[Column, str] | None:
    """A state value the action names or whose word shares the verb's stem ('approve' -> 'Approved').

    With `set_by_verb`, only the latter: 'reassign delayed deliveries' names Delayed but does not set it.
    """
    text = fold(action.text).lower()
    stem = fold(action.verb).lower().rstrip("e")
    for col in board.by_role("state"):
        for value in col.choices:
            low = fold(value).lower()
            if (low in text and not set_by_verb) or (len(stem) >= 4 and low.split()[0].startswith(stem)):
                return col, value
    return None


def build_actions(reading: Reading, board: Board, state: Column | None, problem: str) -> list[dict[str, Any]]:
    """1-3 actions from the statement's verbs; a generic one only when it has none."""
    out: list[dict[str, Any]] = []

    def add(action_id: str, label: str, kind: str, sets: list[dict[str, Any]], applies: dict | None = None) -> None:
        action_id = safe_ident(action_id, "act")
        if len(label.split()) == 1:  # "Order" -> "Order produce"
            label = cut(f"{label} {lower_first(board.columns[0].label)}", 40)
        if len(out) >= 3 or any(a["id"] == action_id for a in out):
            return
        item: dict[str, Any] = {"id": action_id, "label": label, "kind": kind, "sets": sets}
        if applies:
            item["applies_to"] = applies
        out.append(item)

    acts = [a for a in reading.actions if a.kind not in PASSIVE_KINDS]
    if not acts:  # "track which volunteers showed up": the state they watch is what they record
        acts = [a for a in reading.actions if state_matching(a, board)]
    for action in acts:
        assignee = action.target
        if assignee is None and action.object is not None and thing_class(action.object) in ("person", "org"):
            assignee = action.object  # "assign a technician": the person is what the row gets
        target_col = board.get(safe_ident(assignee.name, "party")) if assignee else None
        named = state_matching(action, board)
        verb = fold(action.verb).lower()
        if not imperative(action) and named is None:
            continue  # "have not replied", "missed their target": a state of the record, not what users do
        assignable = assignee is not None and thing_class(assignee) in ASSIGNABLE
        if target_col is not None and target_col.kind == "category" and assignable:
            named_problem = state is not None and problem and fold(problem).lower() in fold(action.text).lower()
            applies = {state.name: [problem]} if state is not None and named_problem else None
            label = action_label(action, drop_object=True)
            add(verb, label, "update", [{"column": target_col.name, "mode": "choose"}], applies)
        elif named is not None:
            col, value = named
            others = [v for v in col.choices if v != value]
            # "approve them" is an order to act; "track which volunteers showed up" names the state to record
            recorded = action.kind in PASSIVE_KINDS or fold(action.text.split()[0]).lower() != verb
            label = f"Mark as {lower_first(value)}" if recorded else action_label(action)
            add(
                f"mark_{value}" if recorded else verb,
                cut(label, 40),
                "update",
                [{"column": col.name, "mode": "fixed", "value": value}],
                {col.name: others},
            )
            if recorded and problem != value and problem in col.choices:
                add(
                    f"mark_{problem}",
                    cut(f"Mark as {lower_first(problem)}", 40),
                    "update",
                    [{"column": col.name, "mode": "fixed", "value": problem}],
                    {col.name: [v for v in col.choices if v != problem]},
                )
        elif action.kind == "send" and action.object is not None and action.object.name != board.columns[0].name:
            # "send reminders": the row records whether it was sent (one click, then the button is done)
            col = board.add(
                Column(
                    safe_ident(action.object.name, "message"),
                    cap(action.object.label),
                    "category",
                    ["Not sent", "Sent"],
                    role="party",
                )
            )
            if col is not None:
                label = cut(f"{cap(verb)} {action.object.label}", 40)
                add(
                    verb,
                    label,
                    "update",
                    [{"column": col.name, "mode": "fixed", "value": "Sent"}],
                    {col.name: ["Not sent"]},
                )
        elif (written := written_column(action, board)) is not None:  # "record findings", "add notes"
            add(verb, action_label(action), "update", [{"column": written.name, "mode": "type"}])
        elif verb in ADD_VERBS:
            sets = [{"column": board.columns[0].name, "mode": "type"}]
            sets += [{"column": c.name, "mode": "choose"} for c in board.by_role("party")[:1]]
            sets += [{"column": c.name, "mode": "type"} for c in board.by_role("quantity", "measure")[:1]]
            add(verb, action_label(action), "add", sets)
        else:  # a verb on the record itself: it sets the state, else the quantity it names, else a note
            quantities = board.by_role("quantity")
            numbers = board.by_role("quantity", "measure")
            measured = [c for c in numbers if action.object is not None and names_column(action.object, c)]
            if state is not None:
                sets = [{"column": state.name, "mode": "choose"}]
            elif measured or quantities:
                sets = [{"column": (measured or quantities)[0].name, "mode": "type"}]
            else:
                sets = [{"column": "notes", "mode": "type"}]
            add(verb, action_label(action), "update", sets)
    if not out:  # the statement only looks: let them flag what they saw (a generic verb, as it has none)
        col = board.add(Column("follow_up", "Follow-up", "category", ["Not flagged", "Flagged"], role="party"))
        if col is not None:
            add(
                "flag",
                "Flag for follow-up",
                "update",
                [{"column": col.name, "mode": "fixed", "value": "Flagged"}],
                {col.name: ["Not flagged"]},
            )
        else:
            add("add_note", "Add a note", "update", [{"column": "notes", "mode": "type"}])
    return out


def names_column(thing: Thing, col: Column) -> bool:
    """Whether a thing the statement names is this column ('adjust the price' and the Price column)."""
    return head_word(thing.label) in col.name.split("_") or safe_ident(thing.name, "x") == col.name


def written_column(action: Action, board: Board) -> Column | None:
    """The column an action writes on each row: 'record findings' (a Finding column), 'enter fitness scores'."""
    if action.object is None:
        return None
    return next((c for c in board.by_role("notes", "measure") if names_column(action.object, c)), None)


# --- rows ----------------------------------------------------------------------------------------------------------


def build_rows(kit: PlanKit, board: Board, entity: Thing, state: Column | None, problem: str, late: bool) -> list[dict]:
    """12-20 records: about a third in the problem state, one clearly the worst, dates in order."""
    rng = kit.rng("streamlit", "rows")
    now = anchor_time(kit)
    count = rng.randint(12, 20)
    labels = sample_values(kit, entity, count, "label")
    while len(labels) < count:  # Faker repeating itself: distinguish by position in the list, never "X 01"
        labels.append(f"{labels[len(labels) % len(labels)]} ({chr(ord('A') + len(labels) % 26)})")
    problems = max(2, round(count * rng.uniform(0.2, 0.35))) if problem else 1  # no state: one outlier
    problem_rows = set(rng.sample(range(count), problems))
    worst = min(problem_rows)
    others = [v for v in state.choices if v != problem] or state.choices if state is not None else []
    linked = linked_quantity(board, problem)
    lo, hi = 10, 240  # minutes overdue
    if linked is not None and linked.unit in MINUTES_PER:
        per = MINUTES_PER[linked.unit]
        lo, hi = max(lo, int((linked.low or 0) * per)), max(lo + 10, int((linked.high or 4) * per))
    rows: list[dict[str, Any]] = []
    for i in range(count):
        in_problem = i in problem_rows
        row: dict[str, Any] = {}
        due = now + timedelta(minutes=rng.randint(30, 60 * 30))
        overdue_minutes = 0
        if late and in_problem:
            span = hi - lo
            overdue_minutes = rng.randint(lo, lo + span // 2) if i != worst else rng.randint(lo + span * 4 // 5, hi)
            due = now - timedelta(minutes=overdue_minutes)
        created = due - timedelta(minutes=rng.randint(60, 60 * 48))
        for col in board.columns:
            row[col.name] = cell(col, i, rng, labels, now, created, due)
        if state is not None:
            row[state.name] = problem if in_problem and problem else others[(i + rng.randint(0, 1)) % len(others)]
        if linked is not None:
            row[linked.name] = linked_value(linked, rng, in_problem, i == worst, overdue_minutes if late else None)
        rows.append(row)
    return rows


def cell(
    col: Column,
    i: int,
    rng: Any,
    labels: list[str],
    now: datetime,
    created: datetime,
    due: datetime,
) -> Any:
    """One value of a row; the state and the problem's measure are set by the caller, which knows the story."""
    if col.role == "label":
        return labels[i]
    if col.kind == "category":
        return col.choices[rng.randrange(len(col.choices))]
    if col.role == "created":
        return created.isoformat(timespec="minutes")
    if col.role == "due":
        return due.isoformat(timespec="minutes")
    if col.role == "moment":
        slot = now + timedelta(days=rng.randint(-6, 6), hours=rng.choice([-2, 0, 3, 5]))
        return slot.replace(minute=0).isoformat(timespec="minutes")
    if col.kind in ("number", "money", "percent"):
        return number_in(col, rng)
    if col.role == "identifier":  # "KX4471902385": two letters and ten digits, as carriers and banks issue them
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + str(rng.randint(10**9, 10**10 - 1))
    if col.kind == "text":
        return None
    return None


def number_in(col: Column, rng: Any, low: float | None = None, high: float | None = None) -> float | int:
    lo = col.low if col.low is not None else 0.0
    hi = col.high if col.high is not None else 100.0
    lo, hi = (max(lo, low) if low is not None else lo), (min(hi, high) if high is not None else hi)
    value = rng.uniform(lo, max(lo, hi))
    return round(value, 2) if col.kind == "money" else (round(value) if (hi - lo) >= 20 else round(value, 1))


def linked_value(col: Column, rng: Any, in_problem: bool, worst: bool, overdue: int | None) -> float | int:
    """The problem's measure: worse for problem rows (worst for the worst), fine otherwise; minutes late match due."""
    lo = col.low if col.low is not None else 0.0
    hi = col.high if col.high is not None else 100.0
    if overdue is not None and col.unit in MINUTES_PER:
        value = overdue / MINUTES_PER[col.unit]
        return min(max(round(value) if col.unit != "h" else round(value, 1), lo), hi)
    span = hi - lo
    if worst:
        value = number_in(col, rng, lo + 0.85 * span, hi)
    elif in_problem:
        value = number_in(col, rng, lo + 0.45 * span, lo + 0.8 * span)
    else:
        value = number_in(col, rng, lo, lo + 0.35 * span)
    if col.worse == "low":  # uptime, ratings: the problem rows are the lowest
        mirrored = lo + hi - value
        return round(mirrored, 2) if isinstance(value, float) else round(mirrored)
    return value


def sorted_rows(rows: list[dict], col: Column | None, descending: bool) -> list[dict]:
    """Rows in the board's default order (categories by their choices' order), so the data reads as the app does."""
    if col is None:
        return rows

    def key(row: dict) -> tuple:
        value = row.get(col.name)
        if value is None:
            return (1, 0)
        if col.kind == "category":
            return (0, col.choices.index(value) if value in col.choices else len(col.choices))
        return (0, value)

    present = [r for r in rows if r.get(col.name) is not None]
    missing = [r for r in rows if r.get(col.name) is None]
    return sorted(present, key=key, reverse=descending) + missing


def sort_order(board: Board, linked: Column | None, state: Column | None) -> dict[str, Any]:
    """Problem cases first: by their measure, else by how overdue, else by state (the problem value comes first)."""
    if linked is not None:
        return {"column": linked.name, "descending": linked.worse == "high"}
    due = board.by_role("due")
    if due:
        return {"column": due[0].name, "descending": False}
    if state is not None:
        return {"column": state.name, "descending": False}
    dated = [c for c in board.columns if c.kind in ("date", "datetime")]
    return (
        {"column": dated[0].name, "descending": True}
        if dated
        else {"column": board.columns[0].name, "descending": False}
    )


# --- figures and chart ---------------------------------------------------------------------------------------------


def figures(
    board: Board, entity: Thing, state: Column | None, problem: str, linked: Column | None
) -> list[dict[str, Any]]:
    """The problem's count, its share and its mean measure; with no state, the total and the quantities' means."""
    things = entity.plural_label
    if state is not None and problem:
        where = {state.name: problem}
        out: list[dict[str, Any]] = [
            {"label": cut(cap(f"{lower_first(problem)} {things}"), 60), "agg": "count", "where": where},
            {"label": cut(f"Share {lower_first(problem)}", 60), "agg": "rate", "where": where},
        ]
    else:
        where = {}
        out = [{"label": cut(cap(things), 60), "agg": "count"}]
    if linked is not None:
        mean: dict[str, Any] = {"label": cut(f"Mean {lower_first(linked.label)}", 60), "agg": "mean"}
        out.append({**mean, "column": linked.name, **({"where": where} if where else {})})
    money = [c for c in board.by_role("quantity", "measure") if c.kind == "money" and c is not linked]
    if money:
        out.append({"label": cut(f"Total {lower_first(money[0].label)}", 60), "agg": "sum", "column": money[0].name})
    return out[:4]


def chart(board: Board, state: Column | None, linked: Column | None) -> dict[str, Any]:
    """Mean of the problem's measure by the first grouping column (a zone, a picker), else a count by state."""
    rank = {"subdivision": 0, "place": 1, "org": 2, "person": 3}  # "by zone" reads better than "by picker"
    groups = sorted((c for c in board.by_role("party") if c.kind == "category"), key=lambda c: rank.get(c.cls, 4))
    group = groups[0] if groups or state is None else state
    if linked is not None:
        return {"agg": "mean", "column": linked.name, "group_by": group.name}
    return {"agg": "count", "group_by": group.name}


# --- brief ---------------------------------------------------------------------------------------------------------


def brief(
    reading: Reading, kit: PlanKit, answers: dict[str, Any], entity: Thing, problem_things: str
) -> tuple[list, list]:
    action = answers["actions"][0]
    verb = action["label"].split()[0].lower()
    mass = entity.label.lower() == entity.plural_label.lower()  # "produce", "equipment": no article
    object_a = entity.label if mass else article(entity.label)
    chart_group = next(c for c in answers["columns"] if c["name"] == answers["chart"]["group_by"])
    seconds = target_seconds(reading)
    values = {
        "users": lower_first(reading.users or f"people who work with {entity.plural_label}"),
        "verb": verb,
        "object_a": object_a,
        "things": entity.plural_label,
        "problem_things": problem_things,
        "action": action["label"],
        "action_id": action["id"],
        "duration": duration_words(seconds or 120),
        "group": lower_first(chart_group["label"]),
        "group_column": chart_group["name"],
    }
    # an add action records record_added, not action_taken: its own templates measure it
    first, timed = ("add", "time_to_add") if action.get("kind") == "add" else ("action", "time_to_action")
    keys = [first, timed, "found", "filter"]
    targets = {timed: seconds} if seconds else {}
    variant = None if answers["figures"][0].get("where") else "plain"
    return brief_from_templates(kit, keys, values, declared_events(HERE), targets, variant=variant)
