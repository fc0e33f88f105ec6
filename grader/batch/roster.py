"""A class of student repositories: the roster, the snapshot, the commit each student is graded at.

roster.csv (a header row; ``commit`` and ``deadline`` may be left empty)::

    student,repository,commit,deadline
    alice,https://github.com/course/hw-alice,,
    bob,https://github.com/course/hw-bob,,2025-06-08T23:59+08:00      # an extension

Which commit is graded, first that applies: the roster's ``commit``; the
snapshot's (``python -m grader snapshot`` records each repository's HEAD when it
runs, which a scheduled workflow does at the deadline: commit dates are set by
students and prove nothing); the last commit dated before the deadline (only a
fallback, and the gradebook says so); HEAD. The commit is recorded with the
result, so a regrade grades the same code.

Private repositories are read with the instructor's token in ``GRADER_GIT_TOKEN``
(sent as an HTTP header, never on a command line, never to a judge). A repository
that cannot be read becomes a row with status ``unreachable``, not a crash.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

TOKEN_ENV = "GRADER_GIT_TOKEN"
GIT_TIMEOUT_S = 300
NAME = re.compile(r"^[A-Za-z0-9\u00C0-\uFFFF][\w.\-\u00C0-\uFFFF]*$")
SNAPSHOT_FIELDS = ("student", "repository", "commit", "taken_at")


class RosterError(Exception):
    """A roster or snapshot file that cannot be used (said plainly, before any grading)."""


@dataclass(frozen=True)
class Entry:
    student: str
    repository: str
    commit: str = ""
    deadline: str = ""


def _column(header: list[str], *names: str) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def read(path: Path) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"{path}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    student, repository = _column(header, "student", "name"), _column(header, "repository", "repo", "url")
    commit, deadline = _column(header, "commit"), _column(header, "deadline")
    if not student or not repository:
        raise RosterError(f"{path}: 需要 student 和 repository 两列 / needs the columns student and repository")
    entries, seen = [], set()
    for line, row in enumerate(reader, start=2):
        name = (row.get(student) or "").strip()
        if not name:
            continue
        if not NAME.match(name):
            raise RosterError(f"{path}:{line}: 学生名不能用作文件名 / student name {name!r} is not a safe file name")
        if name in seen:
            raise RosterError(f"{path}:{line}: 学生重复 / student {name!r} appears twice")
        seen.add(name)
        when = (row.get(deadline) or "").strip() if deadline else ""
        if when:
            parse_time(when, f"{path}:{line}")
        entries.append(Entry(name, (row.get(repository) or "").strip(),
                             (row.get(commit) or "").strip() if commit else "", when))
    return entries


def parse_time(text: str, where: str = "--deadline") -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RosterError(f"{where}: 无法识别的时间 / not an ISO date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()  # no zone given: this machine's


def read_snapshot(path: Path | None) -> dict[str, dict]:
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f) if row.get("student") and row.get("commit")}


def write_snapshot(path: Path, rows: dict[str, dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SNAPSHOT_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows[name] for name in sorted(rows))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(out.getvalue(), encoding="utf-8")
    os.replace(partial, path)


# -- git ---------------------------------------------------------------------------------

def git_environment() -> dict[str, str]:
    """git never prompts; the instructor's token, when set, goes in an HTTP header."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}
    token = os.environ.get(TOKEN_ENV, "")
    if token:
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader",
                   GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}")
    return env


class GitFailed(Exception):
    pass


def git(*args: str, cwd: Path | None = None, binary: bool = False) -> str | bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, env=git_environment(), capture_output=True,
                              timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise GitFailed(f"git {args[0]}: timed out after {GIT_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {proc.returncode}"]
        message = lines[-1]
        token = os.environ.get(TOKEN_ENV, "")
        raise GitFailed(message.replace(token, "***") if token else message)
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace").strip()


def remote_head(repository: str) -> str:
    """The commit HEAD points to in ``repository`` now (without cloning it)."""
    line = str(git("ls-remote", "--", repository, "HEAD"))
    if not line:
        raise GitFailed("the repository has no HEAD (empty?)")
    return line.split()[0]


@dataclass
class Checkout:
    """A student's code at one commit, or why there is none."""
    entry: Entry
    tree: Path | None = None
    commit: str = ""
    commit_from: str = ""
    failure: str = ""


def _mirror(repository: str, folder: Path) -> None:
    if (folder / "HEAD").exists():
        git("fetch", "--quiet", "--prune", "--force", "origin", "+refs/heads/*:refs/heads/*", cwd=folder)
    else:
        git("clone", "--quiet", "--bare", "--", repository, str(folder))


def _resolve(folder: Path, revision: str) -> str:
    return str(git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=folder))


def _choose(entry: Entry, folder: Path, snapshot: dict | None, deadline: str) -> tuple[str, str]:
    for pinned, origin in ((entry.commit, "roster"), ((snapshot or {}).get("commit", ""), "snapshot")):
        if pinned:
            try:
                return _resolve(folder, pinned), origin
            except GitFailed:
                try:
                    git("fetch", "--quiet", "origin", pinned, cwd=folder)
                    return _resolve(folder, pinned), origin
                except GitFailed:
                    raise GitFailed(f"commit {pinned} ({origin}) 不在仓库中 / is not in the repository") from None
    when = entry.deadline or deadline
    if when:
        moment = parse_time(when).isoformat()
        found = str(git("rev-list", "-1", f"--before={moment}", "HEAD", cwd=folder))
        if not found:
            raise GitFailed(f"截止时间 {when} 之前没有提交 / no commit before the deadline {when}")
        return found, "commit date before the deadline (fallback: students set commit dates)"
    return _resolve(folder, "HEAD"), "HEAD"


def checkout(entry: Entry, clones: Path, snapshot: dict | None, deadline: str) -> Checkout:
    """Clone or fetch ``entry``'s repository into ``clones`` and export the chosen commit's files."""
    result = Checkout(entry)
    if not entry.repository:
        result.failure = "名单中没有仓库地址 / no repository in the roster"
        return result
    mirror, tree = clones / f"{entry.student}.git", clones / entry.student
    try:
        _mirror(entry.repository, mirror)
        result.commit, result.commit_from = _choose(entry, mirror, snapshot, deadline)
        archive = git("archive", "--format=tar", result.commit, cwd=mirror, binary=True)
    except GitFailed as exc:
        result.failure = f"无法读取仓库 / cannot read the repository: {exc}"
        return result
    tree.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")  # no links out, no devices, no absolute paths
    result.tree = tree
    return result


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
