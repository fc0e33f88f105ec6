"""hw01_initialization, judge side: what the checks compare with, and the claims they share.

Oracles (all computed in the judge):
- the formulas of the notes and ``torch.nn.init.calculate_gain``;
- fans from ``torch.nn.init._calculate_fan_in_and_fan_out`` on a model the judge builds
  itself from the same plain description the worker builds the student's model from;
- sampling theory for every statistical band (documented where each band is made);
- a training run done here, on the weights the student's ``init_weights_`` produced.

Randomness: every seed is fixed, so a submission always gets the same score. The bands
are wide enough (about 6 standard errors, or a bound with failure probability < 1e-8)
to pass for any seed; ``HW01_GRADER_SEED=<int>`` shifts every seed used here, which is
how the bands' margin is verified (tests/stress_hw01.py).
"""

from __future__ import annotations

import math
import os
import random

import numpy as np
import torch
from torch import nn

from grader.judging.checks import expect, expect_keys, expect_len, expect_number, expect_tensor
from grader.problems.hw01_initialization import in_worker
from grader.sandbox.student import describe_call

SEED = int(os.environ.get("HW01_GRADER_SEED", "0"))
SCHEMES = ("zeros", "constant", "large", "xavier", "he")
Z = 6.0  # band half-width in standard errors (two-sided tail ≈ 2e-9 for a normal statistic)


# -- the models -----------------------------------------------------------------------------

REACH_SPEC = ("seq", [
    ("conv", 3, 8, 3, True), ("bn", 8), ("relu",),
    ("holder", [
        ("seq", [("conv", 8, 16, (3, 5), True), ("relu",)]),
        ("list", [("linear", 20, 30, True),
                  ("dict", {"head": ("linear", 30, 5, False), "aux": ("conv", 16, 4, 1, True)})]),
    ]),
    ("seq", [("seq", [("linear", 5, 7, True)])]),
])

STD_SPEC = ("seq", [
    ("linear", 512, 64, True),                       # fan_in 512, fan_out 64
    ("holder", [("linear", 64, 512, True)]),         # fan_in 64, fan_out 512
    ("seq", [("conv", 32, 64, 3, True), ("relu",),   # fan_in 288, fan_out 576
             ("conv", 64, 16, (1, 5), False)]),      # fan_in 320, fan_out 80 (rectangular kernel)
    ("list", [("conv", 8, 128, 5, True)]),           # fan_in 200, fan_out 3200
])


def layers_of(spec) -> dict[str, nn.Module]:
    """state_dict prefix -> module, for the judge's own copy of the model."""
    return dict(in_worker.build(spec).named_modules())


def target_layers(spec) -> dict[str, nn.Module]:
    """The Linear and Conv2d layers of the judge's copy, by state_dict prefix."""
    return {name: m for name, m in layers_of(spec).items() if isinstance(m, (nn.Linear, nn.Conv2d))}


def get_state(report: dict, key: str) -> torch.Tensor:
    """One entry of the student's model's state_dict, as float64 on the CPU."""
    value = expect_keys(report["state"], [key], "model.state_dict()")[key]
    return expect_tensor(value, f"model.state_dict()[{key!r}]").detach().to("cpu", torch.float64)


# -- the weights' distribution --------------------------------------------------------------

def expected_std(scheme: str, weight_shape) -> float:
    """The std each scheme prescribes, with torch's own fans."""
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(weight_shape))
    receptive = math.prod(weight_shape[2:])  # cross-check: the contract's formula
    assert (fan_in, fan_out) == (weight_shape[1] * receptive, weight_shape[0] * receptive)
    if scheme == "large":
        return 1.0
    if scheme == "xavier":
        return torch.nn.init.calculate_gain("linear") * math.sqrt(2.0 / (fan_in + fan_out))
    if scheme == "he":
        return torch.nn.init.calculate_gain("relu") / math.sqrt(fan_in)
    raise ValueError(scheme)


