"""Render a plan with Copier into a temporary sibling folder, commit it, then move it into place with one rename.

A failure or an interrupt therefore never leaves a half-written output folder, and a non-empty folder the user
did not hand over is never touched. A template is data too: one holding links or special files is refused before
rendering, and a rendered tree holding a link or anything git would read as its own metadata (`.git`, however
spelled) is refused before scaffold's own writes and commit, so that nothing from a template can reach outside
`--out` or configure and hook into the new repository.

Each temporary folder has a lock file beside it, held (flock) for as long as its run lives and holding a token
that names the folder. The sweep of folders left by killed runs removes only folders whose lock file has that
token and is not locked: never a live run's (whatever PID namespace it runs in), never a folder scaffold did not
make.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Any

from scaffolder.errors import BadInput, RenderFailed

TMP_PREFIX = ".scaffold-tmp-"
LOCK_SUFFIX = ".lock"
SHARED_ANSWERS_FILE = ".copier-answers.shared.yml"
DEFAULT_ANSWERS_FILE = ".copier-answers.yml"
_GIT_METADATA = "git metadata (.git), which could configure or hook into the new repository"


def output_path(out: Path) -> Path:
    """`out` made absolute, with `.` and `..` resolved as the kernel would (so `X/new/..` is X, and no folder is
    made on the way); refused when it is, or holds, the current folder (the final rename would pull the folder
    from under the shell) or names are too long."""
    out = Path(os.path.abspath(out))
    try:
        if out.name in ("", ".", ".."):
            out = Path(os.path.realpath(out))
        else:
            out = Path(os.path.realpath(out.parent)) / out.name
        cwd = Path.cwd()
    except OSError as error:
        raise BadInput(f"--out {out}: {error.strerror}") from error
    if cwd == out or cwd.is_relative_to(out):
        raise BadInput(f"--out {out} is the current folder or holds it; name a new folder, e.g. --out prototype")
    if any(len(os.fsencode(part)) > 255 for part in out.parts):
        raise BadInput(f"--out {str(out)[:80]}…: a folder name is longer than 255 bytes")
    return out


def check_target(out: Path) -> None:
    """Refuse an output path that exists and is not an empty folder."""
    try:
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            raise BadInput(f"--out {out} exists and is not a folder; choose another path")
        if out.is_dir() and any(out.iterdir()):
            raise BadInput(f"--out {out} exists and is not empty; choose another path or empty it first")
    except OSError as error:
        raise BadInput(f"--out {str(out)[:200]}: {error.strerror}") from error


def copier_copy(template: Path, dst: Path, answers: dict[str, Any], answers_file: str | None = None) -> None:
    """One in-process Copier render, trusting nothing: no tasks, no migrations, no user settings."""
    import copier

    _harden_copier_git()
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


def _harden_copier_git() -> None:
    """Copier asks git about each file it writes (`git config core.fileMode`, `git ls-files`) inside the folder
    being rendered; until the tree is checked, a rendered `.git` there could name an fsmonitor or hooks. Its git
    commands get the same overriding settings as scaffold's commit (Copier runs git through plumbum's `local`,
    whose environment is its own copy of os.environ)."""
    from plumbum import local

    from scaffolder.repo import git_environment

    for key, value in git_environment().items():
        local.env[key] = value


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary sibling of `out` to fill; on success it becomes `out` with one rename, else it is removed.

    `out` must not exist, or be an empty folder.
    """
    out = output_path(out)
    check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {out.parent}: {error.strerror}") from error
    _remove_stale_temps(out.parent)
    lock, tmp = _make_temp_sibling(out.parent)
    try:
        yield tmp
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _release(lock, tmp)


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
            check_template(template)
            try:
                copier_copy(template, tmp, answers, answers_file)
            except ValueError as error:  # Copier's validation of an answer
                raise RenderFailed(f"blueprint {template.name}: {_one_line(error)}") from error
            except RenderFailed:
                raise
            except Exception as error:
                raise RenderFailed(f"rendering {template.name} failed: {_one_line(error)}") from error
            check_rendered(tmp, template.name)
            _record_version(tmp, template, answers_file or DEFAULT_ANSWERS_FILE)
        for relpath, content in extra_files.items():
            text = content if isinstance(content, str) else json.dumps(content, indent=2, ensure_ascii=False) + "\n"
            write_inside(tmp, relpath, text.encode("utf-8"))
        return commit_all(tmp, commit_message)


