"""A reading of a problem statement: who has the problem, who acts, the things, verbs, states and quantities.

This is the interface the offline planner's blueprint plugins (`blueprints/<name>/planner.py`) are written against.
Parts of speech and lemmas come from lemminflect, whose lexicon (built from the NIH SPECIALIST Lexicon) ships inside
its PyPI package: no download, no model. On top of it sits a small positional tagger: the lexicon says what a word
*can* be ("orders": noun or verb), its neighbours say what it *is* here ("see which pick orders" -> noun). The word
lists below are closed English word classes (determiners, prepositions, modals) and general class nouns
(system, device, company): grammar and general knowledge, never the vocabulary of particular statements.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from scaffolder.errors import PlannerUnavailable

ActorKind = Literal["person", "system", "device", "partner"]
ActionKind = Literal["see", "change", "send", "query", "ask", "other"]


class ReadingUnavailable(PlannerUnavailable):
    """The lexicon library (lemminflect) is missing or broken: the offline planner cannot read statements (exit 1)."""


@dataclass(frozen=True)
class Thing:
    """A noun phrase the statement talks about, e.g. 'pick orders'."""

    name: str  # snake_case singular identifier: "pick_order"
    label: str  # human singular: "pick order"
    plural_label: str  # human plural: "pick orders"
    plural: str  # snake_case plural: "pick_orders"
    is_person: bool = False  # a role or kind of person (picker, volunteer, patient)
    is_system: bool = False  # a system, device or software (scanner, app, carrier's system)
    is_org: bool = False  # an organisation (partner, vendor, insurer, bank)
    head: str = ""  # the head noun's lemma: "order"
    mentions: int = 1  # how often the statement names it


@dataclass(frozen=True)
class Action:
    """Something the actor needs to do: verb + object, e.g. 'reassign them to another picker'."""

    verb: str  # lemma: "reassign"
    text: str  # as written: "reassign them to another picker"
    object: Thing | None = None  # what is acted on: pick order
    target: Thing | None = None  # the thing in its complement: picker ("to another picker")
    kind: ActionKind = "other"
    particle: str = ""  # "up" in "show up", "out" in "find out"
    passive: bool = False  # "should be pushed by carriers"
    agent: Thing | None = None  # who does it when a participle says so: "passengers asking whether ..."


@dataclass(frozen=True)
class Quantity:
    """A measured amount the statement names: 'minutes late', 'kWh', '200 calls a week', 'every 15 minutes'."""

    name: str  # snake_case field name: "minutes_late", "energy_kwh", "calls_per_week"
    label: str  # "Minutes late"
    kind: Literal["number", "money", "percent", "duration", "count", "temperature"] = "number"
    unit: str | None = None  # "min", "kWh", "°C", "€"
    amount: float | None = None  # a number the statement gives (a target or a size)
    per: str | None = None  # time frame: "week", "day", "15 minutes"
    low: float | None = None  # plausible range for sample data
    high: float | None = None


@dataclass(frozen=True)
class State:
    """A state or condition: 'late', 'approved', 'no-show', with the values it contrasts with where known."""

    name: str  # snake_case field name: "attendance", "status"
    label: str  # "Attendance"
    value: str  # the state named: "No-show"
    values: tuple[str, ...] = ()  # all values, the named one included: ("Showed up", "No-show")
    of: str | None = None  # the thing it is a state of, by name: "pick_order"


@dataclass
class Reading:
    """What the statement says, in its own words."""

    statement: str
    users: str | None  # who has the problem, human plural, e.g. "Warehouse supervisors" (None when unsaid)
    actor: str | None  # who acts, e.g. "Logistics partners", "CNC machines"
    actor_kind: ActorKind = "person"
    actor_known: bool = False  # the lexicon and class nouns say what the actor is (else actor_kind is a guess)
    things: list[Thing] = field(default_factory=list)  # most important first
    actions: list[Action] = field(default_factory=list)  # in order of the statement
    states: list[State] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # listed topics: ["parking", "opening hours", "prices"]
    frames: list[str] = field(default_factory=list)  # time frames: ["next week", "every 15 minutes"]
    sensitive: str | None = None  # "health", "children", "credit", "tenant screening", …
    audience: str | None = None  # who asks: the users when they ask, else the other people named: "patients"
    words: list[str] = field(default_factory=list)  # lemmas of the statement's content words, in order
    cues: list[str] = field(default_factory=list)  # lower-case tokens of the statement, for blueprint cue words
    questions: list[str] = field(default_factory=list)  # questions quoted in the statement: "How do I reset ...?"
    via_interface: bool = False  # the work is done "through an integration", "via a webhook": by software

    def seed(self, *parts: str) -> int:
        """A deterministic seed from the statement (never Python's hash, never the clock)."""
        digest = hashlib.sha256("\x1f".join((self.statement, *parts)).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big")

    def rng(self, *parts: str) -> random.Random:
        return random.Random(self.seed(*parts))  # noqa: S311 - sample data, not secrets

    @property
    def persons(self) -> list[Thing]:
        return [t for t in self.things if t.is_person]

    @property
    def objects(self) -> list[Thing]:
        """The things that are not people, systems or organisations: what rows and resources are made of."""
        return [t for t in self.things if not (t.is_person or t.is_system or t.is_org)]

    @property
    def verb(self) -> str | None:
        """The main verb: the first action that changes, sends, queries or asks, else the first action."""
        for action in self.actions:
            if action.kind in ("change", "send", "query"):
                return action.verb
        return self.actions[0].verb if self.actions else None


# --- closed word classes (English grammar) -------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DETERMINERS = _words(
    "the a an this that these those each every any some all no another other its their our my your his her whose "
    "which what both either neither several many most more few fewer less least much such same own"
)
PRONOUNS = _words(
    "i we you they he she it them us me him someone anyone everyone everybody nobody something anything everything "
    "nothing one ones themselves ourselves yourself itself who whom yours ours theirs hers"
)
SUBJECT_PRONOUNS = _words("i we you they he she it someone everyone")
PREPOSITIONS = _words(
    "for of in on at by with from into onto about over under before after during within without between per via "
    "through across against than until as around near among along toward towards upon off like since beside behind"
)
CONJUNCTIONS = _words("and or but nor so because if when whether while although though that where how why whenever")
MODALS = _words("should must can could would will shall may might cannot can't won't shouldn't")
BE = _words("be am is are was were been being isn't aren't wasn't weren't 're 's")
HAVE = _words("have has had having")
DO = _words("do does did don't doesn't didn't")
NEGATIONS = _words("not never no")
INTERJECTIONS = _words("hi hello hey thanks thank please yes ok okay oh wow ah hmm lol asdf foo bar baz")
ADVERBS = _words(
    "also currently often never always now still just only even too very really already yet instead back quickly "
    "easily manually automatically together there here then once soon usually sometimes annually directly "
    "immediately constantly regularly today tomorrow tonight yesterday"
)
#: Verbs that introduce the need rather than being it ("need to", "want to", "keep missing", "be able to").
NEED_VERBS = _words("need want wish like hope expect require struggle try keep spend lose ask rely waste")
LIGHT_VERBS = _words("be have do get make let help use go start stop able")
#: What people learn or ask about rather than look up in records: "understand the rules", "learn their rights".
KNOWLEDGE_NOUNS = _words(
    "rule rules right rights policy policies law laws regulation regulations requirement requirements procedure "
    "procedures process option options benefit benefits eligibility entitlement entitlements guideline guidelines"
)
#: What people need when they have questions: "need troubleshooting help", "want advice", "get guidance".
HELP_NOUNS = _words(
    "help guidance advice answers explanation explanations instructions tips troubleshooting support counselling"
)
#: Modifiers that make any noun a request for help: "troubleshooting steps", "how-to guides".
HELP_MODIFIERS = _words("troubleshooting how-to step-by-step guidance advice")
#: Verbs whose object is who is told and whose news follows "of" or "about": "notify us of delays".
TELLING_VERBS = _words("notify inform tell warn remind alert advise update")
#: Adjectives that judge rather than describe: never part of a thing's name ("the right adhesive" is an adhesive).
JUDGING_ADJECTIVES = _words("right correct proper appropriate suitable relevant best ideal")
#: Machine-to-machine interfaces: an action done "through an integration" is done by software.
INTERFACE_NOUNS = _words("integration integrations interface interfaces endpoint endpoints webhook webhooks feed feeds")
#: Verbs whose complement names who gets the work: "assign to", "reassign to", "allocate to", "hand over to".
ASSIGN_VERBS = _words("assign reassign allocate reallocate delegate dispatch hand transfer route escalate")
#: General nouns that are never a row or resource of their own.
ABSTRACT_NOUNS = _words(
    "way thing things lot lots kind kinds type sort number amount part time times need needs problem problems "
    "issue help information idea fact case cases moment today tomorrow yesterday week weeks day days month months "
    "year years hour hours minute minutes second seconds quarter weekend morning evening night tonight end start "
    "beginning place somewhere everyone people person someone something anything nothing spreadsheet spreadsheets "
    "email emails phone phones paper whatsapp excel hand track touch sense view access trouble difficulty "
    "ability option options reason result results side top bottom front back rest whole half"
)
WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday weekday weekdays")
TIME_UNITS = {
    "second": "s", "minute": "min", "hour": "h", "day": "day", "week": "week", "month": "month",
    "year": "year", "quarter": "quarter", "shift": "shift", "night": "night",
}  # fmt: skip
UNCOUNTABLE = _words(
    "data equipment information feedback software hardware staff produce stock inventory news furniture luggage "
    "baggage advice research evidence traffic mail machinery money cash energy water weather parking access "
    "attendance availability capacity maintenance footage insurance compliance progress compensation guidance "
    "training legislation permission accommodation transport homework paperwork housing childcare healthcare "
    "signage clothing funding"
)

#: Nouns for how things are shown (a board of orders): never the main thing when something else is named.
DISPLAY_NOUNS = _words(
    "board dashboard overview list view screen report table chart graph map summary page tool app interface "
    "portal place way spreadsheet"
)
#: General class nouns: what kind of actor a noun phrase names (general English, not statement vocabulary).
SYSTEM_NOUNS = _words(
    "system systems software platform service services app apps application applications integration tool tools "
    "server servers website site portal endpoint database backend frontend bot script program "
    "erp crm pos terminal kiosk dashboard engine feed module plugin api widget extension"
)
#: Word endings that name software or equipment whatever the stem: firmware, chatbot, flowmeter, microscope.
SYSTEM_SUFFIXES = ("ware", "bot")
DEVICE_SUFFIXES = ("meter", "scope", "sensor", "analyzer", "analyser")
#: Roles that are people unless a software word qualifies them: "clients of our practice" vs "API clients".
SOFTWARE_ROLES = _words("client clients agent agents")
SOFTWARE_MODIFIERS = _words("mobile web desktop email mail software api ai")
DEVICE_NOUNS = _words(
    "device devices sensor sensors machine machines meter meters scanner scanners gateway gateways "
    "robot robots camera cameras tracker trackers thermostat thermostats charger chargers station "
    "stations printer printers vehicle vehicles drone drones beacon beacons logger loggers tag tags "
    "instrument instruments analyzer analyzers analyser analysers probe probes pump pumps turbine turbines "
    "crane cranes plc plcs handheld handhelds monitor monitors"
)
ORG_NOUNS = _words(
    "partner partners vendor vendors supplier suppliers provider providers company companies business businesses "
    "firm firms organisation organisations organization organizations agency agencies bank banks insurer insurers "
    "retailer retailers merchant merchants marketplace marketplaces distributor distributors wholesaler wholesalers "
    "carrier carriers broker brokers lender lenders government council councils authority authorities registry "
    "third-party integrator integrators shop shops store stores brand brands publisher publishers"
)
#: Modifiers that make their head an organisation by its relation to us: "partner pharmacies".
ORG_RELATIONS = _words("partner partners third-party affiliate affiliated")
PERSON_NOUNS = _words(
    "people person persons staff team teams crew crews user users customer customers client clients member members "
    "employee employees worker workers colleague colleagues manager managers owner owners parent parents child "
    "children kid kids student students pupil pupils patient patients family families guest guests visitor "
    "visitors resident residents tenant tenants citizen citizens volunteer volunteers nurse nurses doctor doctors "
    "clinician clinicians physician physicians candidate candidates applicant applicants shopper shoppers "
    "traveller travellers traveler travelers passenger passengers player players fan fans athlete athletes coach "
    "coaches agent agents officer officers rep reps representative representatives analyst analysts engineer "
    "engineers technician technicians specialist specialists lead leads head heads director directors chef chefs "
    "cook cooks farmer farmers grower growers parent guardian guardians adult adults teen teens teenager teenagers "
    "homeowner homeowners landlord landlords household households individual individuals human humans "
    "administrator administrators admin admins friend friends neighbour neighbours neighbor neighbors caregiver "
    "caregivers carer carers therapist therapists dentist dentists pharmacist pharmacists accountant accountants "
    "lawyer lawyers attorney attorneys clerk clerks cashier cashiers receptionist receptionists assistant "
    "assistants author authors writer writers editor editors reader readers learner learners trainee trainees "
    "intern interns driver drivers rider riders courier couriers buyer buyers seller sellers host hosts "
    "organiser organisers organizer organizers planner planners coordinator coordinators supervisor supervisors "
    "operator operators inspector inspectors auditor auditors dispatcher dispatchers hire hires recruit recruits "
    "newcomer newcomers starter starters joiner joiners steward stewards marshal marshals guard guards"
)
NOT_PERSON_ER = _words(
    "order orders number numbers paper papers letter letters water member center centre center corner border "
    "matter power hour hours computer computers printer printers container containers folder folders filter "
    "filters meter meters timer timers counter counters register registers trailer trailers layer layers "
    "weather calendar calendars error errors other others offer offers answer answers chapter chapters barrier "
    "barriers voucher vouchers poster posters sticker stickers trigger triggers roster rosters ledger ledgers "
    "sensor sensors monitor monitors reactor reactors motor motors tractor tractors vendor vendors elevator "
    "elevators indicator indicators calculator calculators generator generators factor factors sector sectors "
    "floor floors door doors colour color colors colours behaviour behavior error errors tenor flavor flavour "
    "parameter parameters cluster clusters tender tenders quarter quarters trainer trainers scanner scanners "
    "charger chargers tracker trackers controller controllers logger loggers server servers browser browsers "
    "planner-tool component components content contents agreement agreements payment payments shipment "
    "shipments appointment appointments equipment document documents incident incidents event events "
    "comment comments segment segments assessment assessments department departments treatment treatments "
    "amount amounts account accounts percent statement statements element elements requirement requirements "
    "boiler boilers heater heaters cooler coolers freezer freezers dryer dryers washer washers burner burners "
    "mixer mixers cooker cookers roller rollers container router routers adapter adapters compressor compressors "
    "transformer transformers converter converters inverter inverters processor processors detector detectors "
    "actuator actuators radiator radiators locker lockers"
)
NOT_PERSON_ER = NOT_PERSON_ER | SYSTEM_NOUNS | DEVICE_NOUNS

# --- verb classes and states (general English) ---------------------------------------------------------------------

VERB_KINDS: dict[str, ActionKind] = {}
for _kind, _verbs in {
    "see": "see view check track monitor review compare spot find know follow watch analyse analyze explore "
    "forecast predict plan estimate understand inspect audit visualise visualize summarise summarize browse "
    "filter sort rank prioritise prioritize measure count identify detect notice tell",
    "change": "reassign assign approve reject mark flag update edit cancel schedule reschedule book record log "
    "enter add remove close reopen confirm allocate dispatch escalate resolve label tag rate score move "
    "transfer accept decline sign claim order reorder note enrol enroll register complete fill set change "
    "adjust rota roster triage verify",
    "send": "send push post submit upload report emit publish sync synchronise synchronize notify stream "
    "transmit forward feed share deliver export import ingest broadcast return hit relay alert",
    "query": "query fetch retrieve pull get request access look lookup download read poll receive",
    "ask": "ask answer explain learn chat advise guide clarify help",
}.items():
    for _verb in _verbs.split():
        VERB_KINDS.setdefault(_verb, _kind)  # type: ignore[arg-type]

#: States with the values they contrast with (general knowledge), and the field they belong to.
STATE_SETS: list[tuple[str, tuple[str, ...]]] = [
    ("timeliness", ("On time", "Late")),
    ("timeliness", ("On time", "Delayed")),
    ("due", ("Due", "Overdue", "Done")),
    ("approval", ("Pending", "Approved", "Rejected")),
    ("attendance", ("Showed up", "No-show")),
    ("attendance", ("Present", "Absent")),
    ("status", ("Open", "Closed")),
    ("payment", ("Paid", "Unpaid")),
    ("availability", ("Available", "Unavailable")),
    ("availability", ("In stock", "Out of stock")),
    ("completion", ("Complete", "Incomplete")),
    ("status", ("Active", "Inactive")),
    ("status", ("Pending", "Confirmed", "Cancelled")),
    ("status", ("Valid", "Expired")),
    ("condition", ("OK", "Damaged")),
    ("status", ("Found", "Missing")),
    ("status", ("Assigned", "Unassigned")),
    ("status", ("Resolved", "Unresolved")),
    ("status", ("Passed", "Failed")),
    ("priority", ("Normal", "Urgent")),
    ("risk", ("Low", "Medium", "High")),
    ("occupancy", ("Free", "Full")),
]
_STATE_INDEX: dict[str, tuple[str, tuple[str, ...]]] = {}
for _name, _values in STATE_SETS:
    for _value in _values:
        _STATE_INDEX.setdefault(_value.lower(), (_name, _values))
_STATE_INDEX.update({"no-show": ("attendance", ("Showed up", "No-show")), "no-shows": _STATE_INDEX["no-show"]})
_STATE_INDEX["show"] = _STATE_INDEX["showed up"]  # "show up", "showed up"
_STATE_INDEX["absent"] = ("attendance", ("Present", "Absent"))

#: Units and measured quantities (general knowledge): word -> (field suffix, kind, unit, low, high).
UNITS: dict[str, tuple[str, str, str | None, float, float]] = {
    "kwh": ("energy_kwh", "number", "kWh", 0.5, 60),
    "mwh": ("energy_mwh", "number", "MWh", 0.1, 20),
    "kw": ("power_kw", "number", "kW", 0.5, 50),
    "°c": ("temperature_c", "temperature", "°C", 4, 95),
    "°f": ("temperature_f", "temperature", "°F", 40, 200),
    "celsius": ("temperature_c", "temperature", "°C", 4, 95),
    "temperature": ("temperature_c", "temperature", "°C", 4, 95),
    "humidity": ("humidity_pct", "percent", "%", 20, 95),
    "kg": ("weight_kg", "number", "kg", 0.5, 500),
    "kilograms": ("weight_kg", "number", "kg", 0.5, 500),
    "weight": ("weight_kg", "number", "kg", 0.5, 500),
    "tonnes": ("weight_t", "number", "t", 0.5, 40),
    "km": ("distance_km", "number", "km", 0.5, 400),
    "miles": ("distance_mi", "number", "mi", 0.5, 250),
    "distance": ("distance_km", "number", "km", 0.5, 400),
    "litres": ("volume_l", "number", "l", 1, 500),
    "liters": ("volume_l", "number", "l", 1, 500),
    "%": ("percent", "percent", "%", 0, 100),
    "percent": ("percent", "percent", "%", 0, 100),
    "€": ("amount_eur", "money", "€", 5, 2000),
    "eur": ("amount_eur", "money", "€", 5, 2000),
    "euros": ("amount_eur", "money", "€", 5, 2000),
    "$": ("amount_usd", "money", "$", 5, 2000),
    "dollars": ("amount_usd", "money", "$", 5, 2000),
    "£": ("amount_gbp", "money", "£", 5, 2000),
    "pounds": ("amount_gbp", "money", "£", 5, 2000),
    "price": ("price", "money", "€", 5, 500),
    "prices": ("price", "money", "€", 5, 500),
    "cost": ("cost", "money", "€", 5, 2000),
    "costs": ("cost", "money", "€", 5, 2000),
    "revenue": ("revenue", "money", "€", 100, 50000),
    "budget": ("budget", "money", "€", 100, 50000),
    "rent": ("rent", "money", "€", 400, 3000),
    "salary": ("salary", "money", "€", 1500, 9000),
    "pressure": ("pressure_bar", "number", "bar", 0.5, 10),
    "voltage": ("voltage_v", "number", "V", 110, 400),
    "speed": ("speed_kmh", "number", "km/h", 0, 130),
    "rpm": ("speed_rpm", "number", "rpm", 500, 12000),
    "score": ("score", "number", None, 0, 100),
    "rating": ("rating", "number", None, 1, 5),
}

#: Sensitive domains: cue lemmas -> domain (general knowledge; adds a consent and personal-data note).
SENSITIVE: list[tuple[str, frozenset[str]]] = [
    ("tenant screening", _words("screening screen background")),  # only with tenants / applicants, see below
    ("health", _words(
        "patient health medical clinic hospital prescription diagnosis symptom medication medicine therapy "
        "therapist nurse doctor mental dental dentist care-home hospice pharmacy pharmacist vaccine vaccination "
        "allergy illness disease surgery gp"
    )),
    ("children", _words("child children kid kids pupil pupils minor minors toddler baby babies school nursery daycare")),
    ("credit", _words("credit lending lender lenders mortgage mortgages debt debts creditworthiness overdraft")),
]  # fmt: skip

# --- the lexicon ---------------------------------------------------------------------------------------------------

_LEXICON: Any = None


def lexicon() -> Any:
    """lemminflect, imported on first use (it costs ~0.2 s); a missing or broken install is one clear error."""
    global _LEXICON
    if _LEXICON is None:
        try:
            import lemminflect

            if lemminflect.getAllLemmas("orders").get("NOUN") != ("order",):
                raise RuntimeError("its lexicon gives wrong lemmas")
        except Exception as error:  # noqa: BLE001 - any failure to load means the same thing to the user
            raise ReadingUnavailable(
                f"the offline planner needs the lemminflect lexicon, which is missing or broken "
                f"({type(error).__name__}: {str(error)[:80]}); reinstall scaffold (pip install --force-reinstall "
                "lemminflect) or configure an LLM"
            ) from None
        _LEXICON = lemminflect
    return _LEXICON


@lru_cache(maxsize=8192)
def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """Parts of speech a word can have, each with its lemmas: {"NOUN": ("order",), "VERB": ("order",)}."""
    lex = lexicon()
    found = dict(lex.getAllLemmas(word))
    if not found and word.lower() != word:
        found = dict(lex.getAllLemmas(word.lower()))
    return found


@lru_cache(maxsize=4096)
def verb_lemma(word: str) -> str:
    """The verb a form belongs to ('texting' -> 'text', 'dispensing' -> 'dispense'), lower case; the word itself when
    the lexicon knows no verb for it."""
    return (lexicon().getLemma(word.lower(), upos="VERB") or (word.lower(),))[0].lower()


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    """Singular of a noun (lower case), from the lexicon; unknown words by rule."""
    low = word.lower()
    if low in UNCOUNTABLE or low in ("people", "staff"):
        return {"people": "person"}.get(low, low)
    found = lemmas(low).get("NOUN")
    if found:
        other = [f for f in found if f != low]
        return other[0] if other and low.endswith("s") else (low if low in found else found[0])
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("sses", "xes", "ches", "shes")):
        return low[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return low[:-1]
    return low


@lru_cache(maxsize=4096)
def plural(word: str) -> str:
    """Plural of a singular noun (lower case); uncountable nouns stay as they are."""
    low = word.lower()
    if low in UNCOUNTABLE or low.endswith("ing"):
        return low
    if low == "person":
        return "people"
    forms = lexicon().getInflection(low, "NNS")
    if forms:
        return forms[0]
    if re.search(r"[^aeiou]y$", low):
        return low[:-1] + "ies"
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return low + "es"
    return low + "s"


def article(phrase: str) -> str:
    """'a' or 'an' before a phrase, by its first sound (a small rule, cheaper than a library)."""
    word = phrase.strip().split(" ", 1)[0] if phrase.strip() else ""
    low = word.lower()
    if not low:
        return "a"
    if word.isupper() and len(word) > 1:  # acronyms are spelled: an SMS, a CNC
        return "an" if low[0] in "aefhilmnorsx" else "a"
    if low.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if low.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ubi", "ur")) and not low.startswith("unin"):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


# --- tokens and tags -----------------------------------------------------------------------------------------------

TOKEN_RE = re.compile(
    r"[€$£]\s?\d+(?:[.,]\d+)*(?:\s?[kKmM]\b)?"  # money
    r"|\d+(?:[.,]\d+)*(?:\s?%|\s?°\s?[CF]\b)?"  # numbers, percent, degrees
    r"|°\s?[CF]\b"
    r"|[^\W\d_]+\d+(?:\.\d+(?![.\d]))?[^\W_]*"  # letters and digits: B2B, CO2, PM2.5
    r"|[^\W\d_]+(?:['’\-][^\W_]+)*"  # words, hyphenated words, contractions
    r"|[,;:.!?()/]"
    r"|(?<=s)'(?=\s)"  # the possessive of a plural: "partners' systems"
)
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12, "half": 0.5, "quarter": 0.25, "a": 1, "an": 1,
}  # fmt: skip


