"""hw08 第八题: AlexNet and VGG.

Oracles: torchvision's ``alexnet`` and ``vgg16`` (also ``vgg16_bn`` and ``VGG`` with
other configurations for parameter counts), built without downloads (on the meta
device) and given seeded random weights; their parameter counts, eval-mode outputs,
the ops their forward runs (pooling geometry, ReLUs, convolutions, the dropout
probability before each linear layer, which the student's model must show in train
mode: that fraction of the layer's inputs zeroed, the rest scaled by 1/(1−p)); real
``nn.Conv2d`` modules for the 3×3 vs 5×5 ratio. The submission's model gets the same weights through
``grader.support.model_transfer`` (layers matched by data flow and shape, not by name or
order). Each model is built once per submission in the worker; the oracle's
answers are computed once per grading run (module-scoped fixtures).
"""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.vgg import VGG as TorchvisionVGG
from torchvision.models.vgg import cfgs as TORCHVISION_CFGS
from torchvision.models.vgg import make_layers as torchvision_make_layers

from grader.support import model_transfer as mt
from grader.judging.checks import expect, expect_equal, fail
from grader.judging.outcomes import CheckFailed

pytestmark = pytest.mark.problem("hw08_alexnet_vgg")

SEED = 8
EVALS = [(1, 3, 224, 224), (2, 3, 64, 80)]
ALEX_PROBE = VGG_PROBE = (1, 3, 224, 224)
LRN_EVALS = [(1, 3, 224, 224)]
DROPOUT_P = 0.3
CANONICAL = {"alexnet": 61_100_840, "vgg16": 138_357_544}


def alexnet_with_lrn(alpha: float = 1e-4) -> nn.Module:
    """torchvision's AlexNet with the paper's LRN (size 5, β 0.75, k 2) after its first two ReLUs.

    torch's ``LocalResponseNorm`` divides α by the size (b = a / (k + α/n·Σa²)^β); the paper
    writes b = a / (k + α·Σa²)^β. Both readings of "α = 1e-4" are accepted: the second is
    torch's module with α = 5·1e-4."""
    model = torchvision.models.alexnet()
    f = list(model.features)
    lrn = [nn.LocalResponseNorm(size=5, alpha=alpha, beta=0.75, k=2.0)]
    model.features = nn.Sequential(*f[:2], *lrn, *f[2:5], *lrn, *f[5:])
    return model


ALEX = {"name": "AlexNet", "kwargs": {"dropout": DROPOUT_P}}
ALEX_LRN = {"name": "AlexNet", "kwargs": {"use_lrn": True}}
VGG16 = {"name": "vgg16"}
CFG_A = TORCHVISION_CFGS["A"]
OTHER_BUILDS = [  # (build, torchvision's equivalent)
    ({"name": "AlexNet", "kwargs": {"num_classes": 10}}, lambda: torchvision.models.alexnet(num_classes=10)),
    ({"name": "AlexNet", "kwargs": {"num_classes": 7, "use_lrn": True}},
     lambda: torchvision.models.alexnet(num_classes=7)),
    ({"name": "vgg16", "kwargs": {"num_classes": 10}}, lambda: torchvision.models.vgg16(num_classes=10)),
    ({"name": "vgg16", "kwargs": {"batch_norm": True}}, torchvision.models.vgg16_bn),
    ({"name": "make_vgg", "args": [list(CFG_A)], "kwargs": {"num_classes": 20}},
     lambda: TorchvisionVGG(torchvision_make_layers(CFG_A), num_classes=20)),
]
BUILDS = [ALEX, ALEX_LRN, VGG16] + [b for b, _ in OTHER_BUILDS]


def budget(student) -> float:
    """Seconds for one call that builds and runs a whole network: a few times the usual limit."""
    return 4 * student.call_timeout


def probe_student(student, build: dict, spec: dict, device: torch.device, evals, **extra) -> dict:
    mt.require_own_code(student.source)
    return student.run(mt.probe, build, oracle=spec, device=str(device), evals=evals, timeout=budget(student),
                       describe=mt.describe_build(build), **extra)


