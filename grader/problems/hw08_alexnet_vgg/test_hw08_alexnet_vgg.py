"""hw08_alexnet_vgg (第八题) public checks: AlexNet and VGG.

The submission's models get the weights of torchvision's (``oracles.py``) through
``grader.support.model_transfer`` (layers matched by data flow and shape, not by name or
order), then their outputs, the ops their forward runs and their dropout in train mode
(a fraction p of a linear layer's inputs zeroed, the rest scaled by 1/(1−p)) are
compared with torchvision's. Each model is built once per submission in the worker;
the oracles' answers are computed once per grading run (module-scoped fixtures), and
only after the cheap parameter counts show the models exist. torchvision's models are
off limits to the submission (the manifest's policy), so no check guards against them.
"""

from __future__ import annotations

import pytest

from grader.judging.checks import expect, expect_close_number, expect_equal, expect_type
from grader.judging.outcomes import CheckFailed
from grader.problems.hw08_alexnet_vgg import oracles
from grader.problems.hw08_alexnet_vgg.oracles import ALEX, ALEX_LRN, EVALS, SMALL, VGG16
from grader.support.model_transfer import judge
from grader.support.model_transfer.shared import STRUCTURE, Activation, Conv, Pool, Relu

pytestmark = pytest.mark.problem("hw08_alexnet_vgg")


@pytest.fixture(scope="module")
def counts(student) -> dict:
    """Every build the checks use, made once without initialisation: parameter counts, and a
    cheap first failure for what is not implemented. The probed ones are kept for the probes."""
    return judge.count_builds(student, oracles.BUILDS, keep=(ALEX, ALEX_LRN, VGG16))


@pytest.fixture(scope="module")
def alex_oracles(device) -> oracles.AlexNetOracles:
    return oracles.alexnet_oracles(device)


@pytest.fixture(scope="module")
def vgg_oracle(device):
    return oracles.vgg16_oracle(device)


@pytest.fixture(scope="module")
def alex(request, student, counts, device):
    judge.params_of(counts, ALEX)  # a missing model fails here, before any oracle is computed
    spec = request.getfixturevalue("alex_oracles").spec
    return judge.probe_student(student, ALEX, spec, device, EVALS, dropout_on=SMALL)


@pytest.fixture(scope="module")
def vgg(request, student, counts, device):
    judge.params_of(counts, VGG16)
    spec = request.getfixturevalue("vgg_oracle")[0]
    return judge.probe_student(student, VGG16, spec, device, EVALS, dropout_on=SMALL)


def max_pools(events: list) -> list[tuple]:
    return [(e.kernel, e.stride, e.padding) for e in events if isinstance(e, Pool) and e.op == "max"]


@pytest.mark.points(1)
def test_parameter_counts(counts):
    """AlexNet has 61,100,840 parameters and VGG16 138,357,544; other variants as torchvision's"""
    for name, build in (("alexnet", ALEX), ("vgg16", VGG16)):
        expect_equal(oracles.torchvision_count(build), oracles.CANONICAL[name], "sanity")  # the notes agree
    for build, _ in oracles.COUNTED:
        label = oracles.short(build)
        expect_equal(judge.params_of(counts, build), oracles.torchvision_count(build),
                     f"{label} 的参数量 / parameters of {label}", "torchvision 的参数量 / torchvision's count")