@dataclass
class Tok:
    text: str
    low: str
    pos: str = "X"  # NOUN VERB ADJ ADV NUM DET PRON PREP CONJ MODAL BE HAVE DO NEG TO INTJ PUNCT POSS
    lemma: str = ""
    cands: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def word(self) -> bool:
        return self.pos not in ("PUNCT", "NUM")


def tokenize(statement: str) -> list[Tok]:
    toks: list[Tok] = []
    for match in TOKEN_RE.finditer(statement.replace("’", "'")):
        text = match.group(0)
        if text.lower().endswith("'s") and len(text) > 2:  # possessive: "the city's planner"
            toks.append(Tok(text[:-2], text[:-2].lower()))
            toks.append(Tok("'s", "'s", pos="POSS"))
            continue
        if text == "'":
            toks.append(Tok("'", "'", pos="POSS"))
            continue
        toks.append(Tok(text, text.lower()))
    return toks


def _closed(low: str) -> str | None:
    if low == "to":
        return "TO"
    for pos, words in (
        ("DET", DETERMINERS), ("PRON", PRONOUNS), ("PREP", PREPOSITIONS), ("CONJ", CONJUNCTIONS),
        ("MODAL", MODALS), ("BE", BE), ("HAVE", HAVE), ("DO", DO), ("NEG", NEGATIONS), ("INTJ", INTERJECTIONS),
    ):  # fmt: skip
        if low in words:
            return pos
    return None


