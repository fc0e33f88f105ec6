"""hw06_depthwise_separable, judge side: parameter counts of real ``nn.Conv2d`` modules
(standard, grouped, depthwise, pointwise; built on the meta device, shapes only) and the
cases the checks use."""

from __future__ import annotations

import functools
import random
from dataclasses import astuple, dataclass

import torch
from torch import nn

from grader.sandbox.student import describe_call


@functools.cache
def conv_params(c_in: int, c_out: int, k: int, groups: int = 1, bias: bool = False) -> int:
    """The parameter count of a real ``nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)``."""
    conv = nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias, device="meta")
    return sum(p.numel() for p in conv.parameters())


def separable_params(c_in: int, c_out: int, k: int, bias: bool = False) -> int:
    """A depthwise k×k conv (groups = C_in) plus a 1×1 pointwise conv, both real."""
    return conv_params(c_in, c_in, k, groups=c_in, bias=bias) + conv_params(c_in, c_out, 1, bias=bias)


def count_cases(seed: int, n: int, groups: tuple[int, ...], channels: int, kernels: tuple[int, ...]):
    """``(c_in, c_out, k, groups, bias)`` with both channel counts divisible by ``groups``."""
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        g = rng.choice(groups)
        c_in, c_out, k = g * rng.randint(1, channels), g * rng.randint(1, channels), rng.choice(kernels)
        cases.append((c_in, c_out, k, g, rng.random() < 0.5))
    return cases


@dataclass(frozen=True)
class Config:
    """One ``DepthwiseSeparableConv`` the worker builds."""

    c_in: int
    c_out: int
    k: int
    stride: int
    padding: int
    bias: bool

    def as_tuple(self) -> tuple:
        return astuple(self)

    def call(self) -> str:
        return describe_call("DepthwiseSeparableConv", (self.c_in, self.c_out, self.k),
                             {"stride": self.stride, "padding": self.padding, "bias": self.bias})


def random_configs(seed: int, n: int) -> list[Config]:
    rng = random.Random(seed)
    return [Config(rng.randint(1, 12), rng.randint(1, 12), rng.choice([1, 3, 5]), rng.choice([1, 1, 2, 3]),
                   rng.randint(0, 2), rng.random() < 0.4) for _ in range(n)]


def inputs(configs: list[Config], seed: int, size: tuple[int, int], device: torch.device) -> list[torch.Tensor]:
    """One random batch of two ``[c_in, *size]`` images per configuration."""
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(2, c.c_in, *size, generator=gen).to(device) for c in configs]
