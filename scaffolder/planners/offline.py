"""The offline planner: a deterministic reading of the statement with word lists, no network and no model.

It is the default when no LLM is configured and the fallback when the LLM fails, so it must always return a valid
Plan, quickly, for any text. Everything it writes is derived from the statement's own words (resources, columns,
intents, names); the word lists in `lexicon.py` only supply cues, nominalisations and plausible sample values.
Variety in sample data comes from a SHA-256 of the statement, never from the clock or Python's hash seed.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scaffolder.plan import Brief, Hypothesis, Indicator, Plan, Provenance, slugify
from scaffolder.planners import lexicon as lx

if TYPE_CHECKING:
    from scaffolder.catalog import Blueprint, Catalog

IDENT_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

#: Names that would break or shadow something in generated code: keywords, builtins, stdlib modules, and names the
#: blueprints' apps and Pydantic models use themselves.
RESERVED_NAMES = frozenset(
    set(keyword.kwlist)
    | set(getattr(keyword, "softkwlist", ()))
    | {n.lower() for n in dir(builtins)}
    | {
        "id",
        "self",
        "cls",
        "app",
        "analytics",
        "metrics",
        "test",
        "tests",
        "main",
        "streamlit",
        "fastapi",
        "pydantic",
        "router",
        "routers",
        "models",
        "schemas",
        "schema",
        "data",
        "config",
        "settings",
        "st",
        "pd",
        "np",
        "pytest",
        "client",
        "request",
        "response",
        "db",
        "dict",
        "json",
        "copy",
        "fields",
        "validate",
        "construct",
        "item",
        "items",
        "values",
        "keys",
        "index",
        "row",
        "rows",
        "columns",
    }
)
#: Standard-library module names: avoided for API resources, whose names may become module names.
MODULE_NAMES = frozenset(sys.stdlib_module_names)


# --- text helpers --------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """ASCII-fold (café -> cafe) so identifiers never hold non-ASCII letters."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def safe_ident(text: str, fallback: str = "record", suffix: str = "entry", module: bool = False) -> str:
    """A snake_case identifier from any text, never a keyword, builtin or reserved name (nor a stdlib module)."""
    reserved = RESERVED_NAMES | MODULE_NAMES if module else RESERVED_NAMES
    words = re.findall(r"[a-z0-9]+", _fold(text).lower())
    name = "_".join(words).lstrip("0123456789_")
    if not name:
        name = fallback
    name = name[:40].rstrip("_")
    if name.startswith("model_"):
        name = "the_" + name
    if name in reserved:
        name = f"{name}_{suffix}"
    name = name[:40].rstrip("_")
    return name if IDENT_RE.match(name) and name not in reserved else fallback


def singular(word: str) -> str:
    """Singular of an English noun, by rule (good enough for nouns in problem statements)."""
    irregular = {
        "people": "person",
        "children": "child",
        "men": "man",
        "women": "woman",
        "criteria": "criterion",
        "analyses": "analysis",
        "data": "data",
        "series": "series",
        "news": "news",
        "species": "species",
    }
    if word in irregular:
        return irregular[word]
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zzes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("'s"):
        return word[:-1]
    return word