def _has(tok: Tok | None, *pos: str) -> bool:
    return tok is not None and (tok.pos in pos or any(p in tok.cands for p in pos))


def tag(toks: list[Tok]) -> None:
    """Give each token one part of speech: the lexicon's candidates, chosen by position."""
    for k, tok in enumerate(toks):
        if tok.pos == "POSS":
            continue
        after = toks[k + 1].low if k + 1 < len(toks) else ""
        before = toks[k - 1].low if k else ""
        if tok.low in PARTICIPLE_PREPOSITIONS and after in DETERMINERS and before not in BE | HAVE:
            tok.pos = "PREP"  # "a placement level given their test answers", "including the weekend ones"
            continue
        if re.fullmatch(r"[,;:.!?()/]", tok.text):
            tok.pos = "PUNCT"
        elif (
            tok.text[0] in "€$£°"
            or tok.text[0].isdigit()
            or (tok.low in NUMBER_WORDS and tok.low not in ("a", "an", "one", "half", "quarter"))
        ):
            tok.pos = "NUM"
        elif tok.text.isupper() and len(tok.text) > 1:
            tok.pos = "X"  # an acronym (IT, ETA, CNC, POST): the lexicon and context decide below
            tok.cands = {k if k != "AUX" else "VERB": v for k, v in lemmas(tok.text).items()}
        elif (closed := _closed(tok.low)) is not None:
            tok.pos = closed
        elif tok.low in ADVERBS or tok.low in PARTICLES:
            tok.pos = "ADV"
        else:
            tok.cands = {k if k != "AUX" else "VERB": v for k, v in lemmas(tok.text).items()}
            if "PROPN" in tok.cands:
                tok.cands.setdefault("NOUN", tok.cands.pop("PROPN"))
            if not tok.cands and tok.low.startswith("re") and "VERB" in lemmas(tok.low[2:]):
                tok.cands = {"VERB": (tok.low,)}  # rebook, reroute: a verb the lexicon lacks
            if not tok.cands and tok.low.endswith("s") and "NOUN" in lemmas(tok.low[:-1]):
                tok.cands = {"NOUN": (tok.low[:-1],)}  # apps, bots: a plural the lexicon lacks
    clause_verb = False
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.pos == "PUNCT" and tok.text in ".;:!?()":
            clause_verb = False
        if tok.low in ("which", "whether", "who", "that", "if", "when", "where", "so", "because", "while", "how"):
            clause_verb = False  # a new clause: its own verb is still to come
        if tok.pos != "X":
            if tok.pos in ("MODAL", "BE", "HAVE", "DO"):
                clause_verb = True
            continue
        tok.pos = _choose(tok, prev, nxt, clause_verb, toks, i)
        participle = tok.low.endswith("ing") and prev is not None and prev.pos == "NOUN"
        if tok.pos == "VERB" and not participle:  # "people moving to the city want": the clause verb is "want"
            clause_verb = True
        tok.lemma = (tok.cands.get(tok.pos) or (tok.low,))[0] if tok.pos in ("NOUN", "VERB", "ADJ") else tok.low
        if tok.pos == "NOUN" and tok.text.isupper() and len(tok.text) > 1:
            tok.lemma = tok.text  # acronyms keep their case: ETA, CNC
        if tok.pos == "VERB":
            tok.lemma = tok.lemma.lower()
            if tok.lemma == tok.low and tok.low.endswith(("ing", "ed")):  # "texting": listed only as a noun
                tok.lemma = verb_lemma(tok.low)
    for i in reversed(range(len(toks))):  # an unknown word before a noun or a verb, or after a determiner, is nominal
        tok = toks[i]
        if tok.pos == "X":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            prev = toks[i - 1] if i else None
            before_verb = nxt is not None and nxt.pos in ("VERB", "MODAL") and (prev is None or prev.pos != "TO")
            if (
                (nxt is not None and nxt.pos == "NOUN")
                or before_verb
                or (prev is not None and prev.pos in ("DET", "ADJ", "POSS"))
            ):
                tok.pos, tok.lemma = "NOUN", tok.low
    _adverbials(toks)


PARTICLES = _words("up out off down")
#: Fixed adverbial phrases (general English): their words never name a thing ("for how long", "right now").
ADVERBIAL_PHRASES = (
    ("how", "long"), ("how", "often"), ("right", "now"), ("right", "away"), ("side", "by", "side"),
    ("so", "far"), ("at", "least"), ("at", "most"), ("at", "first"), ("at", "last"), ("as", "given"),
    ("in", "a", "row"), ("in", "bulk"), ("in", "advance"), ("in", "person"),
)  # fmt: skip
#: Participles used as prepositions before a noun phrase: "given their test answers", "including weekends".
PARTICIPLE_PREPOSITIONS = _words("given including regarding concerning excluding following")
#: Prepositions of time after which a bare -ing word is an activity: "before dispensing", "after landing".
TEMPORAL_PREPOSITIONS = _words("before after while when since until without")
#: Order words that end a clause as adverbs: "decide which plots to harvest first".
ORDER_ADVERBS = _words("first last next")


def _adverbials(toks: list[Tok]) -> None:
    """Mark fixed adverbial phrases and clause-final order words as adverbs, after the tagger's own choice."""
    lows = [t.low for t in toks]
    for i in range(len(toks)):
        for phrase in ADVERBIAL_PHRASES:
            if tuple(lows[i : i + len(phrase)]) == phrase:
                for tok in toks[i : i + len(phrase)]:
                    if tok.pos in ("NOUN", "ADJ", "VERB", "X"):
                        tok.pos, tok.lemma = "ADV", tok.low
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        clause_end = nxt is None or nxt.pos in ("PUNCT", "CONJ")
        if (
            lows[i].endswith("ing")
            and i
            and lows[i - 1] in TEMPORAL_PREPOSITIONS
            and clause_end
            and toks[i].pos == "NOUN"
            and "VERB" in lemmas(lows[i])
        ):  # "approved before dispensing": an activity, not a record called "dispensing"
            toks[i].pos, toks[i].lemma = "VERB", verb_lemma(lows[i])
        if lows[i] in ORDER_ADVERBS and clause_end and i and toks[i - 1].pos in ("VERB", "NOUN", "PRON"):
            toks[i].pos, toks[i].lemma = "ADV", lows[i]


#: Words after which a verb-or-noun word is a noun: the start of a noun phrase.
_NOMINAL = ("DET", "ADJ", "NUM", "POSS")


