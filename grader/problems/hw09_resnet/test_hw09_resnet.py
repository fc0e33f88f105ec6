"""hw09 第九题: ResNet18/34 and the residual connection.

Oracles: torchvision's ``resnet18`` / ``resnet34`` / ``BasicBlock``, built without
downloads (``weights=None``, on the meta device) and given seeded random weights,
with BatchNorm statistics calibrated on random images and then jittered; their
parameter counts, eval-mode outputs and gradients. The submission's model gets
the very same weights through ``grader.support.model_transfer``, which matches layers by
data flow and shape, never by attribute name, registration order or call order.

Cost: every model is built once per submission in the worker (one cheap build per
model first, without initialisation, for the parameter counts, so a missing model
fails before any oracle is computed); the oracles' answers are computed once per
grading run (module-scoped fixtures and a cache).
"""

from __future__ import annotations

import functools

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.resnet import BasicBlock as TorchvisionBlock

from grader.support import model_transfer as mt
from grader.judging.checks import expect, expect_close, expect_equal, fail

pytestmark = pytest.mark.problem("hw09_resnet")

SEED = 9
EVALS = [(1, 3, 224, 224), (2, 3, 64, 80)]
PROBE = (1, 3, 224, 224)
CALIBRATION = (4, 3, 64, 64)
CANONICAL = {"resnet18": 11_689_512, "resnet34": 21_797_672}
RESNET18 = {"name": "resnet18"}
RESNET34 = {"name": "resnet34"}
OTHER_CLASSES = [("resnet18", 10), ("resnet34", 7), ("resnet18", 1)]
BLOCKS = [(64, 64, 1), (64, 128, 2)]
ZERO_BLOCK = 32


def block_build(c_in: int, c_out: int, stride: int) -> dict:
    return {"name": "BasicBlock", "args": [c_in, c_out, stride]}


BUILDS = ([RESNET18, RESNET34] + [{"name": n, "kwargs": {"num_classes": k}} for n, k in OTHER_CLASSES]
          + [block_build(*b) for b in BLOCKS] + [block_build(ZERO_BLOCK, ZERO_BLOCK, 1)])


def torchvision_block(c_in: int, c_out: int, stride: int) -> nn.Module:
    """torchvision's BasicBlock with the projection shortcut torchvision's ResNet gives it."""
    downsample = None
    if stride != 1 or c_in != c_out:
        downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
    return TorchvisionBlock(c_in, c_out, stride, downsample)


def resnet_oracle(name: str, device: torch.device) -> tuple[dict, dict]:
    model, spec = mt.make_oracle(getattr(torchvision.models, name), probe_shape=PROBE, seed=SEED,
                                 device=device, calibrate_bn=True, calibration_shape=CALIBRATION)
    return spec, mt.oracle_probe(model, spec, device=device, evals=EVALS)


@functools.lru_cache(maxsize=None)
def block_oracle(c_in: int, c_out: int, stride: int, device: torch.device) -> tuple[dict, dict]:
    model, spec = mt.make_oracle(lambda: torchvision_block(c_in, c_out, stride), probe_shape=(2, c_in, 16, 16),
                                 seed=SEED + c_in + c_out + stride, device=device, calibrate_bn=True)
    return spec, mt.oracle_probe(model, spec, device=device, evals=[(2, c_in, 16, 16)])


def budget(student) -> float:
    """Seconds for one call that builds and runs a whole network: a few times the usual limit."""
    return 4 * student.call_timeout


def probe_student(student, build: dict, spec: dict, device: torch.device, evals, **extra) -> dict:
    mt.require_own_code(student.source)
    return student.run(mt.probe, build, oracle=spec, device=str(device), evals=evals, timeout=budget(student),
                       describe=mt.describe_build(build), **extra)


def count_of(counts: dict, build: dict) -> int:
    return mt.counted(counts[mt.describe_build(build)], mt.describe_build(build))


# -- the student's builds (once per submission), oracles (once per run) --------------

@pytest.fixture(scope="module")
def counts(student) -> dict:
    """Every build the checks use, made once without initialisation: parameter counts,
    and a cheap first failure for what is not implemented."""
    mt.require_own_code(student.source)
    entries = student.run(mt.count_models, BUILDS, timeout=budget(student), describe="resnet18/34, BasicBlock")
    return {mt.describe_build(b): e for b, e in zip(BUILDS, entries)}


@pytest.fixture(scope="module")
def r18_oracle(device):
    return resnet_oracle("resnet18", device)


@pytest.fixture(scope="module")
def r34_oracle(device):
    return resnet_oracle("resnet34", device)


@pytest.fixture(scope="module")
def r18(request, student, counts, device):
    count_of(counts, RESNET18)
    oracle = request.getfixturevalue("r18_oracle")
    return probe_student(student, RESNET18, oracle[0], device, EVALS)


@pytest.fixture(scope="module")
def r34(request, student, counts, device):
    count_of(counts, RESNET34)
    oracle = request.getfixturevalue("r34_oracle")
    return probe_student(student, RESNET34, oracle[0], device, EVALS)


# -- checks ----------------------------------------------------------------------------