def check_weight_distribution(w: torch.Tensor, sigma: float, where: str) -> None:
    """Mean and RMS of n draws of N(0, σ²), each within Z standard errors.

    mean: SE = σ/√n.  RMS = sqrt(mean(w²)): n·RMS²/σ² ~ χ²_n, so SE(RMS) ≈ σ/√(2n);
    the band Z·σ/√(2n) (plus 1/n for the χ² skew) keeps a false failure below 1e-8.
    """
    n = w.numel()
    rms = float(w.pow(2).mean().sqrt())
    mean = float(w.mean())
    band = Z / math.sqrt(2 * n) + 1.0 / n
    expect(abs(rms / sigma - 1.0) <= band,
           f"{where}: 权重的经验标准差是 {rms:.4g}, 该方案要求 {sigma:.4g} (允许相对误差 ±{band:.1%})",
           f"{where}: the weights' empirical std is {rms:.4g}, the scheme prescribes {sigma:.4g} "
           f"(relative band ±{band:.1%}, {Z:.0f} standard errors for n = {n})")
    expect(abs(mean) <= Z * sigma / math.sqrt(n),
           f"{where}: 权重的均值 {mean:.3g} 应接近 0", f"{where}: the weights' mean {mean:.3g} should be about 0",
           f"band ±{Z * sigma / math.sqrt(n):.3g} ({Z:.0f} standard errors)")


def formula_cases(seed: int, n: int) -> list[tuple[int, int, float]]:
    rng = random.Random(seed)
    return [(rng.randint(1, 5000), rng.randint(1, 5000), rng.choice([1.0, 0.5, 5 / 3, math.sqrt(2.0)]))
            for _ in range(n)]


# -- activation_stds: what the notes claim, with bands from theory ---------------------------
#
# In a bias-free ReLU net with He init, one layer multiplies the second moment of the
# activations by F = (1/n) Σ_i 2·relu(g_i)² (g_i ~ N(0, 1), n = width): E F = 1 and
# Var F = (E[4 relu(g)^4] - 1)/n = 5/n (for one input; averaging over a batch can only
# reduce it). So log(std) takes random-walk steps of sd σ = √(5/(4n)) with drift -σ²
# (from E log F ≈ -Var F / 2). Over the L-1 steps after layer 1 every partial sum stays
# within Z·σ·√(L-1) of the drift (reflection principle: tail ≤ 2 × 2e-9). Xavier with
# fan_in = fan_out = n is He scaled by 1/√2 a layer (ReLU is positively homogeneous), so
# its per-layer ratio (s_L/s_1)^(1/(L-1)) is 1/√2 · exp(same walk / (L-1)). None of the
# bands depends on the batch size, so the checks use small batches.

def relu_walk_sigma(width: int) -> float:
    return math.sqrt(5.0 / (4.0 * width))


def stds_of(student, scheme: str, seed: int, **kwargs) -> list[float]:
    """The student's ``activation_stds(scheme, seed=seed, **kwargs)``, as a list of floats."""
    call = describe_call("activation_stds", (scheme,), {"seed": seed, **kwargs})
    got = student.run(in_worker.activation_stds, scheme, {"seed": seed, **kwargs}, seed=seed, describe=call)
    if isinstance(got, (torch.Tensor, np.ndarray)):
        got = got.tolist()
    expect_len(got, kwargs.get("depth", 50), call)
    return [float(expect_number(v, f"{call}[{i}]")) for i, v in enumerate(got)]


def _finite_positive(stds: list[float], where: str, zh: str = "", en: str = "") -> None:
    expect(all(math.isfinite(s) and s > 0 for s in stds),
           f"{where}: 标准差应为有限的正数{zh}", f"{where}: every std must be finite and positive{en}",
           f"got {[f'{s:.3g}' for s in stds[:5]]}…")


def check_he_relu_stable(stds: list[float], width: int, where: str) -> None:
    _finite_positive(stds, where)
    depth = len(stds)
    sigma = relu_walk_sigma(width)
    hi = Z * sigma * math.sqrt(depth - 1)
    lo = -hi - (depth - 1) * sigma ** 2
    logs = [math.log(s / stds[0]) for s in stds]
    worst = max(range(depth), key=lambda l: max(logs[l] - hi, lo - logs[l]))
    expect(lo <= logs[worst] <= hi,
           f"{where}: He + ReLU 的激活标准差应大致保持不变, 但第 {worst + 1} 层是第 1 层的 "
           f"{stds[worst] / stds[0]:.3g} 倍 (允许 {math.exp(lo):.3g}–{math.exp(hi):.3g} 倍)",
           f"{where}: with He + ReLU the std should stay within a small factor, but layer {worst + 1} is "
           f"{stds[worst] / stds[0]:.3g}× layer 1 (allowed {math.exp(lo):.3g}–{math.exp(hi):.3g}×)",
           f"layer stds: 1: {stds[0]:.3g}, {depth // 2}: {stds[depth // 2 - 1]:.3g}, {depth}: {stds[-1]:.3g}")


