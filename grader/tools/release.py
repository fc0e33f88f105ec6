"""Make the student release: the repository without solutions, hidden checks or self-tests.

    python -m grader.tools.release OUT_DIR

The stubs are regenerated from ``solutions/`` first (and the release is refused
if ``assignments/`` has drifted), then every tracked file is copied except the
instructor-only paths below. The result is what goes into the course's template
repository; its grader still runs (``pytest grader/``), without hidden checks.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from grader.tools import stubs

ROOT = Path(__file__).resolve().parents[2]

# Paths (relative, POSIX) that never ship to students.
INSTRUCTOR_ONLY = (
    "solutions/",          # reference implementations
    "tests/",              # self-tests and mutants (near-solutions)
    "grader/DEVELOPING.md",
    ".github/workflows/ci.yml",
    ".ci/",
)


def is_instructor_only(relative: str) -> bool:
    if "hidden" in relative.split("/")[:-1]:  # hidden checks, wherever they are
        return True
    return any(relative == p.rstrip("/") or relative.startswith(p) for p in INSTRUCTOR_ONLY)


def tracked_files(root: Path = ROOT) -> list[str]:
    """Files git tracks (plus untracked, not ignored ones), or every file outside a checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                             cwd=root, capture_output=True, text=True, check=True).stdout
        return sorted({line for line in out.splitlines() if line and (root / line).is_file()})
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", "__pycache__", "grader-output", ".pytest_cache"}
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not skip & set(p.relative_to(root).parts))


def make_release(out: Path, root: Path = ROOT) -> list[str]:
    """Copy the student's files to ``out`` (which must not exist); return what was copied."""
    for path, text in stubs.expected_stubs(root).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise SystemExit(f"{path.relative_to(root)} is out of date: run python -m grader.tools.stubs first")
    if out.exists():
        raise SystemExit(f"{out} already exists")
    copied = [rel for rel in tracked_files(root) if not is_instructor_only(rel)]
    for rel in copied:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    # Student modules (hwNN_*.py, wherever they are) must carry no solution region.
    leaked = [rel for rel in copied if re.match(r"hw\d\d_.*\.py$", Path(rel).name) and any(
        stubs.BEGIN.match(line) for line in (out / rel).read_text(encoding="utf-8", errors="replace").splitlines())]
    if leaked:
        shutil.rmtree(out)
        raise SystemExit(f"solution code would leak through {leaked}; nothing written")
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="make the student release / 生成学生版仓库")
    parser.add_argument("out", type=Path, help="folder to create")
    args = parser.parse_args(argv)
    copied = make_release(args.out.resolve())
    print(f"wrote {len(copied)} files to {args.out} (no solutions/, tests/, grader/hidden/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
