"""hw07_conv_vs_fc, a correct variant: conv_as_matrix entry by entry, in plain loops.

The slowest honest way (one assignment per output pixel and kernel tap); it must get full
marks under the policy that watches conv_as_matrix's operators.
"""

from __future__ import annotations

import torch
from torch import nn


def fc_params(in_features: int, out_features: int, bias: bool = True) -> int:
    return in_features * out_features + (out_features if bias else 0)


def conv_as_matrix(weight: torch.Tensor, in_shape, stride: int = 1, padding: int = 0) -> torch.Tensor:
    c_out, c_in, k_h, k_w = weight.shape
    _, height, width = in_shape
    h_out = (height + 2 * padding - k_h) // stride + 1
    w_out = (width + 2 * padding - k_w) // stride + 1
    m = weight.new_zeros(c_out, h_out, w_out, c_in, height, width)
    for y in range(h_out):
        for x in range(w_out):
            for i in range(k_h):
                row = y * stride - padding + i
                if not 0 <= row < height:
                    continue
                for j in range(k_w):
                    col = x * stride - padding + j
                    if 0 <= col < width:
                        m[:, y, x, :, row, col] = weight[:, :, i, j]
    return m.reshape(c_out * h_out * w_out, c_in * height * width)


def linear_as_conv(linear: nn.Linear, in_shape) -> nn.Conv2d:
    channels, height, width = in_shape
    conv = nn.Conv2d(channels, linear.out_features, (height, width), bias=linear.bias is not None)
    state = {"weight": linear.weight.reshape(linear.out_features, channels, height, width)}
    if linear.bias is not None:
        state["bias"] = linear.bias
    conv.load_state_dict(state)
    return conv.to(linear.weight.device)
