"""hw06_depthwise_separable, instructor only: agree with the reference on many fresh random sizes."""

from __future__ import annotations

import pytest

from grader.judging.checks import expect_equal
from grader.problems.hw06_depthwise_separable.oracles import count_cases
from grader.sandbox.student import describe_call

pytestmark = [pytest.mark.problem("hw06_depthwise_separable"), pytest.mark.hidden]


@pytest.mark.points(0.5)
def test_agrees_with_reference(student, reference):
    """the three counts agree with the reference on 40 fresh random sizes"""
    cases = count_cases(9006, 40, groups=(1, 2, 4, 8), channels=16, kernels=(1, 3, 5, 7))
    plain = [((c_in, c_out, k), {"bias": bias}) for c_in, c_out, k, _, bias in cases]
    grouped = [((c_in, c_out, k, g), {"bias": bias}) for c_in, c_out, k, g, bias in cases]
    for name, calls in (("standard_conv_params", plain), ("depthwise_separable_params", plain),
                        ("group_conv_params", grouped)):
        for call, got, truth in zip(calls, student.call_each(name, calls), reference.call_each(name, calls)):
            expect_equal(got, truth, describe_call(name, *call))
