"""hw04_catdog_dataset, judge side: the oracles and the comparisons public and hidden checks share.

Oracles: the sorted list of files the judge wrote and their labels
(``image_fixtures``); each file opened with Pillow, converted to RGB, then
``torchvision.transforms.Resize`` + ``ToTensor``; Pillow's reading of the PNG that
``show_batch`` writes. Any implementation that behaves as specified passes,
``torchvision.datasets.ImageFolder`` underneath included.
"""

from __future__ import annotations

import os

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

from grader.judging.checks import (expect, expect_close, expect_equal, expect_in_range, expect_len, expect_tensor,
                                   fail)
from grader.problems.hw04_catdog_dataset.image_fixtures import ImageFolderFixture

# Tolerance against the Resize + ToTensor oracle: decoding and resizing through
# another correct route (a tensor Resize, torchvision.io) differs by about 1/255;
# two different fixture pictures differ by 0.09 or more on average.
ATOL = 0.01


def as_hw(size) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


def resize_to_tensor(img: Image.Image, size) -> torch.Tensor:
    """The oracle: torchvision's Resize to exactly (h, w), then ToTensor."""
    return transforms.ToTensor()(transforms.Resize(as_hw(size))(img))


def norm_path(path) -> str:
    return os.path.normpath(os.path.realpath(path)) if isinstance(path, str) else repr(path)


def describe_file(fx: ImageFolderFixture, path: str) -> str:
    spec = fx.files.get(path)
    extra = f", {spec.fmt} mode {spec.mode}, {spec.size[0]}×{spec.size[1]}" if spec else ""
    return f"{fx.rel(path)}{extra}"


# -- samples --------------------------------------------------------------------------

def expect_samples(got: list, fx: ImageFolderFixture, what: str) -> None:
    """``got`` (from the worker) equals the judge's sorted list of (path, label)."""
    if isinstance(got, str):  # the worker could not read them
        fail(f"{what}: samples 应为 [(路径, 标签), ...], 你的是 {got}",
             f"{what}: samples must be [(path, label), ...], got {got}")
    expected = [(norm_path(p), label) for p, label in fx.samples]
    mine = [(norm_path(p), label) for p, label in got]
    extra = sorted({fx.rel(p) for p, _ in mine} - {fx.rel(p) for p, _ in expected})
    missing = sorted({fx.rel(p) for p, _ in expected} - {fx.rel(p) for p, _ in mine})
    if len(mine) != len(expected):
        fail(f"{what}: 应有 {len(expected)} 个样本, 你的有 {len(mine)} 个; 多出 {extra[:6]}, 缺少 {missing[:6]}",
             f"{what}: expected {len(expected)} samples, got {len(mine)}; extra {extra[:6]}, missing {missing[:6]}")
    if extra or missing:
        fail(f"{what}: 样本文件不对; 多出 {extra[:6]}, 缺少 {missing[:6]}",
             f"{what}: wrong files; extra {extra[:6]}, missing {missing[:6]}")
    wrong = [(fx.rel(p), label) for (p, label), (_, want) in zip(sorted(mine), sorted(expected)) if label != want]
    if wrong:
        fail(f"{what}: 标签错误 (cat 应为 0, dog 应为 1): {wrong[:6]}",
             f"{what}: wrong labels (cat must be 0, dog 1): {wrong[:6]}")
    expect_equal([fx.rel(p) for p, _ in mine], [fx.rel(p) for p, _ in expected],
                 f"{what}: 顺序 / order", "samples are sorted by file path")


def items_with_files(got: dict, fx: ImageFolderFixture, what: str):
    """(index, judge's path, image, label) for each item read, located by the student's own
    ``samples`` (so that a wrong order is charged to the samples checks only)."""
    samples = got["samples"]
    known = {norm_path(p): p for p, _ in fx.samples}
    if isinstance(samples, str) or len(samples) != len(got["items"]):
        fail(f"{what}: samples 应为与数据集等长的 [(路径, 标签), ...], 你的是 {str(samples)[:200]}",
             f"{what}: samples must be [(path, label), ...] as long as the dataset, got {str(samples)[:200]}")
    for i, ((path, _), (image, label)) in enumerate(zip(samples, got["items"])):
        if norm_path(path) not in known:
            fail(f"{what}: samples[{i}] = {path!r} 不是应有的图片文件",
                 f"{what}: samples[{i}] = {path!r} is not one of the image files")
        yield i, known[norm_path(path)], image, label


# -- items and batches -------------------------------------------------------------------

def expect_image(got, want: torch.Tensor, what: str) -> None:
    """A float [3, h, w] tensor in [0, 1], close to the oracle."""
    what = f"{what} (float [3, h, w] in [0, 1], as Resize + ToTensor give)"
    expect_tensor(got, what, shape=want.shape, floating=True)
    expect_in_range(got, 0.0, 1.0, what)
    expect_close(got, want, what, atol=ATOL, rtol=0.0, check_device=False)


