"""hw03_conv_cost 第三题: parameters and FLOPs of a convolution.

Oracles (``oracles.py``): parameter counts of real ``nn.Conv2d`` modules, output shapes
of the real convolution operator and FLOPs by ``torch.utils.flop_counter``'s rule for
it. Each check asks for all its cases in one round trip (``call_each``).
"""

from __future__ import annotations

import pytest

from grader.judging.checks import expect_equal, expect_keys
from grader.problems.hw03_conv_cost import oracles
from grader.problems.hw03_conv_cost.oracles import HOMEWORK, measure
from grader.sandbox.student import describe_call

pytestmark = pytest.mark.problem("hw03_conv_cost")

LAYERS = oracles.random_layers(seed=3, n=24)
COST_KEYS = ("params", "macs", "flops", "out_shape")


def expect_cost(got, layer: oracles.Layer) -> None:
    """``conv2d_cost``'s dict equals the measured cost, key by key."""
    where = layer.cost_call()
    expect_keys(got, COST_KEYS, where)
    for key, truth in measure(layer).as_dict().items():
        expect_equal(got[key], truth, f"{where}[{key!r}]")


@pytest.mark.points(2)
def test_homework_numbers(student):
    """the homework's layer (16→32, 3×3, bias=True, 28×28 input, stride 1, padding 1): 4,640 params, 3,612,672 MACs, 7,225,344 FLOPs; as 1×1 (padding 0): 544 and 401,408"""
    for layer, notes in HOMEWORK:
        assert measure(layer) == notes, f"grader: the oracle disagrees with the notes on {layer}"
    got = student.call_each("conv2d_cost", [((), layer.cost_kwargs()) for layer, _ in HOMEWORK])
    for (layer, _), cost in zip(HOMEWORK, got):
        expect_cost(cost, layer)


@pytest.mark.points(2)
def test_params_match_nn_conv2d(student):
    """conv2d_params equals the parameter count of a real nn.Conv2d (bias, groups, rectangular kernels)"""
    calls = [((c.c_in, c.c_out, c.kernel), {"bias": c.bias, "groups": c.groups}) for c in LAYERS]
    for c, call, got in zip(LAYERS, calls, student.call_each("conv2d_params", calls)):
        expect_equal(got, measure(c).params, describe_call("conv2d_params", *call),
                     "nn.Conv2d 的实际参数量 / a real nn.Conv2d's count")


def output_calls() -> list[tuple[tuple, dict]]:
    """``conv2d_macs`` / ``conv2d_flops`` arguments for LAYERS, with each real output size."""
    return [((c.c_in, c.c_out, c.kernel, *measure(c).out_shape[1:]), {"groups": c.groups}) for c in LAYERS]


@pytest.mark.points(1.5)
def test_macs_match_flop_counter(student):
    """conv2d_macs is half of torch.utils.flop_counter's count for the same layer and output size"""
    calls = output_calls()
    for c, call, got in zip(LAYERS, calls, student.call_each("conv2d_macs", calls)):
        expect_equal(got, measure(c).macs, describe_call("conv2d_macs", *call), "flop_counter / 2")


@pytest.mark.points(1.5)
def test_flops_match_flop_counter(student):
    """conv2d_flops equals torch.utils.flop_counter's count (2 × MACs)"""
    calls = output_calls()
    for c, call, got in zip(LAYERS, calls, student.call_each("conv2d_flops", calls)):
        expect_equal(got, measure(c).flops, describe_call("conv2d_flops", *call), "flop_counter")


@pytest.mark.points(2)
def test_cost_matches_a_real_layer(student):
    """conv2d_cost: params, MACs, FLOPs and out_shape of a real layer, with strides and paddings"""
    got = student.call_each("conv2d_cost", [((), c.cost_kwargs()) for c in LAYERS])
    for c, cost in zip(LAYERS, got):
        expect_cost(cost, c)
