"""What a blueprint's offline-planner plugin receives and returns (see docs/blueprint-answers.md).

A bundled blueprint's `planner.py` defines `fill(reading, kit) -> Fill`. It turns the reading into that
blueprint's answers and its part of the brief; the core planner does the rest (users, problem, slug, rationale).
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from faker import Faker

    from scaffolder.plan import Hypothesis, Indicator
    from scaffolder.planners.reading import Reading


@dataclass
class PlanKit:
    """Seeded randomness and wording helpers shared by every plugin."""

    reading: Reading
    brief: dict[str, Any]  # the blueprint's brief.yml, as data
    _faker: Faker | None = None

    @property
    def faker(self) -> Faker:
        """A Faker seeded from the statement (same statement, same data)."""
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("en_US")
            self._faker.seed_instance(self.reading.seed("faker"))
        return self._faker

    def rng(self, *parts: str):  # type: ignore[no-untyped-def]
        return self.reading.rng(*parts)

    # wording helpers (module functions below), here so a plugin needs only its kit
    @staticmethod
    def ident(text: str, fallback: str = "record", module: bool = False) -> str:
        return safe_ident(text, fallback, module=module)

    @staticmethod
    def human(name: str) -> str:
        return human(name)

    @staticmethod
    def article(noun: str) -> str:
        return article(noun)

    @staticmethod
    def plural(noun: str) -> str:
        return plural(noun)

    @staticmethod
    def singular(noun: str) -> str:
        return singular(noun)


@dataclass
class Fill:
    """A plugin's answers and its part of the brief."""

    answers: dict[str, Any]
    title: str
    slug_words: list[str]
    hypotheses: list[Hypothesis] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    #: who the prototype is for, when the plugin knows better than the reading's users (a chatbot: who asks)
    target_users: list[str] = field(default_factory=list)


# --- shared helpers for plugins ------------------------------------------------------------------------------------
# Kept here (not in offline.py) so that every blueprint's planner.py uses the same identifier and wording rules.

IDENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

#: Names that would break or shadow something in generated code: keywords, builtins, and names the blueprints'
#: apps and Pydantic models use themselves.
RESERVED_NAMES = frozenset(
    set(keyword.kwlist)
    | set(getattr(keyword, "softkwlist", ()))
    | {n.lower() for n in dir(builtins)}
    | {
        *("id", "self", "cls", "app", "analytics", "metrics", "test", "tests", "main", "streamlit", "fastapi"),
        *("pydantic", "router", "routers", "models", "schemas", "schema", "data", "config", "settings", "st", "pd"),
        *("np", "pytest", "client", "request", "response", "db", "dict", "json", "copy", "fields", "validate"),
        *("construct", "item", "items", "values", "keys", "index", "row", "rows", "columns"),
    }
)
#: Standard-library module names: avoided where a name may become a module name (API resources).
MODULE_NAMES = frozenset(sys.stdlib_module_names)


