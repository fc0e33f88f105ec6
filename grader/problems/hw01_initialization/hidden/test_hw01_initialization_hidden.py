"""hw01, instructor-only checks: the whole distribution against torch.nn.init, tanh, other sizes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader.judging.checks import expect
from grader.problems.hw01_initialization.test_hw01_initialization import (
    SEED, check_explodes, check_he_relu_stable, check_xavier_relu_shrinks, check_zeros, get_state,
    init_and_report, stds_of, target_layers,
)

pytestmark = [pytest.mark.problem("hw01_initialization"), pytest.mark.hidden]

ALPHA = 1e-9  # allowed probability of a false failure for one comparison

KS_SPEC = ("seq", [("linear", 1024, 256, True),          # fan_in 1024, fan_out 256
                   ("holder", [("conv", 64, 128, 3, True)]),  # fan_in 576, fan_out 1152
                   ("conv", 96, 24, (5, 3), False)])      # fan_in 1440, fan_out 360


def dkw_epsilon(n: int, alpha: float) -> float:
    """Dvoretzky–Kiefer–Wolfowitz (Massart's constant): P(sup|F_n - F| > ε) ≤ 2·exp(-2nε²)."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """sup_x |F_a(x) - F_b(x)| of two empirical CDFs."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.abs(fa - fb).max())


def torch_reference(scheme: str, shape, seed: int, copies: int = 4) -> np.ndarray:
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(copies):
        t = torch.empty(shape)
        if scheme == "xavier":
            torch.nn.init.xavier_normal_(t, generator=gen)
        else:
            torch.nn.init.kaiming_normal_(t, mode="fan_in", nonlinearity="relu", generator=gen)
        out.append(t.flatten().double().numpy())
    return np.concatenate(out)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("scheme", ["xavier", "he"])
def test_weights_distributed_as_torch_init(student, scheme):
    """the weights follow the same normal distribution as torch.nn.init.xavier_normal_ / kaiming_normal_ (two-sample KS, DKW band)"""
    torch_name = "xavier_normal_" if scheme == "xavier" else "kaiming_normal_(nonlinearity='relu')"
    report = student.run(init_and_report, KS_SPEC, scheme, seed=SEED + 11)
    for i, (name, layer) in enumerate(target_layers(KS_SPEC).items()):
        shape = tuple(layer.weight.shape)
        w = get_state(report, f"{name}.weight").flatten().numpy()
        ref = torch_reference(scheme, shape, seed=SEED * 100 + i)
        # Both samples are within ε of the common CDF except with probability ≤ α/2 each.
        band = dkw_epsilon(w.size, ALPHA / 2) + dkw_epsilon(ref.size, ALPHA / 2)
        d = ks_distance(w, ref)
        expect(d <= band,
               f"scheme={scheme!r}, {name} 权重 {list(shape)}: 分布与 torch.nn.init.{torch_name} 不一致 "
               f"(经验分布函数最大差 {d:.4f} > {band:.4f})",
               f"scheme={scheme!r}, {name} weight {list(shape)}: the distribution differs from "
               f"torch.nn.init.{torch_name} (largest gap between the empirical CDFs {d:.4f} > {band:.4f})",
               f"your std {w.std():.4g}, torch's {ref.std():.4g}; 应为正态分布 / must be normal")


@pytest.mark.points(1)
def test_activation_stds_tanh_and_other_sizes(student):
    """tanh: Xavier stays far from saturation and large saturates; ReLU claims hold for other depths, widths and seeds"""
    seed = 1000 * SEED + 17
    # tanh(N(0, 1)) has std 0.63 and Xavier keeps the pre-activation variance ≤ 1 (tanh is
    # contracting), so every std is ≤ 0.63 up to sampling noise of order 1e-2 (band 0.8, half-way to saturation); 'large' gives
    # pre-activations of std ≈ √256·0.97 ≈ 16, where tanh is ±1 except with probability ≈ 0.1,
    # so every std is in [0.95, 0.98] (noise of order 1e-3).
    xs = stds_of(student, "xavier", seed, activation="tanh", batch=128)
    expect(all(math.isfinite(s) and 0 < s <= 0.8 for s in xs),
           "Xavier + tanh: 每层激活的标准差应远离饱和 (≤ 0.8; 饱和时接近 1)",
           "Xavier + tanh: every std should stay far from saturation (≤ 0.8; saturated outputs have std ≈ 1)",
           f"max {max(xs):.3g}, layer 1 {xs[0]:.3g}, layer 50 {xs[-1]:.3g}")
    ls = stds_of(student, "large", seed, activation="tanh", batch=128)
    expect(all(math.isfinite(s) and 0.9 <= s <= 1.0 for s in ls),
           "'large' + tanh: 每层激活都应饱和 (标准差在 0.9 到 1 之间)",
           "'large' + tanh: every layer should saturate (std between 0.9 and 1)",
           f"min {min(ls):.3g}, max {max(ls):.3g}")
    # ReLU with another depth, width and batch: the bands scale with width and depth.
    for k, (depth, width, batch) in enumerate(((20, 128, 64),)):
        seed = 1000 * SEED + 20 + k
        kwargs = dict(depth=depth, width=width, batch=batch)
        where = f"(depth={depth}, width={width}, batch={batch}, seed={seed})"
        check_he_relu_stable(stds_of(student, "he", seed, **kwargs), width, f"activation_stds('he') {where}")
        check_xavier_relu_shrinks(stds_of(student, "xavier", seed, **kwargs), width,
                                  f"activation_stds('xavier') {where}")
    check_zeros(stds_of(student, "zeros", seed, depth=10, width=64, batch=16), "activation_stds('zeros', depth=10)")
    check_explodes(stds_of(student, "large", seed, depth=30, width=128, batch=32), 128,
                   "activation_stds('large', depth=30, width=128)")
