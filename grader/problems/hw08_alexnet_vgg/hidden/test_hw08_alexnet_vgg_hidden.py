"""hw08_alexnet_vgg (第八题) instructor-only check: make_vgg with batch norm and another
configuration (oracle: torchvision's VGG over its own make_layers, calibrated BatchNorm)."""

from __future__ import annotations

import functools

import pytest
import torch

from grader.judging.checks import expect_equal
from grader.problems.hw08_alexnet_vgg import oracles
from grader.support.model_transfer import judge
from grader.support.model_transfer.shared import Build, OracleSpec, ProbeResult

pytestmark = [pytest.mark.problem("hw08_alexnet_vgg"), pytest.mark.hidden]

CFG = [32, "M", 64, 64, "M", 128, "M", 512, "M"]
BUILD = Build("make_vgg", (list(CFG),), {"num_classes": 10, "batch_norm": True})
EVALS = [(2, 3, 64, 64)]
CALIBRATION = (4, 3, 64, 64)


def torchvision_vgg() -> torch.nn.Module:
    return oracles.torchvision_vgg(CFG, batch_norm=True, num_classes=10)


@functools.lru_cache(maxsize=None)
def oracle(device: torch.device) -> tuple[OracleSpec, ProbeResult]:
    o = judge.build_oracle(torchvision_vgg, seed=oracles.SEED, probe_shape=oracles.PROBE, device=device,
                           calibration=CALIBRATION)
    return o.spec, o.probe(EVALS, device=device)


@pytest.mark.points(1)
def test_make_vgg_with_batch_norm(student, device):
    """make_vgg(cfg, num_classes=10, batch_norm=True): conv–BN–ReLU per entry, torchvision's head and outputs"""
    counts = judge.count_builds(student, [BUILD], keep=(BUILD,))
    expect_equal(judge.params_of(counts, BUILD), judge.meta_count(torchvision_vgg), f"{BUILD.label} 的参数量 / parameters")
    spec, answers = oracle(device)
    result = judge.probe_student(student, BUILD, spec, device, EVALS)
    judge.expect_output(result, answers, 0, EVALS[0], BUILD.label)