def fold(text: str) -> str:
    """ASCII-fold (café -> cafe) so identifiers never hold non-ASCII letters."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def safe_ident(text: str, fallback: str = "record", suffix: str = "entry", module: bool = False) -> str:
    """A snake_case identifier from any text, never a keyword, builtin or reserved name (nor a stdlib module)."""
    reserved = RESERVED_NAMES | MODULE_NAMES if module else RESERVED_NAMES
    words = re.findall(r"[a-z0-9]+", fold(text).lower())
    name = "_".join(words).lstrip("0123456789_")
    name = (name or fallback)[:40].rstrip("_")
    if name.startswith("model_"):
        name = "the_" + name
    if name in reserved:
        name = f"{name}_{suffix}"
    name = name[:40].rstrip("_")
    return name if IDENT_RE.match(name) and name not in reserved else fallback


_IRREGULAR_PLURALS = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "analysis": "analyses",
    "criterion": "criteria",
    "data": "data",
    "series": "series",
    "news": "news",
    "species": "species",
    "staff": "staff",
}
_IRREGULAR_SINGULARS = {v: k for k, v in _IRREGULAR_PLURALS.items()}


def plural(noun: str) -> str:
    """Plural of a singular English noun phrase (its last word), by rule."""
    head, sep, last = noun.rpartition(" ")
    low = last.lower()
    if low in _IRREGULAR_PLURALS:
        word = _IRREGULAR_PLURALS[low]
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        word = last[:-1] + "ies"
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    if last[:1].isupper():
        word = word[:1].upper() + word[1:]
    return head + sep + word


def singular(noun: str) -> str:
    """Singular of an English noun phrase (its last word), by rule."""
    head, sep, last = noun.rpartition(" ")
    low = last.lower()
    if low in _IRREGULAR_SINGULARS:
        word = _IRREGULAR_SINGULARS[low]
    elif len(low) <= 3 or low.endswith(("ss", "us", "is", "ics")):
        word = last
    elif low.endswith("ies") and len(low) > 4:
        word = last[:-3] + "y"
    elif low.endswith(("ches", "shes", "xes", "zzes", "sses")):
        word = last[:-2]
    elif low.endswith("s"):
        word = last[:-1]
    else:
        word = last
    return head + sep + word


def human(name: str) -> str:
    """An identifier read back as words: `payment_link` -> `payment link`."""
    return name.replace("_", " ").strip()


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name (IT, B2B, Mill Lane)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def article(noun: str) -> str:
    """The noun with its indefinite article, by sound where spelling is a fair guess."""
    low = noun.lower()
    vowel = low[:1] in "aeiou" and not low.startswith(("uni", "use", "usu", "eu", "one"))
    vowel = vowel or low.startswith(("hour", "honest", "honour", "heir"))
    return f"{'an' if vowel else 'a'} {noun}"


def cut(text: str, limit: int) -> str:
    """Shorten at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return (head or text[: limit - 1]) + "…"


def join_words(items: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"


class SafeFormat(dict):  # type: ignore[type-arg]
    """str.format_map mapping that leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_in(template: str, **values: Any) -> str:
    """Fill a brief.yml template's {placeholders}; unknown ones stay visible; whitespace collapsed."""
    return " ".join(str(template).format_map(SafeFormat(values)).split())


def render(template: str, **values: Any) -> str:
    """Fill a brief.yml sentence template, first letter capitalised."""
    return cap(fill_in(template, **values))


def load_yaml(path: Path) -> dict[str, Any]:
    """A plugin's own data file (brief.yml, blueprint.yml) as a dict; empty when missing."""
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def declared_events(folder: Path) -> dict[str, dict[str, str]]:
    """The events a blueprint declares, name -> {property: type}; accepts the old one-line form (no properties)."""
    path = folder / "blueprint.yml"
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _declared_events(path, stamp)


@functools.lru_cache(maxsize=32)
def _declared_events(path: Path, stamp: int) -> dict[str, dict[str, str]]:
    """Parsed once per file version (`stamp`, the cache key): YAML parsing costs more than a whole plan."""
    events = load_yaml(path).get("events") or {}
    out: dict[str, dict[str, str]] = {}
    for name, spec in events.items():
        props = spec.get("properties") if isinstance(spec, dict) else None
        out[str(name)] = {str(k): str(v) for k, v in (props or {}).items()}
    return out


def seconds_of(amount: float, unit: str | None) -> float | None:
    """A duration in seconds from an amount and a time unit ('min', 'hours', 'h', 'days'); None if not a time."""
    unit = (unit or "").lower().rstrip(".")
    for names, factor in TIME_UNITS:
        if unit in names:
            return amount * factor
    return None


#: Time units: spellings -> seconds. General English, not any statement's words.
TIME_UNITS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("s", "sec", "secs", "second", "seconds"), 1),
    (("min", "mins", "minute", "minutes"), 60),
    (("h", "hr", "hrs", "hour", "hours"), 3600),
    (("d", "day", "days"), 86400),
    (("wk", "week", "weeks"), 7 * 86400),
)


def anchor_time(kit: PlanKit) -> datetime:
    """'Now' in the sample data: a fixed weekday morning in 2026 derived from the statement (never the clock)."""
    days = kit.reading.seed("anchor") % 200
    moment = datetime(2026, 2, 2, 9, 0) + timedelta(days=days)
    while moment.weekday() >= 5:  # a working day reads better in a demo
        moment += timedelta(days=1)
    return moment


