"""The LLM planner: one chat-completions request to an OpenAI-compatible server, validated, repaired at most once.

The reply is untrusted data. It is parsed as JSON, stripped of the fields scaffold fills itself, and validated
exactly as a `--plan` file is (`pipeline.parse_plan`): the Plan model, the blueprint's answers schema and Copier
validators, and the events. It only ever supplies identifiers and text; where the prototype is written, what the
templates are and what runs are never the model's to choose. Any failure to get a valid plan raises
PlannerUnavailable with a one-line reason, so that the pipeline can fall back to the offline planner.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from scaffolder import prompt
from scaffolder.errors import PlanInvalid, PlannerUnavailable
from scaffolder.plan import LLM_EXCLUDED, Plan, Provenance, Usage

if TYPE_CHECKING:
    from scaffolder.catalog import Catalog
    from scaffolder.pipeline import LLMSettings

DEFAULT_HOST = "api.openai.com"
_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.DOTALL)
_SECRET = re.compile(r"\b(sk|pk|key)-[A-Za-z0-9_\-*]{6,}")


class _Invalid(Exception):
    """A reply that is not a valid plan; `problems` are quoted back to the model in the repair request."""

    def __init__(self, problems: list[str], reply: str | None = None) -> None:
        super().__init__(problems[0])
        self.problems = problems
        self.reply = reply


class _Exchange:
    """The requests of one planning run: what was sent, and the counts that end up in the provenance."""

    def __init__(self, client: Any, settings: LLMSettings, catalog: Catalog, blueprint: str | None) -> None:
        self.client = client
        self.host = _host(client.base_url)
        self.settings = settings
        self.catalog = catalog
        self.blueprint = blueprint
        self.json_object = False  # set once the server has refused `json_schema`
        self.requests = 0
        self.usage = Usage()
        self.model: str | None = None

    def ask(self, statement: str, repair: list[dict[str, str]] | None = None) -> str:
        """One chat completion (two when the server refuses `json_schema`); returns the reply text."""
        import openai

        try:
            return self._create(statement, repair or [])
        except openai.BadRequestError as error:
            if self.json_object or not _refuses_json_schema(error):
                raise
            self.json_object = True
            return self._create(statement, repair or [])

    def _create(self, statement: str, repair: list[dict[str, str]]) -> str:
        messages = prompt.messages(statement, self.catalog, self.blueprint, json_object=self.json_object)
        self.requests += 1
        raw = self.client.chat.completions.with_raw_response.create(
            model=self.settings.model,
            messages=[*messages, *repair],
            response_format=prompt.response_format(self.catalog, self.blueprint, json_object=self.json_object),
        )
        self.requests += raw.retries_taken
        try:
            completion = raw.parse()
        except ValueError as error:  # a 200 whose body is not JSON: a proxy or a web page, not the API
            reason = _one_line(str(error), 80)
            raise PlannerUnavailable(f"{self.host} did not answer with a chat completion ({reason})") from None
        self.model = getattr(completion, "model", None) or self.model
        usage = getattr(completion, "usage", None)
        if usage is not None:
            self.usage.prompt_tokens += usage.prompt_tokens or 0
            self.usage.completion_tokens += usage.completion_tokens or 0
            self.usage.total_tokens += usage.total_tokens or 0
        choices = getattr(completion, "choices", None) or []
        if not choices or not hasattr(choices[0], "message"):
            raise PlannerUnavailable(f"{self.host} did not answer with a chat completion; check the base URL")
        message = choices[0].message
        if getattr(message, "refusal", None):
            raise _Invalid([f"the model refused: {_one_line(message.refusal)}"])
        content = message.content or ""
        if choices[0].finish_reason == "length":
            raise _Invalid(["the reply was cut off (finish_reason=length); give a shorter plan"], content)
        return content


_clients: dict[LLMSettings, Any] = {}
_clients_lock = threading.Lock()


def _client(settings: LLMSettings) -> Any:
    """One client per server and settings, shared by every plan of a batch (building one costs ~20 ms of CPU);
    its connection pool is thread-safe."""
    import openai

    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = openai.OpenAI(
                api_key=settings.api_key or "not-needed",
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=settings.max_retries,
            )
        return client


def plan(
    statement: str,
    catalog: Catalog,
    settings: LLMSettings,
    *,
    blueprint: str | None = None,
    notify: Callable[[str], None] = lambda message: None,
    spinner: bool = True,
) -> Plan:
    """Ask the model for a plan; raise PlannerUnavailable when the server fails or the reply is invalid twice.

    A spinner shows on standard error while waiting, only at a terminal and unless `spinner` or
    `settings.spinner` is False (the CLI turns it off for `--json`).
    """
    import openai  # slow to import: only when the LLM planner is used

    client = _client(settings)
    exchange = _Exchange(client, settings, catalog, blueprint)
    host = exchange.host
    started = time.monotonic()
    try:
        with _waiting(spinner and getattr(settings, "spinner", True), f"Asking {settings.model} at {host} for a plan"):
            reply = ""
            try:
                reply = exchange.ask(statement)
                result = _validate(reply, statement, catalog, blueprint)
            except _Invalid as first:
                notify(f"the LLM reply was not a valid plan ({first.problems[0]}); asking once for a correction")
                reply = first.reply if first.reply is not None else reply
                try:
                    reply = exchange.ask(statement, prompt.repair_messages(reply, first.problems))
                    result = _validate(reply, statement, catalog, blueprint)
                except _Invalid as second:
                    raise PlannerUnavailable(f"LLM reply invalid twice: {second.problems[0]}") from None
    except openai.OpenAIError as error:
        raise PlannerUnavailable(_reason(error, host, settings)) from None
    result.provenance = Provenance(
        planner="llm",
        model=exchange.model or settings.model,
        base_url_host=host,
        requests=exchange.requests,
        usage=exchange.usage,
        latency_ms=round((time.monotonic() - started) * 1000),
    )
    return result


def _validate(reply: str, statement: str, catalog: Catalog, blueprint: str | None) -> Plan:
    """The reply as a Plan, or _Invalid listing every problem (quoted back to the model once)."""
    from scaffolder.pipeline import parse_plan

    text = reply.strip()
    fenced = _FENCE.match(text)  # some servers wrap JSON mode output in a Markdown fence
    if fenced:
        text = fenced.group(1).strip()
    if not text:
        raise _Invalid(["the reply was empty; reply with the plan as one JSON object"])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Invalid([f"the reply is not JSON ({error.msg} at line {error.lineno} column {error.colno})"]) from None
    if not isinstance(data, dict):
        raise _Invalid([f"the reply is JSON {type(data).__name__}, not an object"])
    for key in LLM_EXCLUDED:  # scaffold's own fields: a saved plan is a valid reply, and the model cannot set them
        data.pop(key, None)
    if blueprint and data.get("blueprint") != blueprint:
        raise _Invalid([f"blueprint: must be {blueprint!r} (chosen by the user), not {data.get('blueprint')!r}"])
    data["statement"] = statement
    try:
        return parse_plan(data, catalog, source="LLM reply")
    except PlanInvalid as error:
        raise _Invalid(error.errors) from None


def _refuses_json_schema(error: Exception) -> bool:
    """A 400 that names the structured-output request: the server does not support `json_schema`."""
    text = f"{error} {getattr(error, 'body', '')}".lower()
    return "response_format" in text or "json_schema" in text


def _reason(error: Exception, host: str, settings: LLMSettings) -> str:
    """One line for the user: what went wrong with which server, never the key."""
    import openai

    if isinstance(error, openai.APITimeoutError):
        reason = f"{host} did not answer within {settings.timeout:g} s"
    elif isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error.__context__
        reason = f"cannot reach {host}" + (f" ({_one_line(str(cause), 120)})" if cause and str(cause) else "")
    elif isinstance(error, openai.APIStatusError):
        detail = _one_line(_error_message(error), 160)
        reason = f"{host} answered HTTP {error.status_code}" + (f": {detail}" if detail else "")
        if isinstance(error, openai.RateLimitError | openai.InternalServerError) and settings.max_retries:
            reason += f" (after {settings.max_retries} retries)"
    else:
        reason = f"{type(error).__name__}: {_one_line(str(error), 160)}"
    return _scrub(reason, settings.api_key)


def _error_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if message:
            return str(message)
    return str(getattr(error, "message", "") or "")


def _scrub(text: str, key: str | None) -> str:
    """Remove the API key and anything shaped like one (servers echo a masked key in 401 messages)."""
    if key:
        text = text.replace(key, "***")
    return _SECRET.sub("***", text)


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _host(url: Any) -> str:
    """host[:port] of the server actually used (the client's default is api.openai.com)."""
    host = getattr(url, "host", "") or DEFAULT_HOST
    port = getattr(url, "port", None)
    return f"{host}:{port}" if port else host


@contextlib.contextmanager
def _waiting(spinner: bool, message: str) -> Iterator[None]:
    """A spinner on standard error while the server thinks, only for a person at a terminal."""
    if not (spinner and sys.stderr.isatty()):
        yield
        return
    from rich.console import Console
    from rich.markup import escape

    with Console(stderr=True).status(escape(message)):
        yield
