"""Turn a rendered folder into a git repository with exactly one commit."""

from __future__ import annotations

from pathlib import Path

from scaffolder.errors import RenderFailed

#: Used when the machine has no git identity, so scaffolding works in CI containers.
FALLBACK_AUTHOR = ("scaffold", "scaffold@localhost")


def commit_all(folder: Path, message: str) -> str:
    """`git init -b main`, add every file, commit once; returns the commit's hex sha."""
    import git

    try:
        repo = git.Repo.init(folder, initial_branch="main")
        with repo:
            repo.git.add(all=True)
            author = _identity(repo)
            commit = repo.index.commit(message, author=author, committer=author)
            return commit.hexsha
    except (git.GitError, OSError, ValueError) as error:
        raise RenderFailed(f"git commit failed: {str(error).strip().splitlines()[-1]}") from error


def _identity(repo) -> object:  # type: ignore[no-untyped-def]
    """The user's git identity when configured, else a fixed fallback."""
    import git

    reader = repo.config_reader()
    name = reader.get_value("user", "name", default="") or ""
    email = reader.get_value("user", "email", default="") or ""
    if name and email:
        return git.Actor(str(name), str(email))
    return git.Actor(*FALLBACK_AUTHOR)