def code_prefix(label: str) -> str:
    """Upper-case initials of a label for record codes: 'pick order' -> 'PO', 'invoice' -> 'INV'."""
    words = re.findall(r"[a-z]+", fold(label).lower())
    if len(words) > 1:
        return "".join(w[0] for w in words[-3:]).upper()
    word = words[0] if words else "ref"
    consonants = word[0] + re.sub("[aeiou]", "", word[1:])
    return (consonants if len(consonants) >= 3 else word)[:3].upper()


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


# --- kinds of things and their sample values (general English word classes, not any statement's vocabulary) -------

#: Head nouns naming a place: sample values are Faker city names.
PLACE_NOUNS = words(
    "site store branch location city town region depot warehouse clinic office restaurant school hospital venue shop"
    " plant farm hotel property building campus factory station park library pharmacy practice centre center garage"
    " bakery workshop kitchen yard port"
)
#: Head nouns naming a part of a place, named by letter in real life ('Zone B', 'Dock C').
SUBDIVISION_NOUNS = words("zone area aisle section bay ward wing dock gate line lane block floor route")
#: Head nouns naming an organisation: sample values are Faker company names.
ORG_NOUNS = words(
    "supplier vendor carrier company partner client contractor manufacturer firm agency brand bank insurer"
    " landlord distributor wholesaler retailer employer provider merchant courier"
)
#: Head nouns naming a moment or slot: sample values are datetimes.
TIME_NOUNS = words(
    "shift slot week day period month date deadline eta time arrival departure schedule window timeslot season term"
    " quarter year"
)
#: Head nouns naming a device or system: natural keys are serial numbers.
DEVICE_NOUNS = words("machine device sensor meter scanner printer vehicle truck van robot pump charger")
#: Words that mark a state as the problem case (late, no-show, failed ...).
PROBLEM_WORDS = words(
    "late overdue delayed missed failed failing rejected blocked expired cancelled canceled absent unpaid broken"
    " error exception risk low empty stuck lost damaged declined disputed flagged urgent critical no-show"
)
#: Problem words that are about time: records in that state are past their due time.
LATENESS_WORDS = words("late overdue delayed expired")


#: Head nouns that name a property of the noun before them ("pupil attendance", "stock level", "loan application
#: status"): the record is the owner, the property is one of its fields. General English.
ATTRIBUTE_HEADS = words("status state progress availability attendance level levels occupancy")
#: Head nouns of an amount measured of something ("milk yield per cow", "electricity use per building").
MEASURE_HEADS = words("yield use usage consumption output volume revenue sales spend throughput turnover")
#: Head nouns of identifiers ("tracking numbers"): a field of the record they identify, never a record.
IDENTIFIER_NOUNS = words("number id code reference identifier serial")
#: Head nouns of a limit or goal ("output target", "budget"): a number field of the record it belongs to.
LIMIT_NOUNS = words("target range limit threshold budget quota goal")
#: Head nouns of a graded judgement ("sorted by risk", "ticket priority"): High, Medium or Low, never a record.
GRADE_NOUNS = words("risk priority severity urgency importance impact likelihood criticality")
GRADES = ["High", "Medium", "Low"]
#: Head nouns of text someone writes on a record ("with notes on each", "record findings"): free text.
TEXT_NOUNS = words("note comment finding reason remark feedback description explanation rationale justification")
#: Head nouns of an amount of money ("campaign spend", "amount"): a money field of the record.
MONEY_NOUNS = words(
    "amount spend cost price fee charge balance total premium fare salary wage value sale revenue turnover"
)
#: Head nouns of another measured amount ("kWh consumption", "portion size", "rainfall"): a number of the record.
AMOUNT_NOUNS = words(
    "use usage consumption output volume throughput yield size dose discrepancy rainfall waste length height depth"
    " quantity"
)
#: Head nouns of a step in a sequence ("by stage"): plain steps rather than records coded "STG-11128".
ORDINAL_NOUNS = words("stage step phase tier")
SEQUENCE_STEPS = ["New", "In progress", "Final", "Done"]
#: Head nouns of an event that happens to a record ("interview", "last visit"): when it is, a date and time.
EVENT_NOUNS = words(
    "visit call interview screening appointment meeting inspection vaccination exam check check-in checkout check-out"
    " session renewal"
)
#: Head nouns of a rate ("scrap rate", "machine uptime"): a percentage of the record; an hourly rate is money.
RATE_NOUNS = words("rate ratio uptime downtime utilisation utilization percentage proportion margin")
#: Head nouns of a score or rating ("quiz scores", "low ratings"): a number on its usual scale, (low, high).
SCORE_NOUNS: dict[str, tuple[float, float]] = {"score": (0, 100), "rating": (1, 5)}
#: Measures where more is better ("machine uptime", "open rate"): the worst rows are the lowest.
BETTER_HIGH = words("uptime utilisation utilization margin score rating")
#: Modifiers of a rate that is not a share: "flow rate" (l/s), "exchange rate", "heart rate" (bpm).
PHYSICAL_RATE_WORDS = words("flow exchange heart pulse breathing respiratory bit frame data sample refresh feed pump")
#: Modifiers that make a rate a price: "hourly rate", "day rate".
PRICE_RATE_WORDS = words("hourly daily day nightly night weekly monthly room")


