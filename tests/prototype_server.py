"""Local servers for the tests and benchmarks: free ports, and a generated prototype started the way a user
starts it (`python -m app`, which `make run` calls), always stopped afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A local port with nothing listening on it (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Prototype:
    base: str
    port: int
    process: subprocess.Popen


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # 127.0.0.1 only
            return response.status == 200
    except OSError:
        return False


@contextmanager
def running_prototype(
    repo: Path, env: dict[str, str], ready_path: str = "/health", timeout: float = 60
) -> Iterator[Prototype]:
    """`python -m app` in `repo` on a free port with `env`; yields once `ready_path` answers 200."""
    port = free_port()
    log_path = repo.parent / f"{repo.name}-server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app"],
            cwd=repo,
            env={**env, "HOST": HOST, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the server leads its group: stopping it stops streamlit's children too
        )
        prototype = Prototype(f"http://{HOST}:{port}", port, process)
        try:
            deadline = time.monotonic() + timeout
            while not _answers(prototype.base + ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    why = (
                        f"exited with code {process.returncode}"
                        if process.poll() is not None
                        else f"timed out after {timeout:g} s"
                    )
                    raise RuntimeError(
                        f"the prototype {why} before {ready_path} answered:\n{log_path.read_text()[-2000:]}"
                    )
                time.sleep(0.2)
            yield prototype
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL it if it lingers."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
