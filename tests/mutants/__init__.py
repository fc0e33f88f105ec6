"""Realistic wrong implementations, written as edits of the reference solutions.

Each problem has a module ``tests/mutants/hwNN.py`` with ``MUTANTS = [...]``. A
mutant names its problem, a short id, and one textual edit of
``solutions/<problem>.py`` (``old`` must occur exactly ``count`` times). Keeping
mutants as edits, not copies, means they follow the reference as it evolves and
fail loudly when an edit no longer applies.

CI grades each module's ``CI_SAMPLE`` (``tests/test_mutants.py``, a few minutes);
``tests/stress_mutants.py`` grades all the others (the nightly sweep, CI's ``sweep`` job).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    problem: str  # e.g. "hw03_conv_cost"
    name: str     # short id, e.g. "bias_ignored"
    old: str
    new: str
    why: str = ""  # the misconception it models
    count: int = 1  # how many occurrences of ``old`` to replace (all of them must exist)

    def source(self) -> str:
        text = (ROOT / "solutions" / f"{self.problem}.py").read_text(encoding="utf-8")
        found = text.count(self.old)
        if found != self.count:
            raise AssertionError(f"mutant {self.problem}/{self.name}: expected {self.count} "
                                 f"occurrence(s) of its 'old' text, found {found}")
        return text.replace(self.old, self.new)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.problem}.py"
        path.write_text(self.source(), encoding="utf-8")
        return folder


def _modules() -> list:
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name)]


def all_mutants() -> list[Mutant]:
    """Every mutant of ``MUTANTS``: each must lose points (the sweep grades them all)."""
    return [m for module in _modules() for m in module.MUTANTS]


def ci_sample() -> list[Mutant]:
    """The mutants CI grades: each module's ``CI_SAMPLE``, one per kind of mistake."""
    chosen = []
    for module in _modules():
        by_name = {m.name: m for m in module.MUTANTS}
        unknown = set(module.CI_SAMPLE) - set(by_name)
        if unknown:
            raise AssertionError(f"{module.__name__}.CI_SAMPLE names no mutant: {sorted(unknown)}")
        chosen += [by_name[name] for name in module.CI_SAMPLE]
    return chosen


def beyond_ci() -> list[Mutant]:
    """What only the sweep grades: ``MUTANTS`` outside the sample, and ``MORE_MUTANTS``."""
    return [m for module in _modules()
            for m in [*(m for m in module.MUTANTS if m.name not in module.CI_SAMPLE), *getattr(module, "MORE_MUTANTS", [])]]
