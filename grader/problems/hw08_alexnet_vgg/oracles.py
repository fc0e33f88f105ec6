"""hw08_alexnet_vgg (第八题), judge side: what the checks compare with.

torchvision's ``alexnet`` and ``vgg16`` (also ``vgg16_bn`` and ``VGG`` over its own
``make_layers`` for other configurations), built without downloads on the meta device
and given seeded random weights (``grader.support.model_transfer``); their parameter
counts, eval-mode outputs and the ops their forward runs; real ``nn.Conv2d`` modules
for the 3×3 vs 5×5 ratio. The LRN oracles are torchvision's AlexNet with
``nn.LocalResponseNorm`` inserted over the very same layers, so one set of weights
serves AlexNet with and without LRN.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import torch
import torchvision
from torch import nn
from torchvision.models.vgg import VGG as TorchvisionVGG
from torchvision.models.vgg import cfgs as TORCHVISION_CFGS
from torchvision.models.vgg import make_layers as torchvision_make_layers

from grader.support.model_transfer.judge import build_oracle, meta_count
from grader.support.model_transfer.shared import Build, OracleSpec, ProbeResult

SEED = 8
# The canonical size, then a small non-square one (adaptive pooling); dropout is
# measured on the small one (its claim does not depend on the size, and it is cheap).
EVALS = [(1, 3, 224, 224), (2, 3, 64, 80)]
SMALL = 1
PROBE = (1, 3, 64, 64)  # where the structure is traced (layers return zeros: size only costs time)
DROPOUT_P = 0.3         # not the default, so that a model ignoring the argument shows
LRN_ALPHAS = (1e-4, 5e-4)  # torch's α/n reading of the paper's α = 1e-4, and the paper's own
CANONICAL = {"alexnet": 61_100_840, "vgg16": 138_357_544}  # the notes' counts

ALEX = Build("AlexNet", kwargs={"dropout": DROPOUT_P})
ALEX_LRN = Build("AlexNet", kwargs={"use_lrn": True})
VGG16 = Build("vgg16")
CFG_A = list(TORCHVISION_CFGS["A"])


def torchvision_vgg(cfg: list, *, batch_norm: bool = False, num_classes: int = 1000) -> nn.Module:
    """torchvision's VGG over torchvision's ``make_layers`` for ``cfg``."""
    return TorchvisionVGG(torchvision_make_layers(cfg, batch_norm=batch_norm), num_classes=num_classes)


# Every build the public checks count, with torchvision's model of the same arguments.
COUNTED: list[tuple[Build, Callable[[], nn.Module]]] = [
    (ALEX, lambda: torchvision.models.alexnet(dropout=DROPOUT_P)),
    (VGG16, torchvision.models.vgg16),
    (Build("AlexNet", kwargs={"num_classes": 10}), lambda: torchvision.models.alexnet(num_classes=10)),
    (Build("AlexNet", kwargs={"num_classes": 7, "use_lrn": True}), lambda: torchvision.models.alexnet(num_classes=7)),
    (Build("vgg16", kwargs={"num_classes": 10}), lambda: torchvision.models.vgg16(num_classes=10)),
    (Build("vgg16", kwargs={"batch_norm": True}), torchvision.models.vgg16_bn),
    (Build("make_vgg", (CFG_A,), {"num_classes": 20}), lambda: torchvision_vgg(CFG_A, num_classes=20)),
]
BUILDS = [ALEX_LRN, *(build for build, _ in COUNTED)]


EQUIVALENT = {build.label: factory for build, factory in COUNTED}
EQUIVALENT[ALEX_LRN.label] = torchvision.models.alexnet  # LRN has no parameters


@functools.cache
def _count(label: str) -> int:
    return meta_count(EQUIVALENT[label])


def torchvision_count(build: Build) -> int:
    """The parameter count of torchvision's model for ``build`` (built on the meta device, once)."""
    return _count(build.label)


def short(build: Build) -> str:
    """A build's label with configuration A named rather than spelt out."""
    return build.label.replace(repr(CFG_A), "cfg_A")


def stacked_ratio(channels: int) -> float:
    """Parameters of two stacked 3×3 C→C convs over one 5×5, counted on real ``nn.Conv2d``."""
    with torch.device("meta"):
        three = sum(p.numel() for p in nn.Conv2d(channels, channels, 3, bias=False).parameters())
        five = sum(p.numel() for p in nn.Conv2d(channels, channels, 5, bias=False).parameters())
    return 2 * three / five


def with_lrn(alexnet: nn.Module, alpha: float) -> nn.Module:
    """torchvision's AlexNet over the layers of ``alexnet``, with the paper's LRN (size 5, β 0.75,
    k 2) after its first two ReLUs. torch's ``LocalResponseNorm`` divides α by the size
    (b = a / (k + α/n·Σa²)^β), the paper does not (b = a / (k + α·Σa²)^β): both readings of
    "α = 1e-4" are right, the second is torch's module with α = 5·1e-4."""
    with torch.device("meta"):
        model = torchvision.models.alexnet()
    f = list(alexnet.features)
    lrn = nn.LocalResponseNorm(size=5, alpha=alpha, beta=0.75, k=2.0)
    model.features = nn.Sequential(*f[:2], lrn, *f[2:5], lrn, *f[5:])
    model.avgpool, model.classifier = alexnet.avgpool, alexnet.classifier
    return model


@dataclass
class AlexNetOracles:
    """AlexNet(dropout=0.3): its description and answers; the same layers with LRN: its
    description and answers on the 224×224 input, one per reading of α."""

    spec: OracleSpec
    answers: ProbeResult
    lrn_spec: OracleSpec
    lrn_answers: list[ProbeResult]


def alexnet_oracles(device: torch.device) -> AlexNetOracles:
    plain = build_oracle(lambda: torchvision.models.alexnet(dropout=DROPOUT_P), seed=SEED, probe_shape=PROBE,
                         device=device)
    lrn = [plain.variant(with_lrn(plain.model, alpha), device) for alpha in LRN_ALPHAS]
    return AlexNetOracles(plain.spec, plain.probe(EVALS, device=device), lrn[0].spec,
                          [o.probe(EVALS[:1], device=device) for o in lrn])


def vgg16_oracle(device: torch.device) -> tuple[OracleSpec, ProbeResult]:
    """VGG16's description and answers (the model itself is dropped: 0.5 GB)."""
    oracle = build_oracle(torchvision.models.vgg16, seed=SEED, probe_shape=PROBE, device=device)
    return oracle.spec, oracle.probe(EVALS, device=device)
