"""The submissions a judge grades: names, private copies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MODULE_PATTERN = re.compile(r"hw\d\d_[A-Za-z0-9_]+\.py$")


@dataclass(frozen=True)
class Submission:
    name: str
    source: Path          # the folder as given (never graded in place)
    path: Path            # the judge's private copy
    broken: str = ""      # why it cannot be graded at all (too large, say)


def unique_names(paths: list[Path]) -> list[str]:
    """One name per folder: its own, with ``-2``, ``-3``… when two share one."""
    names: list[str] = []
    for path in paths:
        base = path.resolve().name
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names
