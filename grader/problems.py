"""The ten problems: module names (the contract), titles, and the oracles a
submission must not call. Points live on the tests themselves (``points`` marker).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    module: str
    zh: str
    en: str
    # Dotted names replaced, in the worker, by guards that raise when used.
    forbidden: tuple[str, ...] = field(default=())

    @property
    def number(self) -> str:
        return self.module[:4]


_TORCHVISION_MODELS = (
    "torchvision.models.alexnet", "torchvision.models.AlexNet",
    "torchvision.models.vgg16", "torchvision.models.vgg16_bn", "torchvision.models.VGG",
    "torchvision.models.vgg.make_layers",
    "torchvision.models.resnet18", "torchvision.models.resnet34", "torchvision.models.ResNet",
    "torchvision.models.resnet.BasicBlock",
)

PROBLEMS = (
    Problem("hw01_initialization", "参数初始化", "Initialization: Xavier vs He"),
    Problem("hw02_receptive_field", "感受野", "Receptive field"),
    Problem("hw03_conv_cost", "卷积参数量与计算量", "Conv parameters and FLOPs"),
    Problem("hw04_catdog_dataset", "猫狗数据集", "Cat/dog dataset"),
    Problem("hw05_cifar10_visualization", "CIFAR-10 可视化", "Four ways to show CIFAR-10"),
    Problem("hw06_depthwise_separable", "深度可分离卷积", "Depthwise separable conv"),
    Problem("hw07_conv_vs_fc", "卷积与全连接", "Convolution vs fully connected"),
    Problem("hw08_alexnet_vgg", "AlexNet 与 VGG", "AlexNet and VGG", forbidden=_TORCHVISION_MODELS),
    Problem("hw09_resnet", "ResNet 残差网络", "ResNet18/34", forbidden=_TORCHVISION_MODELS),
    Problem("hw10_lstm", "LSTM 门控", "LSTM from its gates", forbidden=(
        "torch.nn.LSTM", "torch.nn.LSTMCell", "torch.nn.modules.rnn.LSTM",
        "torch.nn.modules.rnn.LSTMCell", "torch.lstm", "torch.lstm_cell",
        "torch._VF.lstm", "torch._VF.lstm_cell", "torch._C._VariableFunctions.lstm",
        "torch._C._VariableFunctions.lstm_cell",
    )),
)

BY_MODULE = {p.module: p for p in PROBLEMS}