def value_kind(thing: Any) -> str | None:
    """How a value noun is written: 'grade' (High/Medium/Low), 'text', 'money', 'percent', 'score', 'amount',
    'ordinal' (a step in a sequence) or 'event' (a date and time); None for a record.

    "Sorted by risk, with notes on each" names a grade and a text of every row, not risk records coded "RSK-36381".
    """
    head = head_word(thing.label)
    if head in GRADE_NOUNS:
        return "grade"
    if head in TEXT_NOUNS:
        return "text"
    if head in MONEY_NOUNS:
        return "money"
    if head in SCORE_NOUNS:
        return "score"
    if head in AMOUNT_NOUNS:
        return "amount"
    if head in ORDINAL_NOUNS:
        return "ordinal"
    if head in EVENT_NOUNS:
        return "event"
    if head in RATE_NOUNS:
        modifiers = set(re.findall(r"[a-z]+", fold(thing.label).lower())[:-1])
        if modifiers & PHYSICAL_RATE_WORDS:
            return None  # "flow rate", "heart rate": a physical rate, its unit is the statement's to name
        return "money" if modifiers & PRICE_RATE_WORDS else "percent"
    return None


#: Nouns for a way of showing records ("an overview of overdue loans"): never the record itself.
DISPLAY_NOUNS = words("overview board dashboard view screen report list table chart page summary tool way app")


def owner_of(thing: Any) -> Any:
    """The record a property belongs to: 'pupil attendance' -> a 'pupil' Thing; None if not a property phrase."""
    from scaffolder.planners.reading import Thing

    tokens = thing.label.split()
    if len(tokens) < 2 or head_word(thing.label) not in ATTRIBUTE_HEADS:
        return None
    label = singular(" ".join(tokens[:-1]))
    if head_word(label) in ATTRIBUTE_HEADS:
        return None
    return Thing(name=safe_ident(label), label=label, plural_label=plural(label), plural=safe_ident(plural(label)))


def state_values(reading: Reading) -> set[str]:
    """Every state value the statement names, folded: a thing spelled like one ('no-shows') is a state, not a record."""
    return {singular(fold(v).lower()) for s in reading.states for v in (s.value, *s.values)}


def head_word(label: str) -> str:
    """The last word of a noun phrase, singular and lower case: 'pick orders' -> 'order'."""
    words = re.findall(r"[a-z]+", fold(label).lower())
    return singular(words[-1]) if words else ""


def gerund_preposition(reading: Reading, action: Any) -> str | None:
    """The preposition before an action written as an -ing form: 'before' in 'before opening an account', 'of' in
    'instead of emailing'; None when it is not a gerund ('meters reporting litres', 'book a room')."""
    first = fold(action.text.split()[0]).lower() if action.text.split() else ""
    if not first.endswith("ing") or first == fold(action.verb).lower():
        return None
    found = re.search(rf"\b((?:instead\s+|rather\s+)?[a-z]+)\s+{re.escape(first)}\b", fold(reading.statement).lower())
    if found is None or found.group(1).split()[-1] not in GERUND_PREPOSITIONS:
        return None
    return " ".join(found.group(1).split())


