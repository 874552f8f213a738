"""Offline planner plugin for the chatbot: the topics people ask about, phrased the way people ask.

Intents are the topics the statement lists (else the questions its things and verbs imply). Each gets phrasings
from general English question patterns (what/when/where/how/can I ...), chosen by what kind of topic it is (times,
places, prices, contact, something to do), and a draft answer built from Faker facts where facts are plausible.
Who asks (the audience) is kept apart from who runs the bot (the operator).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from scaffolder.planners.plugin import (
    Fill,
    PlanKit,
    anchor_time,
    article,
    brief_from_templates,
    cap,
    cut,
    declared_events,
    fold,
    gerund_preposition,
    head_word,
    join_words,
    load_yaml,
    lower_first,
    plural,
    safe_ident,
    singular,
    target_share,
    thing_class,
    words,
)
from scaffolder.planners.reading import KNOWLEDGE_NOUNS, PARTICLES, Reading, Thing, verb_lemma

HERE = Path(__file__).resolve().parent

#: Kinds of topic, by the words in them (general English), and how people ask about each.
TIME_WORDS = words("hours hour opening times time open close closing when")
DATE_WORDS = words("date dates deadline deadlines due term terms holiday holidays schedule timetable calendar")
PLACE_WORDS = words("parking park address location directions where entrance map car access")
PRICE_WORDS = words("price prices cost costs fee fees charge charges rate rates pay payment payments much tariff")
CONTACT_WORDS = words("contact phone email call number reach")
#: Words that carry no topic of their own in "prices of private scans", "questions about parking".
FILLER = words("of for about the a an and or to with on in their our your my questions question info information")

PATTERNS: dict[str, list[str]] = {
    "time": [
        "What {is} your {topic}?",
        "When are you open?",
        "What time do you open?",
        "What time do you close today?",
        "Are you open on Saturday?",
        "Are you open at the weekend?",
        "When can I come in?",
        "{Topic}?",
    ],
    "dates": [
        "When {is} the {topic}?",
        "What {is} the {topic}?",
        "Can you tell me the {topic}?",
        "Where can I see the {topic}?",
        "When is the next one?",
        "{Topic} this year?",
    ],
    "place": [
        "Where {is} the {topic}?",
        "Where can I find {topic}?",
        "How do I get to you?",
        "What's the address?",
        "Is there {topic} near you?",
        "Where do I go when I arrive?",
        "Can you tell me about {topic}?",
        "{Topic}?",
    ],
    "price": [
        "How much {does} {subject} cost?",
        "What do you charge for {subject}?",
        "What {is} the {topic}?",
        "Do I have to pay for {subject}?",
        "{Is} {subject} free?",
        "Price of {subject}?",
        "How much is it?",
    ],
    "contact": [
        "How can I contact you?",
        "What is your phone number?",
        "Can I email you?",
        "What is the contact email?",
        "Which number do I call to contact someone?",
        "How do I contact a person by phone?",
    ],
    "task": [
        "How do I {task}?",
        "Can I {task} online?",
        "I want to {task}",
        "What's the best way to {task}?",
        "Where do I go to {task}?",
        "Help me {task}, please",
        "Can you help me {task}?",
    ],
    "about": [
        "What can you help me with?",
        "What questions can you answer?",
        "Which topics can you help with?",
        "What help is available here?",
        "What kind of questions do you answer?",
    ],
    "general": [
        "Can you tell me about {topic}?",
        "I have a question about {topic}",
        "Where can I find information on {topic}?",
        "What should I know about {topic}?",
        "Who do I talk to about {topic}?",
        "Help with {topic}, please",
        "{Topic}?",
    ],
}
#: Asking about a price with nothing named to price ("what are the fees?").
PRICE_ALONE = ["How much {is} the {topic}?", "Do I have to pay anything?", "Is it free?", "How much does it cost?"]
#: Parking is asked about with its own verb; general English, not a statement's words.
PARK_PATTERNS = ["Where can I park?", "Is there parking?", "How much is parking?", "Can I park on site?"]
#: A note added to the persona in a sensitive domain (the reading names the domain).
SENSITIVE_NOTES = {
    "health": "Never give medical advice or interpret results; for anything urgent tell people to call their doctor"
    " or the emergency number.",
    "children": "Never ask for a child's personal details; speak to the parent or guardian.",
    "credit": "Never make or promise a credit decision; explain the process and who decides.",
    "tenant screening": "Never make or promise a decision about an application; explain the process and who decides.",
}


#: "are asked", "keep getting calls": the statement's users are the ones who answer (general English).
ASKED = re.compile(
    r"\b(?:are|is|get|gets|getting|keep getting|keeps getting)\s+(?:\w+\s+)?(?:asked|contacted|called|emailed|"
    r"messaged|calls|questions|emails|messages)\b"
    r"|\b(?:answers?|answering|handles?|handling|fields?|takes?|receives?)\s+(?:the\s+)?(?:same\s+)?(?:\w+\s+)?"
    r"(?:questions|calls|emails|enquiries|inquiries)\b",  # "our reception answers the same questions"
    re.IGNORECASE,
)


@dataclass
class Topic:
    text: str  # "opening hours"
    kind: str  # time, place, price, contact, task, general
    subject: str = ""  # for prices: what is priced ("private scans")
    task: str = ""  # for tasks: "book an appointment"
    facts: list[dict[str, str]] = field(default_factory=list)


def fill(reading: Reading, kit: PlanKit) -> Fill:
    """The chatbot's answers and brief for this reading."""
    if not kit.brief:
        kit.brief = load_yaml(HERE / "brief.yml")
    audience, operator, place = people(reading)
    topics = find_topics(reading, [audience, operator])
    intents: list[dict[str, Any]] = []
    seen: set[str] = set()  # a phrasing belongs to one intent only
    for topic in topics[:8]:
        intents.append(intent(topic, kit, operator, seen))
    names = [t.text for t in topics[:3]]
    topic_list = join_words(names)
    bot_name = cut(f"{cap(place.label) if place else name_from(operator, topics)} helper", 40)
    persona = (
        f"You answer questions from {lower_first(audience)} on behalf of {operator_phrase(operator)}. Keep answers"
        " short, friendly and in plain language, and use only the facts you are given. When you are not sure,"
        " say so and offer to pass the question to a person."
    )
    if reading.sensitive in SENSITIVE_NOTES:
        persona += " " + SENSITIVE_NOTES[reading.sensitive]
    answers = {
        "bot_name": bot_name,
        "audience": cut(cap(audience), 80),
        "operator": cut(cap(operator), 80),
        "persona": cut(persona, 600),
        "greeting": cut(f"Hi! I can help with {topic_list}. What would you like to know?", 300),
        "intents": intents,
        "handoff": {
            "label": "Talk to a person",
            "message": cut(
                f"I'll pass your question to {operator_phrase(operator)}. Someone will get back to you"
                " within one working day.",
                300,
            ),
        },
        "fallback": cut(
            f"Sorry, I don't know that one yet. I can help with {topic_list}, or choose 'Talk to a person'.", 300
        ),
    }
    values = {
        "audience": lower_first(audience),
        "operator": operator_phrase(operator),
        "topics": topic_list,
        "first_topic": topics[0].text,
        "first_intent": intents[0]["name"],
    }
    share = target_share(reading)  # "80% of questions answered without a person": the resolved rate to reach
    values["resolved_share"] = f"{share * 100:g}%" if share else "at least half"
    keys = ["resolved", "fallback", "helpful", "handoff"]
    targets = {"resolved": share} if share else {}
    hypotheses, indicators = brief_from_templates(kit, keys, values, declared_events(HERE), targets)
    title = cut(f"{cap(place.label) + ' answers' if place else 'Answers'} for {lower_first(audience)}", 60)
    return Fill(
        answers=answers,
        title=title,
        slug_words=[*(place.label.split()[:2] if place else []), *lower_first(audience).split()[:2], "assistant"],
        hypotheses=hypotheses,
        indicators=indicators,
        target_users=asking_users(reading, audience, operator),
    )


