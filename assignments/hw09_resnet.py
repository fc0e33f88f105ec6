"""第九题 ResNet18/34 与残差连接 / Problem 9: ResNet18/34 and the residual connection.

残差连接 / The residual connection: 块学习残差 F(x), 输出 y = ReLU(F(x) + shortcut(x)) /
a block learns a residual F(x) and outputs y = ReLU(F(x) + shortcut(x)).

- 形状不变时 shortcut 是恒等映射; 步幅 ≠ 1 或通道数改变时, 用 1×1 卷积 (带同样的步幅) + BN 投影 /
  the shortcut is the identity when the shape is kept; when the stride is not 1 or the number of
  channels changes, it is a projection: a 1×1 conv (with the block's stride) followed by BN.
- 反向传播 / Backward: ∂y/∂x = ∂F/∂x + 1 (在 ReLU 的正区间 / on ReLU's positive part): 即使 F
  的梯度很小, 梯度也能经恒等路径直接传到浅层, 所以几百上千层的网络也能训练 / even when F's
  gradient vanishes, the identity path carries the gradient straight to earlier layers.

ResNet18 = [2, 2, 2, 2], ResNet34 = [3, 4, 6, 3] 个 BasicBlock / basic blocks, after a 7×7 s2 stem
and a 3×3 s2 max pool; then global average pooling and one linear layer.
参数量 / Parameters (1000 classes): 11,689,512 and 21,797,672.
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


class BasicBlock(nn.Module):
    """ResNet18/34 的基本残差块 / The basic residual block of ResNet18/34.

    残差分支 / residual branch F: conv3×3 (stride) – BN – ReLU – conv3×3 – BN (卷积无偏置 / convs
    without bias). shortcut: 形状不变时为恒等映射, 否则为 1×1 卷积 (stride) + BN /
    the identity when the shape is kept, else a 1×1 conv (with the stride) + BN.
    输出 / output: ReLU(F(x) + shortcut(x)).
    """

    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """y = ReLU(F(x) + shortcut(x))."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


class ResNet(nn.Module):
    """ResNet (torchvision 的结构 / torchvision's layout).

    stem: conv 7×7 s2 p3 (3→64, 无偏置 / no bias) – BN – ReLU – maxpool 3×3 s2 p1;
    layer1..layer4: ``layers[i]`` 个 ``block``, 通道 64, 128, 256, 512; layer2..4 的第一个块步幅为 2 /
    ``layers[i]`` blocks with 64, 128, 256, 512 channels; the first block of layer2..4 has stride 2;
    head: 全局平均池化 – 全连接 / global average pooling – Linear(512 · block.expansion, num_classes).
    输入 ``[N, 3, H, W]``, 输出 ``[N, num_classes]`` / input ``[N, 3, H, W]``, output ``[N, num_classes]``.
    """

    def __init__(self, block, layers: list[int], num_classes: int = 1000) -> None:
        super().__init__()
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def _make_layer(self, block, channels: int, blocks: int, stride: int = 1) -> nn.Sequential:
        """一个 stage: ``blocks`` 个块, 第一个块用 ``stride`` / One stage of ``blocks`` blocks; the first
        one has ``stride`` (and a projection shortcut when the shape changes)."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 3, H, W]`` → ``[N, num_classes]``."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


def resnet18(num_classes: int = 1000) -> ResNet:
    """ResNet18: [2, 2, 2, 2] 个 BasicBlock / basic blocks; 11,689,512 parameters at 1000 classes."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def resnet34(num_classes: int = 1000) -> ResNet:
    """ResNet34: [3, 4, 6, 3] 个 BasicBlock / basic blocks; 21,797,672 parameters at 1000 classes."""
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    for name, model in (("ResNet18", resnet18()), ("ResNet34", resnet34())):
        n = sum(p.numel() for p in model.parameters())
        print(f"{name}: {n:,} parameters, output {tuple(model(torch.zeros(1, 3, 224, 224)).shape)}")
