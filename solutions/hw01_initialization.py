"""第一题 参数初始化: Xavier 与 He / Problem 1 (hw01_initialization): parameter initialization, Xavier vs He.

为什么深层网络不能把参数全设为 0 或较大的随机值?
- 全 0 (或任何常数): 同一层的所有神经元输出相同、梯度相同, 训练后仍然相同 (对称性无法打破);
  而且 ReLU 网络中全 0 权重让所有激活都是 0。
- 较大的随机值: 每一层把激活值放大, 几十层后数值爆炸 (ReLU), 或者落入饱和区 (tanh/sigmoid),
  梯度消失。
- Xavier (Glorot): Var(W) = 2 / (n_in + n_out), 假设激活函数关于 0 对称 (tanh)。
  在 ReLU 网络中负半轴被截断, 每层的二阶矩减半, 激活值逐层缩小 (约每层 1/√2)。
- He (Kaiming): Var(W) = 2 / n_in, 多出的因子 2 正好补偿 ReLU 丢掉的一半, 激活值逐层保持稳定。

Why not all zeros or large random values? Zeros (or any constant) make every unit
of a layer compute, and learn, the same thing: symmetry is never broken. Large
values blow activations up layer after layer (ReLU) or saturate them (tanh).
Xavier keeps the variance for a symmetric activation (Var(W) = 2/(n_in + n_out));
with ReLU, which zeroes half of its input, the second moment halves every layer.
He doubles the variance (Var(W) = 2/n_in) to compensate, so it stays stable.

扇入/扇出 / fans: 与 ``torch.nn.init`` 相同, 由权重形状计算: ``nn.Linear`` 的权重
``[out, in]`` 给出 fan_in = in, fan_out = out; ``nn.Conv2d`` 的权重 ``[C_out, C_in, k_h, k_w]``
给出 fan_in = C_in·k_h·k_w, fan_out = C_out·k_h·k_w.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# 合法的初始化方案 / The valid schemes of ``init_weights_``.
SCHEMES = ("zeros", "constant", "large", "xavier", "he")
CONSTANT_VALUE = 0.5
LARGE_STD = 1.0


def xavier_std(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Xavier (Glorot) 正态初始化的标准差 / std of Xavier normal init: gain·sqrt(2/(fan_in+fan_out))."""
    ### BEGIN SOLUTION
    return gain * math.sqrt(2.0 / (fan_in + fan_out))
    ### END SOLUTION


def he_std(fan_in: int, gain: float = math.sqrt(2.0)) -> float:
    """He (Kaiming) 正态初始化的标准差 / std of He normal init: gain/sqrt(fan_in) (gain √2 for ReLU)."""
    ### BEGIN SOLUTION
    return gain / math.sqrt(fan_in)
    ### END SOLUTION


def init_weights_(module: nn.Module, scheme: str) -> nn.Module:
    """原地初始化 ``module`` 中 (包括嵌套的) 每个 ``nn.Linear`` 和 ``nn.Conv2d``。

    权重按方案初始化, 偏置置 0; 返回 ``module`` 本身。方案 / schemes:
    ``"zeros"`` (全 0), ``"constant"`` (全 0.5), ``"large"`` (正态, std 1),
    ``"xavier"`` (正态, std ``xavier_std``), ``"he"`` (正态, std ``he_std``)。
    未知方案抛出 ``ValueError`` 并列出合法方案。

    Initialise in place the weight of every ``nn.Linear`` and ``nn.Conv2d`` inside
    ``module`` (nested ones too) with ``scheme``, with fans computed from the weight's
    shape as ``torch.nn.init`` does, and set their biases to 0. Returns ``module``.
    An unknown scheme raises ``ValueError`` naming the valid ones.
    """
    ### BEGIN SOLUTION
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; valid schemes: {', '.join(SCHEMES)}")
    for layer in module.modules():
        if not isinstance(layer, (nn.Linear, nn.Conv2d)):
            continue
        weight = layer.weight
        receptive = math.prod(weight.shape[2:])
        fan_in, fan_out = weight.shape[1] * receptive, weight.shape[0] * receptive
        with torch.no_grad():
            if scheme == "zeros":
                weight.zero_()
            elif scheme == "constant":
                weight.fill_(CONSTANT_VALUE)
            elif scheme == "large":
                weight.normal_(0.0, LARGE_STD)
            elif scheme == "xavier":
                weight.normal_(0.0, xavier_std(fan_in, fan_out))
            else:
                weight.normal_(0.0, he_std(fan_in))
            if layer.bias is not None:
                layer.bias.zero_()
    return module
    ### END SOLUTION


def activation_stds(scheme: str, *, depth: int = 50, width: int = 256, activation: str = "relu",
                    batch: int = 512, seed: int = 0) -> list[float]:
    """逐层激活值的标准差 / The std of each layer's activation output, first layer first.

    搭建 ``depth`` 层无偏置的 ``nn.Linear(width, width)``, 每层后接激活函数 (``"relu"`` 或
    ``"tanh"``), 用 ``init_weights_(…, scheme)`` 初始化, 输入一批标准正态数据 (由 ``seed``
    决定), 返回每个激活函数输出的标准差 (对该层输出的全部元素计算, 即 ``h.std()``; 长度 ``depth``)。
    数值爆炸时出现 inf/nan 也可以。

    Builds an MLP of ``depth`` bias-free ``nn.Linear(width, width)`` layers, each followed
    by the activation, initialises it with ``init_weights_(…, scheme)``, feeds a
    standard-normal batch ``[batch, width]`` (seeded by ``seed``) and returns the std of
    every activation output, over all its entries (``h.std()``), first layer first (length
    ``depth``). An exploding run may reach inf or nan.
    """
    ### BEGIN SOLUTION
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh}
    if activation not in activations:
        raise ValueError(f"unknown activation {activation!r}; valid: {', '.join(activations)}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layers = []
        for _ in range(depth):
            layers += [nn.Linear(width, width, bias=False), activations[activation]()]
        model = init_weights_(nn.Sequential(*layers), scheme)
        x = torch.randn(batch, width)
    stds = []
    with torch.no_grad():
        h = x
        for layer in model:
            h = layer(h)
            if not isinstance(layer, nn.Linear):
                stds.append(h.std().item())
    return stds
    ### END SOLUTION


if __name__ == "__main__":
    for scheme, act in (("he", "relu"), ("xavier", "relu"), ("zeros", "relu"), ("large", "relu"),
                        ("xavier", "tanh"), ("large", "tanh")):
        s = activation_stds(scheme, activation=act)
        print(f"{scheme:8s} {act}: layer 1 {s[0]:.3g}, layer 10 {s[9]:.3g}, layer 50 {s[-1]:.3g}")
