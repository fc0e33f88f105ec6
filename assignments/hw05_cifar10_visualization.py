"""第五题 用四种方法可视化 CIFAR-10 的一个批次 / Problem 5: four ways to show a CIFAR-10 batch.

流程 / Pipeline: 数据加载与预处理 (ToTensor + Normalize) -> 反归一化 (关键步骤) -> 四种可视化。
load and preprocess (ToTensor + Normalize) -> denormalize (the key step) -> four ways to draw.

归一化后的图像直接显示会很暗或颜色失真, 所以画图前必须先反归一化:
x = x_norm · std + mean, 再截断到 [0, 1]。
A normalized image shown as is looks dark or off-colour, so denormalize before drawing:
x = x_norm · std + mean, then clamp to [0, 1].

- 方法一 / Method 1: ``plt.subplots`` 循环逐个绘制子图, 每张图一个坐标轴, 标题为类别名
  (one axes per image, titled with its class name).
- 方法二 / Method 2: ``torchvision.utils.make_grid`` 拼成一张大图 (one big image).
- 方法三 / Method 3: ``mpl_toolkits.axes_grid1.ImageGrid`` 固定大小的图片网格, 标题为类别名
  (a fixed-size grid of axes, titled with class names).
- 方法四 / Method 4: ``numpy_grid`` 只用 NumPy 把图片 "缝合" 成一张大图, 结果与 make_grid 完全一致
  (stitch with NumPy alone, exactly what make_grid returns, in H×W×C order).

四个画图函数的 ``images`` 参数都是数据加载器给出的 *归一化后* 的批次; 先反归一化再拼接,
这样边框是黑色的。每个函数返回它画的 Figure。
The ``images`` argument of the plot functions is the *normalized* batch as the loader
yields it; denormalize first, then build the grid (so padding is black). Each returns its
figure.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torchvision
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1 import ImageGrid
from torch.utils.data import DataLoader
from torchvision import transforms
from torchvision.utils import make_grid

# torchvision 的类别顺序 / the 10 names, in torchvision's order (batches.meta)
CIFAR10_CLASSES: tuple[str, ...] = ("airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck")
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


def get_cifar10_loader(root, batch_size: int = 16, train: bool = False,
                       download: bool = False) -> DataLoader:
    """CIFAR-10 的数据加载器 / A DataLoader over CIFAR-10 under ``root``.

    用 ``torchvision.datasets.CIFAR10(root, train=train, download=download)`` 读取数据,
    预处理为 ``ToTensor()`` + ``Normalize(CIFAR10_MEAN, CIFAR10_STD)``;
    ``train`` 为真时打乱顺序 (shuffle), 否则保持文件中的顺序。
    Reads ``torchvision.datasets.CIFAR10(root, train=train, download=download)`` with
    ``ToTensor()`` + ``Normalize(CIFAR10_MEAN, CIFAR10_STD)``; shuffles when ``train`` is
    true, keeps the file order otherwise. Yields ``(images [B, 3, 32, 32], labels [B])``.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def denormalize(images, mean=CIFAR10_MEAN, std=CIFAR10_STD) -> torch.Tensor:
    """反归一化 / Undo ``Normalize(mean, std)``: ``images · std + mean``, clamped to [0, 1].

    ``images`` 为 ``[N, 3, H, W]`` (或 ``[3, H, W]``) 张量; 返回新张量, 不修改输入,
    与输入在同一设备上。
    ``images`` is ``[N, 3, H, W]`` (or ``[3, H, W]``); returns a new tensor on the input's
    device and never changes its input.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def numpy_grid(images, nrow: int = 8, padding: int = 2, pad_value: float = 0.0) -> np.ndarray:
    """只用 NumPy 拼接网格 / Stitch a batch into one image with NumPy alone.

    输入 ``[N, 3, H, W]`` 的 [0, 1] 浮点批次 (张量或数组), 返回 ``[H', W', 3]`` 数组, 逐元素等于
    ``torchvision.utils.make_grid(images, nrow, padding, pad_value=pad_value)`` 的 H×W×C 排列:
    每行 ``min(nrow, N)`` 张图, 图与图之间及四周留 ``padding`` 像素的 ``pad_value``;
    只有一张图时原样返回 (不加边框); 最后一行不满时空位填 ``pad_value``。
    可以把输入转成 NumPy 数组 (``.detach().cpu().numpy()``, ``np.asarray``), 但拼接本身
    只能用 NumPy (不能用 make_grid, 也不能用 torch.cat、F.pad 等 torch 运算)。

    Takes a float batch ``[N, 3, H, W]`` in [0, 1] (tensor or array) and returns an
    ``[H', W', 3]`` array equal to ``make_grid(images, nrow, padding, pad_value=pad_value)``
    in H×W×C order: ``min(nrow, N)`` images a row, ``padding`` pixels of ``pad_value``
    between and around them; a single image comes back unpadded; the empty cells of a
    last row that is not full hold ``pad_value``. Turning the input into a NumPy array is
    allowed; the stitching itself is NumPy only (no make_grid, no torch.cat, F.pad, ...).
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def _as_hwc(image: torch.Tensor) -> np.ndarray:
    """``[3, H, W]`` tensor -> ``[H, W, 3]`` array for ``imshow``."""
    return image.detach().cpu().permute(1, 2, 0).numpy()


def plot_with_subplots(images, labels, classes=CIFAR10_CLASSES, ncols: int = 8) -> Figure:
    """方法一 / Method 1: ``plt.subplots`` 网格, 每张图一个坐标轴, 标题为类别名。

    One axes per image from ``plt.subplots(nrows, ncols)``, in row-major order, each
    titled with its class name ``classes[label]``; shows the denormalized images.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def plot_with_make_grid(images, nrow: int = 8, padding: int = 2) -> Figure:
    """方法二 / Method 2: ``torchvision.utils.make_grid`` 拼成一张图 (先反归一化)。

    One image: ``make_grid(denormalize(images), nrow=nrow, padding=padding)``.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def plot_with_image_grid(images, labels, classes=CIFAR10_CLASSES, ncols: int = 8) -> Figure:
    """方法三 / Method 3: ``mpl_toolkits.axes_grid1.ImageGrid``, 标题为类别名。

    An ``ImageGrid`` with ``ncols`` columns, one cell per image in row-major order, each
    titled with its class name; shows the denormalized images.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def plot_with_numpy(images, nrow: int = 8, padding: int = 2) -> Figure:
    """方法四 / Method 4: 用 ``numpy_grid`` 拼成一张图 (先反归一化)。

    One image: ``numpy_grid(denormalize(images), nrow=nrow, padding=padding)``.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    import sys

    root = sys.argv[1] if len(sys.argv) > 1 else "./data"
    images, labels = next(iter(get_cifar10_loader(root, batch_size=16)))
    for number, fig in enumerate((plot_with_subplots(images, labels), plot_with_make_grid(images),
                                  plot_with_image_grid(images, labels), plot_with_numpy(images)), 1):
        fig.savefig(f"cifar10_method{number}.png")
    print("saved cifar10_method1.png … cifar10_method4.png")
