"""hw09 instructor-only checks: the projection's two triggers on their own, and the
ResNet class with other stage depths and class counts (oracles: torchvision)."""

from __future__ import annotations

import functools

import pytest
import torch
from torchvision.models.resnet import BasicBlock as TorchvisionBlock
from torchvision.models.resnet import ResNet as TorchvisionResNet

from grader.support import model_transfer as mt
from grader.judging.checks import expect_equal
from grader.problems.hw09_resnet.test_hw09_resnet import SEED, budget, block_build, check_block, probe_student

pytestmark = [pytest.mark.problem("hw09_resnet"), pytest.mark.hidden]

PROJECTIONS = [(32, 64, 1), (64, 64, 2)]
LAYERS, CLASSES = [1, 2, 1, 1], 7
RESNET = {"name": "ResNet", "args": [{"attr": "BasicBlock"}, LAYERS], "kwargs": {"num_classes": CLASSES}}
EVALS = [(2, 3, 64, 64)]


@pytest.fixture(scope="module")
def counts(student) -> dict:
    mt.require_own_code(student.source)
    builds = [block_build(*b) for b in PROJECTIONS] + [RESNET]
    entries = student.run(mt.count_models, builds, timeout=budget(student), describe="BasicBlock, ResNet")
    return {mt.describe_build(b): e for b, e in zip(builds, entries)}


@pytest.mark.points(0.5)
def test_projection_cases(student, counts, device):
    """a projection when only the channels change (32→64, s1) and when only the stride does (64, s2)"""
    for c_in, c_out, stride in PROJECTIONS:
        label = mt.describe_build(block_build(c_in, c_out, stride))
        check_block(student, c_in, c_out, stride, device, mt.counted(counts[label], label))


@functools.lru_cache(maxsize=None)
def resnet_oracle(device: torch.device):
    model, spec = mt.make_oracle(lambda: TorchvisionResNet(TorchvisionBlock, LAYERS, num_classes=CLASSES),
                                 probe_shape=(1, 3, 224, 224), seed=SEED + 1, device=device, calibrate_bn=True,
                                 calibration_shape=(4, 3, 64, 64))
    return spec, mt.oracle_probe(model, spec, device=device, evals=EVALS)


@pytest.mark.points(0.5)
def test_resnet_class_with_other_depths(student, counts, device):
    """ResNet(BasicBlock, [1, 2, 1, 1], num_classes=7) equals torchvision's ResNet with the same arguments"""
    label = mt.describe_build(RESNET)
    expect_equal(mt.counted(counts[label], label),
                 mt.meta_count(lambda: TorchvisionResNet(TorchvisionBlock, LAYERS, num_classes=CLASSES)),
                 f"{label} 的参数量 / parameters of {label}")
    spec, answers = resnet_oracle(device)
    result = probe_student(student, RESNET, spec, device, EVALS)
    mt.expect_outputs(result, answers, [0], EVALS, label, label)