def _choose(tok: Tok, prev: Tok | None, nxt: Tok | None, clause_verb: bool, toks: list[Tok], i: int) -> str:
    """The part of speech of an open-class word: its candidates, then its neighbours."""
    cands = tok.cands
    prev_pos = prev.pos if prev else "START"
    if (
        prev is not None
        and prev.low == "that"
        and i >= 2
        and toks[i - 2].pos == "NOUN"
        and ("VERB" in cands or not cands)
    ):
        return "VERB"  # a relative clause: "a service that returns"
    if not cands:  # not in the lexicon: a name, an acronym or jargon ("CNC", "endpoint", "texting")
        if tok.low.endswith("ing") and prev_pos in ("VERB", "BE") and not tok.text[0].isupper():
            return "VERB"
        if prev_pos in ("MODAL", "TO") and not tok.text.isupper():
            return "VERB"
        if tok.low.endswith("ly") and len(tok.low) > 6 and prev is not None and not tok.text[0].isupper():
            return "ADV"  # an adverb the lexicon lacks: "programmatically"
        if tok.text.isupper() or (tok.text[0].isupper() and prev is not None):
            return "NOUN"
        if prev is None and tok.text[0].isupper() and nxt is not None and (nxt.pos in ("MODAL", "PREP") or nxt.cands):
            return "NOUN"  # "Freelancers want ...": a name the lexicon lacks, as the subject
        if prev_pos in _NOMINAL or prev_pos in ("NOUN", "PREP"):
            return "NOUN"
        if nxt is not None and _has(nxt, "NOUN") and not _has(nxt, "VERB") and prev is not None:
            return "NOUN"
        if "-" in tok.low and prev is not None:
            return "NOUN"
        return "X"
    options = set(cands)
    if tok.text.isupper() and len(tok.text) > 1:
        return "VERB" if "VERB" in options and prev_pos in ("TO", "MODAL") else "NOUN"
    if options <= {"ADV"}:
        return "ADV"
    compound_head = "NOUN" in options and prev is not None and not prev.low.endswith("s")  # "placement level of"
    if (
        "ADV" in options
        and prev_pos == "NOUN"
        and nxt is not None
        and nxt.pos == "PREP"
        and not tok.low.endswith("s")
        and not compound_head
    ):
        return "ADV"  # "post candidate profiles straight into", "sent back to"
    perfect = tok.low.endswith(("ed", "en", "wn", "ne")) and (cands.get("VERB") or (tok.low,))[0] != tok.low
    if "VERB" in options and prev_pos == "HAVE" and perfect:
        return "VERB"  # "have given", "has missed": a perfect tense
    if (
        tok.low.endswith("ly")
        and "ADV" in options
        and not (nxt is not None and _has(nxt, "NOUN"))
        and not ("NOUN" in options and prev_pos == "NOUN")  # "power supply"
    ):
        return "ADV"
    lemma_v = (cands.get("VERB") or ("",))[0]
    if tok.low in _STATE_INDEX and "ADJ" in options:
        return "ADJ"  # "due", "late", "open": a state
    # the lexicon may lack a noun reading: a word right after a determiner or possessive is nominal
    participle_form = tok.low.endswith(("ed", "ing"))
    if "VERB" in options and prev is not None and prev.low in ("what", "who") and tok.low.endswith("s"):
        return "VERB"  # "what happens at each step", "who qualifies"
    if "VERB" in options and tok.low.endswith("s") and not clause_verb and _adverbial_subject(toks, i):
        return "VERB"  # "when a heat pump shows error code E4": a singular subject and its verb
    if (prev_pos in _NOMINAL and "NOUN" not in options and "ADJ" not in options) and (
        not participle_form or (nxt is not None and _has(nxt, "NOUN"))
    ):
        return "NOUN"
    plural_form = tok.low.endswith("s") and prev_pos == "NOUN"  # "warehouse temps need": a noun the lexicon lacks
    if "VERB" in options and ("NOUN" in options or plural_form) and not clause_verb:
        head = _subject_head(toks, i, prev_pos)
        if head is not None:
            return head
    if "VERB" in options:
        if lemma_v in NEED_VERBS and prev_pos in ("NOUN", "PRON", "ADV", "X") and not clause_verb:
            return "VERB"  # "freelancers want", "owners need"
        if lemma_v in NEED_VERBS and nxt is not None and nxt.pos == "TO" and prev_pos not in ("DET", "POSS"):
            return "VERB"  # "... buying online want to": never "the need to"
        inflected = participle_form and lemma_v != tok.low
        if prev_pos == "TO" and inflected and nxt is not None and _has(nxt, "NOUN"):
            return "ADJ"  # "listen back to flagged calls": no infinitive is inflected
        if prev_pos in ("TO", "MODAL", "NEG", "DO") or (prev_pos == "PRON" and prev and prev.low in SUBJECT_PRONOUNS):
            return "VERB"
        if tok.low.endswith("ing") or tok.low.endswith("ed"):
            participle = _participle(tok, prev, nxt, lemma_v, toks, i)
            if participle:
                return participle
        imperative = not ("NOUN" in options and tok.low != lemma_v)  # "Invoices that are overdue": a noun
        if prev_pos == "START" and nxt is not None and nxt.pos in ("DET", "PRON", "NUM") and imperative:
            return "VERB"  # an imperative: "Track every parcel"
        if prev_pos == "CONJ" or (prev_pos == "PUNCT" and prev and prev.text == ","):
            # "and reassign them", ", filter by amount": a second verb; "X, Y and prices": a noun in a list
            if clause_verb and nxt is not None and nxt.low in PARTICLES and tok.low == lemma_v:
                return "VERB"  # a phrasal verb: "and give up", "and drop out"
            ends = nxt is None or nxt.pos == "PUNCT" or nxt.low in ("and", "or")
            known_verb = lemma_v in VERB_KINDS
            if (
                clause_verb
                and not ends
                and nxt is not None
                and (known_verb or nxt.pos in ("DET", "PRON", "TO"))
                and not ("NOUN" in options and nxt.pos == "PREP" and not known_verb)
            ):
                return "VERB"
    oov_next = nxt is not None and nxt.pos == "X" and not nxt.cands  # a name or jargon: "live CNC data"
    if "ADJ" in options and nxt is not None and (_has(nxt, "NOUN") or oov_next) and prev_pos != "TO":
        return "ADJ"
    subject_before = i >= 2 and toks[i - 2].pos in ("NOUN", "PRON") and toks[i - 2].low not in ("it", "that")
    if "VERB" in options and prev_pos == "ADV" and subject_before and not clause_verb:
        return "VERB"  # "patients often wonder", "drivers sometimes forget"
    if "ADJ" in options and prev_pos in ("BE", "ADV", "NEG"):
        return "ADJ"
    if "NOUN" in options:
        verb_follows = nxt is None or (
            nxt.pos in ("DET", "PRON", "PREP", "TO", "ADV", "PUNCT", "NUM")
            or nxt.low.endswith("ing")
            or bool(nxt.cands and set(nxt.cands) <= {"ADV", "ADJ"})
        )
        agrees = (
            prev is not None
            and prev.low.endswith("s")
            and not prev.low.endswith("ss")
            and not tok.low.endswith("s")
            and nxt is not None
            and nxt.pos not in ("MODAL", "BE")
            and not (nxt.cands.get("VERB") and "NOUN" not in nxt.cands)
        )
        plural_pair = (
            prev is not None and prev.low.endswith("s") and not prev.low.endswith("ss") and tok.low.endswith("s")
        )  # "telematics boxes in ...": a plural subject takes no -s, so this is a noun
        if (
            prev_pos == "NOUN"
            and not clause_verb
            and "VERB" in options
            and (agrees or (verb_follows and not plural_pair))
        ):
            if nxt is not None and nxt.low in SUBJECT_PRONOUNS:
                return "NOUN"  # "As an HR business partner I want"
            return "VERB"  # "drivers keep missing", "sensors report their readings"
        return "NOUN"
    listed = i >= 2 and prev_pos == "CONJ" and toks[i - 2].pos == "NOUN" and toks[i - 2].low.endswith("s")
    if listed and tok.low.endswith("s") and not tok.low.endswith("ss") and (nxt is None or nxt.pos == "PUNCT"):
        return "NOUN"  # the last of a list of plural nouns: "deadlines and resits."
    if "VERB" in options:
        return "VERB"
    if "ADJ" in options:
        return "ADJ"
    return sorted(options)[0]


def _subject_head(toks: list[Tok], i: int, prev_pos: str) -> str | None:
    """A noun-or-verb word before the clause's verb, decided by what follows it.

    "Network operations staff need to", "Tower cranes on our sites report", "As an e-commerce partner, I": the head
    of the subject (a noun) when a modal or "need to" follows, when a bare noun compound opens the sentence and a
    preposition follows (a bare singular noun is no subject of its own), or when the phrase ends with no object.
    "Pumping stations across the water network report flow rates": the verb, when a plural subject and its
    prepositional phrase come before and the word is a bare verb form."""
    tok, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else None
    after = toks[i + 2] if i + 2 < len(toks) else None
    if nxt is None:
        return None
    need_next = (nxt.cands.get("VERB") or ("",))[0] in ("need", "want") and after is not None
    need_next = need_next and (after.pos in ("TO", "DET") or (tok.low.endswith("s") and after.pos != "PUNCT"))
    if prev_pos in ("NOUN", "ADJ", "START", "DET", "POSS") and (nxt.pos == "MODAL" or need_next):
        return "NOUN"
    before = toks[:i]
    opening = all(t.pos in ("NOUN", "ADJ") for t in before)
    plural_word = tok.low.endswith("s") and not tok.low.endswith("ss")
    prev = toks[i - 1] if i else None
    bare_singular = prev is not None and prev.pos == "NOUN" and not prev.low.endswith("s")
    if opening and before and bare_singular and plural_word and nxt.pos in ("PREP", "MODAL"):
        return "NOUN"
    only_phrases = all(t.pos in ("NOUN", "ADJ", "DET", "PREP", "NUM", "POSS") for t in before)
    if only_phrases and prev_pos == "NOUN" and nxt.pos == "PUNCT" and any(t.pos == "PREP" for t in before):
        return "NOUN"
    lemma_v = (tok.cands.get("VERB") or ("",))[0]
    if prev_pos == "NOUN" and tok.low == lemma_v and lemma_v in VERB_KINDS and _has(nxt, "NOUN") and only_phrases:
        first_prep = next((k for k, t in enumerate(before) if t.pos == "PREP"), None)
        subject = before[first_prep - 1] if first_prep else None
        if subject is not None and subject.pos == "NOUN" and subject.low.endswith("s") and first_prep < i - 1:
            return "VERB"
    return None


#: Conjunctions that open an adverbial clause with its own subject and verb: "when a heat pump shows ...".
CLAUSE_OPENERS = _words("when whenever if once because while until unless after before since")


def _adverbial_subject(toks: list[Tok], i: int) -> bool:
    """Whether toks[i] follows "when|if ... a/the <singular nouns>": the subject of an adverbial clause."""
    k = i - 1
    while k >= 0 and toks[k].pos in ("NOUN", "ADJ") and not toks[k].low.endswith("s"):
        k -= 1
    if k == i - 1 or k < 1 or toks[k].pos != "DET" or toks[k].low not in ("a", "an", "the", "this", "that", "each"):
        return False
    return toks[k - 1].low in CLAUSE_OPENERS


