"""hw11, instructor only: fresh problems with scalar parameters and long runs; state in self.state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.problems.hw11_optimizers import oracles

pytestmark = [pytest.mark.problem("hw11_optimizers"), pytest.mark.hidden]

SEED = 1100
SHAPES = ((), (1,), (7,), (2, 5), (3, 1, 2))


@pytest.mark.points(0.5)
def test_fresh_long_runs(student, device):
    """fresh random problems (scalar parameters too), 60 steps, every SGD feature and Adam"""
    problems = [*oracles.sgd_problems(SEED, 1, "momentum", SHAPES), *oracles.sgd_problems(SEED + 1, 1, "nesterov", SHAPES),
                *oracles.adam_problems(SEED + 2, 2, shapes=SHAPES)]
    oracles.check_runs(student, [replace(p, steps=60) for p in problems], device)


@pytest.mark.points(0.5)
def test_state_dict_round_trip(student, device):
    """the state lives in self.state: a fresh optimiser loaded from state_dict() carries on exactly"""
    problems = [*oracles.sgd_problems(SEED + 3, 2, "momentum"), *oracles.adam_problems(SEED + 4, 2)]
    oracles.check_runs(student, [replace(p, restart_at=p.steps // 2, notes=("state_dict → load_state_dict",))
                           for p in problems], device)
