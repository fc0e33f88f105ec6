"""hw01_initialization, worker side: models from plain descriptions, handed to the student's
``init_weights_``, and ``activation_stds`` run on one thread.

The judge builds its own copy of the same models from the same descriptions (``build``) to
know their layers and to train them (``oracles.py``).
"""

from __future__ import annotations

import torch
from torch import nn

BN_WEIGHT, BN_BIAS = 2.0, 0.25  # not the defaults, so a change is visible


class Holder(nn.Module):
    """A custom container (not an nn.Sequential): its children are plain attributes."""

    def __init__(self, parts: list[nn.Module]) -> None:
        super().__init__()
        for i, part in enumerate(parts):
            setattr(self, f"part{i}", part)

    def forward(self, x):
        for part in self.children():
            x = part(x)
        return x


def build(spec) -> nn.Module:
    """("linear", in, out, bias) | ("conv", c_in, c_out, kernel, bias) | ("bn", c) | ("relu",)
    | ("seq" | "list" | "holder", [specs]) | ("dict", {name: spec})."""
    kind = spec[0]
    if kind == "linear":
        return nn.Linear(spec[1], spec[2], bias=spec[3])
    if kind == "conv":
        return nn.Conv2d(spec[1], spec[2], spec[3], bias=spec[4])
    if kind == "bn":
        bn = nn.BatchNorm2d(spec[1])
        with torch.no_grad():
            bn.weight.fill_(BN_WEIGHT)
            bn.bias.fill_(BN_BIAS)
        return bn
    if kind == "relu":
        return nn.ReLU()
    if kind == "seq":
        return nn.Sequential(*[build(s) for s in spec[1]])
    if kind == "list":
        return nn.ModuleList([build(s) for s in spec[1]])
    if kind == "holder":
        return Holder([build(s) for s in spec[1]])
    if kind == "dict":
        return nn.ModuleDict({k: build(s) for k, s in spec[1].items()})
    raise ValueError(kind)


def init_and_report(module, spec, scheme: str) -> dict:
    """Build the model, let the student initialise it, return plain values."""
    model = build(spec)
    params_before = {name: id(p) for name, p in model.named_parameters()}
    returned = module.init_weights_(model, scheme)
    return {
        "returned_self": returned is model,
        "in_place": {name: id(p) for name, p in model.named_parameters()} == params_before,
        "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
    }


def init_small(module, scheme: str) -> None:
    """``init_weights_`` on a small model (for its errors)."""
    module.init_weights_(nn.Sequential(nn.Linear(4, 3), nn.Conv2d(2, 2, 3)), scheme)


def activation_stds(module, scheme: str, kwargs: dict):
    """``module.activation_stds(scheme, **kwargs)`` on one CPU thread: these small matmuls gain
    nothing from a second thread, and on a busy machine OpenMP's spin-waiting makes them 5× slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return module.activation_stds(scheme, **kwargs)
    finally:
        torch.set_num_threads(threads)
