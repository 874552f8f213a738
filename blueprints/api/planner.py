"""Offline planner plugin for the API stub: the statement's things as resources, related the way it relates them.

A thing named inside another's name is its parent ("shipment" in "shipment status update"): the child holds the
parent's natural key and, when it carries states or times, creating one updates the parent (a status update sets
the shipment's status and ETA). A device that sends measurements gets a readings resource. Natural keys, names,
companies and places come from Faker; every sample reference resolves and every date follows the one before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scaffolder.planners.plugin import (
    DEVICE_NOUNS,
    IDENTIFIER_NOUNS,
    LIMIT_NOUNS,
    Fill,
    PlanKit,
    anchor_time,
    article,
    brief_from_templates,
    cap,
    code_prefix,
    cut,
    declared_events,
    duration_words,
    fold,
    gerund_preposition,
    head_word,
    load_yaml,
    lower_first,
    measure,
    owner_of,
    per_day,
    problem_value,
    safe_ident,
    sample_values,
    singular,
    target_seconds,
    thing_class,
    words,
)
from scaffolder.planners.plugin import (
    MONEY_NOUNS as SHARED_MONEY_NOUNS,
)
from scaffolder.planners.plugin import (
    plural as plural_of,
)
from scaffolder.planners.reading import Reading, State, Thing

HERE = Path(__file__).resolve().parent

#: Head nouns for the software itself ("an ingestion endpoint"): never a resource.
SOFTWARE_NOUNS = words("api endpoint system service platform app software integration webhook portal tool")
#: Verbs that make a new record (general English).
CREATE_VERBS = words(
    "create add submit register book log post upload record report file raise open place send push emit"
)
#: Head nouns of records that report a change to something else ("a shipment status update", "a meter reading").
UPDATE_NOUNS = words("update reading event report log entry change scan measurement notification result record ping")
#: Modifiers that say what an update is about rather than what it belongs to ("status" in "status update").
ATTRIBUTE_WORDS = words("status state progress location position price temperature level stock latest current")
#: Words dropped from a time's field name: "latest delivery ETA" -> delivery_eta (the parent keeps the latest).
RECENCY_WORDS = words("latest current last newest")
#: Head nouns of amounts of money (general English): "the latest repair estimate" is a money field, not a record.
MONEY_NOUNS = (SHARED_MONEY_NOUNS - {"value"}) | words("estimate quote budget")  # "the latest values" are readings
#: Values of a status nobody named: a plain lifecycle with one problem value.
LIFECYCLE = ["received", "in_progress", "done", "blocked"]
#: URL paths the stub serves itself.
TAKEN_PATHS = ("docs", "redoc", "health", "openapi", "static")


@dataclass
class Field:
    name: str
    type: str  # str, int, float, bool, date, datetime
    role: str  # key, ref, state, moment, quantity, party, created
    choices: list[str] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    decimals: int = 0
    references: str | None = None
    source: Any = None  # the Thing, State or Quantity it comes from
    nullable: bool = False

    def answer(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.choices:
            out["choices"] = list(self.choices)
        if self.low is not None:
            out["min"] = self.low
        if self.high is not None:
            out["max"] = self.high
        if self.references:
            out["references"] = self.references
        if self.nullable:
            out["nullable"] = True
            out["required"] = False
        return out


@dataclass
class Resource:
    thing: Thing
    name: str
    plural: str
    label: str  # human singular
    plural_label: str
    parent: Resource | None = None
    links: list[Resource] = field(default_factory=list)  # resources it refers to without updating them
    fields: list[Field] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    updates: dict[str, str] = field(default_factory=dict)  # parent field <- own field

    def add(self, new: Field) -> Field:
        if len(self.fields) < 12 and all(f.name != new.name for f in self.fields) and new.name != "id":
            self.fields.append(new)
        return next(f for f in self.fields if f.name == new.name) if new.name != "id" else new

    def by_role(self, *roles: str) -> list[Field]:
        return [f for f in self.fields if f.role in roles]

    @property
    def key(self) -> Field:
        return self.by_role("key")[0]


def fill(reading: Reading, kit: PlanKit) -> Fill:
    """The API stub's answers and brief for this reading."""
    if not kit.brief:
        kit.brief = load_yaml(HERE / "brief.yml")
    resources = find_resources(reading)
    primary = resources[0]
    add_fields(reading, resources)
    make_samples(kit, resources)
    answers = {"resources": [resource_answer(r) for r in resources]}
    title = cut(f"{cap(primary.plural_label)} API", 60)
    hypotheses, indicators = brief(reading, kit, resources)
    return Fill(
        answers=answers,
        title=title,
        slug_words=[*primary.plural_label.split()[:3], "api"],
        hypotheses=hypotheses,
        indicators=indicators,
    )


