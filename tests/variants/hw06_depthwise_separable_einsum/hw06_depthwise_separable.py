"""hw06_depthwise_separable, a correct variant: counts from one grouped formula, forward with
F.conv2d on the module's own weights, the equivalent kernel by einsum. Must get full marks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def group_conv_params(c_in, c_out, k, groups, bias=False):
    return c_out * (k * k * c_in // groups + (1 if bias else 0))


def standard_conv_params(c_in, c_out, k, bias=False):
    return group_conv_params(c_in, c_out, k, 1, bias)


def depthwise_separable_params(c_in, c_out, k, bias=False):
    return group_conv_params(c_in, c_in, k, c_in, bias) + group_conv_params(c_in, c_out, 1, 1, bias)


class DepthwiseSeparableConv(nn.Module):
    def __init__(self, c_in, c_out, kernel_size=3, stride=1, padding=1, bias=False):
        super().__init__()
        self.pointwise = nn.Conv2d(in_channels=c_in, out_channels=c_out, kernel_size=(1, 1), bias=bias)
        self.depthwise = nn.Conv2d(in_channels=c_in, out_channels=c_in, kernel_size=(kernel_size, kernel_size),
                                   stride=(stride, stride), padding=(padding, padding), groups=c_in, bias=bias)

    def forward(self, x):
        d = self.depthwise
        y = F.conv2d(x, d.weight, d.bias, d.stride, d.padding, groups=d.groups)
        return F.conv2d(y, self.pointwise.weight, self.pointwise.bias)


def separable_to_standard_weight(module):
    return torch.einsum("oi,ihw->oihw", module.pointwise.weight[..., 0, 0], module.depthwise.weight[:, 0])
