"""A correct hw08_alexnet_vgg written the way many students write it: the flattened size
found by a dummy forward in the constructor, weights initialised through ``.data``,
dropout and linear layers grouped in one Sequential, LRN as torch's module, flatten by
``view``, an OrderedDict classifier, the ratio counted on real convolutions. It must
score 10/10."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, use_lrn: bool = False) -> None:
        super().__init__()
        norm = [nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0)] if use_lrn else []
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(), *norm, nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), *norm, nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.AdaptiveAvgPool2d(6),
        )
        with torch.no_grad():
            flat = int(self.features(torch.zeros(1, 3, 224, 224)).view(1, -1).size(1))
        self.fc1 = nn.Sequential(nn.Dropout(dropout), nn.Linear(flat, 4096), nn.ReLU())
        self.fc2 = nn.Sequential(nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU())
        self.fc3 = nn.Linear(4096, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.data.normal_(0, 0.01)
                nn.init.constant_(m.bias, 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.fc3(self.fc2(self.fc1(x)))


class VGG(nn.Module):
    def __init__(self, features: nn.Module, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = features
        self.pool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(OrderedDict([
            ("fc6", nn.Linear(512 * 7 * 7, 4096)), ("relu6", nn.ReLU(True)), ("drop6", nn.Dropout()),
            ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU(True)), ("drop7", nn.Dropout()),
            ("fc8", nn.Linear(4096, num_classes)),
        ]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.features(x))
        return self.classifier(x.view(x.size(0), -1))


def make_layers(cfg: list, batch_norm: bool = False) -> list:
    layers, channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
            continue
        layers.append(nn.Conv2d(channels, v, 3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        channels = v
    return layers


def make_vgg(cfg: list, num_classes: int = 1000, batch_norm: bool = False) -> nn.Module:
    return VGG(nn.Sequential(*make_layers(cfg, batch_norm)), num_classes)


def vgg16(num_classes: int = 1000, batch_norm: bool = False) -> nn.Module:
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    return make_vgg(cfg, num_classes=num_classes, batch_norm=batch_norm)


def stacked_3x3_vs_5x5_ratio(channels: int) -> float:
    def count(k: int) -> int:
        return sum(p.numel() for p in nn.Conv2d(channels, channels, k, bias=False).parameters())

    return 2 * count(3) / count(5)