def count_of(counts: dict, build: dict) -> int:
    return mt.counted(counts[mt.describe_build(build)], mt.describe_build(build))


def short(build: dict) -> str:
    return mt.describe_build(build).replace(repr(list(CFG_A)), "cfg_A")


# -- the student's builds (once per submission), oracles (once per run) --------------

@pytest.fixture(scope="module")
def counts(student) -> dict:
    """Every build the checks use, made once without initialisation: parameter counts,
    and a cheap first failure for what is not implemented."""
    mt.require_own_code(student.source)
    entries = student.run(mt.count_models, BUILDS, timeout=budget(student), describe="AlexNet/vgg16/make_vgg(…)")
    return {mt.describe_build(b): e for b, e in zip(BUILDS, entries)}


@pytest.fixture(scope="module")
def alex_oracle(device):
    model, spec = mt.make_oracle(lambda: torchvision.models.alexnet(dropout=DROPOUT_P), probe_shape=ALEX_PROBE,
                                 seed=SEED, device=device)
    return spec, mt.oracle_probe(model, spec, device=device, evals=EVALS)


@pytest.fixture(scope="module")
def lrn_oracle(device):
    """(spec, torch's LRN answers, the paper's LRN answers): same layers, same weights."""
    answers = []
    for alpha in (1e-4, 5e-4):
        model, spec = mt.make_oracle(lambda: alexnet_with_lrn(alpha), probe_shape=ALEX_PROBE, seed=SEED + 2,
                                     device=device)
        answers.append(mt.oracle_probe(model, spec, device=device, evals=LRN_EVALS))
        del model
    return spec, answers[0], answers[1]


@pytest.fixture(scope="module")
def vgg_oracle(device):
    model, spec = mt.make_oracle(torchvision.models.vgg16, probe_shape=VGG_PROBE, seed=SEED + 1, device=device)
    return spec, mt.oracle_probe(model, spec, device=device, evals=EVALS)


@pytest.fixture(scope="module")
def alex(request, student, counts, device):
    count_of(counts, ALEX)
    spec = request.getfixturevalue("alex_oracle")[0]
    return probe_student(student, ALEX, spec, device, EVALS, dropout=True)


@pytest.fixture(scope="module")
def vgg(request, student, counts, device):
    count_of(counts, VGG16)
    spec = request.getfixturevalue("vgg_oracle")[0]
    return probe_student(student, VGG16, spec, device, EVALS, dropout=True)


def events(result: dict, label: str) -> list[tuple]:
    mt.take(result, "trace", label=label)
    return [tuple(e) for e in result["events"]]


# -- checks ----------------------------------------------------------------------------

@pytest.mark.points(1)
def test_parameter_counts(counts):
    """AlexNet has 61,100,840 parameters and VGG16 138,357,544; other variants as torchvision's"""
    for name, build in (("alexnet", ALEX), ("vgg16", VGG16)):
        truth = mt.meta_count(getattr(torchvision.models, name))
        expect_equal(truth, CANONICAL[name], "sanity")  # the oracle agrees with the notes
        label = mt.describe_build(build)
        expect_equal(count_of(counts, build), truth, f"{label} 的参数量 / parameters of {label}",
                     f"torchvision.models.{name} 的参数量 / torchvision's count")
    for build, oracle in OTHER_BUILDS:
        expect_equal(count_of(counts, build), mt.meta_count(oracle),
                     f"{short(build)} 的参数量 / parameters of {short(build)}",
                     "torchvision 的参数量 / torchvision's count")


@pytest.mark.points(1.5)
def test_alexnet_matches_torchvision(alex, alex_oracle):
    """AlexNet with torchvision's weights gives torchvision's outputs on 224×224 images"""
    mt.expect_outputs(alex, alex_oracle[1], [0], EVALS, "AlexNet(dropout=0.3)", "AlexNet(dropout=0.3)")


