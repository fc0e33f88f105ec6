"""附加题 11 优化器: 带动量的 SGD 与 Adam / Bonus problem 11: SGD with momentum and Adam.

讲义「什么是Adam? Adam和SGD之间的主要区别」: SGD 对所有参数使用同一个学习率, 只看当前梯度;
Adam 对梯度的一阶矩 (均值) 和二阶矩 (平方均值) 做指数加权平均并做偏置修正, 从而为每个参数
自适应地调整步长。这里从零实现两者 (作为 ``torch.optim.Optimizer`` 的子类), 与
``torch.optim.SGD`` / ``torch.optim.Adam`` 逐步一致, 再在一个尺度很不均衡的二次函数上比较它们。

The notes' section on Adam vs SGD: SGD moves every parameter with one learning rate and
the current gradient only; Adam keeps exponential averages of the gradient and of its
square, corrects their bias, and so adapts each parameter's step size. Implement both
from scratch (subclasses of ``torch.optim.Optimizer``) so that they agree step by step
with ``torch.optim.SGD`` / ``torch.optim.Adam``, then compare them on a badly scaled
quadratic.

更新规则 / Update rules (g = 梯度 gradient, λ = weight_decay, μ = momentum, τ = dampening)::

    SGD:  g ← g + λ·p
          b ← g (第一步 / first step),  b ← μ·b + (1 − τ)·g (之后 / afterwards)
          g ← g + μ·b (nesterov) 或 / or  g ← b          (仅当 μ ≠ 0 / only when μ ≠ 0)
          p ← p − lr·g
    Adam: g ← g + λ·p                    (L2, 不是 AdamW 的解耦衰减 / not AdamW's decoupled decay)
          m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,   t ← t + 1
          m̂ = m / (1 − β1^t),      v̂ = v / (1 − β2^t)
          p ← p − lr·m̂ / (√v̂ + ε)

不许使用 ``torch.optim.SGD``、``torch.optim.Adam`` 或 torch 自带的其他优化器代码;
基类 ``torch.optim.Optimizer`` 可以用。/ Do not use ``torch.optim.SGD``, ``torch.optim.Adam``
or torch's other optimiser code; the base class ``torch.optim.Optimizer`` is allowed.
"""

from __future__ import annotations

import torch


class SGD(torch.optim.Optimizer):
    """随机梯度下降 (可选动量、阻尼、Nesterov、权重衰减) / SGD with momentum, dampening,
    Nesterov momentum and weight decay, as ``torch.optim.SGD`` computes it.

    - 每个参数组可以有自己的超参数 (``self.param_groups``) / each parameter group may carry
      its own hyper-parameters;
    - 动量缓冲放在 ``self.state[p]`` 里, 每个参数一份 / the momentum buffer lives in
      ``self.state[p]``, one per parameter;
    - 没有梯度 (``p.grad is None``) 的参数跳过 / parameters without a gradient are skipped;
    - ``nesterov=True`` 需要 momentum > 0 且 dampening = 0, 否则抛出 ``ValueError``
      (和 torch 一样) / ``nesterov=True`` needs momentum > 0 and dampening 0, else
      ``ValueError`` (as torch does).
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure=None):
        """做一步更新; 给了 ``closure`` 就先调用它 (在启用梯度的环境里) 并返回它的损失 /
        One update; with a ``closure``, call it first (with gradients enabled) and return
        its loss."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


class Adam(torch.optim.Optimizer):
    """Adam (一阶、二阶矩的指数平均 + 偏置修正) / Adam: exponential averages of the gradient
    and of its square, with bias correction, as ``torch.optim.Adam`` computes it.

    ``weight_decay`` 把 λ·p 加到梯度上 (L2) / adds λ·p to the gradient (L2). 每个参数在
    ``self.state[p]`` 里有自己的步数和两个平均 / each parameter keeps its own step count and
    averages in ``self.state[p]``; 参数组、跳过无梯度的参数、``closure`` 同 ``SGD`` /
    parameter groups, skipped parameters and ``closure`` as for ``SGD``.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure=None):
        """做一步更新, 返回 ``closure`` 的损失 (若有) / One update; returns the closure's loss."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


def quadratic_loss(w: torch.Tensor) -> torch.Tensor:
    """f(w) = ½·Σ s_k·w_k², s = (100, 1): 一个方向陡、一个方向平 / one steep and one flat direction."""
    scales = torch.tensor([100.0, 1.0], dtype=w.dtype, device=w.device)
    return 0.5 * (scales * w * w).sum()


def compare_optimizers(steps: int = 200, lr_sgd: float = 0.01, lr_adam: float = 0.1,
                       seed: int = 0) -> dict[str, list[float]]:
    """在 ``quadratic_loss`` 上从 w = (1, 1) 出发, 分别用你的 SGD (无动量) 和 Adam 各走 ``steps``
    步, 返回 ``{"sgd": losses, "adam": losses}``: 每一步更新之前的损失 (float)。

    Minimise ``quadratic_loss`` from w = (1, 1) with your SGD (no momentum) and your Adam,
    ``steps`` steps each, and return ``{"sgd": losses, "adam": losses}``: the loss before
    each update, as floats.

    讲义的要点 / The notes' point: SGD 的学习率必须小于 2/100 才不会在陡的方向发散, 于是平的方向
    走得很慢 (默认参数下最后约 9e-3); Adam 为每个参数调整步长 (最后约 1e-8, 学习率取 0.05–0.2
    都如此) / SGD's rate must stay below 2/100 or the steep direction diverges, which leaves
    the flat one slow (about 9e-3 at the end by default); Adam adapts each parameter's step
    (about 1e-8 at the end, for any rate from 0.05 to 0.2).
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    result = compare_optimizers()
    print(f"SGD  final loss {result['sgd'][-1]:.3e}")
    print(f"Adam final loss {result['adam'][-1]:.3e}")
