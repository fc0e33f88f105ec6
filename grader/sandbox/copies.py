"""Judge side: the private copy of a submission that every worker starts from.

Graded folders are never used in place: a submission must not be able to change
its own files, a classmate's, or the instructor's while it is graded. The copy
takes regular files only (no symbolic or hard-link games: links are skipped,
never followed), skips caches and version control, and stops at a size cap.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

MAX_BYTES = 50 << 20
MAX_FILES = 2000
_SKIP = {"__pycache__", ".git", ".hg", ".svn", ".ipynb_checkpoints", "node_modules", ".venv", "venv"}


class SubmissionTooLarge(Exception):
    pass


def copy_submission(source: Path, target: Path, *, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> Path:
    """Copy ``source`` to ``target`` (created, mode 0700); returns ``target``."""
    target.mkdir(mode=0o700, parents=True)
    total, count = 0, 0
    for folder, dirs, files in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP and not os.path.islink(os.path.join(folder, d)))
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(mode=0o700, exist_ok=True)
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or name.endswith((".pyc", ".pyo")):
                continue
            total, count = total + info.st_size, count + 1
            if total > max_bytes or count > max_files:
                raise SubmissionTooLarge(
                    f"提交太大 (超过 {max_bytes >> 20} MB 或 {max_files} 个文件) / the submission is too large "
                    f"(over {max_bytes >> 20} MB or {max_files} files)")
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as src, open(target / relative / name, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return target