@pytest.mark.points(1.5)
def test_vgg16_matches_torchvision(vgg, vgg_oracle):
    """vgg16 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    mt.expect_outputs(vgg, vgg_oracle[1], [0], EVALS, "vgg16()", "vgg16()")


@pytest.mark.points(1)
def test_smaller_inputs(alex, alex_oracle, vgg, vgg_oracle):
    """both also work on smaller, non-square inputs (64×80) through adaptive pooling"""
    mt.expect_outputs(alex, alex_oracle[1], [1], EVALS, "AlexNet(dropout=0.3)", "AlexNet(dropout=0.3)")
    mt.expect_outputs(vgg, vgg_oracle[1], [1], EVALS, "vgg16()", "vgg16()")


def expect_dropout_like(result: dict, spec: dict, label: str) -> None:
    """Dropout as torchvision's forward applies it (its traced ops give each linear layer's p),
    measured on the student's model in train mode on the 224×224 input."""
    mt.take(result, "trace", "transfer", "eval", "eval0", "dropout", label=label)
    for got, want in zip(result["dropout"], mt.expected_dropout(spec)):
        layer = want["layer"]
        zero_ok = abs(got["zero_fraction"] - want["zero_fraction"]) <= 0.06
        scale_ok = abs(got["scale"] - want["scale"]) <= 1e-3 * want["scale"] and got["scale_spread"] < 1e-3
        if not (zero_ok and scale_ok):
            fail(f"{label}: 训练模式下, torchvision 在 {layer} 之前的 dropout 把约 {want['zero_fraction']:.0%} 的输入置 0 "
                 f"并把其余乘以 {want['scale']:.3g}; 你的模型置 0 约 {got['zero_fraction']:.0%}, 乘以 {got['scale']:.3g} "
                 f"(dropout 的位置或 p 不对?)",
                 f"{label}: in train mode, torchvision's dropout before {layer} zeroes about "
                 f"{want['zero_fraction']:.0%} of that layer's inputs and scales the rest by {want['scale']:.3g}; "
                 f"yours zeroes {got['zero_fraction']:.0%} and scales by {got['scale']:.3g} "
                 f"(dropout in the wrong place, or the wrong p?)")


@pytest.mark.points(1)
def test_alexnet_dropout(alex, alex_oracle):
    """AlexNet: dropout with the given p before both 4096-wide layers, none before the last layer"""
    expect_dropout_like(alex, alex_oracle[0], "AlexNet(dropout=0.3)")


@pytest.mark.points(0.5)
def test_alexnet_overlapping_pooling_and_relu(alex, alex_oracle):
    """AlexNet: three overlapping 3×3 stride-2 max poolings, and ReLU as the activation"""
    got, want = events(alex, "AlexNet(dropout=0.3)"), [tuple(e) for e in alex_oracle[0]["events"]]
    pools = [e[1:] for e in got if e[0] == "maxpool"]
    want_pools = [e[1:] for e in want if e[0] == "maxpool"]
    expect_equal(pools, want_pools, "AlexNet 的最大池化 (核, 步幅, 填充) / AlexNet's max poolings (kernel, stride, padding)",
                 "重叠池化: 3×3 窗口, 步幅 2 / overlapping pooling: 3×3 windows, stride 2")
    others = sorted({e[1] for e in got if e[0] == "activation"})
    expect(not others, f"AlexNet 应使用 ReLU, 你的模型用了 {others}",
           f"AlexNet uses ReLU; your model uses {others}")
    relus = sum(e[0] == "relu" for e in got)
    expect_equal(relus, sum(e[0] == "relu" for e in want), "AlexNet 中 ReLU 的个数 / number of ReLUs in AlexNet",
                 "每个卷积层和两个 4096 维全连接层之后 / after every conv and both 4096-wide layers")


