"""hw03_conv_cost, judge side: what a real convolution has and does, measured by torch.

- parameters: ``nn.Conv2d(...).parameters()`` (built on the meta device: shapes only);
- the output shape: the real convolution operator on meta tensors (torch's shape rules, no
  computation; their first use needs sympy, which the judge has already imported with
  torchvision);
- FLOPs: the rule ``torch.utils.flop_counter`` applies to that operator
  (``flop_registry[aten.convolution]``, what ``FlopCounterMode`` records for a convolution),
  given the operator's own arguments and output. Called directly rather than through
  ``FlopCounterMode``: entering any ``TorchDispatchMode`` imports ``torch._dynamo`` the
  first time (seconds). MACs = FLOPs / 2 (one multiply and one add per MAC).

Measurements are cached: every check and every submission graded in one run shares them.
"""

from __future__ import annotations

import functools
import random
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import flop_registry

from grader.sandbox.student import describe_call


CONV_FLOPS = flop_registry[torch.ops.aten.convolution]


@dataclass(frozen=True)
class Layer:
    """One ``nn.Conv2d`` and the input it sees, in the contract's terms."""

    c_in: int
    c_out: int
    kernel: int | tuple[int, int]
    in_h: int
    in_w: int
    stride: int = 1
    padding: int = 0
    bias: bool = True
    groups: int = 1

    def cost_kwargs(self) -> dict:
        """The keyword arguments of ``conv2d_cost`` for this layer."""
        return asdict(self)

    def cost_call(self) -> str:
        return describe_call("conv2d_cost", (), self.cost_kwargs())


@dataclass(frozen=True)
class Cost:
    params: int
    macs: int
    flops: int
    out_shape: tuple[int, int, int]

    def as_dict(self) -> dict:
        return asdict(self)


def random_layers(seed: int, n: int) -> list[Layer]:
    """Conv layers with varied channels, groups, rectangular kernels, strides, paddings, biases."""
    rng = random.Random(seed)
    layers = []
    for _ in range(n):
        groups = rng.choice([1, 1, 2, 3, 4])
        c_in, c_out = groups * rng.randint(1, 6), groups * rng.randint(1, 6)
        k_h, k_w = rng.choice([1, 2, 3, 5, 7]), rng.choice([1, 2, 3, 5])
        kernel = k_h if (k_h == k_w and rng.random() < 0.5) else (k_h, k_w)
        in_h, in_w = rng.randint(7, 20), rng.randint(7, 20)
        layers.append(Layer(c_in, c_out, kernel, in_h, in_w, stride=rng.randint(1, 3),
                            padding=rng.randint(0, 2), bias=rng.random() < 0.5, groups=groups))
    return layers


@functools.cache
def measure(layer: Layer) -> Cost:
    """What a real ``nn.Conv2d`` with this configuration has and does."""
    conv = nn.Conv2d(layer.c_in, layer.c_out, layer.kernel, stride=layer.stride, padding=layer.padding,
                     bias=layer.bias, groups=layer.groups, device="meta")
    x = torch.empty(1, layer.c_in, layer.in_h, layer.in_w, device="meta")
    y = F.conv2d(x, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups)
    flops = CONV_FLOPS(x, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, False, (0, 0),
                       conv.groups, out_val=y)  # aten.convolution's arguments, as the operator receives them
    return Cost(params=sum(p.numel() for p in conv.parameters()), macs=flops // 2, flops=flops,
                out_shape=tuple(y.shape[1:]))


# The homework's layer and its 1×1 replacement, with the numbers of the course notes: the
# oracle must reproduce them before a student is judged on them.
HOMEWORK = (
    (Layer(16, 32, 3, 28, 28, stride=1, padding=1, bias=True),
     Cost(params=4640, macs=3_612_672, flops=7_225_344, out_shape=(32, 28, 28))),
    (Layer(16, 32, 1, 28, 28, stride=1, padding=0, bias=True),
     Cost(params=544, macs=401_408, flops=802_816, out_shape=(32, 28, 28))),
)
