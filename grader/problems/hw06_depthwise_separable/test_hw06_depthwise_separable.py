"""hw06_depthwise_separable 第六题: depthwise separable convolution.

Oracles: parameter counts of real ``nn.Conv2d`` modules (grouped, depthwise, pointwise;
``oracles.py``), the module's own structure, and ``F.conv2d`` applied by the judge to the
module's weights (two steps) and to ``separable_to_standard_weight`` (one step).
"""

from __future__ import annotations

import pytest
import torch.nn.functional as F

from grader.judging.checks import expect_close, expect_equal, expect_shape, expect_tensor
from grader.problems.hw06_depthwise_separable import in_worker, oracles
from grader.problems.hw06_depthwise_separable.oracles import conv_params, separable_params
from grader.sandbox.student import describe_call

pytestmark = pytest.mark.problem("hw06_depthwise_separable")

CONFIGS = oracles.random_configs(6, 10)
COUNTS = oracles.count_cases(61, 20, groups=(1, 2, 3, 4), channels=8, kernels=(1, 3, 5, 7))


def built(student, configs: list[oracles.Config], xs: list, standard_weight: bool = False) -> list[dict]:
    """``in_worker.build_and_run`` for every configuration, in one round trip."""
    label = configs[0].call() + (f" (+{len(configs) - 1})" if len(configs) > 1 else "")
    return student.run(in_worker.build_and_run, [c.as_tuple() for c in configs], xs, standard_weight, describe=label)


def conv_parts(got: dict, where: str) -> tuple[dict, dict]:
    """The module's ``.depthwise`` and ``.pointwise``, which must be ``nn.Conv2d``."""
    dw, pw = got["depthwise"], got["pointwise"]
    expect_equal(dw["kind"], "nn.Conv2d", f"{where}.depthwise")
    expect_equal(pw["kind"], "nn.Conv2d", f"{where}.pointwise")
    return dw, pw


def expect_conv_weights(got: dict, config: oracles.Config) -> tuple[dict, dict]:
    """Both parts are ``nn.Conv2d`` with the separable weight shapes (the judge convolves with them)."""
    where = config.call()
    dw, pw = conv_parts(got, where)
    expect_shape(dw["weight"], (config.c_in, 1, config.k, config.k), f"{where}.depthwise.weight")
    expect_shape(pw["weight"], (config.c_out, config.c_in, 1, 1), f"{where}.pointwise.weight")
    return dw, pw


@pytest.mark.points(2)
def test_homework_numbers(student):
    """the homework: K=3, 32→64: standard 18,432, separable 2,336 (≈ 12.7 %)"""
    standard, separable = conv_params(32, 64, 3), separable_params(32, 64, 3)
    assert (standard, separable) == (18432, 2336), "grader: the oracle disagrees with the notes"
    expect_equal(student.call("standard_conv_params", 32, 64, 3), standard, "standard_conv_params(32, 64, 3)")
    expect_equal(student.call("depthwise_separable_params", 32, 64, 3), separable,
                 "depthwise_separable_params(32, 64, 3)")
    expect_equal(student.call("group_conv_params", 32, 64, 3, 1), standard, "group_conv_params(32, 64, 3, 1)")
    expect_equal(student.call("group_conv_params", 32, 32, 3, 32), conv_params(32, 32, 3, groups=32),
                 "group_conv_params(32, 32, 3, 32)", "深度卷积 / depthwise")