#: Prepositions that take an -ing form: "before opening", "by describing", "instead of emailing", "on resetting".
GERUND_PREPOSITIONS = words("before after by for without of while when from about on with in")


def thing_class(thing: Any) -> str:
    """person, org, place, subdivision, time, device or record: decides how sample values look."""
    head = head_word(thing.label)
    if getattr(thing, "is_person", False):
        return "person"
    if getattr(thing, "is_org", False):
        return "org"
    for cls, nouns in (
        ("org", ORG_NOUNS),
        ("place", PLACE_NOUNS),
        ("subdivision", SUBDIVISION_NOUNS),
        ("time", TIME_NOUNS),
        ("device", DEVICE_NOUNS),
    ):
        if head in nouns:
            return cls
    return "device" if getattr(thing, "is_system", False) else "record"


def is_problem(value: str) -> bool:
    """Whether a state value names the problem case ('Late', 'No-show', 'Not approved')."""
    low = fold(value).lower()
    tokens = re.findall(r"[a-z]+(?:-[a-z]+)*", low)
    return low.startswith(("no ", "not ", "un", "no-")) or any(w in PROBLEM_WORDS for w in tokens)


def problem_value(values: tuple[str, ...] | list[str], named: str | None = None) -> str:
    """The value that is the problem case: a problem word if any, else the value the statement named."""
    for value in values:
        if is_problem(value):
            return value
    return named if named in values else (values[0] if values else "")


def distinct(make: Any, count: int, tries: int = 50) -> list[str]:
    """`count` distinct values from a Faker call (names, companies); fewer only if Faker keeps repeating."""
    out: list[str] = []
    for _ in range(tries):
        if len(out) >= count:
            break
        value = str(make())
        if value not in out:
            out.append(value)
    return out


def sample_values(kit: PlanKit, thing: Any, count: int, salt: str = "") -> list[str]:
    """`count` distinct realistic values naming records of `thing`: people, companies, places or codes."""
    faker = kit.faker
    cls = thing_class(thing)
    if cls == "person":
        return distinct(faker.name, count)
    if cls == "org":
        return distinct(faker.company, count)
    if cls == "place":
        return distinct(faker.city, count)
    if cls == "subdivision":
        word = cap(head_word(thing.label))
        return [f"{word} {chr(ord('A') + i)}" for i in range(min(count, 26))]
    rng = kit.rng("codes", thing.name, salt)
    prefix = code_prefix(thing.label)
    if cls == "device":
        return distinct(lambda: f"{prefix}-{rng.randint(1000, 9999)}", count)
    return distinct(lambda: f"{prefix}-{rng.randint(10000, 99999)}", count)


# --- quantities ----------------------------------------------------------------------------------------------------

#: Unit spellings -> (display unit, default low, high, decimals). General English and SI, for sample ranges.
UNIT_RANGES: tuple[tuple[tuple[str, ...], str, float, float, int], ...] = (
    (("min", "mins", "minute", "minutes"), "min", 0, 120, 0),
    (("h", "hr", "hrs", "hour", "hours"), "h", 0, 24, 1),
    (("s", "sec", "secs", "second", "seconds"), "s", 0, 600, 0),
    (("d", "day", "days"), "days", 0, 30, 0),
    (("week", "weeks"), "weeks", 0, 12, 0),
    (("kwh",), "kWh", 0, 400, 1),
    (("mwh",), "MWh", 0, 50, 2),
    (("kw",), "kW", 0, 150, 1),
    (("w", "watt", "watts"), "W", 0, 3000, 0),
    (("°c", "c", "celsius", "degc", "degrees"), "°C", 4, 85, 1),
    (("°f", "f", "fahrenheit"), "°F", 40, 185, 1),
    (("kg", "kilo", "kilos", "kilogram", "kilograms"), "kg", 0, 500, 1),
    (("g", "gram", "grams"), "g", 0, 1000, 0),
    (("t", "tonne", "tonnes", "ton", "tons"), "t", 0, 40, 1),
    (("km", "kilometre", "kilometres", "kilometer", "kilometers"), "km", 0, 300, 1),
    (("mi", "mile", "miles"), "mi", 0, 200, 1),
    (("m", "metre", "metres", "meter", "meters"), "m", 0, 100, 1),
    (("l", "litre", "litres", "liter", "liters"), "l", 0, 1000, 1),
    (("%", "percent", "per cent", "pct"), "%", 0, 100, 1),
    (("rpm",), "rpm", 0, 12000, 0),
    (("bar",), "bar", 0, 10, 2),
    (("psi",), "psi", 0, 150, 1),
)
#: Defaults by quantity kind when the unit says nothing: (low, high, decimals).
KIND_RANGES: dict[str, tuple[float, float, int]] = {
    "money": (5, 2500, 2),
    "percent": (0, 100, 1),
    "duration": (0, 120, 0),
    "count": (0, 200, 0),
    "temperature": (4, 85, 1),
    "number": (0, 100, 1),
}


