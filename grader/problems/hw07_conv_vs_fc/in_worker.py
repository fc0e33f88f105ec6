"""hw07_conv_vs_fc, worker side: hand the student's ``linear_as_conv`` a real ``nn.Linear``
holding the judge's weights, and report the returned layer as plain values."""

from __future__ import annotations

import torch
from torch import nn


def conv_from_linear(module, weight, bias, in_shape, x) -> dict:
    """An nn.Linear with the judge's weights -> the student's conv -> its parameters and conv(x)."""
    out_features, in_features = weight.shape
    linear = nn.Linear(in_features, out_features, bias=bias is not None)
    with torch.no_grad():
        linear.weight.copy_(weight)
        if bias is not None:
            linear.bias.copy_(bias)
    conv = module.linear_as_conv(linear, in_shape)
    if not isinstance(conv, nn.Conv2d):
        return {"kind": type(conv).__name__}
    with torch.no_grad():
        output = conv(x)
    return {"kind": "nn.Conv2d", "weight": conv.weight, "bias": conv.bias, "output": output,
            "config": {k: getattr(conv, k) for k in ("stride", "padding", "dilation", "groups", "padding_mode")}}
