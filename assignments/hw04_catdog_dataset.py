"""第四题 自定义猫狗数据集 / Problem 4: a custom cat/dog dataset.

用课堂讲的自定义 ``Dataset`` 方法读取猫狗图片: 批量读取, 统一尺寸, 转为 tensor,
并把一个批次画出来。
Read cat and dog pictures with a custom ``Dataset``: load them in batches, give them
one size, turn them into tensors, and draw one batch.

两种目录结构 / Two layouts under ``root``::

    root/cat/xxx.jpg, root/dog/yyy.png      类别文件夹 (同 ImageFolder, 递归查找子文件夹;
                                            cat/ 与 dog/ 以外的文件夹忽略)
                                            class folders (as ImageFolder, searched recursively;
                                            folders other than cat/ and dog/ are ignored)
    root/cat.0.jpg, root/dog.12.jpg         Kaggle "Dogs vs. Cats" 的扁平结构: 文件直接放在 root 下,
                                            文件名以 cat. 或 dog. 开头 / Kaggle's flat layout: files
                                            directly under root, named cat.* or dog.*

- 标签 / labels: cat → 0, dog → 1 (``CLASSES`` 中的下标 / the index in ``CLASSES``).
- ``samples``: ``[(文件路径 path, 标签 label), ...]``, 按文件路径排序, 结果确定
  / sorted by file path, deterministic.
- 按扩展名识别图片 (不区分大小写, torchvision 的 ``IMG_EXTENSIONS``), 其他文件忽略;
  每张图都转为 RGB。 Images are recognised by their extension (case-insensitive,
  torchvision's ``IMG_EXTENSIONS``); other files are ignored; every image becomes RGB.
- ``image_size``: int (正方形 / square) 或 ``(h, w)``。``__getitem__`` 返回 ``[3, h, w]``
  的 float tensor (取值 [0, 1]) 和 int 标签; 给了 ``transform`` 时, 它代替默认的
  Resize + ToTensor。 ``__getitem__`` returns a float ``[3, h, w]`` tensor in [0, 1] and an
  int label; a given ``transform`` replaces the default Resize + ToTensor.
- 错误 / errors: ``root`` 不存在或其中没有图片时构造函数抛出 ``FileNotFoundError``;
  无法解码的图片在读取该样本时抛出异常。每条错误信息都要写出路径。
  A missing root or a root without images: ``FileNotFoundError`` from the constructor;
  an undecodable file raises when that sample is read. Every message names the path.
"""

from __future__ import annotations

import math
import os

import matplotlib.pyplot as plt
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms
from torchvision.datasets.folder import IMG_EXTENSIONS

CLASSES = ("cat", "dog")


class CatDogDataset(Dataset):
    """猫狗数据集 / The cat/dog dataset.

    Args:
        root: 数据所在文件夹 (两种结构之一) / the folder, in either layout.
        image_size: int 或 (h, w), 默认变换缩放到的尺寸 / the default transform's output size.
        transform: 可选; 给出时代替默认的 Resize + ToTensor, 输入是 RGB 的 PIL 图片
            / optional; replaces the default Resize + ToTensor and receives the RGB PIL image.

    Attributes:
        samples: ``[(path, label), ...]``, 按路径排序 / sorted by path.
    """

    def __init__(self, root, image_size=224, transform=None):
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def _find_samples(self) -> list[tuple[str, int]]:
        """辅助函数 (可用可不用): ``root`` 下每张图片的 (路径, 标签), 两种结构都要支持。
        A helper (use it or not): (path, label) of every image under ``root``, in either layout."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def __len__(self) -> int:
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError

    def __getitem__(self, index: int):
        """``(image, label)``: 默认是 ``[3, h, w]`` float tensor, 取值 [0, 1] / by default a
        float ``[3, h, w]`` tensor in [0, 1]; label 0 (cat) or 1 (dog)."""
        # 在这里写你的代码 / YOUR CODE HERE
        raise NotImplementedError


def make_dataloader(root, batch_size: int = 32, image_size=224, shuffle: bool = True,
                    num_workers: int = 0) -> DataLoader:
    """``CatDogDataset(root, image_size)`` 的 DataLoader / A DataLoader over the dataset.

    每个批次是 ``(images [B, 3, h, w] float, labels [B] int64)``; 最后一个批次可以更小。
    Each batch is ``(images [B, 3, h, w] float, labels [B] int64)``; the last may be smaller.
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


def show_batch(images, labels, path=None, class_names=CLASSES, ncols: int = 8):
    """把一个批次画成网格, 每张图的标题是它的类别名; 给了 ``path`` 就保存为 PNG; 返回 figure。
    Draw a batch as a grid, each image titled with its class name; save a PNG when
    ``path`` is given; return the ``matplotlib.figure.Figure``.

    Args:
        images: ``[B, 3, h, w]`` 取值 [0, 1] / float in [0, 1].
        labels: ``[B]`` 整数标签 / integer labels (tensor or list).
    """
    # 在这里写你的代码 / YOUR CODE HERE
    raise NotImplementedError


if __name__ == "__main__":
    import sys

    loader = make_dataloader(sys.argv[1] if len(sys.argv) > 1 else "data/train", batch_size=16,
                             image_size=128)
    images, labels = next(iter(loader))
    print(images.shape, images.dtype, labels)
    show_batch(images, labels, path="catdog_batch.png")
