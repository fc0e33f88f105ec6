"""hw03_conv_cost, instructor only: agree with the reference on many fresh random layers."""

from __future__ import annotations

import pytest

from grader.judging.checks import expect_equal
from grader.problems.hw03_conv_cost.oracles import random_layers

pytestmark = [pytest.mark.problem("hw03_conv_cost"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_agrees_with_reference(student, reference):
    """conv2d_cost agrees with the reference on 60 fresh random layers"""
    layers = random_layers(seed=9003, n=60)
    calls = [((), layer.cost_kwargs()) for layer in layers]
    for layer, got, truth in zip(layers, student.call_each("conv2d_cost", calls),
                                 reference.call_each("conv2d_cost", calls)):
        expect_equal(got, truth, layer.cost_call())