def plural(word: str) -> str:
    """Plural of a singular English noun (last part of a snake_case name)."""
    irregular = {
        "person": "people",
        "child": "children",
        "analysis": "analyses",
        "criterion": "criteria",
        "quiz": "quizzes",
        "data": "data",
        "series": "series",
        "news": "news",
    }
    if word in irregular:
        return irregular[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _cut(text: str, limit: int) -> str:
    """Shorten at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return (cut or text[: limit - 1]) + "…"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (IT, B2B)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _a(noun: str) -> str:
    """The noun with its indefinite article (by spelling: good enough for generated prose)."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _human(name: str) -> str:
    """An identifier read back as words: `payment_link` -> `payment link`."""
    return name.replace("_", " ")


def _seed(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")


# --- reading the statement -----------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[,;:.!?()]")
PUNCT = frozenset(",;:.!?()")
BE_WORDS = lx.words("be been being is are was were am get gets got getting")
VERB_TRIGGERS = lx.words(
    "to can can't cannot could should would will must may might and or , then also we they i you that who not somewhere"
)
TRAILING_JUNK = lx.words("back instead top bottom front later now")
PRONOUNS = lx.words("it its they them their theirs themselves we us our you your i me my he she his her")


@dataclass
class Tok:
    text: str  # as written (possessive 's removed)
    low: str  # ASCII-folded lower case
    poss: bool = False

    @property
    def word(self) -> bool:
        return self.low not in PUNCT and bool(self.low)


def tokenize(statement: str) -> list[Tok]:
    tokens = []
    for raw in TOKEN_RE.findall(statement[:4000]):
        text = raw.replace("’", "'")
        poss = False
        if text.lower().endswith("'s") and len(text) > 2:
            text, poss = text[:-2], True
        elif text.endswith("'") and len(text) > 1:
            text, poss = text[:-1], True
        low = _fold(text).lower().strip("'-")
        if not low and raw not in PUNCT:
            low = "x"  # a word in a script we cannot fold: keep its place, it will never become a name
        tokens.append(Tok(text=text, low=low or raw, poss=poss))
    return tokens


def verb_lemma(word: str) -> str | None:
    """The base form if `word` is a known verb or one of its inflections."""
    if word in lx.IRREGULAR_VERBS:
        return lx.IRREGULAR_VERBS[word]
    if word in lx.VERBS:
        return word
    candidates = []
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            candidates += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                candidates.append(stem[:-1])
            if stem.endswith("i"):
                candidates.append(stem[:-1] + "y")
    for stem in candidates:
        if stem in lx.VERBS:
            return stem
    return None


@dataclass
class Phrase:
    """A noun phrase: its words (lower case), as written, and where it starts."""

    words: list[str]
    texts: list[str]
    start: int
    poss: bool = False

    @property
    def head(self) -> str:
        return singular(self.words[-1])

    def name(self, max_words: int = 2) -> str:
        words = [*self.words[-max_words:-1], self.head] if max_words > 1 else [self.head]
        while len(words) > 1 and (words[0] in lx.CHANNEL_NOUNS or words[0] in lx.ACTORS):
            words = words[1:]
        return "_".join(w.replace("-", "_") for w in words)

    def text(self, max_words: int = 0) -> str:
        return " ".join(self.texts[-max_words:] if max_words else self.texts)


@dataclass
class Reading:
    """What the planner understood of a statement."""

    statement: str
    tokens: list[Tok]
    subject: str | None
    rest: list[Tok]
    verbs: dict[int, str] = field(default_factory=dict)  # index in rest -> lemma
    passive: set[int] = field(default_factory=set)
    phrases: list[Phrase] = field(default_factory=list)


def _is_adverb(word: str) -> bool:
    return word.endswith("ly") and len(word) > 5 and word not in {"supply", "family", "assembly", "anomaly"}


def read(statement: str) -> Reading:
    """Split the statement into its subject (the target users) and the rest, tag verbs and collect noun phrases."""
    tokens = tokenize(statement)
    subject_end = None
    for i, tok in enumerate(tokens[:9]):
        if tok.low in PUNCT:
            break
        if i > 0 and (tok.low in lx.SUBJECT_END or tok.low.endswith("n't")):
            subject_end = i
            break
    subject = None
    rest = tokens
    if subject_end:
        words = [t.text + ("'s" if t.poss else "") for t in tokens[:subject_end]]
        while words and words[0].lower() in {"our", "the", "a", "an", "some", "many", "most", "all", "my", "their"}:
            words = words[1:]
        if words and any(_fold(w).strip() for w in words):
            subject = _cut(_cap(" ".join(words)), 80)
        rest = tokens[subject_end:]
    reading = Reading(statement=statement, tokens=tokens, subject=subject, rest=rest)
    _tag(reading)
    return reading


def _tag(r: Reading) -> None:
    rest = r.rest
    for i, tok in enumerate(rest):
        if not tok.word:
            continue
        lemma = verb_lemma(tok.low)
        if lemma is None:
            continue
        prev = rest[i - 1].low if i > 0 else "to"
        nxt = rest[i + 1].low if i + 1 < len(rest) else ""
        if i == 0 and tok.low in lx.SUBJECT_END:
            r.verbs[i] = lemma
            continue
        if tok.low.endswith(("ed", "en")) or tok.low in lx.IRREGULAR_VERBS:
            if prev in BE_WORDS:
                r.verbs[i] = lemma
                r.passive.add(i)
                continue
            if tok.low in lx.ADJECTIVES or (nxt and nxt not in lx.STOPWORDS and nxt not in PUNCT):
                continue  # a participle used as an adjective: "estimated bills"
        if lemma in lx.NOUNISH_VERBS and prev not in VERB_TRIGGERS and prev not in lx.SUBJECT_END:
            continue
        if tok.low in lx.ADJECTIVES:
            continue
        r.verbs[i] = lemma
    current: Phrase | None = None
    for i, tok in enumerate(rest):
        content = (
            tok.word
            and i not in r.verbs
            and tok.low not in lx.STOPWORDS
            and tok.low not in lx.ADJECTIVES
            and not _is_adverb(tok.low)
            and not tok.low.isdigit()
            and re.search("[a-z]", tok.low) is not None
        )
        if not content:
            current = None
            continue
        if current is None:
            current = Phrase(words=[], texts=[], start=i)
            r.phrases.append(current)
        current.words.append(tok.low)
        current.texts.append(tok.text)
        if tok.poss:
            current.poss = True
            current = None
    for p in r.phrases:
        while len(p.words) > 1 and p.words[-1] in TRAILING_JUNK:
            p.words.pop()
            p.texts.pop()


def _is_actor(word: str) -> bool:
    if word in lx.ACTORS:
        return True
    if word in lx.THING_ER or singular(word) in lx.THING_ER:
        return False
    return word.endswith(("er", "ers", "or", "ors", "ist", "ists", "ian", "ians")) and len(word) > 4


# --- blueprint choice ----------------------------------------------------------------------------------------------


#: Words of a `use_when` sentence that say nothing about the kind of prototype.
WEAK_USE_WHEN = lx.words("people need needs want wants data team teams their them they themselves words")


def _inflections(word: str) -> set[str]:
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 2 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou":
        forms |= {word + word[-1] + "ing", word + word[-1] + "ed"}
    return forms


def _matches(cue: str, lows: list[str], joined: str) -> bool:
    if " " in cue:
        return f" {cue} " in joined
    if len(cue) >= 6 and not cue.isalpha():
        return cue in lows
    forms = _inflections(cue)
    return any(w in forms or (len(cue) >= 7 and w.startswith(cue)) for w in lows)


def _by_categories(lows: list[str]) -> list[str]:
    """Words after `per`, `by`, `for each` or `each` that name a grouping (not `by its`, not `by asking`)."""
    found = []
    for i, w in enumerate(lows[:-1]):
        if w in {"per", "by", "each"} or (w == "for" and lows[i + 1] == "each"):
            j = i + 2 if w == "for" else i + 1
            if j >= len(lows):
                continue
            nxt = lows[j]
            if nxt in PRONOUNS or nxt in lx.STOPWORDS - {"day", "week", "month", "quarter", "year"} or nxt in PUNCT:
                continue
            if nxt.endswith("ing") or verb_lemma(nxt) in lx.VERBS - lx.NOUNISH_VERBS:
                continue
            found.append(nxt)
    return found


def score_blueprints(statement: str, catalog: Catalog) -> list[tuple[str, float, list[str]]]:
    """Every selectable blueprint with its score and the cue words found, best first."""
    lows = [t.low for t in tokenize(statement) if t.low not in PUNCT]
    joined = " " + " ".join(lows) + " "
    scored = []
    for bp in catalog:
        if not IDENT_RE.match(bp.name):
            continue
        score, cues = 0.0, []
        for cue, weight in lx.CUES.get(bp.name, ()):
            if _matches(cue, lows, joined):
                score += weight
                cues.append(cue)
        for kw in bp.keywords:
            if kw and _matches(kw, lows, joined):
                score += 1
                if kw not in cues:
                    cues.append(kw)
        use_words = {
            w
            for w in re.findall(r"[a-z]{4,}", bp.use_when.lower())
            if w not in lx.STOPWORDS and w not in lx.SUBJECT_END and w not in WEAK_USE_WHEN
        }
        for w in sorted(use_words):
            if w in lows:
                score += 0.5
                if w not in cues:
                    cues.append(w)
        if bp.name == "streamlit":
            groups = _by_categories(lows)
            score += 2 * len(groups)
            cues += [f"by/per {g}" for g in groups]
        scored.append((bp.name, score, cues))
    order = {name: i for i, name in enumerate(lx.TIE_ORDER)}
    scored.sort(key=lambda s: (-s[1], order.get(s[0], len(order)), s[0]))
    return scored


def choose_blueprint(statement: str, catalog: Catalog) -> tuple[str, str]:
    """The best-scoring blueprint for a statement and one sentence saying why."""
    scored = score_blueprints(statement, catalog)
    if not scored:
        names = catalog.names()
        return (names[0] if names else "streamlit"), "it is the only blueprint available"
    name, score, cues = scored[0]
    if score <= 0:
        fallback = "streamlit" if any(s[0] == "streamlit" for s in scored) else name
        return fallback, "no blueprint's cue words appear in the statement, so the general-purpose screen mock was used"
    others = ", ".join(f"{n} {s:g}" for n, s, _ in scored[1:3])
    cue_text = ", ".join(f"'{c}'" for c in cues[:5])
    return name, f"the statement uses {cue_text} (score {score:g}{'; ' + others if others else ''})"


# --- sample values -------------------------------------------------------------------------------------------------


class Values:
    """Deterministic plausible values, seeded from the statement."""

    def __init__(self, *seed: str) -> None:
        self.rng = random.Random(_seed(*seed))  # noqa: S311 - sample data, not security

    def make(self, generator: str, i: int, prefix: str = "REF") -> Any:
        kind, _, arg = generator.partition(":")
        rng = self.rng
        if kind == "person":
            return lx.PEOPLE[(i * 3 + rng.randrange(len(lx.PEOPLE))) % len(lx.PEOPLE)]
        if kind == "org":
            return lx.ORGS[(i + rng.randrange(len(lx.ORGS))) % len(lx.ORGS)]
        if kind == "product":
            return lx.PRODUCTS[(i + rng.randrange(len(lx.PRODUCTS))) % len(lx.PRODUCTS)]
        if kind == "place":
            return lx.PLACES[(i + rng.randrange(len(lx.PLACES))) % len(lx.PLACES)]
        if kind == "code":
            return f"{prefix}-{10234 + i * 17 + rng.randrange(9)}"
        if kind == "money":
            return round(rng.uniform(40, 2400), 2)
        if kind == "text":
            options = arg.split("|")
            return options[(i + rng.randrange(len(options))) % len(options)]
        if kind == "int":
            lo, hi = (int(x) for x in arg.split(":"))
            return rng.randint(lo, hi)
        if kind == "float":
            lo, hi = (float(x) for x in arg.split(":"))
            return round(rng.uniform(lo, hi), 2)
        if kind == "date":
            return (date(2026, 2, 2) + timedelta(days=i * 6 + rng.randrange(5))).isoformat()
        if kind == "datetime":
            moment = datetime(2026, 3, 2, 8, 0) + timedelta(days=i * 2, minutes=15 * rng.randrange(40))
            return moment.isoformat(timespec="minutes")
        if kind == "bool":
            return rng.random() < 0.6
        if kind == "url":
            return f"https://pay.example.com/l/{prefix.lower()}{4821 + i * 37}"
        if kind == "status":
            options = arg.split("|")
            return options[(i + rng.randrange(2)) % len(options)]
        return f"{_cap(arg or 'value')} {i + 1}"


# --- api -----------------------------------------------------------------------------------------------------------


@dataclass
class Resource:
    name: str
    start: int
    phrase: str
    parties: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)


def _api_resources(r: Reading) -> list[Resource]:
    resources: list[Resource] = []
    parties: list[tuple[int, str]] = []
    attributes: list[tuple[int, str]] = []

    def add(name: str, start: int, phrase: str) -> None:
        name = safe_ident(name, "record", "entry", module=True)
        head = name.rsplit("_", 1)[-1]
        if all(res.name.rsplit("_", 1)[-1] != head for res in resources):
            resources.append(Resource(name=name, start=start, phrase=phrase))

    for p in r.phrases:
        head = p.head
        if head in lx.STOPWORDS or head in lx.CHANNEL_NOUNS:
            continue
        if p.poss or _is_actor(p.words[-1]) or _is_actor(head):
            parties.append((p.start + len(p.words) - 1, head))
        elif len(p.words) == 1 and (head in lx.ATTRIBUTE_NOUNS or head in lx.VAGUE_NOUNS):
            if head in lx.ATTRIBUTE_NOUNS:
                attributes.append((p.start, head))
        else:
            add(p.name(), p.start, p.text(2))
    for i in sorted(r.verbs):
        lemma = r.verbs[i]
        nominal = lx.NOMINAL.get(lemma)
        if nominal and (i in r.passive or (lemma in lx.TRANSACTION_VERBS and len(resources) < 2)):
            add(nominal, i, _human(nominal))
    if not resources:
        for i in sorted(r.verbs):
            nominal = lx.NOMINAL.get(r.verbs[i])
            if nominal and nominal not in {"message", "record"}:
                add(nominal, i, _human(nominal))
    if not resources:
        for p in r.phrases:
            if p.head not in lx.STOPWORDS:
                add(p.name(), p.start, p.text())
    if not resources:
        words = [t.low for t in r.tokens if t.word and t.low not in lx.STOPWORDS and re.match("[a-z]", t.low)]
        add(safe_ident(singular(words[0]) if words else "record", "record"), 0, words[0] if words else "record")
    resources = sorted(resources, key=lambda res: res.start)[:3]
    for start, name in parties + attributes:
        nearest = min(resources, key=lambda res: (abs(res.start - start), res.start > start))
        if abs(nearest.start - start) > 4:
            continue  # too far away to be this record's attribute ("route drivers to them")
        target = nearest.parties if (start, name) in parties else nearest.attributes
        if name not in target:
            target.append(name)
    return resources


def _field_specs(res: Resource, first: Resource | None) -> list[tuple[str, str, str]]:
    name = res.name
    head = name.rsplit("_", 1)[-1]
    specs: list[tuple[str, str, str]] = [("reference", "str", "code")]
    specs += list(lx.RESOURCE_FIELDS.get(name) or lx.RESOURCE_FIELDS.get(head) or ())
    if len(specs) == 1:
        for suffix, extra in lx.SUFFIX_FIELDS:
            if name.endswith(suffix):
                specs += list(extra)
                break
    if len(specs) == 1:  # nothing known about this thing: at least give each record a readable name
        specs.append(("name", "str", f"seq:{_human(name)}"))
    statuses = lx.STATUS_VALUES.get(name) or lx.STATUS_VALUES.get(head) or lx.DEFAULT_STATUS
    specs.append(("status", "str", "status:" + "|".join(statuses)))
    if first is not None:
        specs.insert(1, (f"{first.name}_reference"[:40], "str", f"ref:{first.name}"))
    for party in res.parties:
        specs.append((party, "str", lx.PARTY_GENERATORS.get(party, "person" if party in lx.ACTORS else "org")))
    for attribute in res.attributes:
        gen = {
            "registration": "text:AB21 CDE|KX19 LMN|YT70 PRS|LD68 WQE",
            "amount": "money",
            "price": "money",
            "date": "date",
            "deadline": "date",
            "quantity": "int:1:50",
            "level": "text:A1|A2|B1|B2|C1",
            "location": "place",
            "address": "place",
            "risk": "text:low|medium|high",
        }.get(attribute, "text:")
        specs.append((attribute, "int" if gen.startswith("int") else "date" if gen == "date" else "str", gen))
    if not any(s[1] in {"date", "datetime"} for s in specs):
        specs.append(("created_on", "date", "date"))
    if head in lx.MONEY_WORDS and not any(s[0] in {"amount", "price", "total"} for s in specs):
        specs.append(("amount", "float", "money"))
    seen: set[str] = set()
    unique = []
    for spec in specs:
        field_name = safe_ident(spec[0], "detail", "value")
        if field_name in seen:
            continue
        seen.add(field_name)
        unique.append((field_name, spec[1], spec[2]))
    return unique[:6]


def _code_prefix(name: str) -> str:
    head = name.rsplit("_", 1)[-1]
    parts = name.split("_")
    if lx.CODE_PREFIX.get(name) or lx.CODE_PREFIX.get(head):
        return lx.CODE_PREFIX.get(name) or lx.CODE_PREFIX[head]
    if len(parts) > 1:
        return "".join(p[0] for p in parts if p).upper()[:3]
    return (head[0] + re.sub("[aeiou]", "", head[1:])).upper()[:3] or "REF"


def build_api(r: Reading) -> tuple[dict[str, Any], str, list[str]]:
    found = _api_resources(r)
    answers = []
    plurals: set[str] = set()
    for n, res in enumerate(found):
        first = found[0] if n > 0 else None
        specs = _field_specs(res, first)
        values = Values(r.statement, res.name)
        rows = []
        for i in range(3 + _seed(r.statement, res.name) % 3):
            row = {}
            for fname, _, gen in specs:
                if gen.startswith("ref:"):
                    row[fname] = f"{_code_prefix(gen[4:])}-{10234 + i * 17}"
                elif gen == "code":
                    row[fname] = f"{_code_prefix(res.name)}-{10234 + i * 17 + (n * 5)}"
                else:
                    row[fname] = values.make(gen, i, _code_prefix(res.name))
            rows.append(row)
        if first is not None:  # point the dependent records at the first resource's own codes
            for i, row in enumerate(rows):
                row[specs[1][0]] = f"{_code_prefix(first.name)}-{10234 + (i % max(1, len(rows))) * 17}"
        name_parts = res.name.split("_")
        plural_name = safe_ident("_".join([*name_parts[:-1], plural(name_parts[-1])]), "records", module=True)
        if plural_name == res.name or plural_name in plurals:
            plural_name = safe_ident(res.name[:32] + "_records", "records", module=True)
        plurals.add(plural_name)
        description = _cut(f"{_cap(_human(plural_name))} mentioned in the statement ('{res.phrase}').", 200)
        answers.append(
            {
                "name": res.name,
                "plural": plural_name,
                "description": description,
                "fields": [{"name": f, "type": t} for f, t, _ in specs],
                "samples": rows,
            }
        )
    labels = [res.phrase.lower() for res in found[:2]]
    title = " and ".join(labels) if len(" and ".join(labels)) <= 52 else labels[0]
    return {"resources": answers}, f"{_cap(_cut(title, 52))} API", [res.name for res in found[:2]]


# --- streamlit -----------------------------------------------------------------------------------------------------

NOT_ENTITY = lx.words("cash money time board dashboard overview view screen report chart table menu plan")
ENTITY_METRIC = {
    "renewal": "contract",
    "transaction": "amount",
    "dish": "sell",
    "instrument": "booked",
    "product": "stock",
    "repair_job": "oldest",
    "ticket": "timers",
    "fault": "faults",
    "quiz": "score",
    "student": "score",
    "campaign": "spend",
    "machine": "uptime",
    "order": "orders",
    "session": "registrations",
}
DEFAULT_CATEGORY = {
    "instrument": "lab",
    "product": "category",
    "fault": "location",
    "equipment_fault": "location",
    "renewal": "segment",
    "transaction": "vendor",
    "machine": "line",
    "dish": "category",
}


@dataclass
class Column:
    name: str
    label: str
    kind: str
    spec: Any = None


def build_streamlit(r: Reading) -> tuple[dict[str, Any], str, list[str]]:
    lows = [t.low for t in r.rest]
    joined = " " + " ".join(lows) + " "
    metrics: list[Column] = []
    categories: list[Column] = []

    def add_metric(key: str) -> None:
        name, label, lo, hi, dec = lx.METRICS[key]
        if all(c.name != name for c in metrics):
            metrics.append(Column(name, label, "number", (lo, hi, dec)))

    def add_category(word: str) -> None:
        key = lx.CATEGORY_PLURALS.get(word, singular(word))
        name = safe_ident(key, "group", "group")
        if all(c.name != name for c in categories):
            values = lx.CATEGORIES.get(key) or tuple(f"{_cap(_human(name))} {c}" for c in "ABCD")
            categories.append(Column(name, _cap(_human(name)), "category", values))

    # categories after per/by/for each, then category words anywhere
    i = 0
    consumed: set[int] = set()
    for word in _by_categories(lows):
        j = lows.index(word, i) if word in lows[i:] else lows.index(word)
        i = j + 1
        if word in {"day", "days"} and lows[j + 1 : j + 3] == ["of", "week"]:
            word = "day_of_week"
            consumed |= {j + 1, j + 2}
        group = [word]
        if j + 2 < len(lows) and lows[j + 1] in {"and", ","} and lows[j + 2] not in lx.STOPWORDS:
            nxt = lows[j + 2]
            if verb_lemma(nxt) is None or nxt in lx.CATEGORIES or nxt in lx.METRICS:
                group.append(nxt)
        for g in group:
            if g in lx.CATEGORIES or lx.CATEGORY_PLURALS.get(g) in lx.CATEGORIES or singular(g) in lx.CATEGORIES:
                add_category(g)
            elif g in lx.METRICS:
                add_metric(g)
            elif re.match("[a-z]", g) and verb_lemma(g) is None:
                add_category(g)
    for j, word in enumerate(lows):
        if j in consumed:
            continue
        if word in lx.CATEGORY_CUES or (lx.CATEGORY_PLURALS.get(word) in lx.CATEGORY_CUES and word != "days"):
            add_category(word)
    for key in lx.METRICS:
        if (" " in key and f" {key} " in joined) or key in lows:
            if key in lx.CATEGORIES or (key == "plan" and "against" not in lows):
                continue
            add_metric(key)
    # keep metrics in statement order
    metrics.sort(key=lambda c: _first_index(lows, [k for k, v in lx.METRICS.items() if v[0] == c.name]))
    # the entity: the first noun phrase that is not a metric, category or UI word
    entity = None
    metric_names = {c.name for c in metrics}
    for p in r.phrases:
        words = [w for w in p.words if w not in lx.METRICS and w not in lx.GENERIC_NOUNS]
        words = [w for w in words if lx.CATEGORY_PLURALS.get(w, singular(w)) not in {c.name for c in categories}]
        words = [w for w in words if singular(w) not in NOT_ENTITY and w not in NOT_ENTITY and not p.poss]
        words = [w for w in words if not _is_actor(w) or w in {"ticket", "order", "transaction"}]
        if not words:
            continue
        if p.words[-1] in lx.METRICS or singular(p.words[-1]) in metric_names:
            words = words[-1:]
        name = safe_ident("_".join([*[w.replace("-", "_") for w in words[-2:-1]], singular(words[-1])]), "record")
        entity = name
        break
    head = (entity or "").rsplit("_", 1)[-1]
    if entity and not metrics:
        key = ENTITY_METRIC.get(entity) or ENTITY_METRIC.get(head)
        if key:
            add_metric(key)
    if not metrics:
        metrics.append(Column("days_open", "Days open", "number", (1, 90, 0)))
    if not categories:
        key = DEFAULT_CATEGORY.get(entity or "") or DEFAULT_CATEGORY.get(head) or "status"
        add_category(key)
    if entity is None:
        entity = safe_ident(categories[0].name if categories else metrics[0].name, "record")
    columns: list[Column] = []
    if entity not in {c.name for c in categories}:
        names = lx.ENTITY_NAMES.get(entity) or lx.ENTITY_NAMES.get(head)
        columns.append(
            Column(entity if entity not in metric_names else f"{entity}_name", _cap(_human(entity)), "text", names)
        )
    columns += categories[:2] + metrics[:3]
    date_col = (
        ("due_date", "Due date")
        if "due" in lows
        else ("reported_on", "Reported on")
        if "oldest" in lows
        else ("updated_on", "Last updated")
    )
    columns.append(Column(date_col[0], date_col[1], "date"))
    if any(w in lows for w in ("notes", "note", "findings", "finding", "comments")) and len(columns) < 8:
        columns.append(
            Column(
                "notes",
                "Notes",
                "text",
                ("", "Called, waiting for reply", "Check again next week", "Looks fine", "", "Escalated to lead"),
            )
        )
    columns = _unique_columns(columns)[:8]
    rows = _streamlit_rows(r.statement, columns)
    label = _cap(plural(_human(entity)).replace("_", " "))
    metric_col = next(c for c in columns if c.kind == "number")
    group_col = next(c for c in columns if c.kind == "category")
    metric_label = re.sub(r"\s*\(.*\)$", "", metric_col.label)
    action = next((a for cue, a in lx.ACTIONS if _matches(cue, lows, joined)), lx.DEFAULT_ACTION)
    title = f"{metric_label} by {group_col.label.lower()} dashboard"
    if len(title) > 60:
        title = f"{_cap(_human(entity))} dashboard"
    answers = {
        "entity": entity,
        "entity_label": _cut(label, 60),
        "columns": [{"name": c.name, "label": _cut(c.label, 60) or c.name, "kind": c.kind} for c in columns],
        "rows": rows,
        "metric": metric_col.name,
        "group_by": group_col.name,
        "screens": [
            {"kind": "overview", "title": _cut(f"{metric_label} by {group_col.label.lower()}", 60)},
            {"kind": "table", "title": _cut(f"All {label.lower()}", 60)},
            {"kind": "detail", "title": _cut(f"{_cap(_human(entity))} detail", 60)},
        ],
        "action_label": action,
    }
    return answers, title, [entity, metric_label]


def _first_index(lows: list[str], keys: list[str]) -> int:
    positions = [lows.index(k.split()[0]) for k in keys if k.split()[0] in lows]
    return min(positions) if positions else len(lows)


def _unique_columns(columns: list[Column]) -> list[Column]:
    seen: set[str] = set()
    out = []
    for c in columns:
        name = safe_ident(c.name, "value", "value")
        if name in seen:
            continue
        seen.add(name)
        c.name = name
        out.append(c)
    return out


def _streamlit_rows(statement: str, columns: list[Column]) -> list[dict[str, Any]]:
    values = Values(statement, "rows")
    rng = values.rng
    count = 12 + _seed(statement, "count") % 13
    rows = []
    for i in range(count):
        row: dict[str, Any] = {}
        for c in columns:
            if c.kind == "text":
                pool = c.spec or tuple(f"{c.label or 'Record'} {n:02d}" for n in range(1, 9))
                cycle = i // len(pool)
                row[c.name] = pool[i % len(pool)] + (f" ({cycle + 1})" if cycle and c.name != "notes" else "")
            elif c.kind == "category":
                pool = c.spec
                row[c.name] = pool[(i + i // len(pool)) % len(pool)]
            elif c.kind == "number":
                lo, hi, dec = c.spec
                value = round(rng.uniform(lo, hi), dec)
                row[c.name] = int(value) if dec == 0 else value
            else:
                row[c.name] = (date(2026, 1, 5) + timedelta(days=i * 3 + rng.randrange(3))).isoformat()
        if "registrations" in row and "check_ins" in row:
            row["check_ins"] = int(row["registrations"] * rng.uniform(0.62, 0.95))
            if "no_shows" in row:
                row["no_shows"] = row["registrations"] - row["check_ins"]
        rows.append(row)
    return rows


# --- chatbot -------------------------------------------------------------------------------------------------------

TOPIC_STOP = lx.words(
    "while when so because every each in on at for from with under by during to before after if since until then "
    "that which who they we you he she it i using based about"
)
ARTICLES = lx.words("the a an their our my your its")
SWAP = {
    "they": "I",
    "their": "my",
    "them": "me",
    "themselves": "myself",
    "theirs": "mine",
    "they're": "I'm",
    "we": "I",
    "our": "my",
    "us": "me",
}


@dataclass
class Topic:
    kind: str  # about | howto | whether | which
    text: str
    name: str
    words: frozenset[str] = frozenset()
    secondary: bool = False


def _span(rest: list[Tok], start: int, stops: frozenset[str], limit: int, commas: bool = False) -> list[Tok]:
    out: list[Tok] = []
    for tok in rest[start:]:
        if (tok.low in PUNCT and not (commas and tok.low == ",")) or tok.low in stops or len(out) >= limit:
            break
        out.append(tok)
    while out and out[-1].low in {"and", "or", "the", "a", "an"}:
        out.pop()
    return out


def _swap(tokens: list[Tok]) -> str:
    words = []
    for n, tok in enumerate(tokens):
        word = tok.text + ("'s" if tok.poss else "")
        if tok.low in SWAP:
            word = SWAP[tok.low]
        elif tok.low == "are" and n and tokens[n - 1].low == "they":
            word = "am"
        words.append(word)
    return " ".join(words)


def _topic_name(tokens: list[Tok], prefix: str = "") -> str:
    words = [t.low.replace("-", "_") for t in tokens if t.low not in lx.STOPWORDS and t.low not in PRONOUNS]
    words = [w for w in words if w not in lx.ADJECTIVES and re.match("[a-z]", w)][:3]
    return safe_ident("_".join(([prefix] if prefix else []) + words), "", "topic")


def _chat_topics(r: Reading) -> list[Topic]:
    rest = r.rest
    lows = [t.low for t in rest]
    topics: list[Topic] = []

    def add(kind: str, tokens: list[Tok], prefix: str = "") -> None:
        tokens = [t for t in tokens if t.word]
        while kind == "about" and tokens and tokens[0].low in ARTICLES - {"a", "an", "the"}:
            tokens = tokens[1:]
        if not [t for t in tokens if t.low not in ARTICLES]:
            return
        secondary = prefix == "np"
        name = _topic_name(tokens, "" if secondary else prefix)
        if not name or any(t.name == name for t in topics):
            return
        words = frozenset(singular(t.low) for t in tokens if t.low not in ARTICLES)
        if secondary and any(words & t.words for t in topics if t.kind == "about"):
            return  # already covered by a topic that names the same things
        text = _cut(_swap(tokens) if kind in {"whether", "which", "howto"} else " ".join(t.text for t in tokens), 100)
        topics.append(Topic(kind, text, name, words, secondary))

    for i, low in enumerate(lows):
        nxt = lows[i + 1] if i + 1 < len(lows) else ""
        if low == "about" or (low == "out" and i and lows[i - 1] == "find" and nxt not in {"whether", "how", "which"}):
            items = _span(rest, i + 1, TOPIC_STOP, 14, commas=True)
            current: list[Tok] = []
            for n, tok in enumerate(items):
                if tok.low in {"and", "or", ","}:
                    nxt_tok = items[n + 1] if n + 1 < len(items) else None
                    add("about", current)
                    current = []
                    lemma = verb_lemma(nxt_tok.low) if nxt_tok else None
                    if lemma and lemma == nxt_tok.low and lemma not in lx.NOUNISH_VERBS:
                        break  # "... and get advice": the list is over
                    continue
                current.append(tok)
            add("about", current)
        elif low == "how" and nxt == "to":
            span = _span(rest, i + 2, lx.words("while so because every and"), 9)
            add("howto", span, "how_to")
        elif low == "whether":
            add("whether", _span(rest, i + 1, lx.words("so because before while and"), 12), "whether")
        elif low == "which" and i > 0 and lows[i - 1] in {"ask", "know", "out", "about", "explain", "tell"}:
            add("which", rest[i : i + 1] + _span(rest, i + 1, lx.words("so because while and"), 11))
        elif low in {"advice", "guidance", "help"} and nxt in {"on", "with", "choosing", "about", "picking"}:
            start = i + 2 if nxt in {"on", "with", "about"} else i + 1
            add("about", _span(rest, start, TOPIC_STOP | {"and"}, 9))
        elif low in {"describe", "explain"}:
            add("about", _span(rest, i + 1, TOPIC_STOP | {"and"}, 5))
        elif low == "based" and nxt == "on":
            add("about", _span(rest, i + 2, TOPIC_STOP | {"and"}, 5))
    if len(topics) < 3:
        for p in r.phrases:
            if p.poss or _is_actor(p.words[-1]) or p.head in lx.CHANNEL_NOUNS or p.head in lx.STOPWORDS:
                continue
            toks = [Tok(text=t, low=w) for t, w in zip(p.texts, p.words, strict=False)]
            if len(toks) == 1 and p.head in lx.VAGUE_NOUNS:
                continue
            add("about", toks, "np")
            if len(topics) >= 4:
                break
    return topics[:6]


def _intent(topic: Topic, users: str) -> dict[str, Any]:
    t = topic.text
    if topic.kind == "howto":
        examples = [f"How do I {t}?", f"Can you walk me through how to {t}?", f"What are the steps to {t}?"]
    elif topic.kind == "whether":
        examples = [f"Can you tell me whether {t}?", f"I'm not sure whether {t}.", f"How do I know whether {t}?"]
    elif topic.kind == "which":
        examples = [f"{_cap(t)}?", f"Can you tell me {t}?", f"I need to know {t}."]
    else:
        examples = [
            f"What can you tell me about {t}?",
            f"I have a question about {t}.",
            f"Where can I find information on {t}?",
        ]
    subject = _subject(topic)
    answer = (
        f"This is a prototype answer about {subject}. Replace it with your team's real, checked content "
        f"(a short plain-language answer and where to read more) before testing with {users}."
    )
    return {"name": topic.name, "examples": [_cut(e, 200) for e in examples], "answer": _cut(answer, 1000)}


def build_chatbot(r: Reading, users: str) -> tuple[dict[str, Any], str, list[str]]:
    topics = _chat_topics(r)
    users_lc = _lower_first(users)
    intents = [_intent(t, users_lc) for t in topics]
    covered = _join([_subject(t) for t in topics][:3]) or "the questions in this prototype"
    if len(intents) < 3:
        intents.append(
            {
                "name": "what_can_you_help_with",
                "examples": ["What can you help me with?", "What do you know?", "What questions can I ask?"],
                "answer": _cut(
                    f"This prototype can answer questions about {covered}. Its answers are placeholders "
                    "that the team will replace with real, checked content.",
                    1000,
                ),
            }
        )
    intents.append(
        {
            "name": "human_handoff",
            "examples": [
                "Can I talk to a person?",
                "I'd like to speak to someone from the team.",
                "This didn't help, can a human contact me?",
            ],
            "answer": "In the real service this hands you over to a person. In this prototype, please leave your "
            "question with the team that is testing it; nobody is notified automatically.",
        }
    )
    seen: set[str] = set()
    unique = []
    for intent in intents:
        if intent["name"] in seen:
            continue
        seen.add(intent["name"])
        unique.append(intent)
    about = [t for t in topics if t.kind == "about"]
    main = next((t for t in topics if not t.secondary), topics[0] if topics else None)
    if about:
        words = about[0].text.split()
        while len(words) > 1 and words[0].lower() in ARTICLES:
            words = words[1:]
        label = " ".join(words) if len(" ".join(words)) <= 28 else _human(about[0].name)[:28]
        bot = f"{_cap(label)} helper"
    else:
        bot = "Question helper"
    if main is None:
        title = "Question assistant"
    elif main.kind == "about":
        title = f"{_cap(_human(main.name))[:40]} assistant"
    else:
        title = _cap(_cut(_subject(main), 58))
    slug_words = [main.name.removeprefix("how_to_"), "assistant"] if main else ["assistant"]
    answers = {
        "bot_name": bot,
        "persona": _cut(
            f"A friendly, plain-spoken assistant for {users_lc} that answers questions about {covered}. "
            "It says when it is not sure and offers to hand over to a person.",
            400,
        ),
        "greeting": _cut(f"Hi! I can help with questions about {covered}. What would you like to know?", 300),
        "intents": unique[:8],
        "fallback": _cut(
            f"Sorry, I don't have an answer for that yet. This prototype covers {covered}; try "
            "rephrasing, or ask to talk to a person.",
            400,
        ),
    }
    return answers, title, slug_words


def _subject(topic: Topic) -> str:
    return {"howto": f"how to {topic.text}", "whether": f"whether {topic.text}"}.get(topic.kind, topic.text)


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


# --- brief ---------------------------------------------------------------------------------------------------------


def _ind(
    id_: str,
    name: str,
    kind: str,
    event: str,
    target: float,
    of_event: str | None = None,
    where: dict[str, Any] | None = None,
    direction: str = "at_least",
) -> Indicator:
    return Indicator(
        id=id_,
        name=_cut(name, 80),
        kind=kind,
        event=event,
        of_event=of_event,
        where=where or {},
        target=target,
        direction=direction,
    )  # type: ignore[arg-type]


def _need_phrase(r: Reading) -> str:
    """What the users need, as written after the subject: 'need to check whether ...'."""
    words = [t.text + ("'s" if t.poss else "") for t in r.rest if t.low not in PUNCT]
    return _cut(" ".join(words), 160) if words else "have this problem solved"


def _brief(r: Reading, blueprint: str, users: str, answers: dict[str, Any], extra: Any) -> tuple[list, list]:
    u = _lower_first(users)
    need = _need_phrase(r)
    if blueprint == "api":
        resources = answers["resources"]
        first = resources[0]
        last = resources[-1]
        indicators = [
            _ind(
                f"{last['name']}_created"[:40],
                f"Sessions that create {_a(_human(last['name']))} after viewing {_a(_human(first['name']))}",
                "conversion",
                "resource_created",
                0.5,
                "resource_viewed",
                {"resource": last["name"]},
            ),
            _ind(
                "time_to_first_create",
                "Seconds from first listing to first created record",
                "median_seconds",
                "resource_created",
                120,
                "resource_listed",
                direction="at_most",
            ),
            _ind("failed_requests", "Rejected requests (404/422)", "count", "request_failed", 5, direction="at_most"),
        ]
        hypotheses = [
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will create {_human(last['plural'])} through the API once they can "
                    f"look up {_human(first['plural'])}, because they {need}.",
                    400,
                ),
                indicator=indicators[0].id,
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will make their first successful call within two minutes of "
                    "listing records, because the endpoints mirror records they already handle.",
                    400,
                ),
                indicator="time_to_first_create",
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will rarely send rejected requests, because the sample records "
                    "and OpenAPI docs show what a valid request looks like.",
                    400,
                ),
                indicator="failed_requests",
            ),
        ]
    elif blueprint == "streamlit":
        metric = next(c["label"] for c in answers["columns"] if c["name"] == answers["metric"])
        group = next(c["label"] for c in answers["columns"] if c["name"] == answers["group_by"])
        metric = re.sub(r"\s*\(.*\)$", "", metric).lower()
        indicators = [
            _ind(
                "task_completion",
                "Sessions where users found what they needed",
                "conversion",
                "task_completed",
                0.6,
                "session_started",
            ),
            _ind(
                "time_to_action",
                f"Seconds to first '{answers['action_label']}'",
                "median_seconds",
                "action_taken",
                90,
                "session_started",
                direction="at_most",
            ),
            _ind(
                "returning_users",
                "Participants who come back for a second session",
                "returning",
                "session_started",
                0.3,
            ),
            _ind(
                "filter_usage",
                f"Sessions that filter by {group.lower()} or another column",
                "conversion",
                "filter_applied",
                0.5,
                "session_started",
            ),
        ]
        hypotheses = [
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will find what they need in one session, because {metric} by "
                    f"{group.lower()} is on one screen instead of scattered, and they {need}.",
                    400,
                ),
                indicator="task_completion",
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will act on {_a(_human(answers['entity']))} within 90 seconds, "
                    "because the detail screen puts the action next to the numbers.",
                    400,
                ),
                indicator="time_to_action",
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will come back to the screen, because it answers a question they have every week.",
                    400,
                ),
                indicator="returning_users",
            ),
        ]
    elif blueprint == "chatbot":
        indicators = [
            _ind(
                "resolution_rate",
                "Conversations where the question was answered",
                "conversion",
                "conversation_resolved",
                0.5,
                "conversation_started",
            ),
            _ind("helpful_answers", "Answers rated helpful", "share", "feedback_given", 0.7, where={"positive": True}),
            _ind(
                "fallback_rate",
                "Conversations that hit the fallback",
                "conversion",
                "fallback_triggered",
                0.3,
                "conversation_started",
                direction="at_most",
            ),
        ]
        hypotheses = [
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will get their question answered without waiting for a person, "
                    f"because they {need}.",
                    400,
                ),
                indicator="resolution_rate",
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe {u} will rate most answers as helpful, because the answers are short "
                    "and in plain language.",
                    400,
                ),
                indicator="helpful_answers",
            ),
            Hypothesis(
                belief=_cut(
                    f"We believe the intents cover what {u} actually ask, because they come from the "
                    "questions named in the problem statement.",
                    400,
                ),
                indicator="fallback_rate",
            ),
        ]
    else:
        indicators, hypotheses = _generic_brief(u, need, extra)
    return hypotheses, indicators


