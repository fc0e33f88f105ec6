"""The mutant sweep: every mutant CI does not grade (not collected by CI, which runs
only ``test_*.py``; the CI workflow's nightly ``sweep`` job runs it).

    python -m pytest tests/stress_mutants.py -s [-k hw05_cifar10_visualization]

Beside each module's ``CI_SAMPLE`` (graded by ``tests/test_mutants.py``), this grades
the rest of its ``MUTANTS`` and its ``MORE_MUTANTS`` (further variations of a mistake a
CI mutant already stands for). They must all lose points; they are kept out of CI
only for time.
"""

from __future__ import annotations

import pytest

from tests.harness import grade
from tests.mutants import beyond_ci

MORE = beyond_ci()


@pytest.mark.parametrize("problem", sorted({m.problem for m in MORE}))
def test_more_mutants_lose_points(problem, tmp_path):
    chosen = [m for m in MORE if m.problem == problem]
    run = grade([m.write(tmp_path / "subs" / m.name) for m in chosen], tmp_path / "out", problem=problem)
    scores = {f"{m.name} ({m.why})": run.problem_score(m.name, problem) for m in chosen}
    print(f"\n{problem}: {scores}")
    assert all(score < 10 for score in scores.values()), scores
