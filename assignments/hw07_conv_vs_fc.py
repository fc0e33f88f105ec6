"""第七题 卷积与全连接: 局部连接与权值共享 / Problem 7 (hw07_conv_vs_fc): convolution vs fully connected.

卷积其实是一个特殊的全连接层 (矩阵乘法): 把输入展平成向量 x (长度 C_in·H·W), 卷积输出
展平后等于 M @ x, 其中 M 的形状是 [C_out·H_out·W_out, C_in·H·W]。
- 局部连接: M 的每一行只有一个 k×k 窗口 (所有输入通道) 内的元素非零, 其余都是 0;
  全连接层的每个输出与所有输入相连 (整行都可以非零)。
- 权值共享: M 中只出现卷积核的 k·k·C_in·C_out 个值, 同一输出通道的每一行都重复使用同一组值;
  全连接层的 M 有 C_out·H_out·W_out·C_in·H·W 个互不相关的参数。
反过来, 全连接层就是卷积核覆盖整个输入的卷积 (``linear_as_conv``)。

A convolution is a fully connected layer with a constrained matrix: flatten the input
``x`` (length C_in·H·W) and the output; then ``conv(x).flatten() == M @ x.flatten()``
for a matrix M of shape [C_out·H_out·W_out, C_in·H·W].
- Local connectivity: each row of M is non-zero only inside one k×k window (over all
  input channels); a fully connected row may be non-zero everywhere.
- Weight sharing: only the kernel's k·k·C_in·C_out values occur in M, the same values
  repeated in every row of an output channel's block; a fully connected M has one free
  parameter per entry.
Conversely, a fully connected layer is the convolution whose kernel covers the whole
input (``linear_as_conv``).

展平顺序 / flatten order: PyTorch 的 [C, H, W] 行优先顺序 (``tensor.flatten()``), 行也是
[C_out, H_out, W_out] 的展平顺序 / rows and columns follow PyTorch's row-major [C, H, W] order.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: F401  (F.unfold; F.conv2d only to check your answer)
from torch import nn


def fc_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """全连接层参数量 / Parameters of ``nn.Linear(in_features, out_features, bias=bias)``."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def conv_as_matrix(weight: torch.Tensor, in_shape: tuple[int, int, int], stride: int = 1,
                   padding: int = 0) -> torch.Tensor:
    """把卷积写成矩阵 / The dense matrix M of a convolution (no bias, dilation 1, groups 1).

    ``weight``: ``[C_out, C_in, k_h, k_w]``; ``in_shape``: ``(C_in, H, W)``; ``stride``
    与 ``padding`` 是两个方向相同的 int / ints applied to both axes.
    返回 / Returns M, shape ``[C_out·H_out·W_out, C_in·H·W]``, on ``weight``'s device, with
    ``M @ x.flatten() == F.conv2d(x[None], weight, stride=stride, padding=padding).flatten()``.

    自己构造 M (循环、``F.pad`` + 索引、或 ``F.unfold`` 即 im2col 都可以); 评分时这个函数里不能
    用卷积运算求它 (``F.conv2d``、``nn.Conv2d``、``F.conv_transpose2d``、``torch.nn.grad`` 等)。
    Build M yourself (loops, ``F.pad`` and indexing, or ``F.unfold``, i.e. im2col); while
    grading, this function may not compute it with a convolution (``F.conv2d``, ``nn.Conv2d``,
    ``F.conv_transpose2d``, ``torch.nn.grad``, ...).
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def linear_as_conv(linear: nn.Linear, in_shape: tuple[int, int, int]) -> nn.Conv2d:
    """全连接层等价的卷积 / The ``nn.Conv2d`` that computes what ``linear`` computes.

    对输入 ``x [N, C, H, W]`` (``in_shape == (C, H, W)``, ``linear.in_features == C·H·W``),
    返回的卷积满足 / the returned conv satisfies
    ``conv(x) == linear(x.flatten(1)).reshape(N, out_features, 1, 1)``:
    卷积核覆盖整个输入 / its kernel covers the whole input.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    w = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    m = conv_as_matrix(w, (1, 4, 4))
    print(m)  # 4 rows, 9 non-zeros each, the same 9 values: local + shared
    print("fc with the same shape:", fc_params(16, 4, bias=False), "parameters; conv:", w.numel())
