"""Turn a rendered folder into a git repository with exactly one commit, running nothing a template could supply.

git reads configuration from the repository, the user and the system, and runs hooks and an fsmonitor named
there. scaffold's commit reads none of it: system and global files are off (the user's identity is read from the
global files beforehand, by GitPython's parser, which executes nothing), hooks point at /dev/null, the fsmonitor
is off, `git init` copies no template folder, and GitPython is told to skip hooks. The rendered tree has already
been checked for anything git would take as its own metadata (render.check_rendered).
"""

from __future__ import annotations

import os
from pathlib import Path

from scaffolder.errors import RenderFailed

#: Used when the machine has no git identity, so scaffolding works in CI containers.
FALLBACK_AUTHOR = ("scaffold", "scaffold@localhost")

#: Settings that win over any configuration file (git's GIT_CONFIG_COUNT mechanism, like `git -c`).
SAFE_SETTINGS = {"core.hooksPath": os.devnull, "core.fsmonitor": "false", "init.templateDir": "", "gc.auto": "0"}


def git_environment() -> dict[str, str]:
    """The environment of every git command scaffold runs on the new repository."""
    env = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_COUNT": str(len(SAFE_SETTINGS)),
    }
    for n, (key, value) in enumerate(SAFE_SETTINGS.items()):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
    return env


def commit_all(folder: Path, message: str) -> str:
    """`git init -b main`, add every file, commit once; returns the commit's hex sha."""
    import git

    author = identity()
    env = git_environment()
    try:
        command = git.Git(str(folder))
        command.update_environment(**env)
        command.init(initial_branch="main", quiet=True)
        with git.Repo(folder) as repo:
            repo.git.update_environment(**env)
            repo.git.add(all=True)
            commit = repo.index.commit(message, author=author, committer=author, skip_hooks=True)
            return commit.hexsha
    except (git.GitError, OSError, ValueError) as error:
        raise RenderFailed(f"git commit failed: {str(error).strip().splitlines()[-1]}") from error


def identity() -> object:
    """The user's git identity from their global configuration only (never a repository's), else a fallback."""
    import git

    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    files = [str(p) for p in (xdg / "git" / "config", home / ".gitconfig") if p.is_file()]
    name = email = ""
    if files:
        try:
            with git.GitConfigParser(files, read_only=True) as reader:
                name = str(reader.get_value("user", "name", default="") or "")
                email = str(reader.get_value("user", "email", default="") or "")
        except Exception:  # noqa: BLE001 - an unreadable config means no identity, not a failed scaffold
            name = email = ""
    if name and email:
        return git.Actor(name, email)
    return git.Actor(*FALLBACK_AUTHOR)
