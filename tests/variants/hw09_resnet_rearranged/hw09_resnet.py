"""A correct ResNet written differently from the reference: other attribute names, the
shortcut registered and computed before the residual branch, the head registered before
the stem, stages in a ModuleList, functional ReLU / pooling, global pooling by mean.
It must score 10/10: the grader matches layers by data flow and shape, not by names."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.skip = (nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                   nn.BatchNorm2d(out_channels))
                     if stride != 1 or in_channels != out_channels else nn.Identity())
        self.second = nn.ModuleDict({"conv": nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
                                     "norm": nn.BatchNorm2d(out_channels)})
        self.first = nn.ModuleDict({"norm": nn.BatchNorm2d(out_channels),
                                    "conv": nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.skip(x)
        h = F.relu(self.first["norm"](self.first["conv"](x)))
        h = self.second["norm"](self.second["conv"](h))
        return torch.relu(shortcut + h)


class ResNet(nn.Module):
    def __init__(self, block, layers: list[int], num_classes: int = 1000) -> None:
        super().__init__()
        self.head = nn.Linear(512 * block.expansion, num_classes)
        stages, channels, width = [], 64, 64
        for i, (n, w) in enumerate(zip(layers, (64, 128, 256, 512))):
            blocks = []
            for j in range(n):
                blocks.append(block(channels, w, 2 if (j == 0 and i > 0) else 1))
                channels = w * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.ModuleList(stages)
        self.stem_norm = nn.BatchNorm2d(width)
        self.stem = nn.Conv2d(3, width, 7, 2, 3, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.stem_norm(self.stem(x))), 3, 2, 1)
        for stage in self.stages:
            x = stage(x)
        return self.head(x.mean(dim=(2, 3)))


def resnet18(num_classes: int = 1000) -> ResNet:
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes)


def resnet34(num_classes: int = 1000) -> ResNet:
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes)
