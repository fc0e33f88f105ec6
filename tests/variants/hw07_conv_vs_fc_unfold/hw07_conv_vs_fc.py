"""hw07_conv_vs_fc, a correct variant: conv_as_matrix by im2col (F.unfold) of an index image.

Unfolding an image whose pixels hold their own (1-based) flat index tells, for every output
position and kernel tap, which input it reads (0: the zero padding); the weights are then
scattered there. Must get full marks: F.unfold (aten::im2col) is not a convolution.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def fc_params(in_features: int, out_features: int, bias: bool = True) -> int:
    return out_features * (in_features + int(bias))


def conv_as_matrix(weight: torch.Tensor, in_shape: tuple[int, int, int], stride: int = 1,
                   padding: int = 0) -> torch.Tensor:
    c_out, c_in, k_h, k_w = weight.shape
    _, height, width = in_shape
    n_in = c_in * height * width
    index = torch.arange(1, n_in + 1, dtype=torch.float64, device=weight.device).reshape(1, c_in, height, width)
    cols = F.unfold(index, (k_h, k_w), padding=padding, stride=stride)[0].round().long()  # [C·k_h·k_w, L]
    positions = cols.shape[1]
    m = weight.new_zeros(c_out, positions, n_in + 1)
    taps = weight.reshape(c_out, 1, -1).expand(c_out, positions, -1)  # unfold's (c, i, j) order
    m.scatter_(2, cols.T.unsqueeze(0).expand(c_out, -1, -1), taps)
    return m[:, :, 1:].reshape(c_out * positions, n_in)


def linear_as_conv(linear: nn.Linear, in_shape: tuple[int, int, int]) -> nn.Conv2d:
    c, h, w = in_shape
    conv = nn.Conv2d(c, linear.out_features, kernel_size=(h, w), bias=linear.bias is not None)
    conv.weight = nn.Parameter(linear.weight.detach().reshape(-1, c, h, w).clone())
    if linear.bias is not None:
        conv.bias = nn.Parameter(linear.bias.detach().clone())
    return conv
