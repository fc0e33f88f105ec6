"""hw01 第一题: parameter initialization, Xavier vs He.

The homework asks *why*; these checks grade code whose behaviour shows the answer.

Oracles (all computed here, in the judge):
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
import pytest
import torch
from torch import nn

from grader.judging.checks import expect, expect_raises, fail

pytestmark = pytest.mark.problem("hw01_initialization")

SEED = int(os.environ.get("HW01_GRADER_SEED", "0"))
SCHEMES = ("zeros", "constant", "large", "xavier", "he")
Z = 6.0  # band half-width in standard errors (two-sided tail ≈ 2e-9 for a normal statistic)


# ---------------------------------------------------------------------------------------
# Models from plain descriptions (built identically in the worker and in the judge).

class Holder(nn.Module):
    """A custom container (not an nn.Sequential): its children are plain attributes."""

    def __init__(self, parts: list[nn.Module]) -> None:
        super().__init__()
        for i, part in enumerate(parts):
            setattr(self, f"part{i}", part)

    def forward(self, x):  # pragma: no cover - never run
        for part in self.children():
            x = part(x)
        return x


BN_WEIGHT, BN_BIAS = 2.0, 0.25  # not the defaults, so a change is visible


def build(spec) -> nn.Module:
    """("linear", in, out, bias) | ("conv", c_in, c_out, kernel, bias) | ("bn", c) | ("relu",)
    | ("seq" | "list" | "holder", [specs]) | ("dict", {name: spec})."""
    kind = spec[0]
    if kind == "linear":
        return nn.Linear(spec[1], spec[2], bias=spec[3])
    if kind == "conv":
        return nn.Conv2d(spec[1], spec[2], spec[3], bias=spec[4])
    if kind == "bn":
        bn = nn.BatchNorm2d(spec[1])
        with torch.no_grad():
            bn.weight.fill_(BN_WEIGHT)
            bn.bias.fill_(BN_BIAS)
        return bn
    if kind == "relu":
        return nn.ReLU()
    if kind == "seq":
        return nn.Sequential(*[build(s) for s in spec[1]])
    if kind == "list":
        return nn.ModuleList([build(s) for s in spec[1]])
    if kind == "holder":
        return Holder([build(s) for s in spec[1]])
    if kind == "dict":
        return nn.ModuleDict({k: build(s) for k, s in spec[1].items()})
    raise ValueError(kind)


def layers_of(spec) -> dict[str, nn.Module]:
    """state_dict prefix -> module, for the judge's own copy of the model."""
    return dict(build(spec).named_modules())


def init_and_report(module, spec, scheme: str) -> dict:
    """Worker side: build the model, let the student initialise it, return plain values."""
    model = build(spec)
    params_before = {name: id(p) for name, p in model.named_parameters()}
    returned = module.init_weights_(model, scheme)
    return {
        "returned_self": returned is model,
        "in_place": {name: id(p) for name, p in model.named_parameters()} == params_before,
        "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
    }


def target_layers(spec) -> dict[str, nn.Module]:
    """The Linear and Conv2d layers of the judge's copy, by state_dict prefix."""
    return {name: m for name, m in layers_of(spec).items() if isinstance(m, (nn.Linear, nn.Conv2d))}


def get_state(report: dict, key: str) -> torch.Tensor:
    state = report.get("state", {}) if isinstance(report, dict) else {}
    value = state.get(key)
    if not isinstance(value, torch.Tensor):
        fail(f"模型的 state_dict 中缺少 {key}", f"the model's state_dict lacks {key}")
    return value.detach().to("cpu", torch.float64)


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


# ---------------------------------------------------------------------------------------
# xavier_std / he_std

def formula_cases(seed: int, n: int) -> list[tuple[int, int, float]]:
    rng = random.Random(seed)
    return [(rng.randint(1, 5000), rng.randint(1, 5000), rng.choice([1.0, 0.5, 5 / 3, math.sqrt(2.0)]))
            for _ in range(n)]


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            return float(value)
        fail(f"{what} 应返回一个数, 你的结果是 {value!r}"[:300], f"{what} must return a number, got {value!r}"[:300])
    return float(value)


