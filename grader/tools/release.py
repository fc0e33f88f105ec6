"""Make the student release: what a student repository holds, from tracked files only.

    python -m grader release OUT_DIR

Only files git tracks are considered, and only those the allow-list below names go
out: the stubs, the public grader, packaging, the student workflow, and a student
README generated from ``grader/release/README.student.md``. Known instructor-only
files (solutions, self-tests, hidden checks, CI, instructor docs) stay behind. The
release is refused, naming the files, when a tracked file is in neither list, or
looks like a submission (``hwNN_*`` outside ``assignments/``) or a gradebook (CSV,
JSON, Markdown results); when ``assignments/`` is not what ``solutions/`` makes;
when a released file has uncommitted changes. Hints for checks that do not ship
(hidden ones) are left out of the released ``hints.toml`` files.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.problems import hints
from grader.tools import stubs

ROOT = Path(__file__).resolve().parents[2]
STUDENT_README = "grader/release/README.student.md"

# What a student repository holds (fnmatch patterns on POSIX paths; "*" crosses "/").
# One list for every later addition: a new kind of student file is one line here.
RELEASED = (
    "pyproject.toml",
    ".gitignore",
    "LICENSE*",
    ".github/workflows/autograding.yml",   # the student workflow
    "assignments/hw[0-9][0-9]_*.py",       # stubs
    "assignments/hw[0-9][0-9]_*.ipynb",    # student notebooks
    "assignments/conftest.py",             # says how to run when pytest starts in assignments/
    "grader/*.py",                         # the public grader
    "grader/problems/*/hints.toml",
    "grader/assets/*.png",
)
# Tracked, known, never released.
INSTRUCTOR_ONLY = (
    "README.md",                           # the instructor README; the student one replaces it
    "SECURITY.md",                         # the threat model: how the grading could be attacked
    STUDENT_README,
    "solutions/*",
    "tests/*",
    ".ci/*",
    "scripts/*",
    "grader/DEVELOPING.md",
    "grader/gradescope/*",
    ".github/*",                           # every other workflow: CI, regrading
)
# Never in a release, wherever they are: hidden checks, answers, gradebooks.
_HIDDEN = re.compile(r"(^|/)hidden/")
_ANSWER = re.compile(r"(^|/)hw\d\d_[^/]*\.(py|ipynb)$")
_GRADES = re.compile(r"\.(csv|tsv|json|md|xlsx?)$", re.IGNORECASE)
# Words of the instructor's world the student README must not contain.
INSTRUCTOR_WORDS = ("solutions/", "tests/", ".ci/", "pytest tests", "hidden", "DEVELOPING", "GRADER_HIDDEN",
                    "secret", "gradescope", "regrade.yml", "instructor")


class ReleaseRefused(SystemExit):
    """Nothing was written; the message names the files and why."""


@dataclass
class Plan:
    released: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)   # known instructor-only files
    refused: list[str] = field(default_factory=list)    # "path: why"


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def why_refused(path: str) -> str:
    """Why a tracked file that is not known as instructor-only may not be released ('' when it may)."""
    if _HIDDEN.search(path):
        return "hidden checks"
    if _ANSWER.search(path) and not path.startswith("assignments/"):
        return "a submission or an answer (hwNN_* outside assignments/)"
    if _GRADES.search(path):
        return "looks like grades or results (CSV/JSON/Markdown)"
    if not _matches(path, RELEASED):
        return "not in the release's allow-list (grader/tools/release.py: RELEASED)"
    return ""


def plan(paths: list[str]) -> Plan:
    """Sort tracked files into released, left out (instructor-only) and refused."""
    result = Plan()
    for path in paths:
        reason = why_refused(path)
        if not reason:
            result.released.append(path)
        elif _matches(path, INSTRUCTOR_ONLY) or (_HIDDEN.search(path) and path.startswith("grader/")):
            result.left_out.append(path)
        else:
            result.refused.append(f"{path}: {reason}")
    return result


def _git(root: Path, *args: str) -> list[str]:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ReleaseRefused(f"release: needs a git checkout ({exc})") from None
    return [line for line in out.splitlines() if line]


def tracked_files(root: Path = ROOT) -> list[str]:
    return sorted(p for p in _git(root, "ls-files", "--cached") if (root / p).is_file())


def instructor_mentions(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in INSTRUCTOR_WORDS if word.lower() in lowered]


def public_hints(text: str, checks: set[str]) -> str:
    """A hints.toml without the tables of checks that do not ship (comments and order kept)."""
    kept, keep = [], True
    for line in text.splitlines(keepends=True):
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            keep = header.group(1).strip() in checks
        if keep:
            kept.append(line)
    result = "".join(kept)
    if set(hints.parse(result)) != set(hints.parse(text)) & checks:  # the cut must be exactly that
        raise ReleaseRefused("release: hints.toml could not be cut to the public checks")
    return result


def _refuse_if(problems: list[str], heading: str) -> None:
    if problems:
        raise ReleaseRefused(f"release refused, nothing written / 拒绝发布, 未写入任何文件: {heading}\n  "
                             + "\n  ".join(problems))


def make_release(out: Path, root: Path = ROOT) -> list[str]:
    """Write the release to ``out`` (which must not exist); return the files written."""
    chosen = plan(tracked_files(root))
    _refuse_if(chosen.refused, "these tracked files are not student files (remove them from git, "
                               "or add a pattern to RELEASED)")
    drift = [str(p.relative_to(root)) for p, text in stubs.expected_stubs(root).items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    _refuse_if(drift, "assignments/ is not what solutions/ makes: run python -m grader stubs")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *chosen.released, STUDENT_README)
    _refuse_if([line[3:] for line in dirty], "uncommitted changes: commit them first")
    readme = (root / STUDENT_README).read_text(encoding="utf-8")
    _refuse_if(instructor_mentions(readme), f"{STUDENT_README} mentions the instructor's side")
    leaked = [p for p in chosen.released if p.endswith((".py", ".ipynb")) and _ANSWER.search(p) and any(
        stubs.BEGIN.match(line) for line in (root / p).read_text(encoding="utf-8", errors="replace").splitlines())]
    _refuse_if(leaked, "solution code would leak")
    if out.exists():
        raise ReleaseRefused(f"{out} already exists")

    for rel in chosen.released:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    for rel in chosen.released:
        if rel.endswith("/" + hints.FILE_NAME):
            module = rel.split("/")[-2]
            shipped = set(hints.check_functions(module, out / "grader" / "problems"))
            text = (root / rel).read_text(encoding="utf-8")
            (out / rel).write_text(public_hints(text, shipped), encoding="utf-8")
    (out / "README.md").write_text(readme, encoding="utf-8")
    return [*chosen.released, "README.md"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader release",
                                     description="make the student release / 生成学生版仓库")
    parser.add_argument("out", type=Path, help="folder to create")
    args = parser.parse_args(argv)
    try:
        written = make_release(args.out.resolve())
    except ReleaseRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    untracked = _git(ROOT, "ls-files", "--others", "--exclude-standard")
    print(f"wrote {len(written)} files to {args.out} (tracked student files only)")
    if untracked:
        print(f"not released: {len(untracked)} untracked files, e.g. {', '.join(untracked[:5])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