# Before AlexNet's checks: VGG16's oracle is the largest, the later ones reuse its memory.
@pytest.mark.points(1.5)
def test_vgg16_matches_torchvision(vgg, vgg_oracle):
    """vgg16 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    judge.expect_output(vgg, vgg_oracle[1], 0, EVALS[0], VGG16.label)


@pytest.mark.points(1.5)
def test_alexnet_matches_torchvision(alex, alex_oracles):
    """AlexNet with torchvision's weights gives torchvision's outputs on 224×224 images"""
    judge.expect_output(alex, alex_oracles.answers, 0, EVALS[0], ALEX.label)


@pytest.mark.points(1)
def test_smaller_inputs(alex, alex_oracles, vgg, vgg_oracle):
    """both also work on smaller, non-square inputs (64×80) through adaptive pooling"""
    judge.expect_output(alex, alex_oracles.answers, SMALL, EVALS[SMALL], ALEX.label)
    judge.expect_output(vgg, vgg_oracle[1], SMALL, EVALS[SMALL], VGG16.label)


@pytest.mark.points(1)
def test_alexnet_dropout(alex, alex_oracles):
    """AlexNet: dropout with the given p before both 4096-wide layers, none before the last layer"""
    judge.expect_dropout_like(alex, alex_oracles.spec, SMALL, ALEX.label)


@pytest.mark.points(0.5)
def test_alexnet_overlapping_pooling_and_relu(alex, alex_oracles):
    """AlexNet: three overlapping 3×3 stride-2 max poolings, and ReLU as the activation"""
    judge.require(alex, STRUCTURE, label=ALEX.label)
    got, want = alex.events, alex_oracles.spec.events
    expect_equal(max_pools(got), max_pools(want),
                 "AlexNet 的最大池化 (核, 步幅, 填充) / AlexNet's max poolings (kernel, stride, padding)",
                 "重叠池化: 3×3 窗口, 步幅 2 / overlapping pooling: 3×3 windows, stride 2")
    others = sorted({e.name for e in got if isinstance(e, Activation)})
    expect(not others, f"AlexNet 应使用 ReLU, 你的模型用了 {others}", f"AlexNet uses ReLU; your model uses {others}")
    expect_equal(sum(isinstance(e, Relu) for e in got), sum(isinstance(e, Relu) for e in want),
                 "AlexNet 中 ReLU 的个数 / number of ReLUs in AlexNet",
                 "每个卷积层和两个 4096 维全连接层之后 / after every conv and both 4096-wide layers")


@pytest.mark.points(0.5)
def test_lrn_adds_no_parameters(request, student, counts, device):
    """AlexNet(use_lrn=True): LRN after the first two ReLUs, no extra parameters, torchvision's outputs otherwise"""
    expect_equal(judge.params_of(counts, ALEX_LRN), oracles.torchvision_count(ALEX_LRN),
                 f"{ALEX_LRN.label} 的参数量 / parameters", "LRN 没有参数 / LRN has no parameters")
    o = request.getfixturevalue("alex_oracles")
    result = judge.probe_student(student, ALEX_LRN, o.lrn_spec, device, EVALS[:1])
    what = (f"{ALEX_LRN.label} (LRN: size 5, α 1e-4, β 0.75, k 2; torch 的 α/n 与论文的 α 均可 / "
            f"torch's α/n or the paper's α)")
    try:
        judge.expect_output(result, o.lrn_answers[0], 0, EVALS[0], ALEX_LRN.label, what)
    except CheckFailed as first:
        try:  # the paper's formula, α not divided by the size, is right too
            judge.expect_output(result, o.lrn_answers[1], 0, EVALS[0], ALEX_LRN.label, what)
        except CheckFailed:
            raise first from None


def conv_pool_layout(events: list) -> list:
    """VGG's configuration as torchvision writes it: output channels per conv, "M" per max pool."""
    return [e.out_channels if isinstance(e, Conv) else "M" for e in events
            if isinstance(e, Conv) or (isinstance(e, Pool) and e.op == "max")]


@pytest.mark.points(1)
def test_vgg16_structure(vgg, vgg_oracle):
    """VGG16: configuration D of 3×3 s1 p1 convolutions and 2×2 s2 poolings; dropout after the first two FC layers"""
    judge.require(vgg, STRUCTURE, label=VGG16.label)
    spec = vgg_oracle[0]
    odd = [f"{e.in_channels}→{e.out_channels} {e.kernel[0]}×{e.kernel[-1]} s{e.stride[0]} p{e.padding[0]}"
           for e in vgg.events if isinstance(e, Conv) and (e.kernel, e.stride, e.padding) != ((3, 3), (1, 1), (1, 1))]
    expect(not odd, f"VGG16 只用 3×3、步幅 1、填充 1 的卷积; 你的模型有: {', '.join(odd[:4])}",
           f"VGG16 uses only 3×3 convolutions with stride 1 and padding 1; yours has: {', '.join(odd[:4])}")
    pools = [(kernel, stride) for kernel, stride, _ in max_pools(vgg.events)]
    expect(bool(pools) and all(p == ((2, 2), (2, 2)) for p in pools),
           f"VGG16 的池化都是 2×2、步幅 2; 你的是 {pools}", f"VGG16 pools with 2×2 windows and stride 2 only; yours: {pools}")
    expect_equal(conv_pool_layout(vgg.events), conv_pool_layout(spec.events),
                 "VGG16 的卷积/池化序列 / VGG16's conv/pool sequence", "配置 D / configuration D")
    judge.expect_dropout_like(vgg, spec, SMALL, VGG16.label)


@pytest.mark.points(0.5)
def test_stacked_3x3_vs_5x5_ratio(student):
    """two stacked 3×3 convs have 0.72 of one 5×5 conv's parameters (counted on real nn.Conv2d)"""
    channels = (64, 1, 3, 100)
    got = student.call_each("stacked_3x3_vs_5x5_ratio", [((c,), {}) for c in channels])
    for c, value in zip(channels, got):
        what = f"stacked_3x3_vs_5x5_ratio({c})"
        expect_type(value, (int, float), what, named="float")
        expect_close_number(value, oracles.stacked_ratio(c), what)
    expect_equal(round(oracles.stacked_ratio(64), 12), 0.72, "sanity")  # the notes agree


@pytest.mark.cuda
@pytest.mark.points(0.5)
def test_runs_on_cuda(alex, vgg, device):
    """on CUDA: the models run on CUDA inputs, return CUDA outputs, and create no tensor on the CPU"""
    if device.type != "cuda":
        pytest.skip("--device cpu")
    judge.expect_on_device(alex, ALEX.label, device)
    judge.expect_on_device(vgg, VGG16.label, device)