def _close(got: float, expected: float) -> bool:
    return math.isclose(got, expected, rel_tol=1e-6, abs_tol=0.0)


@pytest.mark.points(1)
def test_std_formulas(student):
    """xavier_std = gain·√(2/(fan_in+fan_out)) and he_std = gain/√fan_in (default gain √2, torch's ReLU gain)"""
    relu_gain = torch.nn.init.calculate_gain("relu")
    for fan_in, fan_out, gain in formula_cases(SEED + 101, 12) + [(256, 256, 1.0), (784, 10, 1.0)]:
        truth = gain * math.sqrt(2.0 / (fan_in + fan_out))
        got = _number(student.call("xavier_std", fan_in, fan_out, gain=gain), "xavier_std")
        expect(_close(got, truth), f"xavier_std({fan_in}, {fan_out}, gain={gain:.4g}) 应为 {truth:.6g}, 你的是 {got:.6g}",
               f"xavier_std({fan_in}, {fan_out}, gain={gain:.4g}) should be {truth:.6g}, got {got:.6g}",
               "Var(W) = 2/(n_in + n_out)")
        if gain == 1.0:
            got = _number(student.call("xavier_std", fan_in, fan_out), "xavier_std")
            expect(_close(got, truth), f"xavier_std({fan_in}, {fan_out}) 默认 gain=1, 应为 {truth:.6g}, 你的是 {got:.6g}",
                   f"xavier_std({fan_in}, {fan_out}) with the default gain 1 should be {truth:.6g}, got {got:.6g}")
        truth = gain / math.sqrt(fan_in)
        got = _number(student.call("he_std", fan_in, gain=gain), "he_std")
        expect(_close(got, truth), f"he_std({fan_in}, gain={gain:.4g}) 应为 {truth:.6g}, 你的是 {got:.6g}",
               f"he_std({fan_in}, gain={gain:.4g}) should be {truth:.6g}, got {got:.6g}")
        truth = relu_gain / math.sqrt(fan_in)
        got = _number(student.call("he_std", fan_in), "he_std")
        expect(_close(got, truth), f"he_std({fan_in}) (默认 gain=√2) 应为 {truth:.6g}, 你的是 {got:.6g}",
               f"he_std({fan_in}) (default gain √2) should be {truth:.6g}, got {got:.6g}",
               "Var(W) = 2/n_in: 因子 2 补偿 ReLU 截掉的一半 / the 2 makes up for the half ReLU zeroes")


# ---------------------------------------------------------------------------------------
# init_weights_: which layers, biases, return value

REACH_SPEC = ("seq", [
    ("conv", 3, 8, 3, True), ("bn", 8), ("relu",),
    ("holder", [
        ("seq", [("conv", 8, 16, (3, 5), True), ("relu",)]),
        ("list", [("linear", 20, 30, True),
                  ("dict", {"head": ("linear", 30, 5, False), "aux": ("conv", 16, 4, 1, True)})]),
    ]),
    ("seq", [("seq", [("linear", 5, 7, True)])]),
])


def check_structure(report, spec, scheme: str) -> None:
    """Return value, in-place update, biases zeroed, other layers untouched (checked by
    test_reaches_every_layer only, so one slip costs points once)."""
    if not isinstance(report, dict) or "state" not in report:
        fail("内部错误: 没有得到模型状态", "internal: no model state came back")
    expect(report.get("returned_self") is True,
           f"init_weights_(model, {scheme!r}) 应返回传入的 model 本身", f"init_weights_(model, {scheme!r}) must return the model it was given")
    expect(report.get("in_place") is True,
           f"init_weights_(model, {scheme!r}) 应原地修改参数, 而不是换成新的 nn.Parameter",
           f"init_weights_(model, {scheme!r}) must initialise the parameters in place, not replace them")
    for name, module in layers_of(spec).items():
        prefix = f"{name}." if name else ""
        if isinstance(module, (nn.Linear, nn.Conv2d)) and module.bias is not None:
            bias = get_state(report, prefix + "bias")
            expect(bool((bias == 0).all()), f"{prefix}bias 应全为 0 (scheme={scheme!r})",
                   f"{prefix}bias must be all zeros (scheme={scheme!r})",
                   f"{type(module).__name__}, max |bias| = {float(bias.abs().max()):.3g}")
        if isinstance(module, nn.BatchNorm2d):
            ok = bool((get_state(report, prefix + "weight") == BN_WEIGHT).all()
                      and (get_state(report, prefix + "bias") == BN_BIAS).all())
            expect(ok, f"{prefix} 是 BatchNorm2d, 不应被 init_weights_ 修改",
                   f"{prefix} is a BatchNorm2d: init_weights_ must leave it alone (only Linear and Conv2d)")


