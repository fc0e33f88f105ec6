"""A correct AlexNet / VGG written differently from the reference: classifier registered
before the features, layers in ModuleLists / ModuleDicts under other names, functional
ReLU, pooling and dropout, LRN by the paper's formula (α not divided by the size),
flatten by reshape. It must score 10/10."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5, use_lrn: bool = False) -> None:
        super().__init__()
        self.p, self.use_lrn = dropout, use_lrn
        self.fcs = nn.ModuleList([nn.Linear(4096, num_classes), nn.Linear(4096, 4096), nn.Linear(9216, 4096)])
        self.convs = nn.ModuleDict({
            "c5": nn.Conv2d(256, 256, 3, padding=1), "c4": nn.Conv2d(384, 256, 3, padding=1),
            "c3": nn.Conv2d(192, 384, 3, padding=1), "c2": nn.Conv2d(64, 192, 5, padding=2),
            "c1": nn.Conv2d(3, 64, 11, stride=4, padding=2),
        })

    def _lrn(self, x):  # the paper's formula by hand: b = a / (k + α Σ a²)^β over 5 neighbouring channels
        if not self.use_lrn:
            return x
        sq = F.pad((x * x).unsqueeze(1), (0, 0, 0, 0, 2, 2)).squeeze(1)
        window = sum(sq[:, i:i + x.shape[1]] for i in range(5))
        return x / (2.0 + 1e-4 * window) ** 0.75

    def forward(self, x):
        c = self.convs
        x = F.max_pool2d(self._lrn(F.relu(c["c1"](x))), kernel_size=3, stride=2)
        x = F.max_pool2d(self._lrn(F.relu(c["c2"](x))), kernel_size=3, stride=2)
        x = F.relu(c["c3"](x))
        x = F.relu(c["c4"](x))
        x = F.max_pool2d(F.relu(c["c5"](x)), 3, 2)
        x = F.adaptive_avg_pool2d(x, 6).reshape(x.shape[0], -1)
        x = F.relu(self.fcs[2](F.dropout(x, self.p, self.training)))
        x = F.relu(self.fcs[1](F.dropout(x, self.p, self.training)))
        return self.fcs[0](x)


class _VGG(nn.Module):
    def __init__(self, cfg, num_classes, batch_norm):
        super().__init__()
        self.out = nn.Linear(4096, num_classes)
        self.hidden = nn.ModuleList([nn.Linear(512 * 49, 4096), nn.Linear(4096, 4096)])
        self.cfg = list(cfg)
        blocks, c = [], 3
        for v in cfg:
            if v != "M":
                blocks.append(nn.ModuleList([nn.Conv2d(c, v, 3, 1, 1)] + ([nn.BatchNorm2d(v)] if batch_norm else [])))
                c = v
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        i = 0
        for v in self.cfg:
            if v == "M":
                x = F.max_pool2d(x, 2)
            else:
                for layer in self.blocks[i]:
                    x = layer(x)
                x = x.clamp(min=0)
                i += 1
        x = torch.flatten(F.adaptive_avg_pool2d(x, (7, 7)), 1)
        for fc in self.hidden:
            x = F.dropout(F.relu(fc(x)), 0.5, self.training)
        return self.out(x)


def make_vgg(cfg, num_classes=1000, batch_norm=False):
    return _VGG(cfg, num_classes, batch_norm)


def vgg16(num_classes=1000, batch_norm=False):
    d = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    return make_vgg(d, num_classes, batch_norm)


def stacked_3x3_vs_5x5_ratio(channels: int) -> float:
    return 18 / 25
