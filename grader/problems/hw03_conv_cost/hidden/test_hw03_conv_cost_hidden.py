"""hw03, instructor only: agree with the reference on many fresh random layers."""

from __future__ import annotations

import pytest

from grader.judging.checks import expect_equal
from grader.problems.hw03_conv_cost.test_hw03_conv_cost import random_configs

pytestmark = [pytest.mark.problem("hw03_conv_cost"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_agrees_with_reference(student, reference):
    """conv2d_cost agrees with the reference on 60 fresh random layers"""
    for cfg in random_configs(seed=9003, n=60):
        got, truth = student.call("conv2d_cost", **cfg), reference.call("conv2d_cost", **cfg)
        expect_equal(got, truth, f"conv2d_cost({cfg})")