@pytest.mark.points(1.5)
def test_reaches_every_layer(student):
    """init_weights_ reaches every nested nn.Linear and nn.Conv2d, zeroes biases, returns the module"""
    for scheme, value in (("zeros", 0.0), ("constant", 0.5)):
        report = student.run(init_and_report, REACH_SPEC, scheme, seed=SEED)
        check_structure(report, REACH_SPEC, scheme)
        for name, layer in target_layers(REACH_SPEC).items():
            w = get_state(report, f"{name}.weight")
            expect(bool((w == value).all()),
                   f"scheme={scheme!r}: {name} ({type(layer).__name__}) 的权重应全为 {value}, 有 "
                   f"{int((w != value).sum())}/{w.numel()} 个不是 (嵌套的层也要初始化)",
                   f"scheme={scheme!r}: every weight of {name} ({type(layer).__name__}) must be {value}; "
                   f"{int((w != value).sum())} of {w.numel()} are not (nested layers count too)")


# ---------------------------------------------------------------------------------------
# init_weights_: the weights' std for each random scheme

STD_SPEC = ("seq", [
    ("linear", 512, 64, True),                       # fan_in 512, fan_out 64
    ("holder", [("linear", 64, 512, True)]),         # fan_in 64, fan_out 512
    ("seq", [("conv", 32, 64, 3, True), ("relu",),   # fan_in 288, fan_out 576
             ("conv", 64, 16, (1, 5), False)]),      # fan_in 320, fan_out 80 (rectangular kernel)
    ("list", [("conv", 8, 128, 5, True)]),           # fan_in 200, fan_out 3200
])


@pytest.mark.points(0.5)
@pytest.mark.parametrize("scheme", ["large", "xavier", "he"])
def test_weight_std_matches_scheme(student, scheme):
    """the weights' empirical std matches the scheme, with fans from the weight shape (conv: C_in·k_h·k_w)"""
    report = student.run(init_and_report, STD_SPEC, scheme, seed=SEED + 7)
    for name, layer in target_layers(STD_SPEC).items():
        shape = tuple(layer.weight.shape)
        w = get_state(report, f"{name}.weight")
        expect(tuple(w.shape) == shape, f"{name}.weight 的形状变了", f"{name}.weight changed shape",
               f"{tuple(w.shape)} != {shape}")
        check_weight_distribution(w, expected_std(scheme, shape),
                                  f"scheme={scheme!r}, {name} = {type(layer).__name__} weight {list(shape)}")


# ---------------------------------------------------------------------------------------
# unknown scheme

def init_small(module, scheme: str):
    """Worker side: init_weights_ on a small model; returns nothing of interest."""
    module.init_weights_(nn.Sequential(nn.Linear(4, 3), nn.Conv2d(2, 2, 3)), scheme)
    return None


@pytest.mark.points(1)
def test_unknown_scheme_raises(student):
    """an unknown scheme raises ValueError naming the valid schemes"""
    for bad in ("kaiming", "normal"):
        message = expect_raises(lambda: student.run(init_small, bad, seed=SEED),
                                ("ValueError",), f"init_weights_(model, {bad!r})")
        missing = [s for s in SCHEMES if s not in message.lower()]
        expect(not missing, f"ValueError 的信息应列出合法的方案, 缺少 {missing}",
               f"the ValueError's message should name the valid schemes; it lacks {missing}",
               f"message: {message[:200]!r}")


