"""More mutants, graded on demand (not collected by CI, which runs only ``test_*.py``).

    python -m pytest tests/stress_mutants.py -s [-k hw05_cifar10_visualization]

A ``tests/mutants/<module>.py`` may hold, beside ``MUTANTS`` (``tests/test_mutants.py``,
in CI), ``MORE_MUTANTS``: further variations of a mistake that a CI mutant already
stands for (hw04_catdog_dataset, hw05_cifar10_visualization, ...). They must lose
points too; they are kept out of CI only for time.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests import mutants
from tests.harness import grade

MORE = [m for info in pkgutil.iter_modules(mutants.__path__)
        for m in getattr(importlib.import_module(f"{mutants.__name__}.{info.name}"), "MORE_MUTANTS", [])]


@pytest.mark.parametrize("problem", sorted({m.problem for m in MORE}))
def test_more_mutants_lose_points(problem, tmp_path):
    chosen = [m for m in MORE if m.problem == problem]
    run = grade([m.write(tmp_path / "subs" / m.name) for m in chosen], tmp_path / "out", problem=problem)
    scores = {f"{m.name} ({m.why})": run.problem_score(m.name, problem) for m in chosen}
    print(f"\n{problem}: {scores}")
    assert all(score < 10 for score in scores.values()), scores