# --- who asks, who answers -----------------------------------------------------------------------------------------


def asking_users(reading: Reading, audience: str, operator: str) -> list[str]:
    """Target users for the brief: who asks first, then who runs the bot when that is a team the statement names.

    "Our front desk takes 200 calls a week from patients asking about ...": the patients, then the front desk."""
    named = any(same(t.plural_label, audience) for t in reading.things if t.is_person)
    if not named or same(audience, reading.users or ""):
        return []
    users = [cap(audience)]
    if reading.users and same(operator, reading.users):
        users.append(cap(reading.users))
    return users


def people(reading: Reading) -> tuple[str, str, Thing | None]:
    """(audience, operator, place): who asks, who runs the bot, and the place or organisation it speaks for."""
    users = reading.users or ""
    actor = reading.actor or ""
    persons = [t for t in reading.things if t.is_person and not same(t.plural_label, users)]
    place = next((t for t in reading.things if thing_class(t) in ("place", "org")), None)
    named = getattr(reading, "audience", None)
    if users and ASKED.search(reading.statement):  # "staff are asked about ...": the users answer, others ask
        audience = named or (persons[0].plural_label if persons else f"people who contact {operator_phrase(users)}")
        return audience, users, place
    asking = next((a for a in reading.actions if a.kind == "ask" and a.text.lower().startswith(a.verb.lower())), None)
    if asking is not None and asking.agent is not None and not same(asking.agent.plural_label, users):
        return asking.agent.plural_label, users or "the team", place  # "calls from passengers asking whether ..."
    if users and asking is not None:  # "parents ask the school office about ...": the users ask, the office answers
        asked = asking.object if answers_questions(asking.object) and asked_directly(reading, asking) else None
        asked = asked or place  # a person they ask about ("when a resident refuses") is not who answers
        if asked is None:
            return users, "the team", place
        return users, (asked.label if asked.label.isupper() else f"the {asked.label}"), place  # "HR", "the office"
    if named and not same(named, users):
        return named, users or "the team", place
    if actor and reading.actor_kind == "person" and not same(actor, users):
        audience, operator = actor, users or "the team"
    elif persons:
        audience, operator = persons[0].plural_label, users or "the team"
    else:
        audience = users or "people"
        operator = f"the {place.label} team" if place else "the team"
    if same(operator, audience):
        operator = f"the {place.label} team" if place else "the team"
    return audience, operator, place