def _generic_brief(users: str, need: str, blueprint: Blueprint | None) -> tuple[list, list]:
    events = [e for e in (blueprint.events if blueprint else {}) if IDENT_RE.match(e)] or [
        "session_started",
        "task_completed",
    ]
    start, end = events[0], events[-1]
    indicators = [
        _ind(
            "completion_rate", f"Sessions with {_human(end)}", "conversion", end, 0.5, start if start != end else None
        ),
        _ind(
            "time_to_outcome",
            f"Seconds from {_human(start)} to {_human(end)}",
            "median_seconds",
            end,
            120,
            start,
            direction="at_most",
        ),
        _ind("returning_users", "Participants who come back", "returning", start, 0.3),
    ]
    hypotheses = [
        Hypothesis(
            belief=_cut(f"We believe {users} will reach {_human(end)} in most sessions, because they {need}.", 400),
            indicator="completion_rate",
        ),
        Hypothesis(
            belief=_cut(
                f"We believe {users} will get there within two minutes, because the prototype "
                "shows only what the statement asks for.",
                400,
            ),
            indicator="time_to_outcome",
        ),
    ]
    return indicators, hypotheses


# --- custom blueprints: answers from their schema ------------------------------------------------------------------


def _fill(schema: dict[str, Any], name: str, r: Reading, depth: int = 0) -> Any:
    """A value that fits a simple JSON schema, with statement words where text is wanted."""
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else None
    words = [t.text for t in r.rest if t.word][:6] or ["prototype"]
    if kind == "array":
        item = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        count = max(1, int(schema.get("minItems", 1)))
        if "enum" in item and schema.get("uniqueItems"):
            return item["enum"][:count]
        return [_fill(item or {"type": "string"}, name, r, depth + 1) for _ in range(count)]
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties") or {}
        required = schema.get("required") or list(props)
        return {k: _fill(props.get(k) or {}, k, r, depth + 1) for k in required if depth < 6}
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if kind == "string" and schema.get("pattern"):
        return safe_ident(" ".join(words), "prototype")
    text = " ".join(words) if name not in {"name", "slug"} else safe_ident(" ".join(words[:3]), "prototype")
    return text[: int(schema.get("maxLength", 200))] or "x"


