"""hw01_initialization, instructor-only checks: the whole distribution against torch.nn.init, tanh, other sizes."""

from __future__ import annotations

import math

import pytest
import torch

from grader.judging.checks import expect
from grader.problems.hw01_initialization import in_worker
from grader.problems.hw01_initialization.oracles import (
    SEED, check_explodes, check_he_relu_stable, check_xavier_relu_shrinks, check_zeros, expected_std, get_state,
    stds_of, target_layers,
)

pytestmark = [pytest.mark.problem("hw01_initialization"), pytest.mark.hidden]

ALPHA = 1e-9  # allowed probability of a false failure for one comparison

KS_SPEC = ("seq", [("linear", 1024, 256, True),          # fan_in 1024, fan_out 256
                   ("holder", [("conv", 64, 128, 3, True)]),  # fan_in 576, fan_out 1152
                   ("conv", 96, 24, (5, 3), False)])      # fan_in 1440, fan_out 360
TORCH_INIT = {"xavier": "xavier_normal_", "he": "kaiming_normal_(nonlinearity='relu')"}


def dkw_epsilon(n: int, alpha: float) -> float:
    """Dvoretzky–Kiefer–Wolfowitz (Massart's constant): P(sup|F_n - F| > ε) ≤ 2·exp(-2nε²)."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


def ks_to_normal(w: torch.Tensor, sigma: float) -> float:
    """sup_x |F_n(x) - Φ(x/σ)|: the sample's empirical CDF against N(0, σ²)."""
    x = w.flatten().double().sort().values
    cdf = torch.special.ndtr(x / sigma)
    n = x.numel()
    steps = torch.arange(1, n + 1, dtype=torch.float64) / n
    return float(torch.maximum(steps - cdf, cdf - (steps - 1.0 / n)).max())


@pytest.mark.points(0.5)
@pytest.mark.parametrize("scheme", ["xavier", "he"])
def test_weights_distributed_as_torch_init(student, scheme):
    """the weights follow the normal distribution of torch.nn.init.xavier_normal_ / kaiming_normal_ (one-sample KS against N(0, σ²) with torch's fans and gain, DKW band)"""
    report = student.run(in_worker.init_and_report, KS_SPEC, scheme, seed=SEED + 11,
                         describe=f"init_weights_(model, {scheme!r})")
    for name, layer in target_layers(KS_SPEC).items():
        shape = tuple(layer.weight.shape)
        w = get_state(report, f"{name}.weight")
        sigma = expected_std(scheme, shape)
        band = dkw_epsilon(w.numel(), ALPHA)  # F_n is within ε of the true CDF except with probability ≤ α
        d = ks_to_normal(w, sigma)
        expect(d <= band,
               f"scheme={scheme!r}, {name} 权重 {list(shape)}: 分布与 torch.nn.init.{TORCH_INIT[scheme]} 的 "
               f"N(0, {sigma:.4g}²) 不一致 (经验分布函数最大差 {d:.4f} > {band:.4f})",
               f"scheme={scheme!r}, {name} weight {list(shape)}: the distribution differs from "
               f"torch.nn.init.{TORCH_INIT[scheme]}'s N(0, {sigma:.4g}²) (largest gap between the CDFs "
               f"{d:.4f} > {band:.4f})",
               f"your std {float(w.std()):.4g}; 应为正态分布 / must be normal")


@pytest.mark.points(1)
def test_activation_stds_tanh_and_other_sizes(student):
    """tanh: Xavier stays far from saturation and large saturates; ReLU claims hold for other depths, widths and seeds"""
    seed = 1000 * SEED + 17
    # tanh(N(0, 1)) has std 0.63 and Xavier keeps the pre-activation variance ≤ 1 (tanh is
    # contracting), so every std is ≤ 0.63 up to sampling noise of order 1e-2 (band 0.8, half-way to
    # saturation); 'large' gives pre-activations of std ≈ √256·0.97 ≈ 16, where tanh is ±1 except
    # with probability ≈ 0.1, so every std is in [0.95, 0.98] (noise of order 1e-3).
    xs = stds_of(student, "xavier", seed, activation="tanh", batch=32)
    expect(all(math.isfinite(s) and 0 < s <= 0.8 for s in xs),
           "Xavier + tanh: 每层激活的标准差应远离饱和 (≤ 0.8; 饱和时接近 1)",
           "Xavier + tanh: every std should stay far from saturation (≤ 0.8; saturated outputs have std ≈ 1)",
           f"max {max(xs):.3g}, layer 1 {xs[0]:.3g}, layer 50 {xs[-1]:.3g}")
    ls = stds_of(student, "large", seed, activation="tanh", batch=32)
    expect(all(math.isfinite(s) and 0.9 <= s <= 1.0 for s in ls),
           "'large' + tanh: 每层激活都应饱和 (标准差在 0.9 到 1 之间)",
           "'large' + tanh: every layer should saturate (std between 0.9 and 1)",
           f"min {min(ls):.3g}, max {max(ls):.3g}")
    # ReLU with another depth, width and batch: the bands scale with width and depth.
    seed = 1000 * SEED + 20
    kwargs = dict(depth=20, width=128, batch=64)
    where = f"(depth=20, width=128, batch=64, seed={seed})"
    check_he_relu_stable(stds_of(student, "he", seed, **kwargs), 128, f"activation_stds('he') {where}")
    check_xavier_relu_shrinks(stds_of(student, "xavier", seed, **kwargs), 128, f"activation_stds('xavier') {where}")
    check_zeros(stds_of(student, "zeros", seed, depth=10, width=64, batch=16), "activation_stds('zeros', depth=10)")
    check_explodes(stds_of(student, "large", seed, depth=30, width=128, batch=32), 128,
                   "activation_stds('large', depth=30, width=128)")