def answers_questions(thing: Thing | None) -> bool:
    """Whether the object of "ask" can be who is asked: a person, a place or organisation, or a team's initials
    ("ask HR"); otherwise it is what is asked ("asking questions about deposits", "ask the price")."""
    if thing is None:
        return False
    return thing.is_person or thing.is_org or thing_class(thing) in ("place", "org") or thing.label.isupper()


def asked_directly(reading: Reading, action: Any) -> bool:
    """'ask the school office about', 'emailing HR how': the object right after the verb is who answers."""
    if action.object is None or same(action.object.plural_label, reading.users or ""):
        return False
    label = re.escape(fold(action.object.label).lower().split()[-1])
    verb = re.escape(fold(action.verb).lower()[:4])
    pattern = rf"\b{verb}\w*\s+(?:the\s+|their\s+|our\s+|your\s+)?(?:\w+\s+)?{label}"
    return bool(re.search(pattern, fold(reading.statement).lower()))


def name_from(operator: str, topics: list[Topic]) -> str:
    """'HR advisers' -> 'HR', 'Front desk staff' -> 'Front desk'; a one-word team leaves the first topic's name:
    'dress code' -> 'Dress code', 'how to describe a plumbing problem' -> 'Plumbing problem'."""
    team = [w for w in operator.split() if w.lower() not in ("the", "our", "team")]
    if len(team) > 1:
        return cap(" ".join(team[:-1]))
    topic = topics[0]
    found = re.findall(r"[A-Za-z][A-Za-z0-9-]*", fold(topic.task or topic.text))
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in found]  # "VAT rules" keeps its acronym
    if topic.task:  # the task's object: "describe a plumbing problem" -> "plumbing problem"
        words = [w for w in words[1:] if w not in ("a", "an", "the") and w not in PARTICLES]
    words = [w for w in words if w not in FILLER][-3:]
    if not words:
        return "Help"
    if words[-1] not in PLURAL_COMPOUNDS and not words[-1].isupper():
        words[-1] = singular(words[-1])  # "delivery times" -> "Delivery time helper"
    return cap(" ".join(words))


def same(a: str, b: str) -> bool:
    a, b = fold(a).lower().strip(), fold(b).lower().strip()
    return bool(a and b) and (a == b or a.endswith(" " + b) or b.endswith(" " + a))


def operator_phrase(operator: str) -> str:
    """'Receptionists' -> 'the receptionists'; 'the clinic team' stays."""
    low = lower_first(operator)
    return low if low.startswith(("the ", "our ", "your ")) else f"the {low}"


# --- topics and intents --------------------------------------------------------------------------------------------