def build_custom(r: Reading, blueprint: Blueprint, users: str) -> dict[str, Any]:
    schema = blueprint.answer_schema
    props = schema.get("properties", {})
    candidates: dict[str, Any] = {}
    if "resources" in props:
        candidates.update(build_api(r)[0])
    if "columns" in props or "entity" in props:
        candidates.update(build_streamlit(r)[0])
    if "intents" in props:
        candidates.update(build_chatbot(r, users)[0])
    answers = {k: v for k, v in candidates.items() if k in props}
    for key in schema.get("required", []):
        if key not in answers:
            answers[key] = _fill(props.get(key) or {}, key, r)
    if blueprint.validate_answers(answers):
        answers = {key: _fill(props.get(key) or {}, key, r) for key in schema.get("required", [])}
    return answers


# --- the plan ------------------------------------------------------------------------------------------------------


def _problem(statement: str) -> str:
    text = _cap(" ".join(statement.split())) or "A problem statement"
    if text[-1] not in ".!?…":
        text += "."
    return _cut(text, 400)


def plan(statement: str, catalog: Catalog, blueprint: str | None = None) -> Plan:
    """A complete, valid Plan for `statement`, deterministically; `blueprint` forces the choice."""
    statement = statement if statement and statement.strip() else "A problem statement"
    if blueprint:
        chosen, reason = catalog.get(blueprint).name, "it was chosen with --blueprint"
    else:
        chosen, reason = choose_blueprint(statement, catalog)
    bp = catalog.get(chosen)
    try:
        return _plan(statement, bp, reason)
    except Exception as error:  # noqa: BLE001 - the offline planner must always produce a plan
        return _plan(statement, bp, reason, safe_mode=True, warning=f"{type(error).__name__}: {error}")