# ---------------------------------------------------------------------------------------
# activation_stds: what the notes claim, with bands from theory
#
# In a bias-free ReLU net with He init, one layer multiplies the second moment of the
# activations by F = (1/n) Σ_i 2·relu(g_i)² (g_i ~ N(0, 1), n = width): E F = 1 and
# Var F = (E[4 relu(g)^4] - 1)/n = 5/n (for one input; averaging over a batch can only
# reduce it). So log(std) takes random-walk steps of sd σ = √(5/(4n)) with drift -σ²
# (from E log F ≈ -Var F / 2). Over the L-1 steps after layer 1 every partial sum stays
# within Z·σ·√(L-1) of the drift (reflection principle: tail ≤ 2 × 2e-9). Xavier with
# fan_in = fan_out = n is He scaled by 1/√2 a layer (ReLU is positively homogeneous), so
# its per-layer ratio (s_L/s_1)^(1/(L-1)) is 1/√2 · exp(same walk / (L-1)).

BATCH = 128  # the bands hold for any batch size (see above); a smaller batch keeps the check fast


def relu_walk_sigma(width: int) -> float:
    return math.sqrt(5.0 / (4.0 * width))


def single_threaded(module, name: str, args: tuple, kwargs: dict):
    """Worker side: ``module.name(*args, **kwargs)`` on one CPU thread. These small matmuls gain
    nothing from a second thread, and on a busy machine OpenMP's spin-waiting makes them 5× slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return getattr(module, name)(*args, **kwargs)
    finally:
        torch.set_num_threads(threads)


def stds_of(student, scheme: str, seed: int, **kwargs) -> list[float]:
    args = ", ".join([repr(scheme), f"seed={seed}"] + [f"{k}={v!r}" for k, v in kwargs.items()])
    got = student.run(single_threaded, "activation_stds", (scheme,), {"seed": seed, **kwargs}, seed=seed,
                      describe=f"hw01_initialization.activation_stds({args})")
    depth = kwargs.get("depth", 50)
    if isinstance(got, (torch.Tensor, np.ndarray)):
        got = got.tolist()
    if not isinstance(got, (list, tuple)) or len(got) != depth:
        fail(f"activation_stds 应返回长度为 depth={depth} 的列表, 你的结果是 {str(got)[:200]}",
             f"activation_stds must return a list of length depth={depth}, got {str(got)[:200]}")
    out = []
    for v in got:
        if isinstance(v, torch.Tensor) and v.numel() == 1:
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            fail(f"activation_stds 的元素应是数, 你的是 {v!r}"[:200], f"activation_stds must return numbers, got {v!r}"[:200])
        out.append(float(v))
    return out


def check_he_relu_stable(stds: list[float], width: int, where: str) -> None:
    expect(all(math.isfinite(s) and s > 0 for s in stds),
           f"{where}: 标准差应为有限的正数", f"{where}: every std must be finite and positive",
           f"got {[f'{s:.3g}' for s in stds[:5]]}…")
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
    depth = len(stds)
    expect(all(math.isfinite(s) and s > 0 for s in stds),
           f"{where}: 标准差应为有限的正数 (逐层缩小但不为 0)", f"{where}: every std must be finite and positive (shrinking, not 0)",
           f"got {[f'{s:.3g}' for s in stds[:5]]}…")
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
    """std-1 weights multiply the std by about √(width/2) (≈ 11 for 256) a layer, so layer L is
    ≈ (width/2)^((L-1)/2) × layer 1 (10^25.8 for 50 layers of 256; the random walk above moves
    that exponent by well under 1). We ask for half the exponent, (width/2)^((L-1)/4), or inf/nan
    (an overflow counts as exploded)."""
    first, last = stds[0], stds[-1]
    need = (width / 2) ** ((len(stds) - 1) / 4)
    exploded = not math.isfinite(last) or (math.isfinite(first) and first > 0 and last / first >= need)
    expect(exploded, f"{where}: 'large' + ReLU 应数值爆炸 (最后一层的标准差 ≥ 第一层的 {need:.2g} 倍, 或 inf/nan)",
           f"{where}: 'large' + ReLU should explode (last std ≥ {need:.2g} × the first, or inf/nan)",
           f"layer 1: {first:.3g}, layer {len(stds)}: {last:.3g}")


@pytest.mark.points(1.5)
def test_activation_stds_relu(student):
    """activation_stds with ReLU over 50 layers: He stays within a small factor, Xavier shrinks ~1/√2 a layer, zeros stay 0, large explodes"""
    for k in range(2):
        seed = 1000 * SEED + k
        check_he_relu_stable(stds_of(student, "he", seed, batch=BATCH), 256,
                             f"activation_stds('he', seed={seed}, batch={BATCH})")
        check_xavier_relu_shrinks(stds_of(student, "xavier", seed, batch=BATCH), 256,
                                  f"activation_stds('xavier', seed={seed}, batch={BATCH})")
    seed = 1000 * SEED + 2
    check_zeros(stds_of(student, "zeros", seed, batch=BATCH), f"activation_stds('zeros', seed={seed}, batch={BATCH})")
    check_explodes(stds_of(student, "large", seed, batch=BATCH), 256,
                   f"activation_stds('large', seed={seed}, batch={BATCH})")


# ---------------------------------------------------------------------------------------
# symmetry: constant init is never broken by training, He init is

SYM_SPEC = ("seq", [("seq", [("linear", 4, 8, True), ("relu",)]),
                    ("holder", [("linear", 8, 8, True)]), ("relu",),
                    ("linear", 8, 3, True)])
SYM_HIDDEN = ("0.0", "1.part0")  # the hidden layers' state_dict prefixes
SYM_OUTPUT = "3"


def train_here(report: dict, seed: int, steps: int = 10, lr: float = 0.01) -> dict[str, torch.Tensor]:
    """Judge side: load the student's initial weights into our own copy, train with SGD (float64)."""
    model = build(SYM_SPEC).double()
    state = {k: get_state(report, k) for k in model.state_dict()}
    model.load_state_dict(state)
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


