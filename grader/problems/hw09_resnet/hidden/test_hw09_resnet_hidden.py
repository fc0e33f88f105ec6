"""hw09_resnet (第九题) instructor-only checks: the projection's two triggers on their own, and
the ResNet class with other stage depths and class counts (oracles: torchvision)."""

from __future__ import annotations

import functools

import pytest
import torch

from grader.judging.checks import expect_equal
from grader.problems.hw09_resnet import oracles
from grader.problems.hw09_resnet.blocks import expect_block_like_torchvision
from grader.support.model_transfer import judge

pytestmark = [pytest.mark.problem("hw09_resnet"), pytest.mark.hidden]

PROJECTIONS = [(32, 64, 1), (64, 64, 2)]  # only the channels change; only the stride does
RESNET = oracles.resnet_build([1, 2, 1, 1], num_classes=7)
EVALS = [(2, 3, 64, 64)]


@pytest.fixture(scope="module")
def counts(student) -> dict:
    builds = [*(oracles.block_build(*b) for b in PROJECTIONS), RESNET]
    return judge.count_builds(student, builds, keep=tuple(builds))


@pytest.mark.points(0.5)
def test_projection_cases(student, counts, device):
    """a projection when only the channels change (32→64, s1) and when only the stride does (64, s2)"""
    for c_in, c_out, stride in PROJECTIONS:
        expect_block_like_torchvision(student, counts, c_in, c_out, stride, device)


@functools.lru_cache(maxsize=None)
def resnet_oracle(device: torch.device):
    return oracles.resnet_oracle(RESNET, device, EVALS)


@pytest.mark.points(0.5)
def test_resnet_class_with_other_depths(student, counts, device):
    """ResNet(BasicBlock, [1, 2, 1, 1], num_classes=7) equals torchvision's ResNet with the same arguments"""
    expect_equal(judge.params_of(counts, RESNET), oracles.torchvision_count(RESNET),
                 f"{RESNET.label} 的参数量 / parameters of {RESNET.label}")
    spec, answers = resnet_oracle(device)
    result = judge.probe_student(student, RESNET, spec, device, EVALS)
    judge.expect_output(result, answers, 0, EVALS[0], RESNET.label)