@pytest.mark.points(1)
def test_parameter_counts(counts):
    """ResNet18 has 11,689,512 parameters and ResNet34 21,797,672; other num_classes as torchvision's"""
    for build in (RESNET18, RESNET34):
        name = build["name"]
        truth = mt.meta_count(getattr(torchvision.models, name))
        expect_equal(truth, CANONICAL[name], "sanity")  # the oracle agrees with the notes
        expect_equal(count_of(counts, build), truth, f"{name}() 的参数量 / parameters of {name}()",
                     f"torchvision.models.{name} 的参数量 / torchvision's count")
    for name, k in OTHER_CLASSES:
        build = {"name": name, "kwargs": {"num_classes": k}}
        truth = mt.meta_count(lambda: getattr(torchvision.models, name)(num_classes=k))
        label = mt.describe_build(build)
        expect_equal(count_of(counts, build), truth, f"{label} 的参数量 / parameters of {label}",
                     f"torchvision.models.{name}(num_classes={k})")


@pytest.mark.points(2)
def test_resnet18_matches_torchvision(r18, r18_oracle):
    """resnet18 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    mt.expect_outputs(r18, r18_oracle[1], [0], EVALS, "resnet18()", "resnet18()")


@pytest.mark.points(1.5)
def test_resnet34_matches_torchvision(r34, r34_oracle):
    """resnet34 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    mt.expect_outputs(r34, r34_oracle[1], [0], EVALS, "resnet34()", "resnet34()")


@pytest.mark.points(1)
def test_smaller_inputs(r18, r18_oracle, r34, r34_oracle):
    """both also work on smaller, non-square inputs (64×80) and still equal torchvision"""
    mt.expect_outputs(r18, r18_oracle[1], [1], EVALS, "resnet18()", "resnet18()")
    mt.expect_outputs(r34, r34_oracle[1], [1], EVALS, "resnet34()", "resnet34()")


@pytest.mark.points(1.5)
def test_basic_block_shortcut(student, counts, device):
    """BasicBlock: identity shortcut when the shape is kept, 1×1 conv (stride) + BN projection otherwise"""
    for c_in, c_out, stride in BLOCKS:
        check_block(student, c_in, c_out, stride, device, count_of(counts, block_build(c_in, c_out, stride)))


def check_block(student, c_in: int, c_out: int, stride: int, device: torch.device, params: int) -> None:
    build = block_build(c_in, c_out, stride)
    label = mt.describe_build(build)
    kind = "恒等映射 / identity" if (stride == 1 and c_in == c_out) else "1×1 卷积 + BN 投影 / 1×1 conv + BN projection"
    expect_equal(params, mt.meta_count(lambda: torchvision_block(c_in, c_out, stride)),
                 f"{label} 的参数量 / parameters of {label}", f"shortcut: {kind}")
    spec, answers = block_oracle(c_in, c_out, stride, device)
    result = probe_student(student, build, spec, device, [(2, c_in, 16, 16)])
    mt.expect_outputs(result, answers, [0], [(2, c_in, 16, 16)], label, label)


@pytest.mark.points(1.5)
def test_residual_passes_input_and_gradient(student, counts, device):
    """with the residual branch's weights at zero, y = ReLU(x) and the gradient reaches x unchanged where x > 0"""
    channels = ZERO_BLOCK
    build = block_build(channels, channels, 1)
    count_of(counts, build)
    shape = (2, channels, 8, 8)
    zero = {"weight": torch.zeros(channels, channels, 3, 3)}
    neutral = {"weight": torch.ones(channels), "bias": torch.zeros(channels),
               "running_mean": torch.zeros(channels), "running_var": torch.ones(channels)}
    values = {"conv1": zero, "conv2": zero, "bn1": neutral, "bn2": neutral}
    model, spec = mt.make_oracle(lambda: torchvision_block(channels, channels, 1), probe_shape=shape,
                                 seed=SEED, device=device, values=values)
    answers = mt.oracle_probe(model, spec, device=device, grad=list(shape))
    x = mt.make_input(shape, SEED + 11, device)
    expect(torch.equal(answers["grad"]["y"], torch.relu(x)), "sanity", "sanity")  # the oracle agrees with the notes

    result = probe_student(student, build, spec, device, [], grad=list(shape))
    mt.take(result, "trace", "transfer", "grad", label=mt.describe_build(build))
    got = result["grad"]
    expect_close(got["y"], answers["grad"]["y"],
                 "残差分支权重为 0 时块的输出 (应为 ReLU(x)) / the block's output with the residual branch "
                 "at zero (should be ReLU(x))")
    if got["grad"] is None:
        fail("输入没有得到梯度 / the input received no gradient", "the input received no gradient")
    expect_close(got["grad"], answers["grad"]["grad"],
                 "∂(y·g)/∂x (应为 x > 0 处的 g, 其余为 0 / should be g where x > 0, else 0)")


@pytest.mark.cuda
@pytest.mark.points(0.5)
def test_runs_on_cuda(r18, r34, device):
    """on CUDA: the models run on CUDA inputs, return CUDA outputs, and create no tensor on the CPU"""
    if device.type != "cuda":
        pytest.skip("--device cpu")
    mt.expect_on_device(r18, "resnet18()", device)
    mt.expect_on_device(r34, "resnet34()", device)
