"""hw07_conv_vs_fc, a correct variant: conv_as_matrix on a zero-padded canvas, then cropped.

Each output pixel's row receives the whole kernel at its window of the padded input; the
padding's columns are cut off at the end. Must get full marks.
"""

from __future__ import annotations

import torch
from torch import nn


def fc_params(in_features, out_features, bias=True):
    return sum(p.numel() for p in nn.Linear(in_features, out_features, bias=bias, device="meta").parameters())


def conv_as_matrix(weight, in_shape, stride=1, padding=0):
    c_out, c_in, k_h, k_w = weight.shape
    _, height, width = in_shape
    h_out = (height + 2 * padding - k_h) // stride + 1
    w_out = (width + 2 * padding - k_w) // stride + 1
    canvas = torch.zeros(c_out, h_out, w_out, c_in, height + 2 * padding, width + 2 * padding,
                         dtype=weight.dtype, device=weight.device)
    for y in range(h_out):
        for x in range(w_out):
            canvas[:, y, x, :, y * stride:y * stride + k_h, x * stride:x * stride + k_w] = weight
    inside = canvas[..., padding:padding + height, padding:padding + width]
    return inside.reshape(c_out * h_out * w_out, -1)


def linear_as_conv(linear, in_shape):
    c, h, w = in_shape
    conv = nn.Conv2d(c, linear.out_features, (h, w), bias=linear.bias is not None).to(linear.weight)
    with torch.no_grad():
        conv.weight.copy_(linear.weight.view(linear.out_features, c, h, w))
        if conv.bias is not None:
            conv.bias.copy_(linear.bias)
    return conv
