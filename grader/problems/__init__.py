"""The problems: one package each, found by looking, never listed by hand.

``grader/problems/<module>/__init__.py`` holds the manifest (``PROBLEM``); its
public checks sit beside it (``test_<module>.py``), the code that runs in the
worker in ``in_worker.py``, instructor-only checks in ``hidden/``.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from grader.problems.manifest import Policy, Problem, Rule

__all__ = ["BY_MODULE", "PROBLEMS", "Policy", "Problem", "Rule", "problem_of_module"]


def _discover() -> tuple[Problem, ...]:
    found = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.ispkg:
            package = importlib.import_module(f"{__name__}.{info.name}")
            problem = getattr(package, "PROBLEM", None)
            if problem is not None:
                if problem.module != info.name:
                    raise ImportError(f"grader/problems/{info.name}: PROBLEM.module is {problem.module!r}")
                found.append(problem)
    return tuple(sorted(found, key=lambda p: p.module))


PROBLEMS: tuple[Problem, ...] = _discover()
BY_MODULE: dict[str, Problem] = {p.module: p for p in PROBLEMS}


def problem_of_module(dotted: str) -> Problem | None:
    """The problem a grader module (``grader.problems.hw03_conv_cost.test_…``) belongs to."""
    parts = dotted.split(".")
    if len(parts) > 2 and parts[:2] == ["grader", "problems"]:
        return BY_MODULE.get(parts[2])
    return None