def find_topics(reading: Reading, people_names: list[str]) -> list[Topic]:
    """The listed topics; else questions implied by the statement's verbs and things; at least two."""
    found = [classify(" ".join(t.split())) for t in reading.topics if t.strip()]
    listed = bool(found)
    for action in reading.actions:  # "how to renew a book": a task, listed or not
        if action.kind in ("ask", "see") or action.object is None:
            continue
        verb = fold(action.verb).lower()
        setting = gerund_preposition(reading, action)  # "before booking a collection": how to book one
        if setting in (None, "by", "without", "instead of", "rather than") and (
            not action.text.split() or fold(action.text.split()[0]).lower() != verb
        ):
            continue  # "missed their target", "by describing", "without waking": not something people ask how to do
        if any(t.task.startswith(verb + " ") or verb in fold(t.text).lower().split() for t in found):
            continue  # the list names it already
        obj = action.object
        if asks_for_help(obj):
            continue  # "get a plain answer", "get advice": what asking gives, not a task to explain
        mass = obj.label.lower() == obj.plural_label.lower()  # "leave", "equipment": no article
        task = f"{verb} {article_free(obj.label) if mass else article(article_free(obj.label))}"
        found.append(Topic(text=f"how to {task}", kind="task", task=task))
    if not listed:
        people = [
            reading.users or "",
            reading.actor or "",
            *(re.sub(r"^the ", "", p, flags=re.I) for p in people_names),
        ]
        counted = {q.name.split("_per_")[0] for q in reading.quantities if q.kind == "count"}
        for thing in reading.things:
            if thing.is_person or thing_class(thing) in ("place", "org", "person"):
                continue
            if asks_for_help(thing) and (subject := help_subject(thing)):
                found.append(classify(subject))  # "CV writing tips": the topic is CV writing
                continue
            if asks_for_help(thing) or thing.plural in counted:
                continue  # "clear guidance", "troubleshooting steps", "500 calls a week": the asking, not its topic
            if any(same(thing.plural_label, p) or same(thing.label, p) for p in people if p):
                continue  # who asks or answers is not a topic
            if any(head_word(thing.label) in t.task.split() for t in found if t.task):
                continue  # "book leave" already covers leave: two intents about one thing would steal each other's
            found.append(classify(thing.plural_label))
    topics: list[Topic] = []
    for topic in found:
        if topic.text and all(safe_ident(t.text) != safe_ident(topic.text) for t in topics):
            topics.append(topic)
    for extra in (classify("how to contact us"), Topic(text="what this assistant can help with", kind="about")):
        if len(topics) >= 2:
            break
        if all(t.kind != extra.kind for t in topics):
            topics.append(extra)
    return topics


#: How people want to be spoken to, never a topic: "in plain language", "in their own words", "without jargon".
MANNER_NOUNS = words("language languages word words term terms jargon english tone")


#: Nouns that keep their plural in front of another noun: "rights helper", "savings helper".
PLURAL_COMPOUNDS = words("rights savings earnings customs goods arrears")

#: What an asking is called, never its topic: "simple questions", "enquiries", "queries".
ASKING_NOUNS = words("question query enquiry inquiry")


def asks_for_help(thing: Thing) -> bool:
    """A noun phrase that names the asking ("plain explanations", "troubleshooting steps"), its manner ("in plain
    language", "in their own words") or a count ("hundreds"), not what people ask about."""
    from scaffolder.planners.reading import HELP_MODIFIERS, HELP_NOUNS, NUMBER_WORDS

    words = thing.label.lower().split()
    manner = thing.head in MANNER_NOUNS or thing.head in ASKING_NOUNS  # "simple questions": the asking itself
    helping = is_help_noun(thing.head, HELP_NOUNS)  # "a plain answer", "answers"
    return helping or bool(set(words) & HELP_MODIFIERS) or thing.head in NUMBER_WORDS or manner


def is_help_noun(head: str, nouns: frozenset[str]) -> bool:
    """Whether a singular head is one of these help nouns, which the reading lists in either number."""
    return head in nouns or plural(head) in nouns