@dataclass(frozen=True)
class Measure:
    """How to show and sample one quantity: its unit, range and precision."""

    unit: str | None
    low: float
    high: float
    decimals: int

    def sample(self, rng: Any, low: float | None = None, high: float | None = None) -> float | int:
        lo = self.low if low is None else max(self.low, low)
        hi = self.high if high is None else min(self.high, high)
        value = rng.uniform(lo, max(lo, hi))
        return round(value) if self.decimals == 0 else round(value, self.decimals)


def measure(quantity: Any) -> Measure:
    """The unit and sample range of a Quantity: its own low/high when the reading gives them, else by unit or kind."""
    unit = (quantity.unit or "").strip()
    display: str | None = unit or None
    low, high, decimals = KIND_RANGES.get(quantity.kind, KIND_RANGES["number"])
    for names, shown, lo, hi, dec in UNIT_RANGES:
        if unit.lower() in names:
            display, low, high, decimals = shown, lo, hi, dec
            break
    if quantity.kind == "money":
        decimals = 2
    if quantity.low is not None:
        low = float(quantity.low)
    if quantity.high is not None and float(quantity.high) > low:
        high = float(quantity.high)
    return Measure(unit=display, low=low, high=high, decimals=decimals)


def target_seconds(reading: Reading) -> float | None:
    """A time limit the statement sets ('within 2 hours', 'in under 10 minutes') in seconds, if any."""
    limit = re.compile(
        r"\b(?:within|under|in less than|no more than|at most|inside)\s+(an?|half an?|[\d.]+)\s+([a-z]+)"
    )
    texts = [*reading.frames, reading.statement]
    for text in texts:
        match = limit.search(fold(text).lower())
        if match:
            amount_text, unit = match.groups()
            amount = {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5}.get(amount_text)
            if amount is None:
                try:
                    amount = float(amount_text)
                except ValueError:
                    continue
            seconds = seconds_of(amount, unit)
            if seconds:
                return seconds
    return None


def target_share(reading: Reading) -> float | None:
    """A share the statement sets as a goal ("80% of questions answered", "at least 90 percent"), as 0..1.

    A change ("cut no-shows by 30%") is no share of anything, so it is not a target for a conversion."""
    text = fold(reading.statement).lower()
    for match in re.finditer(r"(\b(?:by|to)\s+)?(\d+(?:\.\d+)?)\s?(?:%|percent\b)(\s+of\b)?", text):
        before = text[max(0, match.start() - 14) : match.start()]
        goal = match.group(3) or re.search(r"(at least|over|more than|above|up to)\s*$", before)
        if (match.group(1) and match.group(1).strip() == "by") or not goal:
            continue
        share = float(match.group(2)) / 100
        if 0 < share <= 1:
            return round(share, 2)
    return None