def _participle(tok: Tok, prev: Tok | None, nxt: Tok | None, lemma: str, toks: list[Tok], index: int) -> str | None:
    """-ing and -ed forms: a verb, a gerund (noun) or an attribute (adjective), by position."""
    prev_pos = prev.pos if prev else "START"
    nominal_next = nxt is not None and (_has(nxt, "NOUN") or nxt.pos == "X") and nxt.pos not in ("DET", "PRON")
    if tok.low.endswith("ing"):
        wanted = prev is not None and prev.lemma in ("need", "want", "require", "expect")
        if wanted and nominal_next and nxt is not None and nxt.low.endswith("s"):
            return "NOUN"  # "need troubleshooting steps", "want parking spaces": a compound, not "needs fixing"
        if prev is not None and prev.pos == "VERB" and (prev.lemma in NEED_VERBS or prev.lemma in ("start", "stop")):
            return "VERB"  # "keep missing", "spend hours chasing"
        if prev_pos in ("BE",) or (prev_pos == "NOUN" and nxt is not None and nxt.pos in ("DET", "PRON")):
            return "VERB"  # "are waiting", "guidance choosing the right ..."
        if prev_pos == "NOUN" and nxt is not None and nxt.low in PARTICLES:
            return "VERB"  # "an hour working out which ..."
        if prev_pos == "NOUN" and not nominal_next and "ADJ" in tok.cands:
            return "ADJ"  # "find the website confusing"
        if prev_pos == "NOUN" and _object_complement(toks, index) and "NOUN" not in tok.cands and lemma != tok.low:
            # the lexicon has only the verb: "find the form confusing and ...", "make the wait frustrating."
            return "ADJ"
        adverb_next = nxt is not None and bool(nxt.cands) and set(nxt.cands) <= {"ADV", "ADJ"}
        wh_next = nxt is not None and nxt.low in ("whether", "if", "what", "how", "why", "when", "where", "which")
        if prev_pos == "NOUN" and nxt is not None and (nxt.pos in ("PREP", "TO", "ADV") or adverb_next or wh_next):
            return "VERB"  # a participle: "people moving to the city", "customers buying online"
        determined = index >= 2 and toks[index - 2].pos == "DET"  # "the nurse handling referrals": a clause
        bare = prev is not None and not prev.low.endswith("s") and not (determined and _person(prev.low, prev.low))
        if prev_pos == "NOUN" and nxt is not None and _has(nxt, "NOUN") and nxt.low.endswith("s") and not bare:
            return "VERB"  # a reduced relative clause: "growers tending seedlings"
        if prev_pos == "NOUN" and bare and nxt is not None and _has(nxt, "NOUN") and not _has(nxt, "DET"):
            return "NOUN"  # a compound: "pharmacy dispensing systems", "property listing portals"
        if prev_pos in ("PREP", "START", "DET", "POSS", "ADJ", "CONJ", "PUNCT") or prev_pos == "NOUN":
            takes_object = nxt is not None and (
                nxt.pos in ("PRON", "NUM", "POSS") or nxt.low in ("a", "an", "the", "their", "our", "its", "your")
            )
            if takes_object and (prev_pos == "PREP" or (prev_pos in ("CONJ", "PUNCT") and nxt.pos != "NUM")):
                return "VERB"  # "by describing their situation", ", getting a tax number and opening an account"
            return "NOUN"  # "parking garages", "about parking", "opening hours"
        if nominal_next and prev_pos in ("VERB",):
            return "ADJ"  # "spot lagging sites"
        return "VERB"
    if prev_pos in ("BE", "HAVE"):
        return "VERB"
    if nominal_next and prev_pos in ("VERB", "DET", "ADJ", "START", "POSS", "PREP", "ADV", "PART"):
        return "ADJ"  # "get back estimated bills"
    return None


def _object_complement(toks: list[Tok], index: int) -> bool:
    """Whether the word at `index` ends a clause right after a verb's determined object: 'find the form confusing.'"""
    nxt = toks[index + 1] if index + 1 < len(toks) else None
    if nxt is not None and nxt.pos != "PUNCT" and nxt.low not in ("and", "or", "but"):
        return False
    j = index - 1
    while j >= 0 and toks[j].pos in ("NOUN", "ADJ"):
        j -= 1
    return j >= 1 and toks[j].pos in ("DET", "POSS") and toks[j - 1].pos == "VERB"


# --- noun phrases --------------------------------------------------------------------------------------------------


@dataclass
class Phrase:
    """A noun phrase: its tokens (modifiers + head) and where it sits in the statement."""

    toks: list[Tok]
    start: int
    end: int  # index after the last token
    adjectives: list[Tok] = field(default_factory=list)

    @property
    def head(self) -> Tok:
        return self.toks[-1]


def _is_state_word(tok: Tok) -> bool:
    low = tok.low
    negated = low.startswith("un") and (low[2:] in _STATE_INDEX or low.endswith("ed"))  # unpaid, unassigned
    return low in _STATE_INDEX or low.endswith("ed") or negated or low.startswith(("non-", "no-"))


def phrases(toks: list[Tok]) -> list[Phrase]:
    """Maximal runs of adjectives and nouns ending in a noun; adjectives that name states are kept apart."""
    out: list[Phrase] = []
    i = 0
    while i < len(toks):
        if toks[i].pos not in ("NOUN", "ADJ"):
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].pos in ("NOUN", "ADJ"):
            j += 1
        run = toks[i:j]
        while run and run[-1].pos != "NOUN":
            run = run[:-1]
        if run:
            nouns = [t for t in run if t.pos == "NOUN" or not _is_state_word(t)]
            adjectives = [t for t in run if t.pos == "ADJ" and _is_state_word(t)]
            # a noun phrase of at most three words, ending in its head
            out.append(Phrase(nouns[-4:], i, i + len(run), adjectives))
        i = j
    return out


def _person(head: str, lemma: str) -> bool:
    if head in PERSON_NOUNS or lemma in PERSON_NOUNS:
        return True
    if "-" in lemma and not lemma.startswith(("no-", "non-")):  # "self-builders", "co-founders": by their last part
        return _person(head.rsplit("-", 1)[-1], lemma.rsplit("-", 1)[-1])
    if head in NOT_PERSON_ER or lemma in NOT_PERSON_ER or lemma in UNCOUNTABLE:
        return False
    if lemma.endswith(("er", "or")) and len(lemma) > 4:
        stem = lemma[:-2]
        for candidate in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem):
            if "VERB" in lemmas(candidate):
                return True  # an agent noun: picker <- pick, driver <- drive, dispatcher <- dispatch
        return lemma.endswith(("ker", "ger", "cher", "ner", "ster"))
    return lemma.endswith(("ist", "ian", "eer", "ee")) and len(lemma) > 5


def _unjudged(words: list[Any], low: Any) -> list[Any]:
    """A noun phrase without its leading judging adjectives: 'the right industrial adhesive' is an adhesive."""
    start = 0
    while start < len(words) - 1 and low(words[start]) in JUDGING_ADJECTIVES:
        start += 1
    return words[start:]


def make_thing(words: list[str]) -> Thing | None:
    """A Thing from the words of a noun phrase (modifiers + head), singular and plural done right."""
    words = _unjudged([w for w in words if re.search(r"[a-zA-Z]", w)], str.lower)
    if not words:
        return None
    keep_case = [w if (w.isupper() and len(w) > 1) else w.lower() for w in words]
    head = keep_case[-1]
    head_low = head.lower()
    sing = head if head.isupper() else singular(head_low)
    plur = head if head.isupper() else (head_low if head_low != sing and head_low.endswith("s") else plural(sing))
    if head_low in UNCOUNTABLE:
        sing = plur = head_low
    mods = keep_case[:-1]  # modifiers as written: "claims handler", "sales team", "pick order"
    label = " ".join([*mods, sing])
    plural_label = " ".join([*mods, plur])
    ident = _ident(label)
    if not ident:
        return None
    is_system = head_low in SYSTEM_NOUNS or head_low in DEVICE_NOUNS or sing in SYSTEM_NOUNS or sing in DEVICE_NOUNS
    if not is_system and len(sing) > 6 and sing.endswith(SYSTEM_SUFFIXES + DEVICE_SUFFIXES):
        is_system = True  # "firmware", "chatbots", "flowmeters": software or equipment by their ending
    if sing in SOFTWARE_ROLES and mods:  # "API clients", "mobile clients": software, not people
        is_system = any(m.isupper() or m.lower() in SOFTWARE_MODIFIERS | SYSTEM_NOUNS for m in mods)
    # "partner" alone may be a person ("HR business partners") or a company: only as a modifier is it a company
    is_org = not is_system and (head_low in ORG_NOUNS or sing in ORG_NOUNS) and sing != "partner"
    is_person = not is_system and not is_org and _person(head_low, sing)
    # "partner pharmacies", "third-party sellers": a relation makes the head a company; "council tax discounts",
    # "supplier invoices" belong to one and are records
    is_org = is_org or (not is_system and not is_person and any(m in ORG_RELATIONS for m in mods[:1]))
    return Thing(
        name=ident,
        label=label,
        plural_label=plural_label,
        plural=_ident(plural_label) or ident,
        is_person=is_person,
        is_system=is_system,
        is_org=is_org,
        head=sing,
    )


