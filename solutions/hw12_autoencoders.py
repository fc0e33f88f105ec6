"""附加题 12 自编码器与去噪自编码器 / Bonus problem 12: autoencoder and denoising autoencoder.

讲义「自编码器」: 编码器把高维输入映射为低维隐特征, 解码器把隐特征重构为与输入维度一致的输出;
训练目标是最小化输入与重构输出之间的误差。「去噪自编码器」: 训练时给输入加随机噪声, 但要从
含噪输入中重构出干净的原始数据, 迫使模型学习数据的鲁棒特征, 而不是简单地记住输入。

The notes: an autoencoder's encoder maps a high-dimensional input to a low-dimensional
code and its decoder maps the code back to an output the size of the input; training
minimises the error between the input and its reconstruction. A denoising autoencoder
adds random noise to its input while training but must reconstruct the *clean* input
from the noisy one, which forces it to learn robust features rather than copy its input.

输入 ``x`` 是展平的图像 ``[N, in_features]``, 取值在 [0, 1] 之间 / ``x`` holds flattened
images ``[N, in_features]`` with values in [0, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class AutoEncoder(nn.Module):
    """自编码器 / An autoencoder.

    编码器: ``nn.Linear`` 依次经过 ``hidden`` 中的各个宽度, 层与层之间用 ReLU; 解码器是它的镜像,
    最后接 sigmoid, 输出在 (0, 1) 之间 (编码本身之后要不要激活都可以)。

    Encoder: ``nn.Linear`` layers through the widths in ``hidden``, ReLU between them; the
    decoder mirrors it and ends in a sigmoid, so outputs lie in (0, 1) (an activation on
    the code itself is allowed either way). E.g. ``hidden=(256, 64)``:
    784 → 256 → ReLU → 64 (code) → 256 → ReLU → 784 → sigmoid.
    """

    def __init__(self, in_features: int = 784, hidden: tuple[int, ...] = (256, 64)) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        widths = [in_features, *hidden]
        encoder: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(widths, widths[1:])):
            encoder.append(nn.Linear(a, b))
            if i < len(hidden) - 1:
                encoder.append(nn.ReLU())
        decoder: list[nn.Module] = []
        mirrored = widths[::-1]
        for i, (a, b) in enumerate(zip(mirrored, mirrored[1:])):
            decoder.append(nn.Linear(a, b))
            decoder.append(nn.ReLU() if i < len(hidden) - 1 else nn.Sigmoid())
        self.encoder = nn.Sequential(*encoder)
        self.decoder = nn.Sequential(*decoder)
        ### END SOLUTION

    def encode(self, x: Tensor) -> Tensor:
        """``[N, in_features]`` → 编码 / code ``[N, hidden[-1]]``."""
        ### BEGIN SOLUTION
        return self.encoder(x)
        ### END SOLUTION

    def decode(self, z: Tensor) -> Tensor:
        """编码 / code ``[N, hidden[-1]]`` → 重构 / reconstruction ``[N, in_features]``, in (0, 1)."""
        ### BEGIN SOLUTION
        return self.decoder(z)
        ### END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """``decode(encode(x))``, 形状与 ``x`` 相同 / the same shape as ``x``."""
        ### BEGIN SOLUTION
        return self.decode(self.encode(x))
        ### END SOLUTION


class DenoisingAutoEncoder(AutoEncoder):
    """去噪自编码器 / A denoising autoencoder: the same network, noisy inputs while training.

    ``corrupt(x)`` 返回 ``x`` 加上均值 0、标准差 ``noise_std`` 的高斯噪声 (形状不变, 不修改
    ``x``)。``forward`` 只在训练模式 (``self.training``) 下编码 ``corrupt(x)``, 评估模式下直接
    编码 ``x``。重构的目标永远是干净的 ``x``。

    ``corrupt(x)`` returns ``x`` plus Gaussian noise of mean 0 and standard deviation
    ``noise_std`` (same shape; ``x`` itself is left alone). ``forward`` encodes
    ``corrupt(x)`` in training mode (``self.training``) only, ``x`` in eval mode. The
    reconstruction target is always the clean ``x``.
    """

    def __init__(self, in_features: int = 784, hidden: tuple[int, ...] = (256, 64),
                 noise_std: float = 0.3) -> None:
        super().__init__(in_features, hidden)
        self.noise_std = noise_std

    def corrupt(self, x: Tensor) -> Tensor:
        """``x + N(0, noise_std²)`` 噪声 / noise, 形状不变 / same shape."""
        ### BEGIN SOLUTION
        return x + self.noise_std * torch.randn_like(x)
        ### END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        """训练模式: ``decode(encode(corrupt(x)))``; 评估模式: ``decode(encode(x))`` /
        training mode: ``decode(encode(corrupt(x)))``; eval mode: ``decode(encode(x))``."""
        ### BEGIN SOLUTION
        if self.training:
            x = self.corrupt(x)
        return self.decode(self.encode(x))
        ### END SOLUTION


def train_autoencoder(model: AutoEncoder, data: Tensor, *, steps: int = 300, lr: float = 1e-3,
                      batch: int = 64, seed: int = 0) -> list[float]:
    """用 Adam 和均方误差训练 ``model`` (AE 或 DAE 都行) ``steps`` 步, 返回每一步的损失。

    - 每步从 ``data`` ``[N, in_features]`` 中随机取 ``batch`` 个样本 (由 ``seed`` 决定);
    - 在训练模式下训练 (DAE 因此会加噪声), 损失是重构与**干净**输入之间的 MSE;
    - 结束时把模型切换到评估模式。

    Train ``model`` (an AE or a DAE) with Adam and the mean squared error for ``steps``
    steps and return every step's loss: each step draws ``batch`` random rows of ``data``
    (seeded by ``seed``); train in training mode (so a DAE adds its noise) against the
    **clean** input; leave the model in eval mode at the end.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    rows = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        x = data[torch.randint(0, len(data), (batch,), generator=rows).to(data.device)]
        loss = F.mse_loss(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses
    ### END SOLUTION


if __name__ == "__main__":
    images = torch.rand(512, 784)
    for cls in (AutoEncoder, DenoisingAutoEncoder):
        curve = train_autoencoder(cls(), images, steps=50)
        print(f"{cls.__name__}: loss {curve[0]:.4f} → {curve[-1]:.4f}")
