"""hw08 instructor-only check: make_vgg with batch norm and another configuration
(oracle: torchvision's VGG over its own make_layers, calibrated BatchNorm)."""

from __future__ import annotations

import functools

import pytest
import torch
from torchvision.models.vgg import VGG as TorchvisionVGG
from torchvision.models.vgg import make_layers as torchvision_make_layers

from grader.support import model_transfer as mt
from grader.judging.checks import expect_equal
from grader.problems.hw08_alexnet_vgg.test_hw08_alexnet_vgg import SEED, budget, probe_student

pytestmark = [pytest.mark.problem("hw08_alexnet_vgg"), pytest.mark.hidden]

CFG = [32, "M", 64, 64, "M", 128, "M", 512, "M"]
BUILD = {"name": "make_vgg", "args": [list(CFG)], "kwargs": {"num_classes": 10, "batch_norm": True}}
EVALS = [(2, 3, 64, 64)]


def torchvision_vgg() -> torch.nn.Module:
    return TorchvisionVGG(torchvision_make_layers(CFG, batch_norm=True), num_classes=10)


@functools.lru_cache(maxsize=None)
def oracle(device: torch.device):
    model, spec = mt.make_oracle(torchvision_vgg, probe_shape=(1, 3, 224, 224), seed=SEED + 3, device=device,
                                 calibrate_bn=True,
                                 calibration_shape=(4, 3, 64, 64))
    return spec, mt.oracle_probe(model, spec, device=device, evals=EVALS)


@pytest.mark.points(1)
def test_make_vgg_with_batch_norm(student, device):
    """make_vgg(cfg, num_classes=10, batch_norm=True): conv–BN–ReLU per entry, torchvision's head and outputs"""
    mt.require_own_code(student.source)
    label = mt.describe_build(BUILD)
    [entry] = student.run(mt.count_models, [BUILD], timeout=budget(student), describe=label)
    expect_equal(mt.counted(entry, label), mt.meta_count(torchvision_vgg), f"{label} 的参数量 / parameters")
    spec, answers = oracle(device)
    result = probe_student(student, BUILD, spec, device, EVALS)
    mt.expect_outputs(result, answers, [0], EVALS, label, label)