@pytest.mark.points(0.5)
def test_lrn_adds_no_parameters(request, student, counts, device):
    """AlexNet(use_lrn=True): LRN after the first two ReLUs, no extra parameters, torchvision's outputs otherwise"""
    expect_equal(count_of(counts, ALEX_LRN), mt.meta_count(torchvision.models.alexnet),
                 "AlexNet(use_lrn=True) 的参数量 / parameters",
                 "LRN 没有参数 / LRN has no parameters")
    spec, torch_lrn, paper_lrn = request.getfixturevalue("lrn_oracle")
    result = probe_student(student, ALEX_LRN, spec, device, LRN_EVALS)
    what = ("AlexNet(use_lrn=True) (LRN: size 5, α 1e-4, β 0.75, k 2; torch 的 α/n 与论文的 α 均可 / "
            "torch's α/n or the paper's α)")
    try:
        mt.expect_outputs(result, torch_lrn, [0], LRN_EVALS, what, mt.describe_build(ALEX_LRN))
    except CheckFailed as first:
        try:  # the paper's formula, α not divided by the size, is right too
            mt.expect_outputs(result, paper_lrn, [0], LRN_EVALS, what, mt.describe_build(ALEX_LRN))
        except CheckFailed:
            raise first from None


@pytest.mark.points(1)
def test_vgg16_structure(vgg, vgg_oracle):
    """VGG16: configuration D of 3×3 s1 p1 convolutions and 2×2 s2 poolings; dropout after the first two FC layers"""
    got, want = events(vgg, "vgg16()"), [tuple(e) for e in vgg_oracle[0]["events"]]
    convs = [e for e in got if e[0] == "conv"]
    odd = [f"{e[1]}→{e[2]} {e[3][0]}×{e[3][1]} s{e[4][0]} p{e[5][0]}" for e in convs
           if (tuple(e[3]), tuple(e[4]), tuple(e[5])) != ((3, 3), (1, 1), (1, 1))]
    expect(not odd, f"VGG16 只用 3×3、步幅 1、填充 1 的卷积; 你的模型有: {', '.join(odd[:4])}",
           f"VGG16 uses only 3×3 convolutions with stride 1 and padding 1; yours has: {', '.join(odd[:4])}")
    pools = [e[1:] for e in got if e[0] == "maxpool"]
    bad = [p for p in pools if (tuple(p[0]), tuple(p[1])) != ((2, 2), (2, 2))]
    expect(not bad and pools, f"VGG16 的池化都是 2×2、步幅 2; 你的是 {pools}",
           f"VGG16 pools with 2×2 windows and stride 2 only; yours: {pools}")

    def layout(evs):
        return [e[2] if e[0] == "conv" else "M" for e in evs if e[0] in ("conv", "maxpool")]

    expect_equal(layout(got), layout(want), "VGG16 的卷积/池化序列 / VGG16's conv/pool sequence",
                 "配置 D / configuration D")
    expect_dropout_like(vgg, vgg_oracle[0], "vgg16()")


@pytest.mark.points(0.5)
def test_stacked_3x3_vs_5x5_ratio(student):
    """two stacked 3×3 convs have 0.72 of one 5×5 conv's parameters (counted on real nn.Conv2d)"""
    mt.require_own_code(student.source)
    for channels in (64, 1, 3, 100):
        two = 2 * sum(p.numel() for p in nn.Conv2d(channels, channels, 3, bias=False).parameters())
        one = sum(p.numel() for p in nn.Conv2d(channels, channels, 5, bias=False).parameters())
        got = student.call("stacked_3x3_vs_5x5_ratio", channels)
        truth = two / one
        expect(isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - truth) < 1e-9,
               f"stacked_3x3_vs_5x5_ratio({channels}): 期望 {truth}, 你的结果是 {got!r}",
               f"stacked_3x3_vs_5x5_ratio({channels}): expected {truth}, got {got!r}")
    expect_equal(round(truth, 12), 0.72, "sanity")


@pytest.mark.cuda
@pytest.mark.points(0.5)
def test_runs_on_cuda(alex, vgg, device):
    """on CUDA: the models run on CUDA inputs, return CUDA outputs, and create no tensor on the CPU"""
    if device.type != "cuda":
        pytest.skip("--device cpu")
    mt.expect_on_device(alex, "AlexNet(dropout=0.3)", device)
    mt.expect_on_device(vgg, "vgg16()", device)