@pytest.mark.points(2)
def test_counts_match_real_modules(student):
    """standard, separable and grouped counts equal those of real nn.Conv2d modules (with and without bias)"""
    plain = [((c_in, c_out, k), {"bias": bias}) for c_in, c_out, k, _, bias in COUNTS]
    grouped = [((c_in, c_out, k, g), {"bias": bias}) for c_in, c_out, k, g, bias in COUNTS]
    standard = student.call_each("standard_conv_params", plain)
    separable = student.call_each("depthwise_separable_params", plain)
    groups = student.call_each("group_conv_params", grouped)
    for (c_in, c_out, k, g, bias), call, group_call, *got in zip(COUNTS, plain, grouped, standard, separable, groups):
        expect_equal(got[0], conv_params(c_in, c_out, k, bias=bias), describe_call("standard_conv_params", *call))
        expect_equal(got[1], separable_params(c_in, c_out, k, bias), describe_call("depthwise_separable_params", *call),
                     "深度卷积 + 点卷积的真实参数量 / real depthwise + pointwise convs")
        expect_equal(got[2], conv_params(c_in, c_out, k, groups=g, bias=bias),
                     describe_call("group_conv_params", *group_call))


@pytest.mark.points(2)
def test_module_structure(student, device):
    """DepthwiseSeparableConv: depthwise k×k with groups = C_in (stride, padding), then a 1×1 pointwise; its parameter count"""
    for c, got in zip(CONFIGS, built(student, CONFIGS, oracles.inputs(CONFIGS, 60, (9, 9), device))):
        where = c.call()
        dw, pw = conv_parts(got, where)
        expect_equal((dw["in"], dw["out"], dw["groups"], dw["kernel"]), (c.c_in, c.c_in, c.c_in, (c.k, c.k)),
                     f"{where}.depthwise (in, out, groups, kernel)",
                     "每个通道一个 k×k 卷积核 / one k×k filter per channel")
        expect_equal((dw["stride"], dw["padding"]), ((c.stride,) * 2, (c.padding,) * 2),
                     f"{where}.depthwise (stride, padding)")
        expect_equal((pw["in"], pw["out"], pw["groups"], pw["kernel"], pw["stride"]),
                     (c.c_in, c.c_out, 1, (1, 1), (1, 1)), f"{where}.pointwise (in, out, groups, kernel, stride)")
        expect_equal((dw["bias"], pw["bias"]), (c.bias, c.bias), f"{where}: bias on (depthwise, pointwise)")
        expect_equal(got["params"], separable_params(c.c_in, c.c_out, c.k, c.bias), f"{where}: parameters")


@pytest.mark.points(2)
def test_forward_is_depthwise_then_pointwise(student, device):
    """forward equals F.conv2d with the module's own depthwise weights (groups = C_in) followed by the pointwise ones"""
    xs = oracles.inputs(CONFIGS, 62, (11, 13), device)
    for c, x, got in zip(CONFIGS, xs, built(student, CONFIGS, xs)):
        dw, pw = expect_conv_weights(got, c)
        hidden = F.conv2d(x, dw["weight"], dw["bias_value"], stride=c.stride, padding=c.padding, groups=c.c_in)
        expect_close(got["out"], F.conv2d(hidden, pw["weight"], pw["bias_value"]), f"{c.call()}(x)",
                     atol=1e-5, rtol=1e-4)


@pytest.mark.points(1.5)
def test_equivalent_standard_weight(student, device):
    """separable_to_standard_weight gives one [C_out, C_in, k, k] conv computing exactly what the module computes"""
    configs = [c for c in CONFIGS if not c.bias]
    xs = oracles.inputs(configs, 63, (10, 10), device)
    for c, x, got in zip(configs, xs, built(student, configs, xs, standard_weight=True)):
        where = f"separable_to_standard_weight({c.call()})"
        weight = expect_tensor(got["standard_weight"], where, shape=(c.c_out, c.c_in, c.k, c.k), floating=True)
        expect_close(F.conv2d(x, weight, stride=c.stride, padding=c.padding), got["out"],
                     f"F.conv2d(x, {where}) vs m(x)", atol=1e-5, rtol=1e-4)
        dw, pw = expect_conv_weights(got, c)
        expect_close(weight, pw["weight"][:, :, 0, 0, None, None] * dw["weight"][None, :, 0],
                     f"{where}: W[o, i] = pointwise[o, i] · depthwise[i]")