def _plan(statement: str, bp: Blueprint, reason: str, safe_mode: bool = False, warning: str = "") -> Plan:
    r = read("x" if safe_mode else statement)
    if safe_mode:
        r.statement = statement
    users = (None if safe_mode else r.subject) or "People who raised this problem"
    extra: Any = None
    if bp.name == "api" and bp.bundled:
        answers, title, slug_words = build_api(r)
    elif bp.name == "streamlit" and bp.bundled:
        answers, title, slug_words = build_streamlit(r)
    elif bp.name == "chatbot" and bp.bundled:
        answers, title, slug_words = build_chatbot(r, users)
    else:
        answers, extra = build_custom(r, bp, users), bp
        words = [t.text for t in r.rest if t.word and t.low not in lx.STOPWORDS][:3] or ["Prototype"]
        title, slug_words = _cap(" ".join(words)), words
    kind = bp.name if bp.bundled and bp.name in lx.CUES else "custom"
    hypotheses, indicators = _brief(r, kind, users, answers, extra)
    rationale = _cut(f"The {bp.title} blueprint fits because {reason}.", 400)
    return Plan(
        statement=statement,
        project_name=_cut(title, 60),
        slug=slugify(" ".join(slug_words), 40),
        blueprint=bp.name,
        brief=Brief(
            problem=_problem(statement), target_users=[users], hypotheses=hypotheses[:3], indicators=indicators[:4]
        ),
        answers=answers,
        rationale=rationale,
        provenance=Provenance(
            planner="offline", warnings=[f"offline planner used its safe mode ({warning})"] if warning else []
        ),
    )