def per_day(reading: Reading) -> float | None:
    """How often something happens in a day, from 'every 15 minutes', 'hourly', 'twice a day' (None if unsaid)."""
    texts = [fold(t).lower() for t in [*reading.frames, reading.statement]]
    for text in texts:
        every = re.search(r"\bevery\s+(\d+(?:\.\d+)?\s+)?([a-z]+)", text)
        if every:
            seconds = seconds_of(float(every.group(1) or 1), every.group(2))
            if seconds:
                return 86400 / seconds
        times = re.search(r"\b(once|twice|\d+ times)\s+(?:a|an|per)\s+(day|hour)\b", text)
        if times:
            count = {"once": 1.0, "twice": 2.0}.get(times.group(1)) or float(times.group(1).split()[0])
            return count * (24 if times.group(2) == "hour" else 1)
        if re.search(r"\bhourly\b", text):
            return 24.0
    return None


def duration_words(seconds: float) -> str:
    """7200 -> 'two hours', 90 -> '90 seconds', 600 -> 'ten minutes'."""
    small = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]

    def say(n: float, unit: str) -> str:
        whole = round(n)
        number = small[whole] if whole < len(small) else str(whole)
        return f"{number} {unit}{'' if whole == 1 else 's'}"

    if seconds >= 86400 and seconds % 86400 == 0:
        return say(seconds / 86400, "day")
    if seconds >= 3600 and seconds % 1800 == 0:
        return "half an hour" if seconds == 1800 else say(seconds / 3600, "hour")
    if seconds >= 120 and seconds % 60 == 0:
        return say(seconds / 60, "minute")
    return say(seconds, "second")


# --- the brief from brief.yml ----------------------------------------------------------------------------------------


def brief_from_templates(
    kit: PlanKit,
    keys: list[str],
    values: dict[str, Any],
    events: dict[str, dict[str, str]],
    targets: dict[str, float] | None = None,
    where: dict[str, dict[str, Any]] | None = None,
    variant: str | None = None,
) -> tuple[list[Hypothesis], list[Indicator]]:
    """Hypotheses and indicators for `keys`, from the blueprint's brief.yml templates.

    `variant` picks sentences from `hypotheses_<variant>` where brief.yml has them (e.g. a statement with no state).

    An indicator whose event the blueprint does not declare is left out (with its hypothesis); a `where` property
    the event does not declare is dropped, so a plan never names an event or property the prototype does not record.
    """
    from scaffolder.plan import Hypothesis, Indicator

    templates = kit.brief
    hypotheses: list[Hypothesis] = []
    indicators: list[Indicator] = []
    targets = targets or {}
    where = where or {}
    for key in keys:
        spec = (templates.get("indicators") or {}).get(key)
        sentence = (templates.get(f"hypotheses_{variant}") or {}).get(key) if variant else None
        sentence = sentence or (templates.get("hypotheses") or {}).get(key)
        if not spec:
            continue
        event, of_event = spec["event"], spec.get("of_event")
        if events and (event not in events or (of_event and of_event not in events)):
            continue
        filters = {**(spec.get("where") or {}), **where.get(key, {})}
        filters = {
            k: (fill_in(v, **values) if isinstance(v, str) else v)
            for k, v in filters.items()
            if not events or k in events.get(event, {})
        }
        indicator = Indicator(
            id=safe_ident(fill_in(spec.get("id", key), **values), key),
            name=cut(render(spec["name"], **values), 80),
            kind=spec["kind"],
            event=event,
            of_event=of_event,
            where=filters,
            target=float(targets.get(key, spec["target"])),
            direction=spec.get("direction", "at_least"),
        )
        if any(i.id == indicator.id for i in indicators):
            continue
        indicators.append(indicator)
        if sentence:
            hypotheses.append(Hypothesis(belief=cut(render(sentence, **values), 400), indicator=indicator.id))
    return hypotheses, indicators


#: Held while a module is imported by path: batch plans on threads, and a half-imported module must not be seen.
_IMPORT_LOCK = threading.Lock()


def load_module(name: str, path: Path) -> Any:
    """Import a bundled file as module `name` once (registered in sys.modules, as dataclasses need), thread-safely."""
    import importlib.util

    with _IMPORT_LOCK:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


def load_planner(folder: Path) -> Any:
    """A bundled blueprint's `planner.py`, imported as a module."""
    return load_module(f"scaffold_blueprint_planner_{safe_ident(folder.name, 'blueprint')}", folder / "planner.py")