def check_xavier_relu_shrinks(stds: list[float], width: int, where: str) -> None:
    _finite_positive(stds, where, " (逐层缩小但不为 0)", " (shrinking, not 0)")
    depth = len(stds)
    sigma = relu_walk_sigma(width) / math.sqrt(depth - 1)
    hi = Z * sigma
    lo = -hi - sigma ** 2 * (depth - 1)
    ratio = (stds[-1] / stds[0]) ** (1.0 / (depth - 1))
    dev = math.log(ratio * math.sqrt(2.0))
    expect(lo <= dev <= hi,
           f"{where}: Xavier + ReLU 的激活标准差应每层缩小约 1/√2 ≈ 0.707, 你的平均每层比值是 {ratio:.4f} "
           f"(允许 {math.exp(lo) / math.sqrt(2):.3f}–{math.exp(hi) / math.sqrt(2):.3f})",
           f"{where}: with Xavier + ReLU the std should shrink by about 1/√2 ≈ 0.707 a layer; your mean "
           f"per-layer ratio is {ratio:.4f} (allowed {math.exp(lo) / math.sqrt(2):.3f}–{math.exp(hi) / math.sqrt(2):.3f})",
           f"layer 1: {stds[0]:.3g}, layer {depth}: {stds[-1]:.3g}")


def check_zeros(stds: list[float], where: str) -> None:
    expect(all(s == 0 for s in stds), f"{where}: 全 0 初始化时每层激活都应是 0",
           f"{where}: with zero weights every activation is 0", f"got {[f'{s:.3g}' for s in stds[:5]]}…")


def check_explodes(stds: list[float], width: int, where: str) -> None:
    """std-1 weights multiply the std by about √(width/2) a layer, so layer L is
    ≈ (width/2)^((L-1)/2) × layer 1 (10^25.8 for 50 layers of 256; the random walk above moves
    that exponent by well under 1). We ask for half the exponent, (width/2)^((L-1)/4), or inf/nan
    (an overflow counts as exploded)."""
    first, last = stds[0], stds[-1]
    need = (width / 2) ** ((len(stds) - 1) / 4)
    exploded = not math.isfinite(last) or (math.isfinite(first) and first > 0 and last / first >= need)
    expect(exploded, f"{where}: 'large' + ReLU 应数值爆炸 (最后一层的标准差 ≥ 第一层的 {need:.2g} 倍, 或 inf/nan)",
           f"{where}: 'large' + ReLU should explode (last std ≥ {need:.2g} × the first, or inf/nan)",
           f"layer 1: {first:.3g}, layer {len(stds)}: {last:.3g}")


# -- symmetry: constant init is never broken by training, He init is -------------------------

SYM_SPEC = ("seq", [("seq", [("linear", 4, 8, True), ("relu",)]),
                    ("holder", [("linear", 8, 8, True)]), ("relu",),
                    ("linear", 8, 3, True)])
SYM_HIDDEN = ("0.0", "1.part0")  # the hidden layers' state_dict prefixes


def train_here(report: dict, seed: int, steps: int = 10, lr: float = 0.01) -> dict[str, torch.Tensor]:
    """Load the student's initial weights into our own copy, train with SGD (float64)."""
    model = in_worker.build(SYM_SPEC).double()
    model.load_state_dict({k: get_state(report, k) for k in model.state_dict()})
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(64, 3, generator=gen, dtype=torch.float64)
    params = list(model.parameters())
    for _ in range(steps):  # plain SGD
        grads = torch.autograd.grad(nn.functional.mse_loss(model(x), y), params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p -= lr * g
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def unit_spread(state: dict, prefix: str) -> float:
    """How different the hidden units of one layer are: max over units of |row - row 0|."""
    w, b = state[f"{prefix}.weight"], state[f"{prefix}.bias"]
    rows = torch.cat([w, b[:, None]], dim=1)
    return float((rows - rows[:1]).abs().max())
