"""Realistic wrong implementations must lose points on their own problem.

CI grades each problem's ``CI_SAMPLE`` (``tests/mutants/``); ``tests/stress_mutants.py``
grades every other mutant (the nightly sweep)."""

from __future__ import annotations

import pytest

from tests.harness import grade
from tests.mutants import all_mutants, ci_sample

MUTANTS = all_mutants()
SAMPLE = ci_sample()
PROBLEMS = sorted({m.problem for m in MUTANTS})


def test_each_problem_has_three_mutants():
    from grader.problems import BY_MODULE

    for problem in PROBLEMS:
        assert problem in BY_MODULE
        names = [m.name for m in MUTANTS if m.problem == problem]
        assert len(names) >= 3, f"{problem}: only {names}"
        assert len(set(names)) == len(names), f"{problem}: duplicate mutant names"
        assert len([m for m in SAMPLE if m.problem == problem]) >= 3, f"{problem}: CI grades fewer than three"


@pytest.mark.parametrize("problem", PROBLEMS)
def test_mutants_lose_points(problem, tmp_path):
    mutants = [m for m in SAMPLE if m.problem == problem]
    folders = [m.write(tmp_path / "subs" / m.name) for m in mutants]
    run = grade(folders, tmp_path / "out", problem=problem)
    report = []
    for m in mutants:
        tests = run.tests_of(m.name, problem)
        assert tests, f"{problem}/{m.name}: not graded"
        assert not any("cannot import" in t["output"] for t in tests), \
            f"{problem}/{m.name}: the mutant does not even import; make it a realistic mistake"
        caught_by = [t["name"].split(": ", 1)[1] for t in tests if t["status"] == "failed"]
        score = run.problem_score(m.name, problem)
        report.append(f"{m.name}: {score}/10, caught by {caught_by}")
        assert score < 10, f"{problem}/{m.name} ({m.why}) scored {score}: not caught"
    print(f"\n{problem}:\n  " + "\n  ".join(report))
