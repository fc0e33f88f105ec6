"""第八题 AlexNet 与 VGG / Problem 8: AlexNet and VGG.

AlexNet 的核心创新 / What AlexNet introduced (the notes):
- ReLU 激活 (不饱和, 收敛快) / ReLU activations (non-saturating, fast to train);
- Dropout 防止过拟合: 放在两个 4096 维全连接层之前 / dropout before the two 4096-wide layers;
- 重叠池化: 3×3 窗口, 步幅 2 (步幅 < 窗口) / overlapping max pooling, 3×3 windows with stride 2;
- 局部响应归一化 (LRN, 无参数) / local response normalisation (no parameters);
- GPU 训练 (这里用 torchvision 的单 GPU 版本: 64-192-384-256-256 通道) /
  GPU training (here torchvision's single-GPU layout: 64-192-384-256-256 channels).

VGG 的核心创新 / What VGG introduced: 只用 3×3 卷积 (s1, p1) 与 2×2 最大池化 (s2) 堆叠成深层网络;
两个 3×3 卷积的感受野等于一个 5×5, 参数却只有 2·9/25 = 72 % / only 3×3 convolutions (s1, p1)
and 2×2 s2 max pooling, stacked deep; two stacked 3×3 convs see as far as one 5×5 with
2·9/25 = 72 % of its parameters, and one more non-linearity.

作业 / Homework: AlexNet 61,100,840 parameters, VGG16 138,357,544 parameters (1000 classes).
不得使用 ``torchvision.models`` / do not use ``torchvision.models``: write the layers yourself.

评分 / Grading: 评分器把 torchvision 同名模型的 (随机) 权重载入你的模型, 按层的类型、形状和数据流匹配,
与属性名和注册顺序无关; 请用 nn.Conv2d / nn.Linear / nn.BatchNorm2d (或 F.conv2d / F.linear /
F.batch_norm) 表示带参数的层。/ The grader loads the (random) weights of torchvision's model into
yours, matching layers by type, shape and data flow, whatever their names or registration order;
use nn.Conv2d / nn.Linear / nn.BatchNorm2d (or F.conv2d / F.linear / F.batch_norm) for layers with
parameters.
"""

from __future__ import annotations

import torch
from torch import nn

# torchvision 的配置格式: 整数 = 3×3 卷积 (输出通道数), "M" = 2×2 最大池化 /
# torchvision's configuration format: an int is a 3×3 conv with that many output channels,
# "M" is a 2×2 s2 max pooling.
VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


class AlexNet(nn.Module):
    """AlexNet (torchvision 的单 GPU 版本 / torchvision's single-GPU layout).

    特征 / features: conv 11×11 s4 p2 (3→64) – ReLU – maxpool 3×3 s2 – conv 5×5 p2 (64→192) – ReLU –
    maxpool 3×3 s2 – conv 3×3 p1 (192→384) – ReLU – conv 3×3 p1 (384→256) – ReLU –
    conv 3×3 p1 (256→256) – ReLU – maxpool 3×3 s2.
    然后自适应平均池化到 6×6 / then adaptive average pooling to 6×6.
    分类器 / classifier: Dropout(p) – Linear(256·6·6, 4096) – ReLU – Dropout(p) – Linear(4096, 4096) –
    ReLU – Linear(4096, num_classes).

    ``use_lrn=True`` 时在前两个 ReLU 之后加局部响应归一化 (size 5, α 1e-4, β 0.75, k 2; 无参数) /
    with ``use_lrn=True``, local response normalisation follows the first two ReLUs
    (size 5, alpha 1e-4, beta 0.75, k 2; no parameters).

    输入 ``[N, 3, H, W]`` (H, W ≥ 64), 输出 ``[N, num_classes]`` /
    input ``[N, 3, H, W]`` (H, W ≥ 64), output ``[N, num_classes]``.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, use_lrn: bool = False) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        def lrn() -> list[nn.Module]:
            return [nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0)] if use_lrn else []

        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            *lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            *lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 3, H, W]`` → ``[N, num_classes]`` (logits / 未归一化的分数)."""
        ### BEGIN SOLUTION
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)
        ### END SOLUTION