def help_subject(thing: Thing) -> str:
    """What a help or question noun is about, when every word before it is a noun: 'CV writing tips' -> 'CV writing';
    'plain answers', 'step-by-step help' and a misread 'want instant answers' -> ''."""
    from scaffolder.planners.reading import HELP_NOUNS, NEED_VERBS, lemmas

    words = thing.label.split()
    if len(words) < 2 or not is_help_noun(thing.head, HELP_NOUNS | ASKING_NOUNS):  # "tips", "safety questions"
        return ""

    def noun(word: str) -> bool:
        found = lemmas(word.lower())
        return "NOUN" in found and "ADJ" not in found and word.lower() not in NEED_VERBS

    mods = words[:-1]
    return " ".join(mods) if all((w.isupper() and len(w) > 1) or noun(w) for w in mods) else ""


def article_free(text: str) -> str:
    return re.sub(r"^(a|an|the)\s+", "", text.strip(), flags=re.IGNORECASE)


def classify(text: str) -> Topic:
    """What kind of topic this is, by its words: a time, a place, a price, a way to reach someone, a task."""
    low = fold(text).lower()
    tokens = re.findall(r"[a-z]+", low)
    if len(tokens) > 2 and tokens[0].endswith("ing") and tokens[1] in ("a", "an", "the") and task_phrase(tokens):
        return Topic(text=text, kind="task", task=task_phrase(tokens))  # "opening a bank account", not a time
    if set(tokens) & PRICE_WORDS:
        subject = " ".join(t for t in tokens if t not in PRICE_WORDS and t not in FILLER)
        return Topic(text=text, kind="price", subject=subject)
    if set(tokens) & DATE_WORDS:
        return Topic(text=text, kind="dates")
    if set(tokens) & TIME_WORDS:
        return Topic(text=text, kind="time")
    if set(tokens) & PLACE_WORDS:
        return Topic(text=text, kind="place")
    if set(tokens) & CONTACT_WORDS:
        return Topic(text=text, kind="contact")
    # "invoicing rules", "welding safety": a compound to ask about; "booking appointments", "renewing my permit": a task
    owned = len(tokens) > 2 and tokens[1] in ("my", "our", "their", "your", "his", "her", "its")
    counted = singular(tokens[-1]) != tokens[-1] if tokens else False
    compound = bool(tokens) and (tokens[-1] in KNOWLEDGE_NOUNS or not (owned or counted))
    if tokens and ((tokens[0].endswith("ing") and not compound) or tokens[0] == "how") and len(tokens) > 1:
        task = task_phrase(tokens)
        if task:
            return Topic(text=text, kind="task", task=task)
    return Topic(text=text, kind="general")


def task_phrase(tokens: list[str]) -> str:
    """'booking an appointment' -> 'book an appointment'; 'how to report a repair' -> 'report a repair'."""
    if tokens[0] == "how":
        tokens = tokens[2:] if len(tokens) > 2 and tokens[1] == "to" else tokens[1:]
        return " ".join(tokens)
    lemma = verb_lemma(tokens[0])
    return " ".join([lemma, *tokens[1:]]) if lemma != tokens[0] else ""


#: Patterns that always name the topic, used when the kind's own patterns were taken by another intent.
SPARE_PATTERNS = ["Tell me about {topic}", "Question about {topic}", "Info on {topic}", "Anything on {topic}?"]


def phrasings(topic: Topic, seen: set[str]) -> list[str]:
    """4-10 ways people ask about the topic, from general English question patterns; none in `seen`."""
    text = topic.text
    subject = topic.subject or text
    patterns = list(PATTERNS[topic.kind])
    if topic.kind == "price" and not topic.subject:  # "fees": nothing named to price
        patterns = [p for p in patterns if "{subject}" not in p] + PRICE_ALONE
    if topic.kind == "place" and "park" in fold(text).lower():
        patterns = PARK_PATTERNS + patterns[:4]
    patterns += SPARE_PATTERNS
    out: list[str] = []
    for pattern in patterns:
        many = is_plural(subject if "{subject}" in pattern else text)
        phrase = pattern.format(
            topic=text,
            Topic=cap(text),
            subject=subject,
            task=topic.task,
            does="do" if many else "does",
            **{"is": "are" if many else "is", "Is": "Are" if many else "Is"},
        )
        phrase = cut(" ".join(phrase.split()), 200)
        key = " ".join(re.findall(r"[a-z0-9]+", phrase.lower()))
        if key not in seen and len(out) < (8 if topic.kind != "general" else 7):
            seen.add(key)
            out.append(phrase)
    return out


