"""hw01_initialization 第一题: parameter initialization, Xavier vs He.

The homework asks *why*; these checks grade code whose behaviour shows the answer.
Oracles, bands and seeds: ``oracles.py``; what runs beside the student's code: ``in_worker.py``.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from grader.judging.checks import expect, expect_close_number, expect_raises, expect_shape
from grader.problems.hw01_initialization import in_worker, oracles
from grader.problems.hw01_initialization.oracles import SEED, get_state, stds_of, target_layers
from grader.sandbox.student import describe_call

pytestmark = pytest.mark.problem("hw01_initialization")


# ---------------------------------------------------------------------------------------
# xavier_std / he_std

@pytest.mark.points(1)
def test_std_formulas(student):
    """xavier_std = gain·√(2/(fan_in+fan_out)) and he_std = gain/√fan_in (default gain √2, torch's ReLU gain)"""
    cases = oracles.formula_cases(SEED + 101, 12) + [(256, 256, 1.0), (784, 10, 1.0)]
    relu_gain = torch.nn.init.calculate_gain("relu")
    xavier = [((fan_in, fan_out), {"gain": gain}) for fan_in, fan_out, gain in cases]
    xavier += [((fan_in, fan_out), {}) for fan_in, fan_out, gain in cases if gain == 1.0]  # default gain 1
    he = [((fan_in,), {"gain": gain}) for fan_in, _, gain in cases] + [((fan_in,), {}) for fan_in, _, _ in cases]
    for name, calls, formula, why in (
            ("xavier_std", xavier, lambda fan_in, fan_out, gain=1.0: gain * math.sqrt(2.0 / (fan_in + fan_out)),
             "Var(W) = 2/(n_in + n_out)"),
            ("he_std", he, lambda fan_in, gain=relu_gain: gain / math.sqrt(fan_in),
             "Var(W) = 2/n_in: 默认 gain √2 补偿 ReLU 截掉的一半 / "
             "the default gain √2 makes up for the half ReLU zeroes")):
        for (args, kwargs), got in zip(calls, student.call_each(name, calls)):
            expect_close_number(got, formula(*args, **kwargs), describe_call(name, args, kwargs), rel=1e-6, why=why)


# ---------------------------------------------------------------------------------------
# init_weights_: which layers, biases, return value

def check_structure(report, spec, scheme: str) -> None:
    """Return value, in-place update, biases zeroed, other layers untouched (checked by
    test_reaches_every_layer only, so one slip costs points once)."""
    expect(report["returned_self"] is True, f"init_weights_(model, {scheme!r}) 应返回传入的 model 本身",
           f"init_weights_(model, {scheme!r}) must return the model it was given")
    expect(report["in_place"] is True,
           f"init_weights_(model, {scheme!r}) 应原地修改参数, 而不是换成新的 nn.Parameter",
           f"init_weights_(model, {scheme!r}) must initialise the parameters in place, not replace them")
    for name, module in oracles.layers_of(spec).items():
        prefix = f"{name}." if name else ""
        if isinstance(module, (nn.Linear, nn.Conv2d)) and module.bias is not None:
            bias = get_state(report, prefix + "bias")
            expect(bool((bias == 0).all()), f"{prefix}bias 应全为 0 (scheme={scheme!r})",
                   f"{prefix}bias must be all zeros (scheme={scheme!r})",
                   f"{type(module).__name__}, max |bias| = {float(bias.abs().max()):.3g}")
        if isinstance(module, nn.BatchNorm2d):
            ok = bool((get_state(report, prefix + "weight") == in_worker.BN_WEIGHT).all()
                      and (get_state(report, prefix + "bias") == in_worker.BN_BIAS).all())
            expect(ok, f"{prefix} 是 BatchNorm2d, 不应被 init_weights_ 修改",
                   f"{prefix} is a BatchNorm2d: init_weights_ must leave it alone (only Linear and Conv2d)")


@pytest.mark.points(1.5)
def test_reaches_every_layer(student):
    """init_weights_ reaches every nested nn.Linear and nn.Conv2d, zeroes biases, returns the module"""
    for scheme, value in (("zeros", 0.0), ("constant", 0.5)):
        report = student.run(in_worker.init_and_report, oracles.REACH_SPEC, scheme, seed=SEED,
                             describe=f"init_weights_(model, {scheme!r})")
        check_structure(report, oracles.REACH_SPEC, scheme)
        for name, layer in target_layers(oracles.REACH_SPEC).items():
            w = get_state(report, f"{name}.weight")
            expect(bool((w == value).all()),
                   f"scheme={scheme!r}: {name} ({type(layer).__name__}) 的权重应全为 {value}, 有 "
                   f"{int((w != value).sum())}/{w.numel()} 个不是 (嵌套的层也要初始化)",
                   f"scheme={scheme!r}: every weight of {name} ({type(layer).__name__}) must be {value}; "
                   f"{int((w != value).sum())} of {w.numel()} are not (nested layers count too)")


# ---------------------------------------------------------------------------------------
# init_weights_: the weights' std for each random scheme

@pytest.mark.points(0.5)
@pytest.mark.parametrize("scheme", ["large", "xavier", "he"])
def test_weight_std_matches_scheme(student, scheme):
    """the weights' empirical std matches the scheme, with fans from the weight shape (conv: C_in·k_h·k_w)"""
    report = student.run(in_worker.init_and_report, oracles.STD_SPEC, scheme, seed=SEED + 7,
                         describe=f"init_weights_(model, {scheme!r})")
    for name, layer in target_layers(oracles.STD_SPEC).items():
        shape = tuple(layer.weight.shape)
        w = get_state(report, f"{name}.weight")
        expect_shape(w, shape, f"{name}.weight")
        oracles.check_weight_distribution(w, oracles.expected_std(scheme, shape),
                                          f"scheme={scheme!r}, {name} = {type(layer).__name__} weight {list(shape)}")


# ---------------------------------------------------------------------------------------
# unknown scheme

@pytest.mark.points(1)
def test_unknown_scheme_raises(student):
    """an unknown scheme raises ValueError naming the valid schemes"""
    for bad in ("kaiming", "normal"):
        what = f"init_weights_(model, {bad!r})"
        message = expect_raises(lambda: student.run(in_worker.init_small, bad, seed=SEED, describe=what),
                                ("ValueError",), what)
        missing = [s for s in oracles.SCHEMES if s not in message.lower()]
        expect(not missing, f"ValueError 的信息应列出合法的方案, 缺少 {missing}",
               f"the ValueError's message should name the valid schemes; it lacks {missing}",
               f"message: {message[:200]!r}")


# ---------------------------------------------------------------------------------------
# activation_stds: the notes' claims, at the contract's depth 50 and width 256 (bands: oracles.py)

BATCH = 32  # the bands hold for any batch size; a small batch keeps the check fast
WIDTHS = (256, 128)  # the contract's default, then a second seed at a width 4× cheaper to initialise


@pytest.mark.points(1.5)
def test_activation_stds_relu(student):
    """activation_stds with ReLU over 50 layers: He stays within a small factor, Xavier shrinks ~1/√2 a layer, zeros stay 0, large explodes"""
    for k, width in enumerate(WIDTHS):
        seed = 1000 * SEED + k
        sizes = dict(batch=BATCH) if width == 256 else dict(width=width, batch=BATCH)
        oracles.check_he_relu_stable(stds_of(student, "he", seed, **sizes), width,
                                     describe_call("activation_stds", ("he",), {"seed": seed, **sizes}))
        oracles.check_xavier_relu_shrinks(stds_of(student, "xavier", seed, **sizes), width,
                                          describe_call("activation_stds", ("xavier",), {"seed": seed, **sizes}))
    seed = 1000 * SEED + 2
    small = dict(width=64, batch=BATCH)  # 0 stays 0 and std-1 weights explode at any width
    oracles.check_zeros(stds_of(student, "zeros", seed, **small), describe_call("activation_stds", ("zeros",), small))
    oracles.check_explodes(stds_of(student, "large", seed, **small), 64,
                           describe_call("activation_stds", ("large",), small))


# ---------------------------------------------------------------------------------------
# symmetry: constant init is never broken by training, He init is

@pytest.mark.points(1.5)
def test_symmetry(student):
    """after 'constant' init every hidden unit of a layer stays identical through SGD training; after 'he' they differ"""
    seed = SEED + 5
    report = student.run(in_worker.init_and_report, oracles.SYM_SPEC, "constant", seed=seed,
                         describe="init_weights_(model, 'constant')")
    before = {prefix: get_state(report, f"{prefix}.weight") for prefix in oracles.SYM_HIDDEN}
    trained = oracles.train_here(report, seed)
    for prefix in oracles.SYM_HIDDEN:
        w0 = before[prefix]
        expect(bool((w0 == 0.5).all()), f"'constant' 初始化后 {prefix}.weight 应全为 0.5",
               f"after 'constant', {prefix}.weight must be all 0.5")
        moved = float((trained[f"{prefix}.weight"] - w0).abs().max())
        assert moved > 1e-6, "grader: training did not move the weights"  # a grader bug, not the student's
        spread = oracles.unit_spread(trained, prefix)
        scale = float(trained[f"{prefix}.weight"].abs().max())
        expect(spread <= 1e-9 * (1 + scale),
               f"'constant' 初始化训练 10 步后, {prefix} 层的隐藏单元应仍完全相同 (对称性无法打破), 但相差 {spread:.3g}",
               f"after 'constant' init and 10 SGD steps, the hidden units of layer {prefix} must still be "
               f"identical (symmetry is never broken), but they differ by {spread:.3g}")
    report = student.run(in_worker.init_and_report, oracles.SYM_SPEC, "he", seed=seed,
                         describe="init_weights_(model, 'he')")
    trained = oracles.train_here(report, seed)
    for prefix in oracles.SYM_HIDDEN:
        spread = oracles.unit_spread(trained, prefix)
        expect(spread > 1e-2, f"'he' 初始化训练后, {prefix} 层的隐藏单元应互不相同, 但最大差只有 {spread:.3g}",
               f"after 'he' init and training, the hidden units of layer {prefix} should differ; the largest "
               f"difference is only {spread:.3g}")
