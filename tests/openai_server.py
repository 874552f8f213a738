"""A real HTTP server speaking the OpenAI chat-completions protocol, scripted per test.

It runs on 127.0.0.1 on an ephemeral port in a thread, so tests drive the unmodified `openai` client over a real
socket (no patching of openai or httpx). Each POST /v1/chat/completions is recorded (headers and JSON body) and
answered by the next scripted behaviour: a reply, an HTTP error with an OpenAI error body, a delay, or a dropped
connection, a reply dripped byte by byte, or a huge one. With `reject_json_schema`, a request asking for
`json_schema` output gets a 400 (as servers without structured output answer), or the given Error (llama-cpp-python
answers 500), without using up the script.

Token counts: no real tokenizer is available offline by default (tiktoken downloads its BPE files at run time), so
`usage` is computed with the common approximation of one token per 4 characters, rounded up: prompt_tokens covers
every message's content plus the `response_format` object as minified JSON (the schema is part of the prompt the
model sees); completion_tokens covers the reply. Checked against the real o200k_base tokenizer on the bundled
catalogue, this approximation overestimates by about 5%.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prototype_server import free_port

MODEL_REPORTED = "fake-gpt-2024-01-01"


def approx_tokens(text: str) -> int:
    """ceil(characters / 4): the documented stand-in for a tokenizer."""
    return math.ceil(len(text) / 4)


def prompt_tokens(body: dict[str, Any]) -> int:
    """What the model reads: every message's content, plus the response_format (its schema) as minified JSON."""
    total = sum(approx_tokens(str(m.get("content") or "")) for m in body.get("messages", []))
    if body.get("response_format"):
        total += approx_tokens(json.dumps(body["response_format"], separators=(",", ":"), ensure_ascii=False))
    return total


@dataclass
class Reply:
    """A 200 chat completion whose message content is `content` (None for a null content)."""

    content: str | None
    delay: float = 0.0
    finish_reason: str = "stop"
    model: str = MODEL_REPORTED


@dataclass
class Error:
    """An HTTP error with the OpenAI error body; `headers` e.g. {"retry-after-ms": "1"} to keep client backoff short."""

    status: int
    message: str = "error"
    type: str = "server_error"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Drop:
    """Close the connection without answering."""

    delay: float = 0.0


@dataclass
class Raw:
    """A 200 whose body is not a chat completion, e.g. a web page behind a wrong base URL."""

    body: bytes
    content_type: str = "text/html"
    delay: float = 0.0


@dataclass
class Drip:
    """A 200 whose body (and, with `headers_too`, its status line and headers) comes one byte every `interval`."""

    body: bytes
    interval: float = 0.05
    headers_too: bool = False
    delay: float = 0.0


@dataclass
class Big:
    """A 200 of `size` bytes, streamed in chunks (chunked encoding, or a declared Content-Length); the server stops
    when the client goes away. `encoding` sets a Content-Encoding header (the bytes are not really compressed)."""

    size: int
    declare_length: bool = False
    encoding: str | None = None
    delay: float = 0.0


Behaviour = Reply | Error | Drop | Raw | Drip | Big


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when it arrived

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def format_type(self) -> str | None:
        return (self.body.get("response_format") or {}).get("type")


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # a burst of concurrent clients (batch benchmarks) must not hit the default backlog of 5
    daemon_threads = True


class FakeOpenAI:
    """The server and its script; use as a context manager, or through the `openai_server` pytest fixture."""

    def __init__(self) -> None:
        self.script: list[Behaviour] = []
        self.received: list[Received] = []
        self.reject_json_schema: bool | Error = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def queue(self, *behaviours: Behaviour) -> FakeOpenAI:
        with self._lock:
            self.script.extend(behaviours)
        return self

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # cut short any scripted delay still running
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self, body: dict[str, Any]) -> Behaviour:
        if self.reject_json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
            if isinstance(self.reject_json_schema, Error):
                return self.reject_json_schema
            return Error(
                400,
                "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
                type="invalid_request_error",
            )
        with self._lock:
            if self.script:
                return self.script.pop(0)
        return Error(500, "fake server: the test scripted no more replies")

    def _wait(self, seconds: float) -> bool:
        """Sleep, unless the server is stopping; True when the full delay passed."""
        return not self._stop.wait(seconds) if seconds > 0 else True


def _handler_for(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            with server._lock:
                server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                return
            behaviour = server._next(body)
            if not server._wait(behaviour.delay):
                self.close_connection = True
                return
            if isinstance(behaviour, Drop):
                self.close_connection = True
                with _quiet():
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(behaviour, Raw):
                self._send_bytes(200, behaviour.body, behaviour.content_type)
                return
            if isinstance(behaviour, Drip):
                self._drip(behaviour)
                return
            if isinstance(behaviour, Big):
                self._big(behaviour)
                return
            if isinstance(behaviour, Error):
                payload = {"error": {"message": behaviour.message, "type": behaviour.type, "param": None, "code": None}}
                self._send(behaviour.status, payload, behaviour.headers)
                return
            completion = behaviour.content or ""
            self._send(
                200,
                {
                    "id": f"chatcmpl-{len(server.received)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": behaviour.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": behaviour.content, "refusal": None},
                            "finish_reason": behaviour.finish_reason,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": prompt_tokens(body),
                        "completion_tokens": approx_tokens(completion),
                        "total_tokens": prompt_tokens(body) + approx_tokens(completion),
                    },
                },
            )

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

        def _send_bytes(
            self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            with _quiet():  # the client may have given up (timeout tests)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        def _drip(self, drip: Drip) -> None:
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(drip.body)}\r\n\r\n"
            ).encode()
            self.close_connection = True
            with _quiet():
                if not drip.headers_too:
                    self.wfile.write(head)
                    self.wfile.flush()
                    head = b""
                for byte in head + drip.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if not server._wait(drip.interval):
                        return

        def _big(self, big: Big) -> None:
            self.close_connection = True
            chunk = b"a" * 65536
            with _quiet():
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if big.encoding:
                    self.send_header("Content-Encoding", big.encoding)
                if big.declare_length:
                    self.send_header("Content-Length", str(big.size))
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                sent = 0
                while sent < big.size and not server._stop.is_set():
                    piece = chunk[: big.size - sent]
                    self.wfile.write(piece if big.declare_length else b"%x\r\n%s\r\n" % (len(piece), piece))
                    sent += len(piece)
                if not big.declare_length:
                    self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _quiet:
    """Ignore the errors of writing to a client that has gone away."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> bool:
        return kind is not None and issubclass(kind, OSError)


def serve() -> Iterator[FakeOpenAI]:
    """Generator behind the pytest fixture: a started server, stopped afterwards."""
    with FakeOpenAI() as server:
        yield server


def closed_port() -> int:
    """A local port with nothing listening on it."""
    return free_port()
