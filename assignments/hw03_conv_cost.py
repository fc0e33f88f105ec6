"""第三题 卷积层的参数量与计算量 / Problem 3 (hw03_conv_cost): parameters and FLOPs of a convolution.

参数量 / parameters  = (k_h · k_w · C_in / groups + 1) · C_out   (无偏置时去掉 +1 / drop the +1 without bias)
乘加次数 / MACs      = out_h · out_w · C_out · k_h · k_w · C_in / groups
浮点运算 / FLOPs     = 2 · MACs   (一次乘法加一次加法; 不计偏置 / one multiply + one add; bias not counted,
                                   as in the notes and in ``torch.utils.flop_counter``)

``kernel`` 可以是 int 或 ``(k_h, k_w)``; ``stride`` 与 ``padding`` 是两个方向相同的 int,
因此 out_h 用 k_h 计算, out_w 用 k_w 计算。
``kernel`` is an int or ``(k_h, k_w)``; ``stride`` and ``padding`` are ints applied to
both axes, so out_h uses k_h and out_w uses k_w.

作业 / Homework: 16→32, 3×3, s1, p1, 28×28 → params 4,640, MACs 3,612,672,
FLOPs 7,225,344, out_shape (32, 28, 28). As 1×1 (p0): params 544, MACs 401,408.
"""

from __future__ import annotations


def _kernel_hw(kernel) -> tuple[int, int]:
    """int or (k_h, k_w) -> (k_h, k_w)."""
    if isinstance(kernel, int):
        return kernel, kernel
    k_h, k_w = kernel
    return int(k_h), int(k_w)


def conv2d_params(c_in: int, c_out: int, kernel, bias: bool = True, groups: int = 1) -> int:
    """参数量 / Number of learnable parameters of ``nn.Conv2d(c_in, c_out, kernel, bias=bias, groups=groups)``."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def conv2d_macs(c_in: int, c_out: int, kernel, out_h: int, out_w: int, groups: int = 1) -> int:
    """乘加次数 / Multiply-accumulates to produce a ``[c_out, out_h, out_w]`` output."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def conv2d_flops(c_in: int, c_out: int, kernel, out_h: int, out_w: int, groups: int = 1) -> int:
    """浮点运算次数 / FLOPs = 2 × MACs (bias additions not counted)."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def conv2d_cost(c_in: int, c_out: int, kernel, in_h: int, in_w: int, stride: int = 1,
                padding: int = 0, bias: bool = True, groups: int = 1) -> dict:
    """一层卷积的全部代价 / Everything about one conv layer's cost.

    返回 / Returns ``{"params", "macs", "flops", "out_shape"}`` with
    ``out_shape == (c_out, out_h, out_w)``.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    for k, p in ((3, 1), (1, 0)):
        print(f"{k}×{k}:", conv2d_cost(16, 32, k, 28, 28, stride=1, padding=p))