# --- resources -----------------------------------------------------------------------------------------------------


def add_fields(reading: Reading, resources: list[Resource]) -> None:
    """Keys, references, states, times and measures; the fields a child's creation carries to its parent."""
    primary = resources[0]
    moments = [t for t in reading.things if thing_class(t) == "time"]
    people = [t for t in reading.things if t.is_person and not is_caller(reading, t)]
    orgs = [t for t in reading.things if thing_class(t) in ("org", "place") and not is_caller(reading, t)]
    children = [r for r in resources if r.parent is not None]
    holder = children[0] if children else primary  # the record that carries states and measures
    named_key = next((t for t in reading.things if field_kind(t) == "identifier"), None)  # "by tracking number"
    for res in resources:
        if res is primary and named_key is not None:
            res.add(Field(safe_ident(named_key.name, "reference"), "str", "key", source=named_key))
        else:
            res.add(key_field(res))
        if res.parent is not None:
            res.add(Field(safe_ident(res.parent.name, "parent"), "str", "ref", references=res.parent.name))
        for other in res.links:
            res.add(Field(safe_ident(other.name, "link"), "str", "link", references=other.name))
    for state in reading.states[:2]:
        holder.add(state_field(state))
    for moment in moments[:2]:
        name = "_".join(w for w in safe_ident(moment.name, "time").split("_") if w not in RECENCY_WORDS)
        holder.add(Field(safe_ident(name, "time"), "datetime", "moment", source=moment))
    for amount in [t for t in reading.things if latest_amount(t)][:1]:
        name = "_".join(w for w in safe_ident(amount.name, "amount").split("_") if w not in RECENCY_WORDS)
        holder.add(Field(safe_ident(name, "amount"), "float", "moment", low=0, high=5000, decimals=2, source=amount))
    if not reading.states and "status" in fold(holder.label).lower().split():
        holder.add(Field("status", "str", "state", choices=list(LIFECYCLE)))
    for quantity in [q for q in reading.quantities if not (q.kind == "duration" and q.amount is not None)][:4]:
        m = measure(quantity)
        kind = "float" if m.decimals else "int"
        name = safe_ident(quantity.name, "amount")
        holder.add(Field(name, kind, "quantity", low=m.low, high=m.high, decimals=m.decimals, source=quantity))
    for t in reading.things:
        kind = field_kind(t)
        name = safe_ident(t.name, "detail")
        if kind == "identifier":
            primary.add(Field(name, "str", "identifier", source=t))
        elif kind == "limit":
            primary.add(Field(name, "float", "quantity", low=0, high=1000, decimals=1, source=t))
        elif kind == "attribute" and head_word(t.label) in ("status", "state", "progress") and not reading.states:
            holder.add(Field("status", "str", "state", choices=list(LIFECYCLE)))
    for party in [*people, *orgs][:2]:
        primary.add(Field(safe_ident(party.name, "party"), "str", "party", source=party))
    if reading.actor_kind == "partner" and reading.actor and not orgs:
        primary.add(Field(safe_ident(singular(head_word(reading.actor)) or "partner", "partner"), "str", "org"))
    for res in resources:
        res.add(Field("created_at" if res.parent is None else "recorded_at", "datetime", "created"))
    for child in children:
        carried = child.by_role("state", "moment") or child.by_role("quantity")[:1]
        for f in carried:
            mirrored = f.name if f.role == "state" else f"latest_{f.name}"[:40]
            child.parent.add(Field(mirrored, f.type, f.role, list(f.choices), f.low, f.high, f.decimals, nullable=True))
            child.updates[mirrored] = f.name


def is_caller(reading: Reading, thing: Thing) -> bool:
    """Whether the thing is who uses the API (the actor or the users): they call it, they are not in it."""
    if reading.actor_kind in ("device", "system") and not thing.is_person:
        return False  # a device sending its own data is a record of the API
    names = [fold(n or "").lower() for n in (reading.users, reading.actor)]
    label = fold(thing.plural_label).lower()
    return any(n and (label == n or n.endswith(label)) for n in names)