def _record_version(tmp: Path, template: Path, answers_file: str) -> None:
    """For a bundled blueprint, record its released version (for `scaffold update`) and not the local path."""
    from scaffolder.versions import stamped_answers

    path = tmp / answers_file
    if path.is_file() and not path.is_symlink():
        text = stamped_answers(path.read_text(encoding="utf-8"), template)
        if text is not None:
            write_inside(tmp, answers_file, text.encode("utf-8"))


def is_git_name(name: str) -> bool:
    """Whether some filesystem or git would take `name` for `.git`: any case (macOS, Windows), trailing dots or
    spaces (Windows), invisible format characters (macOS HFS+ ignores them), or the 8.3 short name `GIT~1`."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    folded = visible.casefold().rstrip(". ")
    return folded == ".git" or (folded.startswith("git~") and folded[4:].isdigit())


def check_template(template: Path) -> None:
    """Refuse a template whose rendered folder holds a link (Copier would copy what it points to, or recreate it
    and write through it), a special file (a FIFO would block the render), or git metadata."""
    root = template.resolve()
    source = root / _subdirectory(root)
    if not source.is_dir():
        return  # Copier reports it
    for dirpath, dirnames, filenames in os.walk(source):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d != ".git"]  # a blueprint kept in git; Copier skips it here
        for name in (*dirnames, *filenames):
            path = Path(dirpath, name)
            where = path.relative_to(root)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise BadInput(f"blueprint {template.name}: {where} is a symbolic link; blueprints may not hold links")
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise BadInput(f"blueprint {template.name}: {where} is not a regular file or folder")
            if is_git_name(name):
                raise BadInput(f"blueprint {template.name}: {where} is {_GIT_METADATA}; blueprints may not ship it")


def check_rendered(tmp: Path, blueprint: str) -> None:
    """Refuse a rendered tree holding a link or git metadata (a Jinja-named folder can spell `.git`)."""
    for dirpath, dirnames, filenames in os.walk(tmp):
        for name in (*dirnames, *filenames):
            path = Path(dirpath, name)
            where = path.relative_to(tmp)
            if is_git_name(name):
                raise BadInput(f"blueprint {blueprint} renders {where}: {_GIT_METADATA}; refused")
            if path.is_symlink():
                raise BadInput(f"blueprint {blueprint} renders {where} as a symbolic link; refused")


def write_inside(root: Path, relpath: str, data: bytes) -> None:
    """Write one of scaffold's own files under `root`, following no link at any step (O_NOFOLLOW, relative to
    each folder's descriptor), so that a link can never redirect the write outside the output folder."""
    *folders, name = PurePosixPath(relpath).parts
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    fd = os.open(root, flags)
    try:
        for folder in folders:
            with suppress(FileExistsError):
                os.mkdir(folder, dir_fd=fd)
            inner = os.open(folder, flags, dir_fd=fd)
            os.close(fd)
            fd = inner
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666, dir_fd=fd)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
    except OSError as error:
        raise RenderFailed(f"cannot write {relpath} safely: {error.strerror}") from error
    finally:
        os.close(fd)


def _subdirectory(root: Path) -> str:
    """The template's `_subdirectory` (what Copier renders), or "" for the whole folder."""
    from scaffolder.catalog import load_yaml_file

    for name in ("copier.yml", "copier.yaml"):
        if (root / name).is_file():
            value = load_yaml_file(root / name, root).get("_subdirectory") or ""
            if isinstance(value, str) and "{" not in value and not PurePosixPath(value).is_absolute():
                return value if ".." not in PurePosixPath(value).parts else ""
    return ""


