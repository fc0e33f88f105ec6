"""hw06 第六题: depthwise separable convolution.

Oracles: parameter counts of real ``nn.Conv2d`` modules (grouped, depthwise,
pointwise), the module's own structure, and ``F.conv2d`` applied by the judge to
the module's weights (two steps) and to ``separable_to_standard_weight`` (one step).
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.judging.checks import expect, expect_close, expect_equal

pytestmark = pytest.mark.problem("hw06_depthwise_separable")


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def oracle_separable_params(c_in: int, c_out: int, k: int, bias: bool) -> int:
    depthwise = nn.Conv2d(c_in, c_in, k, groups=c_in, bias=bias)
    pointwise = nn.Conv2d(c_in, c_out, 1, bias=bias)
    return n_params(depthwise) + n_params(pointwise)


def random_configs(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    return [dict(c_in=rng.randint(1, 12), c_out=rng.randint(1, 12), k=rng.choice([1, 3, 5]),
                 stride=rng.choice([1, 1, 2, 3]), padding=rng.randint(0, 2), bias=rng.random() < 0.4)
            for _ in range(n)]


CONFIGS = random_configs(6, 10)


# -- runs in the worker ----------------------------------------------------------

def _describe_conv(conv) -> dict:
    if not isinstance(conv, nn.Conv2d):
        return {"is_conv2d": False, "type": type(conv).__name__}
    return {"is_conv2d": True, "in": conv.in_channels, "out": conv.out_channels,
            "kernel": tuple(conv.kernel_size), "stride": tuple(conv.stride),
            "padding": tuple(conv.padding) if not isinstance(conv.padding, str) else conv.padding,
            "groups": conv.groups, "bias": conv.bias is not None,
            "weight": conv.weight, "bias_value": conv.bias}


def build_and_run(module, cfg: dict, x: torch.Tensor) -> dict:
    """Build the student's module, describe it, run it on ``x``, and convert it."""
    conv = module.DepthwiseSeparableConv(cfg["c_in"], cfg["c_out"], cfg["k"], stride=cfg["stride"],
                                         padding=cfg["padding"], bias=cfg["bias"]).to(x.device)
    result = {
        "params": sum(p.numel() for p in conv.parameters()),
        "depthwise": _describe_conv(getattr(conv, "depthwise", None)),
        "pointwise": _describe_conv(getattr(conv, "pointwise", None)),
        "out": conv(x),
    }
    if not cfg["bias"]:
        result["standard_weight"] = module.separable_to_standard_weight(conv)
    return result


def expect_weight_shapes(got: dict, cfg: dict) -> None:
    """The judge applies F.conv2d to the module's weights: they must have the separable shapes."""
    dw, pw = got["depthwise"], got["pointwise"]
    expect(dw["is_conv2d"] and pw["is_conv2d"], ".depthwise 和 .pointwise 应为 nn.Conv2d",
           ".depthwise and .pointwise must be nn.Conv2d")
    c_in, c_out, k = cfg["c_in"], cfg["c_out"], cfg["k"]
    expect_equal(tuple(dw["weight"].shape), (c_in, 1, k, k), "depthwise.weight.shape",
                 "每个输入通道一个 k×k 卷积核 / one k×k filter per input channel")
    expect_equal(tuple(pw["weight"].shape), (c_out, c_in, 1, 1), "pointwise.weight.shape")


# -- checks -------------------------------------------------------------------------

@pytest.mark.points(2)
def test_homework_numbers(student):
    """the homework: K=3, 32→64: standard 18,432, separable 2,336 (≈ 12.7 %)"""
    standard = n_params(nn.Conv2d(32, 64, 3, bias=False))
    separable = oracle_separable_params(32, 64, 3, bias=False)
    expect_equal((standard, separable), (18432, 2336), "oracle self-check")
    expect_equal(student.call("standard_conv_params", 32, 64, 3), standard, "standard_conv_params(32, 64, 3)")
    expect_equal(student.call("depthwise_separable_params", 32, 64, 3), separable,
                 "depthwise_separable_params(32, 64, 3)")
    expect_equal(student.call("group_conv_params", 32, 64, 3, 1), standard, "group_conv_params(32, 64, 3, groups=1)")
    expect_equal(student.call("group_conv_params", 32, 32, 3, 32), n_params(nn.Conv2d(32, 32, 3, groups=32, bias=False)),
                 "group_conv_params(32, 32, 3, groups=32) (深度卷积 / depthwise)")