def find_resources(reading: Reading) -> list[Resource]:
    """1-3 resources: the things that are records (not people, software, moments), children after their parents."""
    acted_on = {(owner_of(a.object) or a.object).name for a in reading.actions if a.object is not None}
    owned = [owner_of(t) or t for t in reading.things]  # "loan application status" is a field of a loan application
    things = [
        t
        for t in {t.name: t for t in owned}.values()
        if not is_caller(reading, t)
        and not t.is_person
        and (thing_class(t) not in ("time", "org", "place") or t.name in acted_on)
        and head_word(t.label) not in SOFTWARE_NOUNS
        and not any(measures(t, q) for q in reading.quantities)  # a measure is a field, not a record
        and not latest_amount(t)
        and field_kind(t) is None
        and fold(t.label).lower().split()[0] not in RECENCY_WORDS  # "the latest values": fields, not records
    ]
    if not things and reading.actor and reading.actor_kind in ("device", "system"):
        label = singular(lower_first(reading.actor))
        things = [Thing(safe_ident(label), label, lower_first(reading.actor), safe_ident(reading.actor))]
    if not things:
        things = [Thing("record", "record", "records", "records")]
    if reading.actor_kind not in ("device", "system"):  # a device is itself the parent of what it sends
        things = with_implied_parents(things[:3])
    # a thing named inside another's name comes first: "parcel" before "parcel scan event"
    named = list(things)  # (a list being sorted reads as empty inside its own key function)
    things.sort(key=lambda t: sum(contains(t.label, other.label) for other in named))
    resources: list[Resource] = []
    for thing in things[:3]:
        parent = next((r for r in resources if contains(thing.label, r.label)), None)
        label, plural_label = thing.label, thing.plural_label
        if parent is not None:  # "shipment status update" under "shipment" reads as "status update"
            label = strip_prefix(label, parent.label) or label
            plural_label = strip_prefix(plural_label, parent.label) or plural_label
        resources.append(new_resource(thing, label, plural_label, parent, resources))
    resources.sort(key=lambda r: r.parent is not None)
    senders = [r for r in resources if r.parent is None and (thing_class(r.thing) == "device" or sends(reading, r))]
    if reading.actor_kind in ("device", "system") and senders:  # "inverters push output readings"
        for res in resources:
            if res.parent is None and res is not senders[0] and head_word(res.label) in UPDATE_NOUNS:
                res.parent = senders[0]
        resources.sort(key=lambda r: r.parent is not None)
    if reading.quantities and reading.actor_kind in ("device", "system") and all(r.parent is None for r in resources):
        sender = next((r for r in resources if thing_class(r.thing) == "device"), resources[0])
        resources.insert(1, new_resource(sender.thing, "reading", "readings", sender, resources))
    primary = resources[0]
    for res in resources[1:]:  # the main record refers to the other records the statement names beside it
        if res.parent is None and primary.parent is None:
            primary.links.append(res)
    return resources[:4]


def field_kind(thing: Thing) -> str | None:
    """'tracking number' -> an identifier field, 'claim status' -> a state, 'output target' -> a limit; else None."""
    head = head_word(thing.label)
    if head in IDENTIFIER_NOUNS:
        return "identifier"
    if head in ATTRIBUTE_WORDS - {"delivery", "latest", "current"}:
        return "attribute"
    if head in LIMIT_NOUNS:
        return "limit"
    return None


def latest_amount(thing: Thing) -> bool:
    """'the latest repair estimate': the newest amount of something, a field that updates carry, not a record."""
    first = fold(thing.label).lower().split()[0]
    return first in RECENCY_WORDS and head_word(thing.label) in MONEY_NOUNS


def sends(reading: Reading, res: Resource) -> bool:
    """Whether the resource is the statement's sending device or system ('lab instruments should post ...')."""
    actor = fold(reading.actor or "").lower()
    return bool(actor) and (actor == fold(res.plural_label).lower() or actor.endswith(fold(res.plural_label).lower()))


def measures(thing: Thing, quantity: Any) -> bool:
    """Whether a thing is the quantity itself ('spindle temperature' and the temperature in °C), not a record."""
    if quantity.kind == "count":  # "orders per day" counts records; the orders stay records
        return False
    named = set(re.findall(r"[a-z]+", fold(re.sub(r"\(.*?\)", "", quantity.label)).lower()))
    return head_word(thing.label) in named | set(quantity.name.split("_"))


