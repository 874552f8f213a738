"""Word lists for the offline planner: small, explicit, and easy to extend.

The offline planner reads a problem statement with these lists instead of a language model, so what it can
recognise is exactly what is written here: cue words per blueprint, verbs and their nominalisations, and common
attributes, metrics and categories with plausible sample values.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(text.split())


# --- blueprint cues: (phrase, weight); a phrase of several words matches consecutive words -------------------------

CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "chatbot": (
        ("ask", 3),
        ("asks", 3),
        ("asking", 3),
        ("question", 2),
        ("questions", 2),
        ("help deciding", 4),
        ("help choosing", 4),
        ("want help", 2),
        ("advice", 3),
        ("guidance", 3),
        ("find out", 3),
        ("how to", 2),
        ("tutor", 3),
        ("texting", 3),
        ("texts", 2),
        ("rights", 2),
        ("allowed", 2),
        ("policy", 1),
        ("explain", 2),
        ("whether", 1),
        ("faq", 3),
        ("chat", 3),
        ("troubleshoot", 3),
        ("troubleshooting", 3),
        ("describe", 2),
        ("plain language", 2),
        ("plain answer", 2),
        ("answer", 1),
        ("knowledge base", 2),
        ("confused", 2),
        ("unsure", 2),
        ("wonder", 2),
        ("wondering", 2),
        ("can they", 1),
        ("eligible", 2),
        ("entitled", 2),
        ("support team", 1),
        ("keep asking", 3),
        ("same questions", 3),
        ("calling", 1),
        ("emailing", 1),
    ),
    "streamlit": (
        ("see", 3),
        ("view", 2),
        ("track", 2),
        ("compare", 3),
        ("review", 3),
        ("overview", 4),
        ("board", 3),
        ("dashboard", 4),
        ("per", 2),
        ("for each", 2),
        ("filter", 2),
        ("sort", 2),
        ("sorted", 2),
        ("spot", 2),
        ("explore", 3),
        ("monitor", 3),
        ("chart", 3),
        ("trend", 2),
        ("trends", 2),
        ("what-if", 4),
        ("scenario", 3),
        ("scenarios", 3),
        ("model", 2),
        ("enter", 3),
        ("record", 2),
        ("log", 3),
        ("sample", 2),
        ("screen", 3),
        ("which", 1),
        ("on top", 2),
        ("oldest", 2),
        ("lagging", 2),
        ("plan", 1),
        ("prioritise", 2),
        ("prioritize", 2),
        ("schedule", 1),
        ("assign", 2),
        ("spreadsheet", 3),
        ("spreadsheets", 3),
        ("report on", 2),
        ("run out", 2),
        ("keep tabs", 3),
        ("at a glance", 3),
        ("offline", 1),
        ("capture", 2),
        ("inspect", 2),
    ),
    "api": (
        ("send", 3),
        ("receive", 3),
        ("submit", 3),
        ("publish", 4),
        ("expose", 4),
        ("notify", 4),
        ("query", 3),
        ("upload", 3),
        ("fetch", 4),
        ("retrieve", 3),
        ("returns", 3),
        ("get back", 3),
        ("back", 1),
        ("their system", 4),
        ("their systems", 4),
        ("management system", 4),
        ("system", 1),
        ("systems", 2),
        ("service", 1),
        ("platform", 1),
        ("platforms", 2),
        ("apps", 2),
        ("app", 1),
        ("automatically", 3),
        ("webhook", 4),
        ("integrate", 4),
        ("integration", 4),
        ("sync", 3),
        ("feed", 2),
        ("endpoint", 4),
        ("programmatically", 4),
        ("place orders", 3),
        ("place material orders", 3),
        ("report to", 3),
        ("request a", 2),
        ("check whether", 2),
        ("register", 2),
        ("devices", 2),
        ("device", 2),
        ("sensors", 2),
        ("machine-readable", 4),
        ("partner", 1),
        ("partners", 1),
        ("vendors", 1),
        ("export", 2),
        ("import", 2),
        ("push", 2),
        ("pull", 2),
        ("connect", 2),
        ("payment link", 2),
        ("before they dispense", 1),
    ),
}

#: Order used to break ties between equally scored bundled blueprints.
TIE_ORDER = ("streamlit", "chatbot", "api")

# --- grammar helpers ------------------------------------------------------------------------------------------------

STOPWORDS = words("""a an the this that these those our their its his her my your we they he she it us them i you me him who whom
    whose which what when where why how whether if then than so because as at by for from in into of off on onto out
    over to under up with within without and or but nor not no yes all any each every some few many much more most
    own same other such one two three four five first last next new via per against about before after during
    while until since also just only even still very too again ever can can't cannot could should would will won't
    must may might shall be been being is are was were am do does did done doing have has had having get gets got
    getting there here somewhere someone something anyone anything everyone everything way ways lot lots kind
    sort sorts thing things day days today daily week weeks weekly month months monthly year years yearly quarter
    time top bottom keep keeps kept let lets like based around along away through across together themselves
    myself yourself itself ourselves""")

#: Words that end the subject (the target users) of a statement.
SUBJECT_END = words("""need needs want wants ask asks keep keeps should can can't cannot could must will would have has had are is
    was were struggle struggles spend spends lose loses miss misses get gets try tries waste wastes don't doesn't
    never always often currently still would like send sends report reports lack lacks rely relies use uses wish
    wishes hope hopes expect expects find finds call calls email emails text texts complain complain complains
    forget forgets manage manages depend depends spent""")


#: Base forms of verbs the planner recognises. Ambiguous noun/verb words are in NOUNISH_VERBS too.
VERBS = words("""accept access add adjust allow answer apply approve arrange ask assign audit book browse build buy calculate
    calibrate call cancel capture change charge check choose claim close collect compare complete confirm connect
    count create decide deliver describe design dispatch dispense display download edit email enrol enroll enter
    estimate expose export explore fetch file filter find fix flag follow forecast get give handle help identify
    import inspect install invoice issue keep know learn list load log look manage mark match measure model monitor
    move need notify open order pay pick place plan post predict prepare prioritise prioritize process publish pull
    push query raise rank rate read rebook receive record refund register reject release remind renew rent report
    request reschedule reserve retrieve return review route run sample save schedule score search see select sell
    send set share ship show sign sort spot start stop store submit subscribe suggest supply sync tag take talk tell
    test text track trade transfer understand update upload use validate value verify view visit walk want watch
    work write""")

#: Verbs that are just as often nouns; they count as verbs only right after `to`, a modal, `and`/`or` or the subject.
NOUNISH_VERBS = words("""answer book call change charge check claim count design email file filter fix flag help invoice issue list
    load log look mark match model order pay place plan post process query rate record refund release rent
    report request return review run sample schedule score search set share ship show sign sort spot start stop
    store supply tag talk test text track trade transfer update use value view visit walk watch work""")

IRREGULAR_VERBS = {
    "sold": "sell",
    "sells": "sell",
    "sent": "send",
    "paid": "pay",
    "made": "make",
    "bought": "buy",
    "kept": "keep",
    "found": "find",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "ran": "run",
    "set": "set",
    "told": "tell",
    "read": "read",
    "done": "do",
    "got": "get",
    "shown": "show",
    "chosen": "choose",
}

#: Verb -> the thing it produces or records (nominalisation).
NOMINAL = {
    "approve": "approval",
    "book": "booking",
    "rebook": "booking",
    "deliver": "delivery",
    "register": "registration",
    "submit": "submission",
    "pay": "payment",
    "read": "reading",
    "value": "valuation",
    "notify": "notification",
    "order": "order",
    "reserve": "reservation",
    "apply": "application",
    "claim": "claim",
    "refund": "refund",
    "enrol": "enrolment",
    "enroll": "enrollment",
    "cancel": "cancellation",
    "inspect": "inspection",
    "assign": "assignment",
    "schedule": "appointment",
    "report": "report",
    "request": "request",
    "rate": "rating",
    "review": "review",
    "renew": "renewal",
    "ship": "shipment",
    "dispatch": "dispatch",
    "invoice": "invoice",
    "charge": "charge",
    "transfer": "transfer",
    "measure": "measurement",
    "estimate": "estimate",
    "score": "score",
    "log": "log_entry",
    "record": "record",
    "confirm": "confirmation",
    "verify": "verification",
    "subscribe": "subscription",
    "rent": "rental",
    "donate": "donation",
    "check": "check",
    "reject": "rejection",
    "calibrate": "calibration",
    "predict": "prediction",
    "forecast": "forecast",
    "audit": "audit",
    "dispense": "dispensing",
    "collect": "collection",
    "sell": "sale",
    "buy": "purchase",
    "return": "return",
    "upload": "upload",
    "publish": "publication",
    "query": "query",
    "retrieve": "record",
    "fetch": "record",
    "send": "message",
    "receive": "message",
    "supply": "supply",
    "sign": "signature",
    "trade": "trade",
}

#: Verbs whose nominalisation is a good API resource even when the verb has an object (the transaction itself).
TRANSACTION_VERBS = words("approve book rebook reserve pay enrol enroll refund cancel claim donate")

ADJECTIVES = words("""free open closed new old oldest newest common central estimated daily weekly monthly yearly annual quarterly
    right wrong best worst good bad big small large main local national public private online offline digital
    current future past late early overdue due urgent critical simple plain real different similar same several
    various certain specific regular basic full partial total average available missing active inactive internal
    external official industrial organic clinical medical legal financial technical general key lagging upcoming
    recent previous pending approved rejected expected actual planned typical frequent manual automatic standard
    whole entire few many common routine important major minor high low stuck what-if""")

#: Nouns that name a channel or a container: never a resource, row or topic, even with a modifier.
CHANNEL_NOUNS = words("""system systems service services platform platforms app apps application tool tools website portal software
    solution somewhere someone something us we them they everyone anyone screen screens page pages spreadsheet
    spreadsheets back front top bottom instead way ways thing things stuff""")

#: Nouns too vague to stand alone; with a modifier they are fine ("tracking numbers", "test answers").
VAGUE_NOUNS = words("""team teams site data information info people person place places one ones end lot lots kind type types
    number numbers problem problems issue issues process processes question questions answer answers help advice
    guidance support time times hour hours day days week weeks month months year years quarter today tomorrow
    yesterday morning evening night minute minutes second seconds part parts side list email emails phone phones
    call calls letter letters language""")

GENERIC_NOUNS = CHANNEL_NOUNS | VAGUE_NOUNS

#: Nouns for people and organisations: they become fields (insurer, donor), never resources.
ACTORS = words("""insurer insurers donor donors learner learners driver drivers customer customers client clients patient
    patients user users member members staff employee employees manager managers owner owners tenant tenants
    landlord landlords city cities council partner partners supplier suppliers vendor vendors buyer buyers seller
    sellers dealer dealers student students teacher teachers parent parents guest guests visitor visitors
    technician technicians engineer engineers doctor doctors nurse nurses pharmacy pharmacies pharmacist clinic
    clinics hospital hospitals bank banks airline airlines garage garages school schools company companies
    business businesses shop shops store stores marketplace marketplaces agency agencies government operator
    operators planner planners courier couriers carrier carriers broker brokers lender lenders maker makers
    manufacturer manufacturers retailer retailers merchant merchants organiser organisers organizer organizers
    coordinator coordinators dispatcher dispatchers auditor auditors analyst analysts farmer farmers homeowner
    homeowners renter renters freelancer freelancers couple family families team colleague colleagues agent agents
    passenger passengers traveller travellers traveler travelers athlete athletes player players coach coaches
    volunteer volunteers charity charities association associations authority authorities site sites""")

#: Nouns ending like an actor (-er, -or) that are things.
THING_ER = words("""order orders number numbers meter meters letter letters voucher vouchers timer timers filter filters water
    paper papers computer computers server servers folder folders ledger ledgers register container containers
    trailer trailers charger chargers marker markers chapter chapters poster posters sticker stickers counter
    counters parameter parameters tractor tractors sensor sensors monitor monitors calendar calendars error errors
    answer answers power cover covers transfer transfers offer offers tender tenders barrier barriers center
    centre centers centres header headers trigger triggers printer printers scanner scanners quarter quarters
    roster rosters border borders matter matters winter summer number user""")

#: Nouns that are attributes of a record, not records: they become fields of the nearest resource.
ATTRIBUTE_NOUNS = words("""registration status date deadline amount price cost fee level location address name code reference quantity
    weight size colour color category priority rating risk score deposit currency unit total balance owner
    country region postcode phone email""")

# --- api attributes ------------------------------------------------------------------------------------------------
# A field spec is (name, type, generator). Generators: person, org, product, place, code, money, text:<a|b|c>,
# int:<lo>:<hi>, float:<lo>:<hi>, date, datetime, bool, status, url.

RESOURCE_FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "prescription": (
        ("patient", "str", "person"),
        (
            "medicine",
            "str",
            "text:Amoxicillin 500mg|Salbutamol inhaler|Metformin 850mg|Atorvastatin 20mg|Sertraline 50mg",
        ),
        ("issued_on", "date", "date"),
    ),
    "approval": (("decided_on", "date", "date"),),
    "invoice": (("customer", "str", "org"), ("amount", "float", "money"), ("due_on", "date", "date")),
    "payment_link": (("url", "str", "url"), ("amount", "float", "money"), ("expires_on", "date", "date")),
    "payment": (("amount", "float", "money"), ("paid_on", "date", "date")),
    "valuation": (("amount", "float", "float:2500:38000"), ("valued_on", "date", "date")),
    "vehicle": (
        ("make_model", "str", "text:Ford Focus|VW Golf|Toyota Yaris|Kia Niro|Skoda Octavia"),
        ("registration", "str", "text:AB21 CDE|KX19 LMN|YT70 PRS|LD68 WQE|BN22 HJK"),
        ("mileage", "int", "int:8000:120000"),
    ),
    "delay": (
        ("flight_number", "str", "text:BA 2490|KL 1008|EZY 8123|LH 921|FR 4417"),
        ("delay_minutes", "int", "int:15:240"),
        ("new_arrival", "datetime", "datetime"),
    ),
    "transfer": (("passenger", "str", "person"), ("pickup_at", "datetime", "datetime")),
    "booking": (("customer", "str", "person"), ("starts_at", "datetime", "datetime")),
    "step_count": (("steps", "int", "int:2500:16000"), ("counted_on", "date", "date")),
    "score": (("score", "int", "int:35:98"), ("week_starting", "date", "date")),
    "listing": (("title", "str", "product"), ("price", "float", "float:8:180"), ("stock", "int", "int:0:40")),
    "product": (("title", "str", "product"), ("price", "float", "float:8:180")),
    "order": (("quantity", "int", "int:1:400"), ("needed_by", "date", "date")),
    "window": (("starts_at", "datetime", "datetime"), ("ends_at", "datetime", "datetime")),
    "delivery": (("address", "str", "place"), ("window_start", "datetime", "datetime")),
    "level": (("level", "str", "text:A1|A2|B1|B2|C1"), ("assessed_on", "date", "date")),
    "answer": (("question_number", "int", "int:1:40"), ("answer", "str", "text:a|b|c|d")),
    "reading": (("value", "float", "float:1200:48000"), ("read_on", "date", "date")),
    "bill": (("amount", "float", "money"), ("period", "str", "text:2026-01|2026-02|2026-03|2026-04")),
    "donation": (("donor", "str", "person"), ("amount", "float", "float:5:500"), ("donated_on", "date", "date")),
    "receipt": (("tax_year", "int", "int:2025:2026"), ("total", "float", "float:20:2400")),
    "space": (("free_spaces", "int", "int:0:220"), ("updated_at", "datetime", "datetime")),
    "availability": (
        ("station", "str", "place"),
        ("docks_free", "int", "int:0:24"),
        ("bikes_available", "int", "int:0:24"),
    ),
    "notification": (
        ("message_type", "str", "text:delay|cancellation|gate change"),
        ("sent_at", "datetime", "datetime"),
    ),
    "registration": (("registered_on", "date", "date"),),
    "appointment": (("starts_at", "datetime", "datetime"),),
    "claim": (("amount", "float", "money"), ("submitted_on", "date", "date")),
    "shipment": (("carrier", "str", "org"), ("shipped_on", "date", "date")),
    "fault": (
        ("equipment", "str", "text:Pump P-12|Boiler B-3|Conveyor C-7|Compressor K-2|Chiller H-1"),
        ("severity", "int", "int:1:5"),
        ("reported_at", "datetime", "datetime"),
    ),
    "ticket": (
        ("subject", "str", "text:Login fails|Refund missing|Device offline|Wrong address"),
        ("opened_at", "datetime", "datetime"),
    ),
}

#: Fields added when a head word ends with one of these (a suffix match on the snake_case name).
SUFFIX_FIELDS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("count", (("value", "int", "int:10:5000"), ("counted_on", "date", "date"))),
    ("score", (("score", "int", "int:35:98"),)),
    ("level", (("level", "str", "text:A1|A2|B1|B2|C1"),)),
    ("link", (("url", "str", "url"),)),
    ("window", (("starts_at", "datetime", "datetime"), ("ends_at", "datetime", "datetime"))),
    ("reading", (("value", "float", "float:1200:48000"),)),
    ("receipt", (("total", "float", "float:20:2400"),)),
    ("listing", (("title", "str", "product"), ("price", "float", "float:8:180"))),
)

MONEY_WORDS = words(
    "invoice bill payment valuation price donation order receipt cost fee spend refund claim quote charge"
)

STATUS_VALUES: dict[str, tuple[str, ...]] = {
    "approval": ("approved", "pending", "rejected"),
    "prescription": ("awaiting approval", "approved", "dispensed"),
    "invoice": ("sent", "paid", "overdue"),
    "payment": ("pending", "paid", "failed"),
    "payment_link": ("active", "paid", "expired"),
    "order": ("placed", "confirmed", "shipped", "delivered"),
    "delivery": ("scheduled", "out for delivery", "delivered"),
    "booking": ("confirmed", "rebooked", "cancelled"),
    "transfer": ("booked", "rebooked", "cancelled"),
    "delay": ("reported", "confirmed", "resolved"),
    "donation": ("received", "receipted", "refunded"),
    "receipt": ("issued", "sent", "void"),
    "registration": ("registered", "confirmed", "cancelled"),
    "listing": ("active", "sold out", "paused"),
    "valuation": ("requested", "valued", "expired"),
    "reading": ("submitted", "validated", "rejected"),
    "bill": ("estimated", "issued", "paid"),
    "claim": ("submitted", "approved", "rejected"),
    "ticket": ("open", "assigned", "resolved"),
    "fault": ("reported", "in repair", "fixed"),
    "window": ("proposed", "confirmed", "missed"),
    "space": ("open", "full", "closed"),
    "level": ("provisional", "confirmed"),
}
DEFAULT_STATUS = ("pending", "active", "closed")

CODE_PREFIX = {
    "prescription": "RX",
    "approval": "APR",
    "invoice": "INV",
    "payment": "PAY",
    "order": "ORD",
    "booking": "BK",
    "transfer": "TRF",
    "delay": "DLY",
    "donation": "DON",
    "receipt": "RCT",
    "valuation": "VAL",
    "vehicle": "VEH",
    "registration": "REG",
    "ticket": "TCK",
    "claim": "CLM",
    "shipment": "SHP",
    "delivery": "DEL",
    "reading": "MTR",
    "listing": "LST",
    "notification": "NTF",
    "bill": "BIL",
    "space": "SPC",
    "fault": "FLT",
    "window": "WIN",
}

# --- streamlit columns ---------------------------------------------------------------------------------------------
# cue word -> (column name, label, low, high, decimals)

METRICS: dict[str, tuple[str, str, float, float, int]] = {
    "uptime": ("uptime_pct", "Uptime (%)", 78, 99.5, 1),
    "scrap": ("scrap_rate_pct", "Scrap rate (%)", 0.4, 6.5, 1),
    "spend": ("spend", "Spend (EUR)", 250, 9000, 0),
    "sign-ups": ("sign_ups", "Sign-ups", 4, 420, 0),
    "signups": ("sign_ups", "Sign-ups", 4, 420, 0),
    "enrolment": ("enrolment", "Enrolment", 0, 42, 0),
    "enrollment": ("enrollment", "Enrollment", 0, 42, 0),
    "registrations": ("registrations", "Registrations", 40, 320, 0),
    "check-ins": ("check_ins", "Check-ins", 25, 260, 0),
    "no-shows": ("no_shows", "No-shows", 2, 60, 0),
    "scores": ("score", "Score", 35, 98, 0),
    "score": ("score", "Score", 35, 98, 0),
    "sell": ("units_sold", "Units sold", 6, 140, 0),
    "sales": ("sales", "Sales (EUR)", 120, 4200, 0),
    "revenue": ("revenue", "Revenue (EUR)", 500, 25000, 0),
    "runway": ("runway_months", "Runway (months)", 3, 30, 1),
    "amount": ("amount", "Amount (EUR)", 40, 18000, 2),
    "risk": ("risk_score", "Risk score", 1, 100, 0),
    "sla": ("sla_hours_left", "SLA hours left", -6, 48, 1),
    "timers": ("sla_hours_left", "SLA hours left", -6, 48, 1),
    "oldest": ("days_open", "Days open", 1, 180, 0),
    "calibration": ("days_to_calibration", "Days to calibration", -10, 120, 0),
    "booked": ("hours_booked", "Hours booked this week", 0, 40, 0),
    "bookings": ("bookings", "Bookings", 0, 30, 0),
    "stock": ("stock_on_hand", "Stock on hand", 0, 240, 0),
    "run out": ("days_of_stock", "Days of stock left", 0, 30, 0),
    "cost": ("cost", "Cost (EUR)", 50, 12000, 0),
    "costs": ("cost", "Cost (EUR)", 50, 12000, 0),
    "contract": ("contract_value", "Contract value (EUR)", 2000, 90000, 0),
    "conversion": ("conversion_pct", "Conversion (%)", 0.5, 12, 1),
    "churn": ("churn_pct", "Churn (%)", 0.5, 15, 1),
    "downtime": ("downtime_minutes", "Downtime (minutes)", 0, 240, 0),
    "attendance": ("attendance_pct", "Attendance (%)", 60, 100, 0),
    "visits": ("visits", "Visits", 10, 900, 0),
    "orders": ("orders", "Orders", 3, 300, 0),
    "complaints": ("complaints", "Complaints", 0, 25, 0),
    "faults": ("severity", "Severity (1-5)", 1, 5, 0),
    "energy": ("energy_kwh", "Energy (kWh)", 120, 4800, 0),
    "waiting": ("wait_minutes", "Wait (minutes)", 2, 95, 0),
    "delays": ("delay_minutes", "Delay (minutes)", 0, 120, 0),
    "occupancy": ("occupancy_pct", "Occupancy (%)", 20, 100, 0),
    "budget": ("budget", "Budget (EUR)", 1000, 50000, 0),
    "hours": ("hours", "Hours", 1, 60, 1),
    "inventory": ("stock_on_hand", "Stock on hand", 0, 240, 0),
    "plan": ("planned", "Planned", 5, 45, 0),
}

#: A category word -> sample values. Unknown categories get "<Word> A", "<Word> B", ...
CATEGORIES: dict[str, tuple[str, ...]] = {
    "shift": ("Early", "Late", "Night"),
    "channel": ("Email", "Search", "Social", "Display"),
    "week": ("2026-W10", "2026-W11", "2026-W12", "2026-W13"),
    "day": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "day_of_week": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "month": ("2026-01", "2026-02", "2026-03", "2026-04"),
    "site": ("Leeds", "Lyon", "Porto", "Utrecht", "Graz"),
    "estate": ("Northfield", "Riverside", "Oakwood", "Hillcrest"),
    "session": ("Opening keynote", "Workshop A", "Workshop B", "Panel", "Closing talk"),
    "region": ("North", "South", "East", "West"),
    "team": ("Team Alpha", "Team Bravo", "Team Charlie"),
    "risk": ("High", "Medium", "Low"),
    "status": ("Open", "In progress", "Done"),
    "priority": ("P1", "P2", "P3"),
    "vendor": ("Acme Supplies", "Brightline Ltd", "Corvus Trading", "Delta Office"),
    "technician": ("A. Khan", "B. Novak", "C. Silva", "D. Okafor"),
    "topic": ("Fractions", "Algebra", "Geometry", "Statistics", "Ratios"),
    "scenario": ("Base case", "Optimistic", "Pessimistic"),
    "store": ("Central", "Harbour", "Station Road", "Mall"),
    "department": ("Sales", "Operations", "Finance", "Support"),
    "line": ("Line 1", "Line 2", "Line 3"),
    "lab": ("Chemistry lab", "Bio lab", "Materials lab"),
    "category": ("Essentials", "Seasonal", "Fresh", "Household"),
    "segment": ("SMB", "Mid-market", "Enterprise"),
    "country": ("NL", "DE", "FR", "ES"),
    "class": ("7A", "7B", "8A"),
    "product": ("Basic", "Plus", "Pro"),
    "location": ("Depot North", "Depot South", "Workshop"),
    "stage": ("New", "Qualified", "Proposal", "Won"),
    "owner": ("A. Khan", "B. Novak", "C. Silva"),
    "type": ("Standard", "Express", "Bulk"),
    "campaign": ("Spring launch", "Retargeting", "Newsletter", "Partner promo"),
    "quarter": ("2026-Q1", "2026-Q2"),
}

#: Words that are categories when they appear anywhere (not only after "per" or "by").
CATEGORY_CUES = words(
    "shift channel week site estate session region team risk priority vendor technician topic scenario store "
    "department line lab segment stage"
)

#: Plural word -> category name, for categories written in the plural ("topics", "sites").
CATEGORY_PLURALS = {
    "shifts": "shift",
    "channels": "channel",
    "weeks": "week",
    "sites": "site",
    "estates": "estate",
    "sessions": "session",
    "regions": "region",
    "teams": "team",
    "vendors": "vendor",
    "technicians": "technician",
    "topics": "topic",
    "scenarios": "scenario",
    "stores": "store",
    "departments": "department",
    "lines": "line",
    "labs": "lab",
    "segments": "segment",
    "stages": "stage",
    "assignments": "technician",
    "days": "day",
}

#: What one row is called when the statement only names metrics: a metric cue -> entity.
ENTITY_NAMES: dict[str, tuple[str, ...]] = {
    "machine": ("Press 01", "Press 02", "Lathe 03", "Mill 04", "Welder 05", "Packer 06"),
    "campaign": ("Spring launch", "Retargeting", "Newsletter", "Partner promo", "Brand video"),
    "renewal": ("Acme Ltd", "Brightline BV", "Corvus GmbH", "Delta Foods", "Evergreen Co", "Fjord Media"),
    "ticket": ("TCK-1042", "TCK-1043", "TCK-1051", "TCK-1060", "TCK-1077", "TCK-1081"),
    "dish": ("Margherita", "Lasagne", "Caesar salad", "Fish stew", "Risotto", "Tiramisu", "Burger"),
    "transaction": ("TX-20931", "TX-20944", "TX-20958", "TX-21003", "TX-21017", "TX-21029"),
    "quiz": ("Quiz 1", "Quiz 2", "Quiz 3", "Quiz 4"),
    "student": ("Amira", "Ben", "Chloe", "Dev", "Elif", "Finn", "Grace"),
    "repair_job": ("Leaking tap", "Broken boiler", "Damp wall", "Faulty lift", "Blocked drain", "Window seal"),
    "instrument": ("HPLC-1", "Mass spec 2", "Centrifuge C3", "Microscope M4", "Spectrometer S5"),
    "product": ("Oat milk 1L", "Basmati rice 2kg", "Olive oil 750ml", "Coffee beans", "Paper towels"),
    "fault": ("Pump P-12", "Boiler B-3", "Conveyor C-7", "Compressor K-2", "Chiller H-1"),
}

#: (cue, action label) checked in order; the first cue found in the statement wins.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("finding", "Record finding"),
    ("findings", "Record finding"),
    ("assignment", "Assign technician"),
    ("assignments", "Assign technician"),
    ("assign", "Assign owner"),
    ("calibration", "Schedule calibration"),
    ("lagging", "Flag for follow-up"),
    ("notes", "Add note"),
    ("note", "Add note"),
    ("menu", "Adjust menu"),
    ("scenario", "Save scenario"),
    ("scenarios", "Save scenario"),
    ("run out", "Reorder"),
    ("reorder", "Reorder"),
    ("repair", "Schedule repair"),
    ("struggles", "Plan revision lesson"),
    ("fault", "Log fault"),
    ("faults", "Log fault"),
    ("review", "Mark as reviewed"),
    ("approve", "Approve"),
    ("book", "Book"),
    ("spot", "Flag for follow-up"),
)
DEFAULT_ACTION = "Flag for follow-up"

# --- sample values -------------------------------------------------------------------------------------------------

PEOPLE = (
    "Amira Haddad",
    "Ben Carter",
    "Chloe Martin",
    "Dev Patel",
    "Elif Demir",
    "Finn O'Brien",
    "Grace Liu",
    "Hugo Silva",
    "Ines Moreau",
    "Jonas Berg",
)
ORGS = (
    "Helix Health",
    "Northway Insurance",
    "Brightline Ltd",
    "Corvus Trading",
    "Delta Foods",
    "Evergreen Co",
    "Fjord Media",
    "Granite Works",
)
PRODUCTS = ("Hand-thrown mug", "Linen tote bag", "Beeswax candle", "Oak cheese board", "Wool scarf", "Ceramic planter")
PLACES = ("Central Station", "Harbour Square", "Museum Quarter", "Park Lane", "University Hill", "Old Town")

#: Related-party nouns with a better generator than a person's name.
PARTY_GENERATORS = {
    "insurer": "text:Helix Health|Northway Insurance|CareFirst Mutual|Unity Assurance",
    "city": "text:Utrecht|Lyon|Leeds|Porto",
    "garage": "text:Central Garage|Harbour Parking|Station P+R",
    "station": "place",
    "airline": "text:KLM|British Airways|easyJet|Lufthansa",
    "supplier": "org",
    "vendor": "org",
    "dealer": "org",
    "school": "org",
    "site": "text:comparestuff.example|pricehawk.example",
    "planner": "org",
    "app": "text:RouteNow|ParkFinder|CityNav",
    "marketplace": "org",
    "platform": "org",
    "pharmacy": "text:Kingsway Pharmacy|Riverside Chemist|Elm Street Pharmacy",
}
