"""第六题 深度可分离卷积 / Problem 6 (hw06_depthwise_separable): depthwise separable convolution.

标准卷积同时做"空间特征提取"和"通道融合"; 深度可分离卷积把它拆成两步:
1) 深度卷积 (depthwise): 每个输入通道一个 k×k 卷积核 (groups = C_in), 参数 k²·C_in;
2) 点卷积 (pointwise): 1×1 卷积融合通道, C_in → C_out, 参数 C_in·C_out。

A standard convolution mixes space and channels at once (k²·C_in·C_out weights); a
depthwise separable one first filters each channel on its own (k×k, groups = C_in:
k²·C_in weights), then mixes channels with a 1×1 convolution (C_in·C_out weights).

作业 / Homework: K=3, C_in=32, C_out=64: standard 18,432, separable 2,336 (≈ 12.7 %).
"""

from __future__ import annotations

import torch
from torch import nn


def standard_conv_params(c_in: int, c_out: int, k: int, bias: bool = False) -> int:
    """标准卷积参数量 / Parameters of a standard k×k convolution C_in → C_out."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def depthwise_separable_params(c_in: int, c_out: int, k: int, bias: bool = False) -> int:
    """深度可分离卷积参数量 / Parameters of depthwise (k×k, groups=C_in) + pointwise (1×1).

    ``bias=True`` 时两个卷积都带偏置 / with ``bias=True`` both convolutions carry a bias
    (adds C_in + C_out).
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def group_conv_params(c_in: int, c_out: int, k: int, groups: int, bias: bool = False) -> int:
    """分组卷积参数量 / Parameters of a grouped convolution: k²·C_in·C_out / G (+ C_out)."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


class DepthwiseSeparableConv(nn.Module):
    """深度卷积 + 点卷积 / Depthwise k×k conv (groups = C_in) followed by a 1×1 pointwise conv.

    属性 / Attributes: ``depthwise`` (``nn.Conv2d``, groups == c_in) and ``pointwise``
    (``nn.Conv2d``, 1×1). ``stride`` and ``padding`` belong to the depthwise step.
    """

    def __init__(self, c_in: int, c_out: int, kernel_size: int = 3, stride: int = 1,
                 padding: int = 1, bias: bool = False) -> None:
        super().__init__()
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


def separable_to_standard_weight(module: DepthwiseSeparableConv) -> torch.Tensor:
    """等价标准卷积核 / The ``[c_out, c_in, k, k]`` weight of the one standard convolution
    that computes exactly what the (bias-free) module computes:
    W[o, i] = pointwise[o, i] · depthwise[i].
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    std, sep = standard_conv_params(32, 64, 3), depthwise_separable_params(32, 64, 3)
    print(f"standard {std}, separable {sep}, ratio {sep / std:.1%}")