def with_implied_parents(things: list[Thing]) -> list[Thing]:
    """Add the record an update names in its own words: 'shipment status update' implies a shipment."""
    out = list(things)
    for thing in things:
        tokens = thing.label.split()
        if len(tokens) < 2 or head_word(thing.label) not in UPDATE_NOUNS:
            continue
        modifiers = []
        for word in tokens[:-1]:  # "repair job status update" -> "repair job"; "parcel scan event" -> "parcel"
            if fold(word).lower() in ATTRIBUTE_WORDS | UPDATE_NOUNS:
                break
            modifiers.append(word)
        owner = singular(" ".join(modifiers))
        if not owner or any(contains(thing.label, t.label) for t in out if t is not thing):
            continue
        plural_owner = plural_of(owner)
        out.insert(out.index(thing), Thing(safe_ident(owner), owner, plural_owner, safe_ident(plural_owner)))
    return out


def new_resource(
    thing: Thing, label: str, plural_label: str, parent: Resource | None, taken: list[Resource]
) -> Resource:
    name = safe_ident(label, "record", module=True)
    plural = safe_ident(plural_label, f"{name}_records", module=True)
    if plural == name or plural in TAKEN_PATHS:
        plural = safe_ident(f"{name}_records", "records", module=True)
    while any(r.name == name or r.plural == plural for r in taken):
        name, plural = safe_ident(f"{name}_{len(taken)}", "record"), safe_ident(f"{plural}_{len(taken)}", "records")
    return Resource(thing, name, plural, label, plural_label, parent)


def contains(longer: str, shorter: str) -> bool:
    """Whether `shorter`'s words appear as whole words inside `longer` (and it is longer)."""
    a, b = fold(longer).lower().split(), fold(shorter).lower().split()
    if len(a) <= len(b):
        return False
    return any(a[i : i + len(b)] == b or [singular(w) for w in a[i : i + len(b)]] == b for i in range(len(a)))


def strip_prefix(label: str, prefix: str) -> str:
    words_ = label.split()
    n = len(prefix.split())
    return " ".join(words_[n:]) if [singular(w.lower()) for w in words_[:n]] == prefix.lower().split() else label


def key_field(res: Resource) -> Field:
    """The natural key: a serial number for devices, an email for people, else '<thing>_number'."""
    cls = thing_class(res.thing) if res.label == res.thing.label else "record"
    if cls == "device" and head_word(res.label) in DEVICE_NOUNS | {"inverter", "sensor", "logger", "terminal"}:
        return Field("serial_number", "str", "key")
    if cls == "person":
        return Field("email", "str", "key")
    return Field(safe_ident(f"{head_word(res.label)}_number", "reference"), "str", "key")


def choice(text: str) -> str:
    """A state value as an API sends it: 'In transit' -> 'in_transit' (data, not an identifier)."""
    return "_".join(re.findall(r"[a-z0-9]+", fold(text).lower())) or "other"


def state_field(state: State) -> Field:
    values = [choice(v) for v in state.values or (state.value,)]
    if len(values) < 2:
        values.append(choice(f"not {state.value}"))
    return Field(safe_ident(state.name, "status"), "str", "state", choices=list(dict.fromkeys(values)), source=state)


# --- samples -------------------------------------------------------------------------------------------------------


