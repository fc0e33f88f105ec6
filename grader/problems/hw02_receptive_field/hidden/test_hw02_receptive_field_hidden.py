"""hw02, instructor only: agree with the reference on many fresh random stacks."""

from __future__ import annotations

import random

import pytest

from grader.judging.checks import expect_equal
from grader.problems.hw02_receptive_field.test_hw02_receptive_field import as_tuples, random_geometry

pytestmark = [pytest.mark.problem("hw02_receptive_field"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_agrees_with_reference(student, reference):
    """receptive_field and feature_map_sizes agree with the reference on 30 fresh random stacks"""
    for i in range(30):
        layers = as_tuples(random_geometry(random.Random(9000 + i)))
        size = 64 + i
        for name, args in (("receptive_field", (layers,)), ("feature_map_sizes", (size, layers))):
            expect_equal(student.call(name, *args), reference.call(name, *args), f"{name}{args}")