def _ident(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    name = "_".join(re.findall(r"[a-z0-9]+", folded)).lstrip("0123456789_")
    return name[:40].rstrip("_")


def _thing(ph: Phrase) -> Thing | None:
    toks = list(ph.toks)
    while len(toks) > 1 and toks[0].low in ABSTRACT_NOUNS and toks[0].pos == "NOUN":
        toks = toks[1:]  # "lots of ...", but "front desk supervisors" keeps its modifier
    words = [t.text for t in toks]
    return make_thing(words)


def _actor_kind(thing: Thing | None) -> ActorKind:
    if thing is None or thing.is_person:
        return "person"
    if thing.head in DEVICE_NOUNS or plural(thing.head) in DEVICE_NOUNS or thing.head.endswith(DEVICE_SUFFIXES):
        return "device"
    if thing.is_system:
        return "system"
    if thing.is_org:
        return "partner"
    return "person"


def _human_plural(thing: Thing) -> str:
    text = thing.plural_label
    return text[0].upper() + text[1:]


# --- reading -------------------------------------------------------------------------------------------------------


def read(statement: str) -> Reading:
    """Read a statement: tokens and tags, noun phrases, then who, what, which states and how much."""
    lexicon()
    text = " ".join(statement.split())
    toks = tokenize(text)
    tag(toks)
    nps = phrases(toks)
    things = {p.start: _thing(p) for p in nps}
    reading = Reading(statement=statement, users=None, actor=None)
    reading.cues = [t.low for t in toks if t.pos != "PUNCT"]
    # questions people ask in their own words ("How do I reset my password?"), not a data question ("which machines
    # stopped today?"): the first or second person says who asks
    reading.questions = [
        q.strip()
        for q in re.findall(r"[^.?!]*\?", text)
        if len(q.split()) >= 3 and re.search(r"\b(i|my|me|we|our|us|you|your)\b", q.lower())
    ]
    reading.words = [t.lemma or t.low for t in toks if t.pos in ("NOUN", "VERB", "ADJ")]

    subject, subject_np, trigger = _subject(toks, nps, things)
    actions = _actions(toks, nps, things, trigger)
    actions += _doubts(toks)
    for action in actions:  # whoever work is assigned to is a person (or a team): "reassign them to a mechanic"
        target = action.target
        if action.verb in ASSIGN_VERBS and target is not None and not (target.is_system or target.is_org):
            for start, thing in things.items():
                if thing is not None and thing.name == target.name:
                    things[start] = replace(thing, is_person=True)
    if any(a.verb in ASSIGN_VERBS for a in actions):
        actions = _actions(toks, nps, things, trigger)
    reading.actions = actions
    actor_thing = subject
    passive_by = next((a for a in actions if a.passive and a.target is not None), None)
    if passive_by is not None:
        actor_thing = passive_by.target
    if actor_thing is None or subject_np is None:
        # "We need an ingestion endpoint": a system or partner that is the subject of another clause acts
        actor_thing = actor_thing or _clause_subject(toks, nps, things)
    if actor_thing is not None and actor_thing.is_person is False and subject is not None and subject.is_person:
        actor_thing = subject if passive_by is None else actor_thing
    delegate = _delegate(toks, nps, things)
    if delegate is not None:
        actor_thing = delegate
    other_actor = _clause_subject(toks, nps, things, skip=subject)
    other_acts = other_actor is not None and not other_actor.is_person
    if other_acts and (subject is None or (subject.is_person and any(a.kind == "send" for a in actions))):
        actor_thing = other_actor  # "CNC machines emit readings and we need an endpoint"
    owned_system: Thing | None = None
    if subject_np is not None and subject_np.end + 1 < len(toks) and toks[subject_np.end].pos == "POSS":
        owned = _np_at(nps, subject_np.end + 1)  # "our booking partners' systems need to ..."
        thing = things.get(owned.start) if owned is not None else None
        if thing is not None and (thing.is_system or thing.is_org):
            actor_thing = thing
            owned_system = thing if thing.is_system and " " in thing.label else None
        elif thing is not None and thing.is_person:
            owned_system = thing  # "care home residents' families call ...": the families
    reading.actor = _human_plural(actor_thing) if actor_thing else None
    reading.actor_kind = _actor_kind(actor_thing)
    reading.actor_known = actor_thing is not None and (
        actor_thing.is_person or actor_thing.is_org or actor_thing.is_system
    )
    looks = any(a.kind in ("see", "ask") for a in actions)  # "need to see which entrances are full": people look
    sends = any(a.kind == "send" and not a.passive for a in actions) and not looks
    if actor_thing is not None and reading.actor_kind == "person" and not actor_thing.is_person and sends:
        reading.actor_kind = "system"  # a thing that sends ("lab instruments should post results") is no person
        reading.actor_known = True
    by_agent = _by_agent(toks, nps, things) if subject is not None and not subject.is_person else None
    if passive_by is not None and passive_by.target is not None and not (subject and subject.is_person):
        reading.users = _human_plural(passive_by.target)  # "updates should be pushed by our carriers"
    elif by_agent is not None and not (subject.is_org or subject.is_system):  # type: ignore[union-attr]
        reading.users = _human_plural(by_agent)  # "questions ... are emailed to HR every day by new hires"
    elif subject is not None and (subject.is_person or subject.is_org or subject.is_system or trigger < len(toks)):
        reading.users = _human_plural(subject)  # who needs it: "HR wants a dashboard", "our sensors should post"
        head = subject_np.toks[-1] if subject_np is not None else None
        before = toks[subject_np.start - 1].low if subject_np is not None and subject_np.start else ""
        one = head is not None and head.low == singular(head.low) and head.low not in UNCOUNTABLE
        if one and not subject.is_person and before in ("our", "the", "my", "their", "'s"):
            reading.users = subject.label[0].upper() + subject.label[1:]  # "Our contact centre receives ...": one
    if subject_np is not None and subject is not None and subject.head in ("person", "people", "user", "customer"):
        end = next(
            (
                i
                for i in range(subject_np.end, len(toks))
                if toks[i].pos == "MODAL" or (toks[i].cands.get("VERB") or ("",))[0] in NEED_VERBS
            ),
            len(toks),
        )
        phrase = toks[subject_np.start : end]  # "People moving to the city want ...": who, exactly
        after = subject_np.end - subject_np.start
        if after < len(phrase) <= 7 and phrase[after].low.endswith("ing"):
            words = [t.text for t in phrase]
            reading.users = " ".join([words[0][0].upper() + words[0][1:], *words[1:]])
    if owned_system is not None:
        reading.users = _human_plural(owned_system)  # "our clients' payroll systems need to ...": the systems
    if reading.users is None and actor_thing is not None and subject is None:
        reading.users = _human_plural(actor_thing)  # "We need an API so that partner gyms can check ..."
    if reading.users is None:
        person = next((t for t in things.values() if t is not None and t.is_person and t.head != "person"), None)
        reading.users = _human_plural(person) if person else None

    reading.via_interface = any(
        tok.low in ("through", "via", "using", "over") and _interface_follows(toks, i) for i, tok in enumerate(toks)
    )
    reading.things = _rank(things, nps, actions, subject, _shown(toks, nps, things))
    people = [t for t in reading.things if t.is_person and (subject is None or t.name != subject.name)]
    asker = subject if subject is not None and subject.is_person else None  # "Customers ask our support team ..."
    reading.audience = asker.plural_label if asker else (people[0].plural_label if people else None)
    reading.states = _states(toks, nps, things, reading)
    reading.quantities, reading.frames = _quantities(toks, text)
    reading.topics = _topics(toks, nps, things)
    reading.sensitive = _sensitive(toks)
    return reading


def _subject(
    toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None]
) -> tuple[Thing | None, Phrase | None, int]:
    """Who has the problem: "As a X, I want", else the noun phrase before the first modal or need verb."""
    lows = [t.low for t in toks]
    if len(lows) > 3 and lows[0] == "as" and lows[1] in ("a", "an", "the"):
        for p in nps:
            if p.start >= 2 and (thing := things.get(p.start)):
                trig = next((i for i in range(p.end, len(toks)) if toks[i].low in ("want", "need", "would")), p.end)
                return replace(thing, is_person=True, is_org=False, is_system=False), p, trig
    trigger = len(toks)
    for i, tok in enumerate(toks):
        if tok.pos in ("MODAL",) or (tok.pos == "VERB" and (tok.lemma in NEED_VERBS or tok.lemma == "have")):
            trigger = i
            break
        if tok.pos == "BE" and i + 1 < len(toks) and toks[i + 1].low in ("able", "struggling", "unable", "tired"):
            trigger = i
            break
        if tok.pos == "VERB" and i > 0:
            trigger = i
            break
    before = [p for p in nps if p.end <= trigger]
    # the first noun phrase that is not inside a prepositional phrase ("Managers at our three sites need")
    for p in before:
        prev = toks[p.start - 1] if p.start else None
        if prev is not None and prev.pos == "PREP" and prev.low not in ("as",):
            continue
        thing = things.get(p.start)
        if thing is not None and thing.head not in ABSTRACT_NOUNS - {"people", "person", "everyone"}:
            return thing, p, trigger
    return None, None, trigger


def _clause_subject(
    toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None], skip: Thing | None = None
) -> Thing | None:
    """A system, device or organisation directly before a verb: "CNC machines emit", "carriers should"."""
    for p in nps:
        thing = things.get(p.start)
        if thing is None or (skip is not None and thing.name == skip.name) or thing.is_person:
            continue
        nxt = toks[p.end] if p.end < len(toks) else None
        if nxt is not None and nxt.pos in ("VERB", "MODAL") and (thing.is_system or thing.is_org):
            return thing
    return None


def _delegate(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None]) -> Thing | None:
    """ "want their dealer system to request ...": the system named before "to" is who acts."""
    for p in nps:
        thing = things.get(p.start)
        if thing is None or not (thing.is_system or thing.is_org):
            continue
        before = toks[p.start - 1] if p.start else None
        if before is not None and before.pos == "DET":
            before = toks[p.start - 2] if p.start > 1 else None
        after = toks[p.end] if p.end < len(toks) else None
        follows = toks[p.end + 1] if p.end + 1 < len(toks) else None
        wanted = before is not None and before.pos == "VERB" and before.lemma in NEED_VERBS and after is not None
        relative = after is not None and after.low in ("that", "which") and follows is not None
        if wanted and (after.pos == "TO" or (relative and follows.pos == "VERB")):  # type: ignore[union-attr]
            return thing  # "want their system to request", "want a service that returns"
    return None


def _by_agent(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None]) -> Thing | None:
    """The people in a passive's "by" phrase anywhere after a passive verb: "are emailed to HR every day by new
    hires" (the passive's subject, a thing, does not have the problem; they do)."""
    passive = False
    for i, tok in enumerate(toks):
        if tok.pos == "VERB" and i and toks[i - 1].pos == "BE" and tok.low.endswith(("ed", "en")):
            passive = True
        if passive and tok.low == "by":
            n = i + 1
            while n < len(toks) and toks[n].pos in ("DET", "NUM"):
                n += 1
            q = _np_at(nps, n)
            thing = things.get(q.start) if q is not None else None
            if thing is not None and thing.is_person:
                return thing
        if tok.text in ".;":
            passive = False
    return None


def _np_at(nps: list[Phrase], index: int) -> Phrase | None:
    return next((p for p in nps if p.start <= index < p.end), None)