def expect_label(got, want: int, what: str) -> None:
    ok = not isinstance(got, (bool, str)) and isinstance(got, (int, np.integer, torch.Tensor)) \
        and (not isinstance(got, torch.Tensor) or (got.numel() == 1 and not got.is_floating_point()))
    expect(ok, f"{what}: 标签应为整数, 你的是 {got!r}", f"{what}: the label must be an int, got {got!r}")
    expect_equal(int(got), want, f"{what}: 标签 / label", "cat → 0, dog → 1")


def identify(image: torch.Tensor, oracles: list[torch.Tensor]) -> int | None:
    """Which fixture picture this is (None when none is close)."""
    if not isinstance(image, torch.Tensor) or tuple(image.shape) != tuple(oracles[0].shape):
        return None
    errors = [float((image.double() - o.double()).abs().max()) for o in oracles]
    best = int(np.argmin(errors))
    return best if errors[best] <= ATOL else None


def expect_batches(batches: list, fx: ImageFolderFixture, oracles: list[torch.Tensor], batch_size: int,
                   what: str) -> list[int]:
    """Shapes, dtypes and labels of one epoch; returns the order of the pictures seen."""
    n = len(fx.samples)
    sizes = [min(batch_size, n - k) for k in range(0, n, batch_size)]
    expect_len(batches, len(sizes), f"{what}: 批次数 / number of batches ({n} samples, batch_size={batch_size})")
    order = []
    h, w = oracles[0].shape[1:]
    for b, ((images, labels), size) in enumerate(zip(batches, sizes)):
        where = f"{what}, batch {b}"
        expect_tensor(images, f"{where}: images", shape=(size, 3, h, w), floating=True)
        expect_tensor(labels, f"{where}: labels", shape=(size,))
        expect(not labels.is_floating_point() and labels.dtype != torch.bool,
               f"{where}: labels 应为整数, 你的是 {labels.dtype}", f"{where}: labels must be integers, got {labels.dtype}")
        for j in range(size):
            k = identify(images[j], oracles)
            if k is None:
                fail(f"{where}, image {j}: 与任何一张图片的 Resize + ToTensor 都不一致",
                     f"{where}, image {j}: matches no file's Resize + ToTensor")
            expect_equal(int(labels[j]), fx.samples[k][1],
                         f"{where}, image {j} ({fx.rel(fx.samples[k][0])}): label", "cat → 0, dog → 1")
            order.append(k)
    return order


def expect_names_path(message: str, path: str, what: str) -> None:
    names = {path, os.path.realpath(path), os.path.normpath(path)}
    expect(any(p in message for p in names),
           f"{what}: 错误信息应写出路径 {path}, 你的是: {message!r}",
           f"{what}: the error message must name the path {path}; yours: {message!r}")


# -- show_batch -------------------------------------------------------------------------

def show_batch_inputs(fx: ImageFolderFixture, n: int, size: int = 64):
    """n pictures of the fixture, cats and dogs interleaved, as a loader would yield them."""
    cats = [p for p, label in fx.samples if label == 0]
    dogs = [p for p, label in fx.samples if label == 1]
    picks = [(cats if i % 2 else dogs)[i // 2 % 6] for i in range(n)]
    labels = [1 - i % 2 for i in range(n)]
    images = torch.stack([resize_to_tensor(fx.images[p], size) for p in picks])
    return images, torch.tensor(labels, dtype=torch.int64)


def grid_rows(axes: list[dict]) -> list[list[dict]]:
    """The axes as rows of a grid, top to bottom, each left to right. Two axes share a row
    when their centres are less than half an axes' height apart (layouts shift them a little)."""
    def centre(a):
        x0, y0, x1, y1 = a["box"]
        return (x0 + x1) / 2, (y0 + y1) / 2, max(y1 - y0, 1e-6)

    rows: list[list[dict]] = []
    for a in sorted(axes, key=lambda a: -centre(a)[1]):
        if rows and abs(centre(rows[-1][0])[1] - centre(a)[1]) < centre(a)[2] / 2:
            rows[-1].append(a)
        else:
            rows.append([a])
    return [sorted(row, key=lambda a: centre(a)[0]) for row in rows]


def expect_figure(got: dict, n: int, titles: list[str], what: str) -> list[dict]:
    """A Figure with ``n`` axes showing an image, titled ``titles`` in reading order; those axes."""
    expect(got["is_figure"], f"{what}: 应返回 matplotlib Figure, 你的是 {got['type']}",
           f"{what}: must return a matplotlib Figure, got {got['type']}")
    axes = [a for row in grid_rows([a for a in got["axes"] if a["images"]]) for a in row]
    expect_equal(len(axes), n, f"{what}: 含图片的子图数 / axes holding an image", "one per sample")
    shown = [" ".join(t.strip() for t in a["titles"] if t.strip()) for a in axes]
    expect_equal(shown, titles, f"{what}: 标题 / titles", "each image's class name")
    return axes
