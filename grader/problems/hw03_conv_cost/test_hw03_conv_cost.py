"""hw03 第三题: parameters and FLOPs of a convolution.

Oracles: parameter counts of real ``nn.Conv2d`` modules, output shapes of real
forward passes, and ``torch.utils.flop_counter.FlopCounterMode`` for FLOPs.
"""

from __future__ import annotations

import random

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from grader.judging.checks import expect_equal, fail

pytestmark = pytest.mark.problem("hw03_conv_cost")


def random_configs(seed: int, n: int) -> list[dict]:
    """Conv layers with varied channels, groups, rectangular kernels, strides, paddings."""
    rng = random.Random(seed)
    configs = []
    while len(configs) < n:
        groups = rng.choice([1, 1, 2, 3, 4])
        c_in = groups * rng.randint(1, 6)
        c_out = groups * rng.randint(1, 6)
        k_h, k_w = rng.choice([1, 2, 3, 5, 7]), rng.choice([1, 2, 3, 5])
        kernel = k_h if (k_h == k_w and rng.random() < 0.5) else (k_h, k_w)
        in_h, in_w = rng.randint(7, 20), rng.randint(7, 20)
        configs.append(dict(c_in=c_in, c_out=c_out, kernel=kernel, in_h=in_h, in_w=in_w,
                            stride=rng.randint(1, 3), padding=rng.randint(0, 2),
                            bias=rng.random() < 0.5, groups=groups))
    return configs


def real_conv(cfg: dict) -> nn.Conv2d:
    return nn.Conv2d(cfg["c_in"], cfg["c_out"], cfg["kernel"], stride=cfg["stride"],
                     padding=cfg["padding"], bias=cfg["bias"], groups=cfg["groups"])


def oracle_cost(cfg: dict) -> dict:
    """What a real nn.Conv2d has and does, measured by torch."""
    conv = real_conv(cfg)
    x = torch.zeros(1, cfg["c_in"], cfg["in_h"], cfg["in_w"])
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        y = conv(x)
    flops = counter.get_total_flops()
    return {"params": sum(p.numel() for p in conv.parameters()), "macs": flops // 2,
            "flops": flops, "out_shape": tuple(y.shape[1:])}


CASES = random_configs(seed=3, n=24)


def _get(result, key):
    if not isinstance(result, dict) or key not in result:
        fail(f"conv2d_cost 应返回含 {key!r} 的字典, 你的结果是 {result!r}"[:300],
             f"conv2d_cost must return a dict with {key!r}, got {result!r}"[:300])
    return result[key]


def _describe(cfg: dict) -> str:
    return (f"c_in={cfg['c_in']}, c_out={cfg['c_out']}, kernel={cfg['kernel']}, "
            f"groups={cfg['groups']}")


# The notes' numbers; the oracle must agree with them before the student is judged.
HOMEWORK = (
    (dict(c_in=16, c_out=32, kernel=3, in_h=28, in_w=28, stride=1, padding=1, bias=True, groups=1),
     {"params": 4640, "macs": 3_612_672, "flops": 7_225_344, "out_shape": (32, 28, 28)}),
    (dict(c_in=16, c_out=32, kernel=1, in_h=28, in_w=28, stride=1, padding=0, bias=True, groups=1),
     {"params": 544, "macs": 401_408, "flops": 802_816, "out_shape": (32, 28, 28)}),
)


@pytest.mark.points(2)
def test_homework_numbers(student):
    """the homework's numbers: 4,640 params, 3,612,672 MACs, 7,225,344 FLOPs; 1×1: 544 and 401,408"""
    for cfg, notes in HOMEWORK:
        truth = oracle_cost(cfg)
        expect_equal(truth, notes, "oracle self-check")
        got = student.call("conv2d_cost", **cfg)
        for key in ("params", "macs", "flops"):
            expect_equal(_get(got, key), truth[key], f"conv2d_cost({_describe(cfg)})[{key!r}]")
        expect_equal(tuple(_get(got, "out_shape")), truth["out_shape"], f"conv2d_cost({_describe(cfg)})['out_shape']")


@pytest.mark.points(2)
def test_params_match_nn_conv2d(student):
    """conv2d_params equals the parameter count of a real nn.Conv2d (bias, groups, rectangular kernels)"""
    for cfg in CASES:
        truth = sum(p.numel() for p in real_conv(cfg).parameters())
        got = student.call("conv2d_params", cfg["c_in"], cfg["c_out"], cfg["kernel"],
                           bias=cfg["bias"], groups=cfg["groups"])
        expect_equal(got, truth, f"conv2d_params({_describe(cfg)}, bias={cfg['bias']})",
                     "nn.Conv2d 的实际参数量 / a real nn.Conv2d's count")


@pytest.mark.points(1.5)
def test_macs_match_flop_counter(student):
    """conv2d_macs is half of torch.utils.flop_counter's count for the same layer and output size"""
    for cfg in CASES:
        truth = oracle_cost(cfg)
        _, out_h, out_w = truth["out_shape"]
        got = student.call("conv2d_macs", cfg["c_in"], cfg["c_out"], cfg["kernel"], out_h, out_w,
                           groups=cfg["groups"])
        expect_equal(got, truth["macs"], f"conv2d_macs({_describe(cfg)}, out={out_h}×{out_w})",
                     "FlopCounterMode / 2")


@pytest.mark.points(1.5)
def test_flops_match_flop_counter(student):
    """conv2d_flops equals torch.utils.flop_counter's count (2 × MACs)"""
    for cfg in CASES:
        truth = oracle_cost(cfg)
        _, out_h, out_w = truth["out_shape"]
        got = student.call("conv2d_flops", cfg["c_in"], cfg["c_out"], cfg["kernel"], out_h, out_w,
                           groups=cfg["groups"])
        expect_equal(got, truth["flops"], f"conv2d_flops({_describe(cfg)}, out={out_h}×{out_w})",
                     "FlopCounterMode")


@pytest.mark.points(2)
def test_cost_matches_a_real_layer(student):
    """conv2d_cost: params, MACs, FLOPs and out_shape of a real layer, with strides and paddings"""
    for cfg in CASES:
        truth = oracle_cost(cfg)
        got = student.call("conv2d_cost", **cfg)
        where = f"conv2d_cost({_describe(cfg)}, in={cfg['in_h']}×{cfg['in_w']}, " \
                f"stride={cfg['stride']}, padding={cfg['padding']})"
        expect_equal(tuple(_get(got, "out_shape")), truth["out_shape"], f"{where}['out_shape']",
                     "真实前向传播的输出形状 / shape of a real forward pass")
        for key in ("params", "macs", "flops"):
            expect_equal(_get(got, key), truth[key], f"{where}[{key!r}]")