def _actions(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None], trigger: int) -> list[Action]:
    """Verb + object + complement, for each main verb after the need ("reassign them to another picker")."""
    actions: list[Action] = []
    recent: Thing | None = None  # the last plural thing, for "them"/"it"
    for i, tok in enumerate(toks):
        p = _np_at(nps, i)
        t = things.get(p.start) if p is not None and p.start == i else None
        if t is not None and not (t.is_person or t.is_org or t.is_system) and t.head not in TIME_UNITS:
            recent = t
        if tok.pos != "VERB":
            continue
        lemma = tok.lemma or tok.low
        if lemma in NEED_VERBS or lemma == "get":
            q = _np_at(nps, i + 1) or _np_at(nps, i + 2)
            helpful = q is not None and (q.head.low in HELP_NOUNS or any(t.low in HELP_MODIFIERS for t in q.toks))
            if q is not None and helpful and q.start <= i + 2:
                text = " ".join(t.text for t in toks[q.start : q.end])  # "need step-by-step troubleshooting help"
                actions.append(Action("ask", f"ask for {text}", kind="ask"))
                continue
        if lemma in NEED_VERBS and lemma not in ("ask",):
            continue  # "need to", "want a board", "keep missing": the need, not what is needed
        if lemma in LIGHT_VERBS and lemma not in ("get", "help"):
            continue
        passive = i > 0 and toks[i - 1].pos == "BE" and tok.low.endswith(("ed", "en"))
        main_passive = passive and i > 1 and toks[i - 2].pos in ("MODAL", "TO")  # "should be pushed by"
        particle = ""
        j = i + 1
        if j < len(toks) and toks[j].low in ("up", "out", "back", "off", "in", "down", "over") and toks[j].pos in (
            "PREP", "ADV", "X", "NOUN", "ADJ", "VERB",
        ):  # fmt: skip
            nxt2 = toks[j + 1] if j + 1 < len(toks) else None
            if toks[j].low in ("up", "out", "back", "down") or nxt2 is None or nxt2.pos != "NOUN":
                particle, j = toks[j].low, j + 1
        obj: Thing | None = None
        end = j
        k = j
        while k < len(toks) and toks[k].pos in ("DET", "ADV", "NUM", "CONJ") and toks[k].low not in ("and", "or"):
            k += 1
        if k + 1 < len(toks) and toks[k].low in ("us", "me", "them", "him", "her") and toks[k + 1].pos in (
            "DET", "NOUN", "ADJ", "NUM",
        ):  # fmt: skip
            k += 1  # an indirect object: "send us invoices"
            while k < len(toks) and toks[k].pos in ("DET", "NUM"):
                k += 1
        news, told = _told_of(toks, nps, things, k) if lemma in TELLING_VERBS else (None, None)
        target = told  # "warn drivers about road closures": the drivers; a complement below may name another
        if news is not None:  # "notify us of flight delays": the delays
            obj, end = things.get(news.start), news.end
        elif k < len(toks) and toks[k].pos == "PRON" and toks[k].low in ("them", "it", "these", "those"):
            obj, end = recent, k + 1
        elif (q := _np_at(nps, k)) is not None and q.start == k:
            obj, end = things.get(q.start), q.end
            if end + 1 < len(toks) and toks[end].pos == "POSS" and (q2 := _np_at(nps, end + 1)) is not None:
                obj, end = things.get(q2.start), q2.end  # "a donor's tax receipt": the receipt
        # complement: "to another picker", "for each shift", "by carriers"
        m = end
        if (
            m < len(toks)
            and toks[m].pos in ("PREP", "TO")
            and toks[m].low in ("to", "for", "into", "with", "by", "from")
        ):
            n = m + 1
            while n < len(toks) and toks[n].pos in ("DET", "NUM"):
                n += 1
            if (q := _np_at(nps, n)) is not None:
                candidate = things.get(q.start)
                if candidate is not None and candidate.head not in TIME_UNITS and candidate.head not in WEEKDAYS:
                    target, end = candidate, q.end
        if passive and (target is None or not main_passive):
            if target is None:
                continue
            passive = False
        verb = lemma.lower()
        kind = VERB_KINDS.get(verb, "other")
        if verb == "show" and particle == "up":
            kind = "change"
        if verb == "find" and particle == "out":
            kind = "ask"
        if verb in ("know", "understand", "learn") and obj is not None and obj.head in KNOWLEDGE_NOUNS:
            kind = "ask"  # "understand the new rules for renewing a licence"
        if verb in ("know", "understand", "learn", "check", "find", "decide") and _wh_question(toks, j):
            kind = "ask"  # "want to know whether they can ...", "what the side effects are": a question
        if verb in ("look",) and particle == "up":
            kind = "query"
        text = " ".join(t.text for t in toks[i:end])
        before = _np_at(nps, i - 1) if tok.low.endswith("ing") and i else None
        agent = things.get(before.start) if before is not None and before.end == i else None
        agent = agent if agent is not None and agent.is_person else None
        actions.append(Action(verb, text, obj, target, kind, particle, passive and main_passive, agent))
    return actions


def _told_of(
    toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None], k: int
) -> tuple[Phrase | None, Thing | None]:
    """After a telling verb, the news and who is told: 'notify us of flight delays' -> (flight delays, None);
    'warn drivers about road closures' -> (road closures, drivers). (None, None) when no 'of'/'about' follows."""
    if k + 1 >= len(toks):
        return None, None
    told: Thing | None = None
    if toks[k].low in ("us", "me", "them", "him", "her", "you") and toks[k + 1].low in ("of", "about"):
        start = k + 2
    elif (
        (q := _np_at(nps, k)) is not None and q.start == k and q.end < len(toks) and toks[q.end].low in ("of", "about")
    ):
        told = things.get(q.start)
        if told is None or not (told.is_person or told.is_org):
            return None, None
        start = q.end + 1
    else:
        return None, None
    while start < len(toks) and toks[start].pos in ("DET", "NUM", "POSS", "PRON") and toks[start].low != "it":
        start += 1
    news = _np_at(nps, start)
    return (news if news is not None and news.start == start else None), told


def _minor(thing: Thing) -> bool:
    """A word that is never a thing of its own: 'week', 'lot', 'score' alone (but 'opening hours' stays)."""
    single = " " not in thing.label
    if thing.head in _STATE_INDEX or thing.label in _STATE_INDEX:
        return True  # "no-shows" is a state of something else
    if thing.head in WEEKDAYS:
        return True
    if thing.head in TIME_UNITS and thing.label.split()[0] in DETERMINERS | _words("next last previous coming whole"):
        return True
    clock = thing.head in TIME_UNITS and thing.head not in ("shift", "night")  # shifts are things people work
    unit = thing.head.lower() in UNITS or plural(thing.head.lower()) in UNITS
    return single and (thing.head in ABSTRACT_NOUNS or clock or unit)


def _doubts(toks: list[Tok]) -> list[Action]:
    """Not knowing is asking: "are unsure what certificates they need", "wonder whether they can ..."."""
    found = []
    for i, tok in enumerate(toks):
        doubt = tok.low in ("unsure", "confused", "wonder", "wondering", "uncertain") or (
            tok.low == "sure" and i > 0 and toks[i - 1].low in ("not", "never")
        )
        if doubt:
            j = i + 1 + (toks[i + 1].low == "about" if i + 1 < len(toks) else 0)
            which = j < len(toks) and toks[j].low == "which"  # "wonder which exercises are safe": a doubt
            if j < len(toks) and (_wh_question(toks, j) or which or toks[j - 1].low == "about"):
                text = " ".join(t.text for t in toks[i : min(len(toks), j + 6)])
                found.append(Action("ask", text, kind="ask"))
    return found


def _wh_question(toks: list[Tok], index: int) -> bool:
    """Whether an open question follows ("whether", "if", "what", "how", "why"; not "which" or "how many").

    "know which trails are open and whether dogs are allowed": a "whether" later in the sentence counts too."""
    rest = []
    for tok in toks[index:]:
        if tok.text in ".;!?":
            break
        rest.append(tok.low)
    if "whether" in rest:
        return True
    for k, word in enumerate(rest[1:], 1):  # "... visiting hours, parking charges and how to find a ward"
        if word in ("how", "why", "where", "what") and rest[k - 1] in ("and", "or", ","):
            nxt = rest[k + 1] if k + 1 < len(rest) else ""
            if not nxt or nxt in ",;:!?()":
                continue  # "which lines stopped today and why": the reason is data, not a question
            if not (word == "how" and nxt in ("many", "much", "often", "long", "late")):
                return True
    if index >= len(toks) or toks[index].low not in ("whether", "if", "what", "how", "why", "when", "where"):
        return False
    after = toks[index + 1].low if index + 1 < len(toks) else ""
    return not (toks[index].low == "how" and after in ("many", "much", "often", "long", "late"))


def _interface_follows(toks: list[Tok], index: int) -> bool:
    """Whether the noun phrase after a preposition names a machine interface ("through an integration")."""
    for tok in toks[index + 1 : index + 5]:
        if tok.pos in ("DET", "ADJ", "NUM") or (tok.pos == "NOUN" and tok.low not in INTERFACE_NOUNS):
            continue
        return tok.low in INTERFACE_NOUNS
    return False


def _shown(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None]) -> list[str]:
    """Things a board, overview or list is *of*: "a board of open purchase requests", "a view of today's jobs"."""
    shown = []
    for p in nps:
        thing = things.get(p.start)
        if thing is None or thing.head not in DISPLAY_NOUNS or p.end >= len(toks) or toks[p.end].low != "of":
            continue
        n = p.end + 1
        while n < len(toks):
            if toks[n].pos in ("DET", "NUM", "POSS", "ADV"):
                n += 1
            elif (q := _np_at(nps, n)) is not None and q.end < len(toks) and toks[q.end].pos == "POSS":
                n = q.end + 1  # a possessor: "the city's", "today's"
            else:
                break
        q = _np_at(nps, n)
        inner = things.get(q.start) if q is not None else None
        if inner is not None:
            shown.append(inner.name)
    return shown


def _rank(
    things: dict[int, Thing | None],
    nps: list[Phrase],
    actions: list[Action],
    subject: Thing | None,
    shown: list[str] | None = None,
) -> list[Thing]:
    """Distinct things, most important first: what a board is of, objects of actions, then the rest in order."""
    counts: dict[str, int] = {}
    ordered: dict[str, Thing] = {}
    for p in nps:
        thing = things.get(p.start)
        if thing is None or _minor(thing):
            continue
        counts[thing.name] = counts.get(thing.name, 0) + 1
        ordered.setdefault(thing.name, thing)
    first: list[str] = [n for n in shown or [] if n in ordered]
    for action in actions:
        for t in (action.object, action.target):
            if t is not None and t.name in ordered and t.name not in first:
                first.append(t.name)
    names = [n for n in first if not ordered[n].is_person] + [n for n in ordered if n not in first]
    names += [n for n in first if n not in names]
    # a board, overview or list *of* things is how they are shown, not a thing of its own: it goes last
    names = [n for n in names if ordered[n].head not in DISPLAY_NOUNS] + [
        n for n in names if ordered[n].head in DISPLAY_NOUNS
    ]
    return [replace(ordered[n], mentions=counts[n]) for n in names]


def _state(value: str, of: Thing | None) -> State:
    known = _STATE_INDEX.get(value.lower())
    if known is None and value.lower().startswith("un") and value.lower()[2:] in _STATE_INDEX:
        known = _STATE_INDEX[value.lower()[2:]]
    if known is not None:
        name, values = known
        shown = next((v for v in values if v.lower() == value.lower()), None)
        if value.lower() in ("show", "no-shows"):
            shown = "Showed up" if value.lower() == "show" else "No-show"
        shown = shown or value[0].upper() + value[1:]
        if shown not in values:
            values = (*values, shown)
        return State(name, name.replace("_", " ").capitalize(), shown, values, of.name if of else None)
    shown = value[0].upper() + value[1:]
    base = value.lower()
    opposite = base[2:] if base.startswith("un") and len(base) > 5 else "not " + base
    values = (opposite[0].upper() + opposite[1:], shown) if base.startswith("un") else (shown, "Not " + base)
    return State("status", "Status", shown, values, of.name if of else None)


