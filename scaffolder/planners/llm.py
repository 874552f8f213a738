"""The LLM planner: one chat-completions request to an OpenAI-compatible server, validated, repaired at most once.

The reply is untrusted data. It is parsed as JSON, stripped of the fields scaffold fills itself, and validated
exactly as a `--plan` file is (`validation.parse_plan`): the Plan model, the blueprint's answers schema and Copier
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
    from scaffolder.settings import LLMSettings

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

        if self.client.base_url in _no_json_schema:
            self.json_object = True
        try:
            return self._create(statement, repair or [])
        except openai.APIStatusError as error:  # any status: llama-cpp-python answers 500
            if self.json_object or not _refuses_json_schema(error):
                raise
            self.json_object = True
            _no_json_schema.add(self.client.base_url)  # the rest of a batch asks this server for json_object
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
        return self._content(raw.http_response.content)

    def _content(self, body: bytes) -> str:
        """The reply text of a chat completion, read defensively: the body is untrusted, whatever its shape."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:  # a proxy or a web page, not the API; or a nesting bomb
            reason = _one_line(f"{type(error).__name__}: {error}", 80)
            raise PlannerUnavailable(f"{self.host} did not answer with a chat completion ({reason})") from None
        choices = data.get("choices") if isinstance(data, dict) else None
        choice = choices[0] if isinstance(choices, list) and choices else None
        if not isinstance(choice, dict) or not isinstance(choice.get("message"), dict):
            raise PlannerUnavailable(f"{self.host} did not answer with a chat completion; check the base URL")
        model = data.get("model")
        if isinstance(model, str) and model.strip():
            self.model = _one_line(model, 100)
        usage = data.get("usage")
        if isinstance(usage, dict):
            self.usage.prompt_tokens += _count(usage.get("prompt_tokens"))
            self.usage.completion_tokens += _count(usage.get("completion_tokens"))
            self.usage.total_tokens += _count(usage.get("total_tokens"))
        message = choice["message"]
        if message.get("refusal"):
            raise _Invalid([f"the model refused: {_one_line(str(message['refusal']))}"])
        content = _text(message.get("content"))
        if choice.get("finish_reason") == "length":
            raise _Invalid(["the reply was cut off (finish_reason=length); give a shorter plan"], content)
        return content


#: Base URLs of servers that refused `json_schema` in this process.
_no_json_schema: set[Any] = set()


def _count(value: Any) -> int:
    """A token count as reported, or 0 when the server reports something that is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else 0


def _text(content: Any) -> str:
    """`message.content` as text: a string; a list of text parts; an object (the plan itself, as some servers
    send it) as JSON; anything else is a reply to repair."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in content):
        return "".join(p["text"] for p in content)
    if isinstance(content, dict):
        return json.dumps(content, ensure_ascii=False)
    raise _Invalid([f"message.content was JSON {type(content).__name__}; reply with the plan as one JSON object"])


#: The largest reply scaffold reads from a server (a plan is a few kilobytes); a larger one is a server failure.
MAX_REPLY_BYTES = 4 * 1024 * 1024

#: The deadline of the planning run in this thread (a time.monotonic() value), read by the client's hooks.
_guard = threading.local()

_clients: dict[LLMSettings, Any] = {}
_clients_lock = threading.Lock()


def deadline_seconds(settings: LLMSettings) -> float:
    """How long the LLM planner may take in all before the fallback: room for every attempt of the request
    (1 + --retries) and of one repair request to use its whole --timeout."""
    return 2 * settings.timeout * (settings.max_retries + 1)


def _client(settings: LLMSettings) -> Any:
    """One client per server and settings, shared by every plan of a batch (building one costs ~20 ms of CPU);
    its connection pool is thread-safe. Its hooks enforce the deadline and the size cap on every reply."""
    import openai

    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            client = _clients[settings] = openai.OpenAI(
                api_key=settings.api_key or "not-needed",
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=settings.max_retries,
                default_headers={"Accept-Encoding": "identity"},  # so that the size cap counts what is kept
                http_client=openai.DefaultHttpxClient(
                    timeout=settings.timeout, event_hooks={"request": [_before_request], "response": [_on_response]}
                ),
            )
        return client


def _refused(reason: str) -> Exception:
    """An error that the openai client passes on at once, without retrying (an OpenAIError)."""
    import openai

    error = openai.OpenAIError(reason)
    error.scaffold_reason = reason  # type: ignore[attr-defined]
    return error