def lock_token(name: str) -> str:
    """What a temporary folder's lock file holds: proof that scaffold made the folder of that name."""
    return f"scaffold temporary folder {name}\n"


def _make_temp_sibling(parent: Path) -> tuple[int, Path]:
    """A new, uniquely named folder in `parent`, made like `mkdir` makes one (the umask applies), and its lock
    file, in place and locked before the folder exists; returns the lock's descriptor and the folder.

    Not `tempfile.mkdtemp`: its folders are private (0700), and the rename would hand that mode to the repo.
    """
    while True:
        name = f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}"
        tmp = parent / name
        try:
            lock = _create_lock(parent / f"{name}{LOCK_SUFFIX}", lock_token(name))
        except FileExistsError:
            continue
        except OSError as error:
            raise BadInput(f"cannot create a folder in {parent}: {error.strerror}") from error
        try:
            tmp.mkdir()
        except BaseException as error:
            _release(lock, tmp)
            if isinstance(error, OSError):
                raise BadInput(f"cannot create a folder in {parent}: {error.strerror}") from error
            raise
        return lock, tmp


def _create_lock(path: Path, token: str) -> int:
    """A lock file that appears already holding `token` and locked (an anonymous file linked into place), so that
    no run killed half-way can leave one the sweep cannot recognise; plain create-and-write where the filesystem
    has no anonymous files."""
    fd = -1
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o644)
    except (AttributeError, OSError):
        fd = -1
    if fd >= 0:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, token.encode())
            os.link(f"/proc/self/fd/{fd}", path)
            return fd
        except FileExistsError:
            os.close(fd)
            raise
        except OSError:
            os.close(fd)  # e.g. no /proc: fall back
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, token.encode())
    return fd


def _release(lock: int, tmp: Path) -> None:
    """Remove the lock file (the folder is gone or renamed by now) and release the lock."""
    with suppress(OSError):
        os.unlink(tmp.with_name(tmp.name + LOCK_SUFFIX))
    os.close(lock)


#: Output folders this process has moved a prototype into, or was about to (see `written`).
_moving: list[Path] = []


def written() -> list[Path]:
    """The output folders this process has written, complete: what an interrupt message must not deny. A folder
    is recorded just before its rename, and counts once it holds the prototype (it was absent or empty before)."""
    return [out for out in _moving if out.is_dir() and not out.is_symlink() and any(out.iterdir())]


def forget_written() -> None:
    """Start a new record for `written` (a process that runs scaffold more than once, such as the tests)."""
    _moving.clear()


def _move_into_place(tmp: Path, out: Path) -> None:
    check_target(out)  # someone may have written there while we rendered
    try:
        if out.is_dir():
            out.rmdir()  # empty: rename(2) cannot replace it on every platform
        _moving.append(out)
        os.rename(tmp, out)
    except OSError as error:
        if out in _moving:
            _moving.remove(out)
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):  # another run got there first
            raise BadInput(f"--out {out} was filled by someone else while scaffold rendered; nothing written") from None
        raise RenderFailed(f"cannot move the prototype into {out}: {error.strerror}") from error


def _remove_stale_temps(parent: Path) -> None:
    """Remove the temporary folders of runs that were killed outright (SIGKILL): only a folder whose lock file
    holds its token and is not locked by a live run, in any PID namespace that shares this folder."""
    for lock_path in parent.glob(f"{TMP_PREFIX}*{LOCK_SUFFIX}"):
        name = lock_path.name[: -len(LOCK_SUFFIX)]
        try:
            fd = os.open(lock_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode) or os.read(fd, 200).decode("utf-8", "replace") != lock_token(
                name
            ):
                continue  # not scaffold's, or still being set up
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live run holds it
            folder = parent / name
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                lock_path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:300] or type(error).__name__