@pytest.mark.points(2)
def test_counts_match_real_modules(student):
    """standard, separable and grouped counts equal those of real nn.Conv2d modules (with and without bias)"""
    rng = random.Random(61)
    for _ in range(20):
        g = rng.choice([1, 2, 3, 4])
        c_in, c_out, k, bias = g * rng.randint(1, 8), g * rng.randint(1, 8), rng.choice([1, 3, 5, 7]), rng.random() < 0.5
        args = f"({c_in}, {c_out}, {k}, bias={bias})"
        expect_equal(student.call("standard_conv_params", c_in, c_out, k, bias=bias),
                     n_params(nn.Conv2d(c_in, c_out, k, bias=bias)), f"standard_conv_params{args}")
        expect_equal(student.call("depthwise_separable_params", c_in, c_out, k, bias=bias),
                     oracle_separable_params(c_in, c_out, k, bias), f"depthwise_separable_params{args}",
                     "深度卷积 + 点卷积的真实参数量 / real depthwise + pointwise convs")
        expect_equal(student.call("group_conv_params", c_in, c_out, k, g, bias=bias),
                     n_params(nn.Conv2d(c_in, c_out, k, groups=g, bias=bias)),
                     f"group_conv_params({c_in}, {c_out}, {k}, groups={g}, bias={bias})")


@pytest.mark.points(2)
def test_module_structure(student, device):
    """DepthwiseSeparableConv: depthwise k×k with groups = C_in (stride, padding), then a 1×1 pointwise; its parameter count"""
    for cfg in CONFIGS:
        x = torch.randn(1, cfg["c_in"], 9, 9, device=device)
        got = student.run(build_and_run, cfg, x)
        where = f"DepthwiseSeparableConv({cfg['c_in']}, {cfg['c_out']}, {cfg['k']}, stride={cfg['stride']}, " \
                f"padding={cfg['padding']}, bias={cfg['bias']})"
        dw, pw = got["depthwise"], got["pointwise"]
        expect(dw["is_conv2d"] and pw["is_conv2d"],
               f"{where}: .depthwise 和 .pointwise 应为 nn.Conv2d", f"{where}: .depthwise and .pointwise must be nn.Conv2d")
        k, c_in, c_out = cfg["k"], cfg["c_in"], cfg["c_out"]
        expect_equal((dw["in"], dw["out"], dw["groups"], dw["kernel"]), (c_in, c_in, c_in, (k, k)),
                     f"{where}.depthwise (in, out, groups, kernel)", "每个通道一个 k×k 卷积核 / one k×k filter per channel")
        expect_equal((dw["stride"], dw["padding"]), ((cfg["stride"],) * 2, (cfg["padding"],) * 2),
                     f"{where}.depthwise (stride, padding)")
        expect_equal((pw["in"], pw["out"], pw["groups"], pw["kernel"], pw["stride"]),
                     (c_in, c_out, 1, (1, 1), (1, 1)), f"{where}.pointwise (in, out, groups, kernel, stride)")
        expect_equal((dw["bias"], pw["bias"]), (cfg["bias"], cfg["bias"]), f"{where}: bias on (depthwise, pointwise)")
        expect_equal(got["params"], oracle_separable_params(c_in, c_out, k, cfg["bias"]), f"{where}: parameters")


@pytest.mark.points(2)
def test_forward_is_depthwise_then_pointwise(student, device):
    """forward equals F.conv2d with the module's own depthwise weights (groups = C_in) followed by the pointwise ones"""
    gen = torch.Generator().manual_seed(62)
    for cfg in CONFIGS:
        x = torch.randn(2, cfg["c_in"], 11, 13, generator=gen).to(device)
        got = student.run(build_and_run, cfg, x)
        dw, pw = got["depthwise"], got["pointwise"]
        expect_weight_shapes(got, cfg)
        hidden = F.conv2d(x, dw["weight"], dw["bias_value"], stride=cfg["stride"], padding=cfg["padding"],
                          groups=cfg["c_in"])
        truth = F.conv2d(hidden, pw["weight"], pw["bias_value"])
        expect_close(got["out"], truth, f"forward, config {cfg}", atol=1e-5, rtol=1e-4)


@pytest.mark.points(1.5)
def test_equivalent_standard_weight(student, device):
    """separable_to_standard_weight gives one [C_out, C_in, k, k] conv computing exactly what the module computes"""
    gen = torch.Generator().manual_seed(63)
    for cfg in (c for c in CONFIGS if not c["bias"]):
        x = torch.randn(2, cfg["c_in"], 10, 10, generator=gen).to(device)
        got = student.run(build_and_run, cfg, x)
        weight, k = got["standard_weight"], cfg["k"]
        expect(isinstance(weight, torch.Tensor), "separable_to_standard_weight 应返回张量",
               "separable_to_standard_weight must return a tensor")
        expect_equal(tuple(weight.shape), (cfg["c_out"], cfg["c_in"], k, k),
                     f"separable_to_standard_weight(DepthwiseSeparableConv({cfg['c_in']}, {cfg['c_out']}, {k})).shape")
        one_step = F.conv2d(x, weight, stride=cfg["stride"], padding=cfg["padding"])
        expect_close(one_step, got["out"], f"F.conv2d(x, separable_to_standard_weight(m)) vs m(x), config {cfg}",
                     atol=1e-5, rtol=1e-4)
        expect_weight_shapes(got, cfg)
        dw, pw = got["depthwise"]["weight"], got["pointwise"]["weight"]
        expect_close(weight, pw[:, :, 0, 0, None, None] * dw[None, :, 0], "W[o, i] = pointwise[o, i] · depthwise[i]")