def make_samples(kit: PlanKit, resources: list[Resource]) -> None:
    """Parents first, then children pointing at existing parents, then parents updated from their latest child."""
    rng = kit.rng("api", "samples")
    now = anchor_time(kit)
    created_at: dict[str, datetime] = {}
    for res in sorted(resources, key=lambda r: (r.parent is not None, bool(r.links))):  # referenced ones first
        count = rng.randint(4, 6) if res.parent is None else rng.randint(6, 10)
        keys = key_values(kit, res, count)
        for i in range(count):
            row: dict[str, Any] = {}
            parent_key = None
            if res.parent is not None:
                parent = res.parent.samples[i % len(res.parent.samples)] if i < len(res.parent.samples) else None
                parent = parent or res.parent.samples[rng.randrange(len(res.parent.samples))]
                parent_key = parent[res.parent.key.name]
            linked = {f.name: o.samples[rng.randrange(len(o.samples))][o.key.name] for f, o in link_fields(res)}
            base = now - timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 9))
            if linked:  # after the records it refers to
                base = max(created_at[k] for k in linked.values()) + timedelta(hours=rng.randint(1, 30))
            base = created_at.get(parent_key or "", base)
            moment = (
                base + timedelta(hours=rng.randint(1, 20) * (i // max(1, len(res.parent.samples)) + 1))
                if (res.parent is not None)
                else base
            )
            for f in res.fields:
                row[f.name] = linked[f.name] if f.name in linked else value(kit, rng, f, i, keys, parent_key, moment)
            created_at[row[res.key.name]] = moment
            res.samples.append(row)
    for res in resources:
        tell_story(res)
    for res in resources:
        if res.parent is None or not res.updates:
            continue
        ref = next(f for f in res.fields if f.role == "ref")
        for parent in res.parent.samples:
            mine = [s for s in res.samples if s[ref.name] == parent[res.parent.key.name]]
            if mine:
                latest = max(mine, key=lambda s: s.get("recorded_at") or "")
                for target, source in res.updates.items():
                    parent[target] = latest[source]


def link_fields(res: Resource) -> list[tuple[Field, Resource]]:
    return [(f, o) for f in res.by_role("link") for o in res.links if o.name == f.references]


def tell_story(res: Resource) -> None:
    """States move forward in time per parent (one record ends in the problem state); measures match the state."""
    states = res.by_role("state")
    if not states or states[0].nullable:
        return
    state = states[0]
    named = choice(state.source.value) if state.source is not None else None
    problem = problem_value(state.choices, named)
    flow = [c for c in state.choices if c != problem] or state.choices
    ref = next((f for f in res.fields if f.role == "ref"), None)
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in res.samples:
        groups.setdefault(row[ref.name] if ref else row[res.key.name], []).append(row)
    problem_words = set(problem.split("_"))
    linked = [f for f in res.by_role("quantity") if problem_words & set(f.name.split("_"))]
    for n, rows in enumerate(groups.values()):
        rows.sort(key=lambda r: r.get("recorded_at") or r.get("created_at") or "")
        for j, row in enumerate(rows):
            row[state.name] = flow[min(j + (n % 2), len(flow) - 1)] if ref else flow[(n + j) % len(flow)]
        if n == 1 or (ref is None and n % 3 == 2):  # the one case that went wrong
            rows[-1][state.name] = problem
    for f in linked:
        for row in res.samples:
            if row[state.name] != problem:
                row[f.name] = round(f.low or 0)


def key_values(kit: PlanKit, res: Resource, count: int) -> list[str]:
    key = res.key
    if key.source is not None:  # an identifier the statement names, issued elsewhere: "KX4471902385"
        return list(dict.fromkeys(kit.faker.bothify("??##########").upper() for _ in range(count * 2)))[:count]
    if key.name == "email":
        return [n.lower().replace(" ", ".") + "@example.com" for n in sample_values(kit, res.thing, count, res.name)]
    if key.name == "serial_number":
        prefix = code_prefix(res.label)
        rng = kit.rng("serials", res.name)
        values: list[str] = []
        while len(values) < count:
            serial = f"{prefix}-{rng.randint(100, 999)}-{kit.faker.bothify('??##').upper()}"
            if serial not in values:
                values.append(serial)
        return values
    thing = Thing(res.name, res.label, res.plural_label, res.plural)
    return sample_values(kit, thing, count, res.name)


def value(kit: PlanKit, rng: Any, f: Field, i: int, keys: list[str], parent_key: str | None, moment: datetime) -> Any:
    """One sample value; states and the fields updates carry are settled afterwards, across records."""
    faker = kit.faker
    if f.role == "key":
        return keys[i]
    if f.role == "ref":
        return parent_key
    if f.role == "state":
        state = f.source
        named = choice(state.value) if state is not None else None
        problem = problem_value(f.choices, named)
        if f.nullable:  # filled from the latest child after the children exist
            return None
        return problem if i % 4 == 2 else f.choices[(i + (1 if f.choices[0] == problem else 0)) % len(f.choices)]
    if f.role == "moment" and f.type == "float":  # an amount that updates carry
        return None if f.nullable else round(rng.uniform(f.low or 0, f.high or 5000), 2)
    if f.role == "moment":
        if f.nullable:
            return None
        return (moment + timedelta(hours=rng.randint(4, 72))).isoformat(timespec="minutes")
    if f.role == "created":
        return moment.isoformat(timespec="minutes")
    if f.role == "quantity":
        if f.nullable:
            return None
        number = rng.uniform(f.low or 0, f.high if f.high is not None else 100)
        return round(number, f.decimals) if f.decimals else round(number)
    if f.role == "party":
        return sample_values(kit, f.source, 4, f.name)[rng.randrange(4)]
    if f.role == "org":
        return faker.company()
    if f.role == "identifier":  # a code another system issued: letters and digits, e.g. "KX4471902385"
        return kit.faker.bothify("??##########").upper()
    return None


def resource_answer(res: Resource) -> dict[str, Any]:
    if res.parent is None:
        description = f"{cap(res.plural_label)}, each looked up by its {res.key.name.replace('_', ' ')}."
    else:
        description = f"{cap(res.plural_label)} for {article(res.parent.label)}"
        if res.updates:
            carried = ", ".join(t.replace("_", " ") for t in res.updates)
            description += f"; creating one sets the {res.parent.label}'s {carried}"
        description += "."
    answer: dict[str, Any] = {
        "name": res.name,
        "plural": res.plural,
        "title": cut(cap(res.plural_label), 60),
        "description": cut(description, 200),
        "key": res.key.name,
        "fields": [f.answer() for f in res.fields],
        "samples": res.samples,
    }
    if res.updates:
        ref = next(f for f in res.fields if f.role == "ref")
        answer["updates"] = {"via": ref.name, "set": dict(res.updates)}
    return answer


# --- brief ---------------------------------------------------------------------------------------------------------


def brief(reading: Reading, kit: PlanKit, resources: list[Resource]) -> tuple[list, list]:
    primary = resources[0]
    created = next((r for r in resources if r.parent is not None), primary)
    # a gerund is the setting, not the job: "verify an identity before opening an account"
    sends = (a for a in reading.actions if a.kind == "send" or fold(a.verb).lower() in CREATE_VERBS)
    send = next((a for a in sends if not gerund_preposition(reading, a)), None)
    change = next((a for a in reading.actions if a.kind == "change" and a is not send), None)
    # a system or partner that checks or asks about a record queries it: "check whether a prescription was approved"
    query = next((a for a in reading.actions if a.kind in ("query", "see", "ask")), None)
    actor = reading.actor or reading.users or "API clients"
    seconds = target_seconds(reading)
    values = {
        "users": lower_first(reading.users or actor),
        "actor": lower_first(actor),
        "verb": verb_of(phrasal(send) if send else "", "send"),
        "change_verb": verb_of(phrasal(change) if change else "", "update"),
        "created": created.label,
        "created_a": article(created.label),
        "created_plural": created.plural_label,
        "created_resource": created.name,
        "lookup_verb": verb_of(phrasal(query) if query and query.kind in ("query", "ask") else "", "look up"),
        "looked_up": primary.label,
        "looked_up_a": article(primary.label),
        "looked_up_plural": primary.plural_label,
        "lookup_resource": primary.name,
        "key": primary.key.name.replace("_", " "),
        "key_field": primary.key.name,
        "key_a": article(primary.key.name.replace("_", " ")),
        "looked_up_resource": primary.name,
        "duration": duration_words(
            seconds or float(kit.brief.get("indicators", {}).get("time_to_create", {}).get("target", 120))
        ),
    }
    events = declared_events(HERE)
    creates = send is not None or created is not primary or not (change or query)
    if query and not send:  # the statement's verb is the look-up: it leads
        keys = ["lookup"] + (["create"] if creates else []) + (["update"] if change else [])
    else:
        keys = (["create"] if creates else []) + (["update"] if change else []) + (["lookup"] if query else [])
    keys += ["updates_applied"] if created.updates else []
    keys += ["unknown_references"] if created.parent or created.links else ["rejected"]
    keys += ["time_to_create"]
    targets: dict[str, float] = {"time_to_create": seconds} if seconds else {}
    daily = per_day(reading)
    create_spec = (kit.brief.get("indicators") or {}).get("create") or {}
    if daily and create_spec.get("kind") == "count" and reading.actor_kind in ("device", "system"):
        targets["create"] = round(daily)  # "every 15 minutes": one sender's day of records
    hypotheses, indicators = brief_from_templates(kit, keys[:5], values, events, targets)
    if len(hypotheses) < 5 and (len(indicators) < 3 or not any(i.event == "request_failed" for i in indicators)):
        more = brief_from_templates(kit, ["failed"], values, events)
        hypotheses, indicators = hypotheses + more[0], indicators + more[1]
    return hypotheses, indicators


def phrasal(action: Any) -> str:
    """The verb with its particle: 'look up', 'sign off'."""
    particle = getattr(action, "particle", "") or ""
    return f"{action.verb} {particle}".strip()


def verb_of(verb: str, default: str) -> str:
    verb = re.sub(r"[^a-z -]", "", fold(verb).lower()).strip()
    return verb or default
