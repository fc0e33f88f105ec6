"""Correct but differently written submissions get full marks on their problem
(the corpus: ``tests/corpus.py``)."""

from __future__ import annotations

import pytest

from grader.problems import BY_MODULE

PROBLEMS = sorted(BY_MODULE)


def test_every_problem_has_a_variant(corpus):
    assert {e.problem for e in corpus.entries if e.correct} == set(PROBLEMS)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_variants_get_full_marks(corpus, problem):
    for entry in corpus.of(problem, correct=True):
        tests = corpus.run.tests_of(entry.name, problem)
        failed = [(t["name"], t["output"][:500]) for t in tests if t["status"] != "passed"]
        assert tests, f"{entry.name}: not graded"
        assert corpus.run.problem_score(entry.name, problem) == 10, f"{entry.name}: {failed}"
