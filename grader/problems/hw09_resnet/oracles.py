"""hw09_resnet (第九题), judge side: what the checks compare with.

torchvision's ``resnet18`` / ``resnet34`` / ``ResNet`` / ``BasicBlock``, built without
downloads on the meta device and given seeded random weights, with BatchNorm
statistics calibrated on a random batch and then jittered
(``grader.support.model_transfer``): their parameter counts, eval-mode outputs and
gradients. One seed serves every oracle: the weights of a layer differ by its place
in its model, and nothing needs two oracles to differ.
"""

from __future__ import annotations

import functools

import torch
import torchvision
from torch import nn
from torchvision.models.resnet import BasicBlock as TorchvisionBlock
from torchvision.models.resnet import ResNet as TorchvisionResNet

from grader.support.model_transfer.judge import build_oracle, meta_count
from grader.support.model_transfer.shared import Attr, Build, OracleSpec, ProbeResult

SEED = 9
# The canonical size, then a small non-square one (adaptive pooling).
EVALS = [(1, 3, 224, 224), (2, 3, 64, 80)]
SMALL = 1
PROBE = (1, 3, 64, 64)        # where the structure is traced (layers return zeros: size only costs time)
CALIBRATION = (4, 3, 64, 64)  # the batch whose statistics become the running statistics
CANONICAL = {"resnet18": 11_689_512, "resnet34": 21_797_672}  # the notes' counts

RESNET18, RESNET34 = Build("resnet18"), Build("resnet34")
OTHER_CLASSES = [Build("resnet18", kwargs={"num_classes": 10}), Build("resnet34", kwargs={"num_classes": 7}),
                 Build("resnet18", kwargs={"num_classes": 1})]
BLOCKS = [(64, 64, 1), (64, 128, 2)]  # (in channels, out channels, stride): identity, then projection
ZERO_BLOCK = 32                        # channels of the block whose residual branch is zeroed


def block_build(c_in: int, c_out: int, stride: int) -> Build:
    return Build("BasicBlock", (c_in, c_out, stride))


def resnet_build(layers: list[int], num_classes: int) -> Build:
    return Build("ResNet", (Attr("BasicBlock"), list(layers)), {"num_classes": num_classes})


def torchvision_resnet(build: Build) -> nn.Module:
    """torchvision's model for a ``resnet18`` / ``resnet34`` / ``ResNet`` build."""
    if build.name == "ResNet":
        return TorchvisionResNet(TorchvisionBlock, build.args[1], **build.kwargs)
    return getattr(torchvision.models, build.name)(**build.kwargs)


def torchvision_block(c_in: int, c_out: int, stride: int) -> nn.Module:
    """torchvision's BasicBlock with the projection shortcut torchvision's ResNet gives it."""
    downsample = None
    if stride != 1 or c_in != c_out:
        downsample = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
    return TorchvisionBlock(c_in, c_out, stride, downsample)


_COUNTS: dict[str, int] = {}


def torchvision_count(build: Build) -> int:
    """The parameter count of torchvision's model for ``build`` (built on the meta device, once)."""
    if build.label not in _COUNTS:
        factory = (lambda: torchvision_block(*build.args)) if build.name == "BasicBlock" else (
            lambda: torchvision_resnet(build))
        _COUNTS[build.label] = meta_count(factory)
    return _COUNTS[build.label]


def resnet_oracle(build: Build, device: torch.device, evals: list = EVALS) -> tuple[OracleSpec, ProbeResult]:
    """A ResNet's description and its answers on ``evals`` (the model itself is dropped)."""
    oracle = build_oracle(lambda: torchvision_resnet(build), seed=SEED, probe_shape=PROBE, device=device,
                          calibration=CALIBRATION)
    return oracle.spec, oracle.probe(evals, device=device)


def block_input(c_in: int) -> tuple[int, ...]:
    return (2, c_in, 16, 16)


@functools.lru_cache(maxsize=None)
def block_oracle(c_in: int, c_out: int, stride: int, device: torch.device) -> tuple[OracleSpec, ProbeResult]:
    """A BasicBlock's description and its answer on ``block_input(c_in)`` (cached: public and
    hidden checks share them)."""
    oracle = build_oracle(lambda: torchvision_block(c_in, c_out, stride), seed=SEED, probe_shape=(1, c_in, 8, 8),
                          device=device, calibration=(8, c_in, 16, 16))
    return oracle.spec, oracle.probe([block_input(c_in)], device=device)


def zero_branch_oracle(channels: int, shape: tuple[int, ...], device: torch.device):
    """A shape-keeping BasicBlock whose residual branch is zero (convolutions 0, BatchNorm neutral):
    the oracle of "the block passes ReLU(x), and the gradient reaches x"."""
    zero = {"weight": torch.zeros(channels, channels, 3, 3)}
    neutral = {"weight": torch.ones(channels), "bias": torch.zeros(channels),
               "running_mean": torch.zeros(channels), "running_var": torch.ones(channels)}
    return build_oracle(lambda: torchvision_block(channels, channels, 1), seed=SEED, probe_shape=shape,
                        device=device, values={"conv1": zero, "conv2": zero, "bn1": neutral, "bn2": neutral})