class VGG(nn.Module):
    """VGG: ``features`` (卷积部分 / the convolutional part) + torchvision 的分类头 / torchvision's head.

    分类头 / head: 自适应平均池化到 7×7 / adaptive average pooling to 7×7, then
    Linear(C·7·7, 4096) – ReLU – Dropout(0.5) – Linear(4096, 4096) – ReLU – Dropout(0.5) –
    Linear(4096, num_classes), C = 最后一个卷积的输出通道数 / the last conv's output channels (512).
    """

    def __init__(self, features: nn.Module, num_classes: int = 1000, last_channels: int = 512) -> None:
        super().__init__()
        ### BEGIN SOLUTION
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(last_channels * 7 * 7, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, num_classes),
        )
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 3, H, W]`` → ``[N, num_classes]``."""
        ### BEGIN SOLUTION
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)
        ### END SOLUTION


def make_layers(cfg: list, batch_norm: bool = False) -> nn.Sequential:
    """按配置搭建卷积部分 / The convolutional part from a configuration.

    整数 c: 3×3 卷积 (s1, p1) 到 c 个通道, (``batch_norm`` 时接 BatchNorm2d,) 再接 ReLU;
    ``"M"``: 2×2 最大池化, 步幅 2。输入为 3 通道 RGB 图像。
    An int c: a 3×3 conv (s1, p1) to c channels, then (BatchNorm2d when ``batch_norm``) ReLU;
    ``"M"``: 2×2 max pooling with stride 2. The input has 3 (RGB) channels.
    """
    ### BEGIN SOLUTION
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            conv = nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv, nn.BatchNorm2d(int(v)), nn.ReLU(inplace=True)]
            else:
                layers += [conv, nn.ReLU(inplace=True)]
            in_channels = int(v)
    return nn.Sequential(*layers)
    ### END SOLUTION


def make_vgg(cfg: list, num_classes: int = 1000, batch_norm: bool = False) -> nn.Module:
    """按 torchvision 的配置格式搭建 VGG / A VGG from a torchvision-style configuration.

    例 / e.g. ``make_vgg(VGG16_CFG)`` is VGG16; ``make_vgg([64, "M", 128, "M", ...], batch_norm=True)``.
    """
    ### BEGIN SOLUTION
    last = [v for v in cfg if v != "M"][-1]
    return VGG(make_layers(cfg, batch_norm=batch_norm), num_classes=num_classes, last_channels=int(last))
    ### END SOLUTION


def vgg16(num_classes: int = 1000, batch_norm: bool = False) -> nn.Module:
    """VGG16 (配置 D / configuration D): 13 个 3×3 卷积 + 3 个全连接层 / 13 3×3 convs + 3 linear layers.

    138,357,544 个参数 (1000 类, 无 BN) / parameters (1000 classes, no batch norm).
    """
    ### BEGIN SOLUTION
    return make_vgg(VGG16_CFG, num_classes=num_classes, batch_norm=batch_norm)
    ### END SOLUTION


def stacked_3x3_vs_5x5_ratio(channels: int) -> float:
    """两个堆叠的 3×3 卷积 (C→C, 无偏置) 与一个 5×5 卷积的参数量之比 /
    Parameters of two stacked 3×3 convs (C→C, no bias) over one 5×5 conv: 2·9·C² / (25·C²) = 0.72.
    """
    ### BEGIN SOLUTION
    two_3x3 = 2 * (3 * 3 * channels * channels)
    one_5x5 = 5 * 5 * channels * channels
    return two_3x3 / one_5x5
    ### END SOLUTION


if __name__ == "__main__":
    for name, model in (("AlexNet", AlexNet()), ("VGG16", vgg16())):
        n = sum(p.numel() for p in model.parameters())
        print(f"{name}: {n:,} parameters, output {tuple(model(torch.zeros(1, 3, 224, 224)).shape)}")
    print("two 3×3 / one 5×5:", stacked_3x3_vs_5x5_ratio(64))