def _before_request(request: Any) -> None:
    deadline = getattr(_guard, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise _refused("did not finish within the planner's deadline")


def _on_response(response: Any) -> None:
    """Cap the reply's size and its reading time, refuse compressed replies (their size is not what is kept),
    and stop the client from retrying a refusal of `json_schema`, whatever its status, so it is handled at once."""
    http = sys.modules[type(response).__module__.split(".")[0]]  # httpx, or httpx2 in recent openai releases

    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise _refused(f"sent a {encoding}-compressed reply although scaffold asked for an uncompressed one")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REPLY_BYTES:
        raise _refused(f"sent a reply larger than {MAX_REPLY_BYTES // 2**20} MB")

    inner, deadline = response.stream, getattr(_guard, "deadline", None)

    class Capped(http.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            total = 0
            for chunk in inner:
                total += len(chunk)
                if total > MAX_REPLY_BYTES:
                    raise _refused(f"sent a reply larger than {MAX_REPLY_BYTES // 2**20} MB")
                if deadline is not None and time.monotonic() > deadline:
                    raise _refused("did not finish its reply within the planner's deadline")
                yield chunk

        def close(self) -> None:
            inner.close()

    response.stream = Capped()
    try:
        sent = response.request.content or b""
    except Exception:  # noqa: BLE001 - a streamed request body: not ours, nothing to recognise
        sent = b""
    if response.status_code >= 400 and b'"json_schema"' in sent:
        response.read()
        if _refuses_json_schema(Exception(response.text)):
            response.headers["x-should-retry"] = "false"


def plan(
    statement: str,
    catalog: Catalog,
    settings: LLMSettings,
    *,
    blueprint: str | None = None,
    notify: Callable[[str], None] = lambda message: None,
    spinner: bool = True,
) -> Plan:
    """Ask the model for a plan; raise PlannerUnavailable when the server fails, the reply is invalid twice, or
    the deadline (`deadline_seconds`) passes.

    The requests run in a helper thread while this one waits, so that the deadline holds whatever the server
    does (a reply dripped a byte at a time), and Ctrl-C or SIGTERM take effect at once. A spinner shows on
    standard error while waiting, only at a terminal and unless `spinner` or `settings.spinner` is False.
    """
    seconds = deadline_seconds(settings)
    outcome: list[Any] = []

    def work() -> None:
        _guard.deadline = time.monotonic() + seconds
        try:
            outcome.append(_plan_now(statement, catalog, settings, blueprint, notify))
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            outcome.append(error)

    helper = threading.Thread(target=work, name="scaffold-llm", daemon=True)
    host = _host_of(settings.base_url)
    with _waiting(spinner and getattr(settings, "spinner", True), f"Asking {settings.model} at {host} for a plan"):
        helper.start()
        helper.join(seconds + 1)  # the hooks stop the requests at the deadline; this bounds the rest
    if not outcome:
        raise PlannerUnavailable(
            f"{host} did not finish within {seconds:g} s (2 x --timeout x (1 + --retries)); gave up waiting"
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _plan_now(
    statement: str, catalog: Catalog, settings: LLMSettings, blueprint: str | None, notify: Callable[[str], None]
) -> Plan:
    import openai  # slow to import: only when the LLM planner is used

    client = _client(settings)
    exchange = _Exchange(client, settings, catalog, blueprint)
    host = exchange.host
    started = time.monotonic()
    try:
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
    except (PlannerUnavailable, KeyboardInterrupt):
        raise
    except Exception as error:  # noqa: BLE001 - whatever a malformed reply breaks is a planner failure
        raise PlannerUnavailable(f"the reply from {host} could not be read ({_one_line(repr(error), 120)})") from None
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
    from scaffolder.validation import parse_plan, strict_json

    text = reply.strip()
    fenced = _FENCE.match(text)  # some servers wrap JSON mode output in a Markdown fence
    if fenced:
        text = fenced.group(1).strip()
    if not text:
        raise _Invalid(["the reply was empty; reply with the plan as one JSON object"])
    try:
        data = strict_json(text)
    except json.JSONDecodeError as error:
        raise _Invalid([f"the reply is not JSON ({error.msg} at line {error.lineno} column {error.colno})"]) from None
    except ValueError as error:  # NaN or Infinity
        raise _Invalid([f"the reply is not JSON ({error})"]) from None
    except RecursionError:
        raise _Invalid(["the reply is nested too deeply; reply with the plan as one flat JSON object"]) from None
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
    except RecursionError:
        raise _Invalid(["the reply is nested too deeply; reply with the plan as one flat JSON object"]) from None


def _refuses_json_schema(error: Exception) -> bool:
    """An error, of any status, that names the structured-output request: the server does not support
    `json_schema` (most answer 400; llama-cpp-python answers 500 saying `response_format.type` must be 'text' or
    'json_object')."""
    text = f"{error} {getattr(error, 'body', '')}".lower()
    return "response_format" in text or "json_schema" in text


def _reason(error: Exception, host: str, settings: LLMSettings) -> str:
    """One line for the user: what went wrong with which server, never the key."""
    import openai

    cause = error.__cause__ or error.__context__
    refusal = getattr(error, "scaffold_reason", None) or getattr(cause, "scaffold_reason", None)
    if refusal:
        reason = f"{host} {refusal}"
    elif isinstance(error, openai.APITimeoutError):
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


def _host_of(base_url: str | None) -> str:
    """host[:port] of a base URL as configured (before any client exists)."""
    from urllib.parse import urlsplit

    if not base_url:
        return DEFAULT_HOST
    parts = urlsplit(base_url)
    return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or DEFAULT_HOST)


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
