"""Render a plan with Copier into a temporary sibling folder, commit it, then move it into place with one rename.

A failure or an interrupt therefore never leaves a half-written output folder, and a non-empty folder the user
did not hand over is never touched.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffolder.errors import BadInput, RenderFailed

TMP_PREFIX = ".scaffold-tmp-"
SHARED_ANSWERS_FILE = ".copier-answers.shared.yml"


def check_target(out: Path) -> None:
    """Refuse an output path that exists and is not an empty folder."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BadInput(f"--out {out} exists and is not a folder; choose another path")
    if out.is_dir() and any(out.iterdir()):
        raise BadInput(f"--out {out} exists and is not empty; choose another path or empty it first")


def copier_copy(template: Path, dst: Path, answers: dict[str, Any], answers_file: str | None = None) -> None:
    """One in-process Copier render, trusting nothing: no tasks, no migrations, no user settings."""
    import copier

    copier.run_copy(
        str(template),
        dst,
        data=answers,
        answers_file=answers_file,
        defaults=True,
        overwrite=False,
        unsafe=False,
        quiet=True,
        skip_tasks=True,
        cleanup_on_error=False,
        settings=copier.Settings(),
    )


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling of `out` to fill; on success it becomes `out` with one rename, else it is removed.

    `out` must not exist, or be an empty folder.
    """
    out = out.absolute()
    check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {out.parent}: {error.strerror}") from error
    _remove_stale_temps(out.parent)
    tmp = _make_temp_sibling(out.parent)
    try:
        yield tmp
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_atomically(
    out: Path,
    layers: list[tuple[Path, dict[str, Any], str | None]],
    extra_files: dict[str, Any],
    commit_message: str,
) -> str:
    """Render each (template, answers, answers_file) layer in order, add `extra_files` (JSON), commit, rename.

    Returns the commit sha.
    """
    from scaffolder.repo import commit_all

    with atomic_folder(out) as tmp:
        for template, answers, answers_file in layers:
            try:
                copier_copy(template, tmp, answers, answers_file)
            except ValueError as error:  # Copier's validation of an answer
                raise RenderFailed(f"blueprint {template.name}: {_one_line(error)}") from error
            except RenderFailed:
                raise
            except Exception as error:
                raise RenderFailed(f"rendering {template.name} failed: {_one_line(error)}") from error
        for relpath, content in extra_files.items():
            target = tmp / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            text = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False) + "\n"
            target.write_text(text, encoding="utf-8")
        return commit_all(tmp, commit_message)


def _make_temp_sibling(parent: Path) -> Path:
    """A new, uniquely named folder in `parent`, made like `mkdir` makes one (the umask applies).

    Not `tempfile.mkdtemp`: its folders are private (0700), and the rename would hand that mode to the repo.
    """
    while True:
        tmp = parent / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        except OSError as error:
            raise BadInput(f"cannot create a folder in {parent}: {error.strerror}") from error
        return tmp


def _move_into_place(tmp: Path, out: Path) -> None:
    check_target(out)  # someone may have written there while we rendered
    if out.is_dir():
        out.rmdir()  # empty: rename(2) cannot replace it on every platform
    try:
        os.rename(tmp, out)
    except OSError as error:
        raise RenderFailed(f"cannot move the prototype into {out}: {error.strerror}") from error


def _remove_stale_temps(parent: Path) -> None:
    """Remove temporary folders left by scaffold processes that were killed outright (SIGKILL)."""
    for candidate in parent.glob(f"{TMP_PREFIX}*"):
        pid = candidate.name[len(TMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(candidate, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:300] or type(error).__name__