def _states(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None], reading: Reading) -> list[State]:
    """States: predicative ("are late", "has been approved"), attributive ("overdue invoices"), "no-show"."""
    found: dict[str, State] = {}

    def owner(index: int) -> Thing | None:
        """The nearest thing before the state that can be in one: never a person, an organisation, a system,
        a state itself ("status", "no-show"), a display or a time ("by status (late, ...)" -> the reservations)."""
        for p in reversed(nps):
            t = things.get(p.start) if p.end <= index else None
            if t is None or t.is_person or t.is_org or t.is_system or _minor(t):
                continue
            if t.head in DISPLAY_NOUNS or t.head in ABSTRACT_NOUNS or t.head in _words("status state condition"):
                continue
            return t
        return reading.objects[0] if reading.objects else None

    for i, tok in enumerate(toks):
        value: str | None = None
        prev = toks[i - 1] if i else None
        if tok.low in ("no-show", "no-shows"):
            value = "no-show"
        elif tok.lemma == "show" and i + 1 < len(toks) and toks[i + 1].low == "up":
            value = "show"
        elif (
            (tok.pos == "ADJ" and (tok.low in _STATE_INDEX or (prev is not None and prev.pos in ("BE", "ADV"))))
            or (tok.pos == "VERB" and tok.low.endswith("ed") and prev is not None and prev.pos in ("BE",))
            or (tok.low in _STATE_INDEX and tok.pos in ("ADJ", "VERB") and tok.low.endswith("ed"))
        ):
            value = tok.low
        elif tok.low in ("on", "in") and i + 1 < len(toks) and f"{tok.low} {toks[i + 1].low}" in _STATE_INDEX:
            value = f"{tok.low} {toks[i + 1].low}"
        if value is None or value in ("able", "unable", "struggling", "tired", "sure", "easy", "hard", "new"):
            continue
        if value in ("based", "used", "needed", "required", "called", "given", "asked", "supposed"):
            continue
        modal_passive = i > 1 and prev is not None and prev.pos == "BE" and toks[i - 2].pos in ("MODAL", "TO")
        by_agent = i + 1 < len(toks) and toks[i + 1].low == "by"
        if value not in _STATE_INDEX and tok.pos == "VERB" and (modal_passive or by_agent):
            continue  # "should be pushed by carriers" is what someone does, not a state a record is in
        state = _state(value, owner(i))
        found.setdefault(state.name + ":" + state.value, state)
    for p in nps:
        for adj in p.adjectives:
            state = _state(adj.low, things.get(p.start))
            found.setdefault(state.name + ":" + state.value, state)
    return list(found.values())


def _number(text: str) -> float | None:
    digits = re.sub(r"[^\d.,]", "", text).replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return NUMBER_WORDS.get(text.lower())
    if re.search(r"\d\s?[kK]$", text):
        value *= 1000
    return value


def _quantities(toks: list[Tok], text: str) -> tuple[list[Quantity], list[str]]:
    """Amounts with units and time frames: "every 15 minutes", "200 calls a week", "half a day", "kWh"."""
    found: dict[str, Quantity] = {}
    frames: list[str] = []
    n = len(toks)
    for i, tok in enumerate(toks):
        low = tok.low
        nxt = toks[i + 1] if i + 1 < n else None
        prev = toks[i - 1] if i else None
        # time frames: "every 15 minutes", "each shift", "per day", "next week", "daily"
        if low in ("every", "each", "per", "next", "this", "last") and nxt is not None:
            span = [nxt]
            if nxt.pos == "NUM" and i + 2 < n:
                span.append(toks[i + 2])
            unit = singular(span[-1].low)
            if unit in TIME_UNITS or span[-1].low in WEEKDAYS:
                frames.append(" ".join([tok.text, *(s.text for s in span)]))
        if low in ("daily", "weekly", "monthly", "hourly", "nightly", "yearly"):
            frames.append(low)
        if tok.pos == "NUM" or low in ("half", "dozen", "hundred"):
            amount = _number(tok.text) if tok.pos == "NUM" else NUMBER_WORDS[low]
            if low == "half" and nxt is not None and nxt.low in ("a", "an"):
                nxt = toks[i + 2] if i + 2 < n else None
            if "°" in tok.text:  # "40°F", or "in °F" with no number
                q = _unit_quantity("°" + tok.text[-1].lower(), amount)
                found.setdefault(q.name, q)
                continue
            if amount is None:
                continue
            sym = tok.text.strip()[0]
            if sym in "€$£":
                q = _unit_quantity(sym, amount)
                found.setdefault(q.name, q)
                continue
            if tok.text.endswith("%"):
                found.setdefault("percent", _unit_quantity("%", amount))
                continue
            if nxt is None or nxt.pos == "PUNCT":
                continue
            k = i + 1  # what is counted is the head of the noun phrase: "three construction sites" -> sites
            if nxt.pos in ("NOUN", "ADJ") and nxt.low not in UNITS and singular(nxt.low) not in TIME_UNITS:
                while k + 1 < n and toks[k + 1].pos in ("NOUN", "ADJ") and toks[k + 1].low not in UNITS:
                    k += 1
                k = k if toks[k].pos == "NOUN" else i + 1
                nxt = toks[k]
            unit_word = nxt.low
            unit = singular(unit_word)
            per = None
            after = toks[k + 1 : k + 4]
            if len(after) >= 2 and after[0].low in ("a", "an", "per", "each", "every"):
                per = singular(after[1].low) if singular(after[1].low) in TIME_UNITS else None
            if unit in TIME_UNITS:
                mode_late = i + 2 < n and toks[i + 2].low in ("late", "early", "overdue", "delayed")
                name = f"{plural(unit)}_{toks[i + 2].low}" if mode_late else f"{unit}s"
                label = f"{plural(unit).capitalize()}" + (f" {toks[i + 2].low}" if mode_late else "")
                if prev is not None and prev.low in ("every", "each"):
                    continue  # a frame, already noted
                high = max(amount * 3, 10)
                found.setdefault(name, Quantity(name, label, "duration", TIME_UNITS[unit], amount, per, 0, high))
            elif unit_word in UNITS:
                found.setdefault(UNITS[unit_word][0], _unit_quantity(unit_word, amount, per))
            elif nxt.pos == "NOUN":
                name = _ident(f"{plural(unit)}_per_{per}" if per else plural(unit))
                label = f"{plural(unit).capitalize()}" + (f" per {per}" if per else "")
                found.setdefault(name, Quantity(name, label, "count", None, amount, per, 0, max(amount * 2, 10)))
        elif (low in UNITS and tok.pos in ("NOUN", "X", "ADJ")) or tok.low in ("kwh", "kw"):
            key = low
            if (key in UNITS and key not in ("score", "rating")) or (key in ("score", "rating") and tok.pos == "NOUN"):
                q = _unit_quantity(key, None)
                found.setdefault(q.name, q)
        # "minutes late", "hours overdue" without a number
        if (
            low in ("minutes", "hours", "days")
            and nxt is not None
            and nxt.low in ("late", "overdue", "early", "delayed")
        ):
            name = f"{low}_{nxt.low}"
            unit = TIME_UNITS[singular(low)]
            found.setdefault(name, Quantity(name, f"{low.capitalize()} {nxt.low}", "duration", unit, None, None, 0, 90))
    return _named_units_win(list(found.values())), list(dict.fromkeys(frames))


def _named_units_win(quantities: list[Quantity]) -> list[Quantity]:
    """A dimension's default unit gives way to the unit the statement names: "payload weight (tonnes)" is one
    weight in tonnes, not a weight in kg beside it; "temperature in °F" is not also in °C."""
    names = {q.name for q in quantities}

    def default_beside_named(name: str) -> bool:
        base = name.rsplit("_", 1)[0]
        default = UNITS.get(base)
        return (
            default is not None
            and default[0] == name
            and any(other != name and other.rsplit("_", 1)[0] == base for other in names)
        )

    return [q for q in quantities if not default_beside_named(q.name)]


def _unit_quantity(word: str, amount: float | None, per: str | None = None) -> Quantity:
    name, kind, unit, low, high = UNITS[word.lower()]
    if amount is not None:
        low, high = min(low, amount * 0.5), max(high, amount * 1.5)
    parts = name.split("_")
    if unit and len(parts) > 1:
        parts = parts[:-1]  # "temperature_c" -> "Temperature (°C)", "speed_kmh" -> "Speed (km/h)"
    label = " ".join(parts).capitalize()
    if unit:
        label = f"{label} ({unit})"
    return Quantity(name, label, kind, unit, amount, per, low, high)  # type: ignore[arg-type]


def _topics(toks: list[Tok], nps: list[Phrase], things: dict[int, Thing | None]) -> list[str]:
    """Listed topics: "parking, opening hours and prices", "about rent increases or repairs"."""
    topics: list[str] = []
    runs: list[list[str]] = []
    current: list[str] = []
    i = 0
    while i < len(toks):
        item: str | None = None
        skip: tuple[str, ...] = (",", "and", "or")
        p = _np_at(nps, i)
        if p is not None and p.start == i:
            shown = _unjudged(list(p.toks), lambda t: t.low)
            item, i = " ".join(t.low if not t.text.isupper() else t.text for t in shown), p.end
            skip = (",", "and", "or", "the", "their", "our", "its")
        elif toks[i].pos == "VERB" and toks[i].low.endswith("ing") and (current or _listed_after(toks, i)):
            j = i + 1 + (i + 1 < len(toks) and toks[i + 1].pos == "DET")
            obj = _np_at(nps, j)
            if obj is not None and obj.start == j:  # "getting a tax number, opening an account": the task
                named = [t.low if not t.text.isupper() else t.text for t in obj.toks]
                owned = j > i + 1 and toks[j - 1].low not in ("a", "an", "the")  # "their address": an address
                det = [article(named[0]) if owned else toks[j - 1].low] if j > i + 1 else []
                item, i = " ".join([toks[i].low, *det, *named]), obj.end
            elif current:
                current.append(toks[i].low)  # "about parking, ..."
                i += 1
                continue
        if item is None:
            i += 1
        else:
            current.append(item)
            if i < len(toks) and toks[i].low in (",", "and", "or"):
                while i < len(toks) and toks[i].low in skip:
                    i += 1
                continue
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    for run in runs:
        for topic in run:
            if topic not in topics and (" " in topic or topic not in ABSTRACT_NOUNS):
                topics.append(topic)
    return topics


def _listed_after(toks: list[Tok], i: int) -> bool:
    """Whether the -ing form at `i` opens a list after a preposition: 'on registering their address, getting ...'."""
    return i >= 1 and toks[i - 1].pos == "PREP" and any(t.low in (",", "and", "or") for t in toks[i + 1 : i + 8])


def _sensitive(toks: list[Tok]) -> str | None:
    lows = {t.low for t in toks} | {t.lemma for t in toks if t.lemma}
    if lows & {"tenant", "tenants", "applicant", "applicants", "renter", "renters"} and lows & SENSITIVE[0][1]:
        return "tenant screening"
    for domain, cues in SENSITIVE[1:]:
        if lows & cues:
            return domain
    if lows & {"loan", "loans"} and lows & {"bank", "banks", "application", "applications", "borrower", "borrowers"}:
        return "credit"
    return None


def describe(reading: Reading) -> dict[str, Any]:
    """A plain-data view of a reading, for debugging and the benchmark script."""
    from dataclasses import asdict

    return asdict(reading)