def is_plural(noun: str) -> bool:
    """Whether a noun phrase reads as plural ('private scans', 'opening hours'), by its last word."""
    last = fold(noun).lower().split()[-1] if noun.split() else ""
    return (last.endswith("s") and not last.endswith(("ss", "us", "is"))) or last in ("people", "children")


def intent(topic: Topic, kit: PlanKit, operator: str, seen: set[str]) -> dict[str, Any]:
    facts = facts_for(topic, kit)
    answer = draft_answer(topic, facts, operator)
    item: dict[str, Any] = {
        "name": safe_ident(topic.task or topic.text, "topic"),
        "title": cut(cap(topic.text), 60),
        "phrasings": phrasings(topic, seen),
        "answer": cut(answer, 1000),
        **({"title": "What I can help with"} if topic.kind == "about" else {}),
    }
    if facts:
        item["facts"] = facts[:8]
    return item


def facts_for(topic: Topic, kit: PlanKit) -> list[dict[str, str]]:
    """Plausible draft facts from Faker for times, places, prices and contacts; none for other topics."""
    faker = kit.faker
    rng = kit.rng("chatbot", topic.text)
    if topic.kind == "time":
        opens, closes = rng.choice([7, 8, 9]), rng.choice([17, 18, 19, 20])
        saturday = rng.choice(["9:00 to 13:00", "10:00 to 14:00", "Closed"])
        return [
            {"label": "Monday to Friday", "value": f"{opens}:00 to {closes}:00"},
            {"label": "Saturday", "value": saturday},
            {"label": "Sunday and public holidays", "value": "Closed"},
        ]
    if topic.kind == "dates":
        start = anchor_time(kit).date()
        return [
            {"label": "Next", "value": (start + timedelta(days=rng.randint(10, 40))).strftime("%A %d %B %Y")},
            {"label": "After that", "value": (start + timedelta(days=rng.randint(60, 120))).strftime("%A %d %B %Y")},
        ]
    if topic.kind == "place":
        street = faker.street_name()
        facts = [{"label": "Address", "value": f"{faker.building_number()} {street}, {faker.city()}"}]
        if "park" in fold(topic.text).lower():
            facts.append({"label": "Parking", "value": f"{faker.last_name()} Road car park, two minutes' walk"})
            facts.append(
                {"label": "Parking cost", "value": f"${rng.choice([2, 3, 4])}.{rng.choice(['00', '50'])} an hour"}
            )
        else:
            facts.append({"label": "Entrance", "value": f"Main entrance on {street}"})
        return facts
    if topic.kind == "price":
        subject = topic.subject or topic.text
        base = rng.randrange(40, 400, 5)
        return [
            {"label": cap(subject), "value": f"from ${base}"},
            {"label": "Payment", "value": "Card or bank transfer; no cash"},
        ]
    if topic.kind == "contact":
        return [
            {"label": "Phone", "value": faker.numerify("(555) ###-####")},
            {"label": "Email", "value": f"hello@{faker.domain_name()}"},
        ]
    return []


def draft_answer(topic: Topic, facts: list[dict[str, str]], operator: str) -> str:
    """A short draft answer built from the facts; marked as a draft for the team to check."""
    if facts:
        body = "; ".join(f"{f['label']}: {f['value']}" for f in facts)
        return f"{body}. (Draft: {operator_phrase(operator)} should check these details.)"
    if topic.kind == "task":
        return (
            f"To {topic.task}, tell me a little about your situation and I'll show you the steps, or choose"
            f" 'Talk to a person'. (Draft: {operator_phrase(operator)} should write the real steps.)"
        )
    return (
        f"Here is what you need to know about {lower_first(topic.text)}. (Draft: {operator_phrase(operator)}"
        " should write this answer.)"
    )


def check(answers: dict[str, Any]) -> list[str]:
    """Problems the blueprint's questions cannot see: intents whose phrasings would not find them (the generated
    tests would fail). Runs the template's own matcher, so scaffold and the prototype judge alike."""
    from scaffolder.planners.plugin import load_module

    responder = load_module("scaffold_blueprint_chatbot_responder", HERE / "template" / "app" / "responder.py")
    try:
        return [f"answers.intents: {problem}" for problem in responder.phrasing_problems(answers)[:3]]
    except (KeyError, TypeError, ValueError) as error:  # malformed intents are reported by the schema already
        return [f"answers.intents: cannot be matched ({type(error).__name__}: {error})"]
