"""Realistic wrong implementations must lose points on their own problem.

CI grades each problem's ``CI_SAMPLE`` (``tests/mutants/``, graded with the variants in
``tests/corpus.py``); ``tests/stress_mutants.py`` grades every other mutant (the nightly
sweep)."""

from __future__ import annotations

import pytest

from grader.problems import BY_MODULE
from tests.mutants import all_mutants, ci_sample

MUTANTS = all_mutants()
SAMPLE = ci_sample()
PROBLEMS = sorted(BY_MODULE)


def test_each_problem_has_three_mutants():
    for problem in PROBLEMS:
        names = [m.name for m in MUTANTS if m.problem == problem]
        assert len(names) >= 3, f"{problem}: only {names}"
        assert len(set(names)) == len(names), f"{problem}: duplicate mutant names"
        assert len([m for m in SAMPLE if m.problem == problem]) >= 3, f"{problem}: CI grades fewer than three"


@pytest.mark.parametrize("problem", PROBLEMS)
def test_mutants_lose_points(corpus, problem):
    report = []
    for entry in corpus.of(problem, correct=False):
        tests = corpus.run.tests_of(entry.name, problem)
        assert tests, f"{entry.name}: not graded"
        assert not any("cannot import" in t["output"] for t in tests), \
            f"{entry.name}: the mutant does not even import; make it a realistic mistake"
        caught_by = [t["name"].split(": ", 1)[1] for t in tests if t["status"] == "failed"]
        score = corpus.run.problem_score(entry.name, problem)
        report.append(f"{entry.name}: {score}/10, caught by {caught_by}")
        assert score < 10, f"{entry.name} ({entry.why}) scored {score}: not caught"
    print(f"\n{problem}:\n  " + "\n  ".join(report))
