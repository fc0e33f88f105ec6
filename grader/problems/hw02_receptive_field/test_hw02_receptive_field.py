"""hw02 第二题: receptive field.

Oracles: output shapes of real ``nn.Conv2d`` / ``nn.MaxPool2d`` / ``nn.AvgPool2d``
forward passes, and the *empirical* receptive field: back-propagate from one output
pixel through a stack of real layers and measure the extent of the input pixels
whose gradient is non-zero (and how far that footprint moves between neighbouring
output pixels: the jump). A max pool only passes gradient to its maximum, so for
the measurement each pool is stood in for by the ones-kernel window with the same
geometry (same kernel, stride, padding, dilation): the receptive field depends on
the window, not on what is computed over it.
"""

from __future__ import annotations

import random

import pytest
import torch
from torch import nn

from grader.judging.checks import expect_equal, expect_raises

pytestmark = pytest.mark.problem("hw02_receptive_field")

HOMEWORK = [(3, 1, 1), (3, 2, 0), (2, 2)]  # 3×3 s1 p1 → 3×3 s2 p0 → 2×2 pool s2


# -- layer specs: plain lists that both sides turn into real layers -----------------
# ["conv", k, s, p, d] | ["max", k, s, p, d] | ["avg", k, s, p] | ["seq", [specs]]
# | ["relu"] | ["bn"] | ["dropout"] | ["linear"] | ["flatten"] | ["adaptive"]

def build(spec: list, channels: int = 2) -> nn.Sequential:
    layers = []
    for kind, *args in spec:
        if kind == "conv":
            k, s, p, d = args
            layers.append(nn.Conv2d(channels, channels, k, stride=s, padding=p, dilation=d))
        elif kind == "max":
            k, s, p, d = args
            layers.append(nn.MaxPool2d(k, stride=s, padding=p, dilation=d))
        elif kind == "avg":
            k, s, p = args
            layers.append(nn.AvgPool2d(k, stride=s, padding=p))
        elif kind == "seq":
            layers.append(build(args[0], channels))
        else:
            layers.append({"relu": nn.ReLU, "bn": lambda: nn.BatchNorm2d(channels),
                           "dropout": nn.Dropout, "flatten": nn.Flatten,
                           "linear": lambda: nn.Linear(4, 4),
                           "adaptive": lambda: nn.AdaptiveAvgPool2d(1)}[kind]())
    return nn.Sequential(*layers)


def geometric(spec: list) -> list[tuple[int, int, int, int]]:
    """(k, s, p, d) of each geometry-changing layer, nested sequences flattened."""
    out = []
    for kind, *args in spec:
        if kind in ("conv", "max"):
            out.append(tuple(args))
        elif kind == "avg":
            out.append((*args, 1))
        elif kind == "seq":
            out.extend(geometric(args[0]))
    return out


# -- runs in the worker ----------------------------------------------------------

def student_on_sequential(module, function: str, spec: list, *args):
    """Call the student's ``function`` on a real nn.Sequential built from ``spec``."""
    layers = build(spec)
    return getattr(module, function)(*args, layers) if args else getattr(module, function)(layers)


# -- oracles (judge side) -------------------------------------------------------

