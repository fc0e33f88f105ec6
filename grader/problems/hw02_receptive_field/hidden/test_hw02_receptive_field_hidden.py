"""hw02_receptive_field, instructor only: agree with the reference on many fresh random stacks."""

from __future__ import annotations

import random

import pytest

from grader.judging.checks import expect_equal
from grader.problems.hw02_receptive_field.oracles import as_tuples, random_stack
from grader.sandbox.student import describe_call

pytestmark = [pytest.mark.problem("hw02_receptive_field"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_agrees_with_reference(student, reference):
    """receptive_field and feature_map_sizes agree with the reference on 30 fresh random stacks"""
    stacks = [as_tuples(random_stack(random.Random(9000 + i))) for i in range(30)]
    for name, calls in (("receptive_field", [((layers,), {}) for layers in stacks]),
                        ("feature_map_sizes", [((64 + i, layers), {}) for i, layers in enumerate(stacks)])):
        for call, got, truth in zip(calls, student.call_each(name, calls), reference.call_each(name, calls)):
            expect_equal(got, truth, describe_call(name, *call))
