"""One exception family whose members carry their exit code, so the CLI maps errors in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes, documented in the README."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class ScaffoldError(Exception):
    """A failure with a one-line message for the user."""

    exit_status: ExitStatus = ExitStatus.FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(ScaffoldError):
    """The user's input can't be used: the statement, a flag, a file, the output folder."""

    exit_status = ExitStatus.BAD_INPUT


class PlanInvalid(ScaffoldError):
    """A plan (from a planner or a file) failed validation; `errors` lists each problem."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


class PlannerUnavailable(ScaffoldError):
    """The LLM planner could not produce a plan (unreachable, refused, or invalid twice)."""


class RenderFailed(ScaffoldError):
    """Copier or git failed while writing the prototype."""


class VerifyFailed(ScaffoldError):
    """The generated repo's own test suite failed under --verify."""