@pytest.mark.points(1.5)
def test_symmetry(student):
    """after 'constant' init every hidden unit of a layer stays identical through SGD training; after 'he' they differ"""
    seed = SEED + 5
    report = student.run(init_and_report, SYM_SPEC, "constant", seed=seed)
    before = {k: get_state(report, k) for k in (f"{p}.weight" for p in SYM_HIDDEN)}
    trained = train_here(report, seed)
    for prefix in SYM_HIDDEN:
        w0 = before[f"{prefix}.weight"]
        expect(bool((w0 == 0.5).all()), f"'constant' 初始化后 {prefix}.weight 应全为 0.5",
               f"after 'constant', {prefix}.weight must be all 0.5")
        moved = float((trained[f"{prefix}.weight"] - w0).abs().max())
        assert moved > 1e-6, "grader: training did not move the weights"  # a grader bug, not the student's
        spread = unit_spread(trained, prefix)
        scale = float(trained[f"{prefix}.weight"].abs().max())
        expect(spread <= 1e-9 * (1 + scale),
               f"'constant' 初始化训练 10 步后, {prefix} 层的隐藏单元应仍完全相同 (对称性无法打破), 但相差 {spread:.3g}",
               f"after 'constant' init and 10 SGD steps, the hidden units of layer {prefix} must still be "
               f"identical (symmetry is never broken), but they differ by {spread:.3g}")
    report = student.run(init_and_report, SYM_SPEC, "he", seed=seed)
    trained = train_here(report, seed)
    for prefix in SYM_HIDDEN:
        spread = unit_spread(trained, prefix)
        expect(spread > 1e-2, f"'he' 初始化训练后, {prefix} 层的隐藏单元应互不相同, 但最大差只有 {spread:.3g}",
               f"after 'he' init and training, the hidden units of layer {prefix} should differ; the largest "
               f"difference is only {spread:.3g}")