def real_sizes(size: int, spec: list) -> list[int]:
    """Spatial size after each geometry-changing layer, from a real forward pass."""
    sizes, x = [], torch.zeros(1, 2, size, size)
    with torch.no_grad():
        for layer in _leaves(build(spec)):
            x = layer(x)
            if isinstance(layer, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
                sizes.append(x.shape[-1])
    return sizes


def _leaves(module: nn.Module) -> list[nn.Module]:
    return [m for m in module.modules() if not isinstance(m, nn.Sequential)]


def measured_receptive_field(geometry: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    """(R, J) measured by back-propagation through ones-kernel windows of that geometry."""
    stack = nn.Sequential()
    for k, s, p, d in geometry:
        window = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
        nn.init.ones_(window.weight)
        stack.append(window)
    span = 1
    for k, s, _p, d in geometry:
        span = span * s + (k - 1) * d
    size = 3 * span + 16
    x = torch.ones(1, 1, size, size, requires_grad=True)
    y = stack(x)
    row = y.shape[-2] // 2
    col = y.shape[-1] // 2
    footprints = []
    for c in (col, col + 1):
        (grad,) = torch.autograd.grad(y[0, 0, row, c], x, retain_graph=True)
        cols = torch.nonzero(grad[0, 0].sum(0)).flatten()
        footprints.append((int(cols.min()), int(cols.max())))
    (lo, hi), (lo_next, _) = footprints
    return hi - lo + 1, lo_next - lo


def random_geometry(rng: random.Random, pools: bool = True) -> list:
    """A random stack that stays valid on inputs of 64 pixels."""
    while True:
        spec = []
        for _ in range(rng.randint(2, 5)):
            if pools and rng.random() < 0.35:
                k = rng.choice([2, 3])
                if rng.random() < 0.5:
                    spec.append(["max", k, rng.choice([1, 2]), rng.randint(0, k // 2), rng.choice([1, 1, 2])])
                else:
                    spec.append(["avg", k, rng.choice([1, 2, 3]), rng.randint(0, k // 2)])
            else:
                k = rng.choice([1, 2, 3, 3, 5, 7])
                spec.append(["conv", k, rng.choice([1, 1, 2, 3]), rng.randint(0, k // 2 + 1),
                             rng.choice([1, 1, 2, 3])])
        try:
            if real_sizes(64, spec)[-1] >= 2:
                return spec
        except RuntimeError:  # too small for some layer: draw again
            continue


def as_tuples(spec: list) -> list[tuple]:
    """The same stack in the tuple form of the contract, in its 2-, 3- and 4-tuple variants."""
    out = []
    for k, s, p, d in geometric(spec):
        if d != 1:
            out.append((k, s, p, d))
        elif p != 0:
            out.append((k, s, p))
        else:
            out.append((k, s))
    return out


RNG_SEED = 2
TUPLE_STACKS = [random_geometry(random.Random(RNG_SEED * 100 + i)) for i in range(12)]


def _with_decorations(spec: list, rng: random.Random) -> list:
    """Interleave geometry-preserving layers and nest part of the stack."""
    out = []
    for layer in spec:
        out.append(layer)
        if rng.random() < 0.6:
            out.append([rng.choice(["relu", "bn", "dropout"])])
    cut = rng.randint(1, len(out))
    return out[:cut - 1] + [["seq", out[cut - 1:]]] if cut > 1 else [["seq", out]]


SEQUENTIAL_STACKS = [_with_decorations(random_geometry(random.Random(500 + i)), random.Random(i))
                     for i in range(8)]


# -- checks -------------------------------------------------------------------------

@pytest.mark.points(2)
def test_homework_stack(student):
    """the homework: 32×32 → 3×3 s1 p1 → 3×3 s2 → 2×2 pool s2 has a 7×7 receptive field (jump 4), sizes [32, 15, 7]"""
    spec = [["conv", 3, 1, 1, 1], ["relu"], ["conv", 3, 2, 0, 1], ["relu"], ["max", 2, 2, 0, 1]]
    truth_rf, truth_sizes = measured_receptive_field(geometric(spec)), real_sizes(32, spec)
    expect_equal(truth_rf, (7, 4), "oracle self-check")
    expect_equal(student.call("receptive_field", HOMEWORK), truth_rf, f"receptive_field({HOMEWORK})",
                 "反向传播测得 / measured by back-propagation")
    expect_equal(student.call("feature_map_sizes", 32, HOMEWORK), truth_sizes,
                 f"feature_map_sizes(32, {HOMEWORK})", "真实前向传播 / a real forward pass")
    expect_equal(student.run(student_on_sequential, "receptive_field", spec), truth_rf,
                 "receptive_field(nn.Sequential(Conv2d, ReLU, Conv2d, ReLU, MaxPool2d))")


@pytest.mark.points(1.5)
def test_conv_output_size_matches_real_layers(student):
    """conv_output_size equals the output size of real conv / pooling layers, and rejects sizes below 1"""
    rng = random.Random(7)
    for _ in range(40):
        size, k = rng.randint(1, 40), rng.choice([1, 2, 3, 4, 5, 7])
        s, p, d = rng.randint(1, 4), rng.randint(0, 3), rng.randint(1, 3)
        conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        try:
            with torch.no_grad():
                truth = conv(torch.zeros(1, 1, size, size)).shape[-1]
        except RuntimeError:  # torch refuses: the output would be empty
            expect_raises(lambda: student.call("conv_output_size", size, k, s, p, d), ("ValueError",),
                          f"conv_output_size({size}, {k}, {s}, {p}, {d}) (输出为空 / empty output)")
            continue
        expect_equal(student.call("conv_output_size", size, k, s, p, d), truth,
                     f"conv_output_size({size}, kernel={k}, stride={s}, padding={p}, dilation={d})",
                     "nn.Conv2d 的输出尺寸 / a real nn.Conv2d's output size")
    expect_equal(student.call("conv_output_size", 28, 3), 26, "conv_output_size(28, 3) (默认参数 / defaults)")


@pytest.mark.points(2)
def test_receptive_field_of_random_stacks(student):
    """receptive_field of random conv/pool stacks (strides, paddings, dilations) equals the measured one"""
    for spec in TUPLE_STACKS:
        layers = as_tuples(spec)
        expect_equal(student.call("receptive_field", layers), measured_receptive_field(geometric(spec)),
                     f"receptive_field({layers})", "反向传播测得 / measured by back-propagation")


@pytest.mark.points(2)
def test_sequential_models(student):
    """an nn.Sequential (nested, with ReLU/BN/Dropout, Conv2d/MaxPool2d/AvgPool2d) gives the measured (R, J) and real sizes"""
    for spec in SEQUENTIAL_STACKS:
        where = f"nn.Sequential {spec}"
        expect_equal(student.run(student_on_sequential, "receptive_field", spec),
                     measured_receptive_field(geometric(spec)), f"receptive_field({where})")
        expect_equal(student.run(student_on_sequential, "feature_map_sizes", spec, 64),
                     real_sizes(64, spec), f"feature_map_sizes(64, {where})")


@pytest.mark.points(1)
def test_feature_map_sizes_of_random_stacks(student):
    """feature_map_sizes equals the sizes of a real forward pass, layer by layer"""
    rng = random.Random(11)
    for spec in TUPLE_STACKS:
        size = rng.randint(40, 80)
        layers = as_tuples(spec)
        expect_equal(student.call("feature_map_sizes", size, layers), real_sizes(size, spec),
                     f"feature_map_sizes({size}, {layers})", "真实前向传播 / a real forward pass")


@pytest.mark.points(0.5)
def test_unsupported_layers_are_value_errors(student):
    """layers that change the geometry in other ways (Linear, Flatten, AdaptiveAvgPool2d) raise ValueError"""
    base = [["conv", 3, 1, 1, 1], ["relu"]]
    expect_equal(student.run(student_on_sequential, "receptive_field", base), (3, 1),
                 "receptive_field(nn.Sequential(Conv2d 3×3, ReLU))")
    for bad in (["linear"], ["flatten"], ["adaptive"]):
        expect_raises(lambda: student.run(student_on_sequential, "receptive_field", base + [bad]),
                      ("ValueError",), f"receptive_field(nn.Sequential(Conv2d, ReLU, {bad[0]}))")
