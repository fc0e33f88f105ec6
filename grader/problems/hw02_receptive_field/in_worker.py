"""hw02_receptive_field, worker side: real layers from plain specs.

A spec is a tuple of layer tuples; the worker turns it into the real ``nn.Sequential`` the
student's function receives (the judge measures the same spec: ``oracles.py``):

    ("conv", k, s, p, d) | ("max", k, s, p, d) | ("avg", k, s, p) | ("seq", (specs...))
    | ("relu",) | ("bn",) | ("dropout",) | ("identity",)                 geometry-preserving
    | ("linear",) | ("flatten",) | ("adaptive_avg", n) | ("adaptive_max", n) | ("convT", k, s, p)
    | ("upsample", f) | ("pixel_shuffle", r) | ("bottleneck", s) | ("basic_block", s)
    | ("residual", s) | ("branches", s)                       what the recurrence cannot describe

The last four are modules with children whose ``forward`` is not "one child after the
other": torchvision's ResNet blocks with a downsampling shortcut, and two containers of
our own. Walking their children as if they were a ``nn.Sequential`` gives a wrong answer.
"""

from __future__ import annotations

import torch
from torch import nn
from torchvision.models.resnet import BasicBlock, Bottleneck


class Residual(nn.Module):
    """A custom residual block; its 1×1 shortcut is registered before the body it bypasses."""

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        self.shortcut = nn.Conv2d(channels, channels, 1, stride=stride)
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, stride=stride, padding=1), nn.ReLU(),
                                  nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


class Branches(nn.Module):
    """A custom container: a strided conv and a strided pool side by side (Inception's reduction)."""

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=stride, padding=1)
        self.pool = nn.MaxPool2d(3, stride=stride, padding=1)

    def forward(self, x):
        return torch.cat([self.conv(x), self.pool(x)], dim=1)


def _downsample(c: int, stride: int) -> nn.Module:
    """torchvision's shortcut for a strided ResNet block: a 1×1 conv with the block's stride."""
    return nn.Sequential(nn.Conv2d(c, c, 1, stride=stride, bias=False), nn.BatchNorm2d(c))


def layer(spec: tuple, c: int) -> nn.Module:
    """One real layer (``c`` channels in and out) from its spec."""
    kind, *args = spec
    if kind == "seq":
        return build(args[0], c)
    makers = {
        "conv": lambda k, s, p, d: nn.Conv2d(c, c, k, stride=s, padding=p, dilation=d),
        "max": lambda k, s, p, d: nn.MaxPool2d(k, stride=s, padding=p, dilation=d),
        "avg": lambda k, s, p: nn.AvgPool2d(k, stride=s, padding=p),
        "relu": nn.ReLU, "dropout": nn.Dropout, "identity": nn.Identity, "flatten": nn.Flatten,
        "bn": lambda: nn.BatchNorm2d(c),
        "linear": lambda: nn.Linear(4, 4),
        "adaptive_avg": nn.AdaptiveAvgPool2d, "adaptive_max": nn.AdaptiveMaxPool2d,
        "convT": lambda k, s, p: nn.ConvTranspose2d(c, c, k, stride=s, padding=p),
        "upsample": lambda f: nn.Upsample(scale_factor=f), "pixel_shuffle": nn.PixelShuffle,
        "bottleneck": lambda s: Bottleneck(c, c // Bottleneck.expansion, stride=s, downsample=_downsample(c, s)),
        "basic_block": lambda s: BasicBlock(c, c, stride=s, downsample=_downsample(c, s)),
        "residual": lambda s: Residual(c, s), "branches": lambda s: Branches(c, s),
    }
    return makers[kind](*args)


def build(spec: tuple, channels: int = 4) -> nn.Sequential:
    """The ``nn.Sequential`` a spec describes (nested specs become nested ``nn.Sequential``)."""
    return nn.Sequential(*[layer(s, channels) for s in spec])


def on_sequential(module, function: str, spec: tuple, *args):
    """``module.function(*args, nn.Sequential(...))`` with the real layers ``spec`` describes."""
    return getattr(module, function)(*args, build(spec))


def on_sequentials(module, function: str, specs: list, *args) -> list:
    """``on_sequential`` for many specs in one request; a failure names its layers."""
    values = []
    for spec in specs:
        try:
            values.append(on_sequential(module, function, spec, *args))
        except Exception as exc:  # noqa: BLE001 - re-raised, naming the call (notes: Python ≥ 3.11)
            if hasattr(exc, "add_note"):
                exc.add_note(f"({call_text(function, spec, *args)})")
            raise
    return values


def describe(spec: tuple) -> str:
    """``nn.Sequential(Conv2d(3, stride=1, padding=1), ReLU(), ...)``: what a student's function receives."""
    names = {"conv": "Conv2d", "max": "MaxPool2d", "avg": "AvgPool2d", "relu": "ReLU", "bn": "BatchNorm2d",
             "dropout": "Dropout", "identity": "Identity", "linear": "Linear", "flatten": "Flatten",
             "adaptive_avg": "AdaptiveAvgPool2d", "adaptive_max": "AdaptiveMaxPool2d", "convT": "ConvTranspose2d",
             "upsample": "Upsample", "pixel_shuffle": "PixelShuffle", "bottleneck": "torchvision Bottleneck",
             "basic_block": "torchvision BasicBlock", "residual": "Residual", "branches": "Branches"}
    keys = {"conv": ("stride", "padding", "dilation"), "max": ("stride", "padding", "dilation"),
            "avg": ("stride", "padding"), "convT": ("stride", "padding"), "upsample": ("scale_factor",),
            "bottleneck": ("stride",), "basic_block": ("stride",), "residual": ("stride",), "branches": ("stride",)}
    parts = []
    for kind, *args in spec:
        if kind == "seq":
            parts.append(describe(args[0]))
            continue
        named = keys.get(kind, ())
        first = [] if len(args) == len(named) else [str(args[0])]
        rest = args[len(first):]
        shown = [f"{k}={v}" for k, v in zip(named, rest) if not (k == "dilation" and v == 1)]
        parts.append(f"{names[kind]}({', '.join(first + shown)})")
    return f"nn.Sequential({', '.join(parts)})"


def call_text(function: str, spec: tuple, *args) -> str:
    """How the student's call reads: ``receptive_field(nn.Sequential(...))``."""
    return f"{function}({', '.join([*map(str, args), describe(spec)])})"
