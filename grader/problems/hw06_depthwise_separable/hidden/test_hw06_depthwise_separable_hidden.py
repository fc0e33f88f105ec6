"""hw06, instructor only: agree with the reference on many fresh random sizes."""

from __future__ import annotations

import random

import pytest

from grader.judging.checks import expect_equal

pytestmark = [pytest.mark.problem("hw06_depthwise_separable"), pytest.mark.hidden]


@pytest.mark.points(0.5)
def test_agrees_with_reference(student, reference):
    """the three counts agree with the reference on 40 fresh random sizes"""
    rng = random.Random(9006)
    for _ in range(40):
        g = rng.choice([1, 2, 4, 8])
        args = (g * rng.randint(1, 16), g * rng.randint(1, 16), rng.choice([1, 3, 5, 7]))
        bias = rng.random() < 0.5
        for name, call_args in (("standard_conv_params", args), ("depthwise_separable_params", args),
                                ("group_conv_params", (*args, g))):
            expect_equal(student.call(name, *call_args, bias=bias), reference.call(name, *call_args, bias=bias),
                         f"{name}{call_args}, bias={bias}")
