"""hw05_cifar10_visualization, judge side: the oracles and the comparisons public and hidden checks share.

Oracles, all computed in the judge:
- the tiny CIFAR-10 the grader writes (``cifar_fixtures``), read back by torchvision's
  own CIFAR10 reader with ``ToTensor()`` + ``Normalize(mean, std)``;
- ``transforms.Normalize`` with the inverse parameters, then a clamp to [0, 1]
  (denormalize must invert Normalize);
- ``torchvision.utils.make_grid`` (numpy_grid and methods 2 and 4 must equal it).

What the worker returns (``in_worker``) is compared here, never trusted: a figure is
judged by the pixels it shows, where they sit, and its titles; the policy's records
(``student.last_records``) say whether make_grid ran.
"""

from __future__ import annotations

import functools
import random
import tempfile
from pathlib import Path

import numpy as np
import torch
from torchvision import transforms
from torchvision.utils import make_grid

from grader.judging.checks import expect, expect_array, expect_close, expect_shape, expect_type, expect_unchanged, fail
from grader.problems.hw05_cifar10_visualization import MAKE_GRID
from grader.problems.hw05_cifar10_visualization.cifar_fixtures import MEAN, STD, normalized_split, write_tiny_cifar10

PNG_NAMES = {
    "plot_with_subplots": "hw05_method1_subplots.png",
    "plot_with_make_grid": "hw05_method2_make_grid.png",
    "plot_with_image_grid": "hw05_method3_image_grid.png",
    "plot_with_numpy": "hw05_method4_numpy.png",
}


# -- the tiny CIFAR-10 --------------------------------------------------------------------

@functools.cache
def normalized_splits() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Both splits as torchvision reads them (computed once: the files are the same every time)."""
    with tempfile.TemporaryDirectory() as tmp:
        tiny = write_tiny_cifar10(tmp)
        splits = {"train": normalized_split(tiny.root, train=True), "test": normalized_split(tiny.root, train=False)}
    # the reader agrees with the raw pixels that were written
    raw = torch.from_numpy(tiny.test_images).permute(0, 3, 1, 2).float() / 255
    assert torch.allclose(transforms.Normalize(MEAN, STD)(raw), splits["test"][0], atol=1e-6)
    assert splits["train"][1].tolist() == list(tiny.train_labels)
    assert splits["test"][1].tolist() == list(tiny.test_labels)
    return splits


def tiny_cifar(folder: Path) -> dict:
    """Write the tiny CIFAR-10 into ``folder`` (readable by the sandbox) and describe it."""
    folder.mkdir(parents=True, exist_ok=True)
    return {"root": write_tiny_cifar10(folder).root, **normalized_splits()}


# -- oracles -------------------------------------------------------------------------------

def oracle_denormalize(images: torch.Tensor, mean=MEAN, std=STD) -> torch.Tensor:
    """Normalize with the inverse parameters, then clamp to [0, 1]."""
    inverse = transforms.Normalize([-m / s for m, s in zip(mean, std)], [1 / s for s in std])
    return inverse(images).clamp(0, 1)


def oracle_grid(images01: torch.Tensor, nrow: int, padding: int, pad_value: float = 0.0) -> torch.Tensor:
    """``make_grid`` in H×W×C order."""
    return make_grid(images01, nrow=nrow, padding=padding, pad_value=pad_value).permute(1, 2, 0)


def grid_cases(seed: int) -> list[dict]:
    """numpy_grid inputs: make_grid's special cases, then random sizes."""
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    specs = [  # (n, h, w, nrow, padding, pad_value)
        (1, 6, 5, 8, 2, 0.0),      # a single image comes back unpadded
        (7, 5, 4, 3, 2, 0.0),      # last row not full
        (7, 4, 6, 3, 1, 1.0),      # ... and padded with pad_value
        (3, 5, 5, 8, 2, 0.5),      # fewer images than nrow: one row of 3
        (6, 4, 4, 3, 0, 0.0),      # full rows, no padding
        (16, 8, 8, 8, 2, 0.0),     # the defaults
    ]
    for _ in range(10):
        specs.append((rng.randint(2, 20), rng.randint(3, 9), rng.randint(3, 9), rng.randint(1, 10),
                      rng.randint(0, 4), rng.choice([0.0, 1.0, round(rng.random(), 3)])))
    return [{"images": torch.rand(n, 3, h, w, generator=gen), "nrow": nrow, "padding": padding,
             "pad_value": pad_value} for n, h, w, nrow, padding, pad_value in specs]


# -- comparing pictures --------------------------------------------------------------------

def as_picture(value, what: str) -> tuple[torch.Tensor, float]:
    """An image array from the worker as float64 in [0, 1] scale, with the tolerance to use."""
    if isinstance(value, torch.Tensor):
        value = value.numpy()
    expect_array(value, what, kind="uif")
    if value.dtype.kind in "ui":  # a uint8 picture shown as 0..255
        return torch.from_numpy(value.astype(np.float64) / 255.0), 1.0 / 255 + 1e-6
    return torch.from_numpy(value.astype(np.float64)), 1e-5


def expect_picture(value, expected_hwc: torch.Tensor, what: str) -> None:
    got, atol = as_picture(value, what)
    expect_close(got, expected_hwc.double(), what, atol=atol, rtol=0, check_device=False)


def describe_case(case: dict) -> str:
    n, _, h, w = case["images"].shape
    kind = "NumPy array" if case.get("as_numpy") else "tensor"
    return (f"numpy_grid({kind} [{n}, 3, {h}, {w}], nrow={case['nrow']}, padding={case['padding']}, "
            f"pad_value={case['pad_value']})")


def check_grid_results(cases: list[dict], results: list[dict], values: bool = True) -> None:
    """numpy_grid returned a NumPy array equal to make_grid's (or only of its shape), input untouched."""
    for case, result in zip(cases, results):
        what = describe_case(case)
        if result["out"] is None or isinstance(result["out"], torch.Tensor):
            fail(f"{what}: 应返回 numpy.ndarray, 你的结果是 {result['type']}",
                 f"{what}: must return a numpy.ndarray, got {result['type']}")
        truth = oracle_grid(case["images"], case["nrow"], case["padding"], case["pad_value"]).double()
        if values:
            expect_close(result["out"], truth.numpy(), f"{what} vs make_grid(...).permute(1, 2, 0)", atol=1e-6, rtol=0)
        else:
            expect_array(result["out"], what, shape=truth.shape, kind="uif")
        before = case["images"].numpy() if case.get("as_numpy") else case["images"]
        expect_unchanged(before, result["input_after"], what)


# -- figures --------------------------------------------------------------------------------

def call_label(func: str, args: tuple, kwargs: dict) -> str:
    """``plot_with_subplots(images [10, 3, 32, 32], labels [10], ncols=4)`` for messages."""
    names = ("images", "labels")
    parts = [f"{names[i] if i < 2 else 'arg'} {list(a.shape)}" if isinstance(a, torch.Tensor) else repr(a)
             for i, a in enumerate(args)]
    parts += [f"{k}={v!r}" if not isinstance(v, tuple) or len(v) <= 3 else f"{k}=(...)"
              for k, v in kwargs.items()]
    return f"{func}({', '.join(parts)})"


def expect_figure(summary: dict, what: str) -> None:
    expect(summary["is_figure"], f"{what} 应返回 matplotlib 的 Figure, 你返回的是 {summary['type']}",
           f"{what} must return its matplotlib Figure, got {summary['type']}")


def expect_title(ax: dict, name: str, classes, what: str) -> None:
    text = " ".join([ax["title"], *ax["texts"]])
    others = [c for c in classes if c != name and c in text]
    expect(name in text and not others, f"{what}: 标题应为类别名 {name!r}, 你的是 {text!r}",
           f"{what}: should be titled with the class name {name!r}, got {text!r}")


def cells_of_subplots(summary: dict, shown: list[dict], func: str, ncols: int) -> dict[int, dict]:
    """Method 1: the image axes by their cell in the ``plt.subplots`` grid."""
    cells = {}
    for ax in shown:
        if ax["subplot"] is None:
            fail(f"{func}: 图像坐标轴应由 plt.subplots (或 subplot) 创建, 你的是 {ax['axes_class']}",
                 f"{func}: the image axes should come from plt.subplots (or subplot), "
                 f"got {ax['axes_class']} without a subplot position")
        _, cols, first, _ = ax["subplot"]
        expect(cols == ncols, f"{func}(ncols={ncols}): 子图网格应有 {ncols} 列, 你的有 {cols} 列",
               f"{func}(ncols={ncols}): the subplot grid should have {ncols} columns, got {cols}")
        cells[first] = ax
    return cells


def cells_of_image_grid(summary: dict, shown: list[dict], func: str, ncols: int) -> dict[int, dict]:
    """Method 3: the image axes by their cell in the figure's ``ImageGrid``."""
    expect(any(g["in_figure"] for g in summary["image_grids"]),
           f"{func}: 应使用 mpl_toolkits.axes_grid1.ImageGrid, 你的图中没有 ImageGrid",
           f"{func}: should use mpl_toolkits.axes_grid1.ImageGrid; none was built for this figure")
    cells = {}
    for ax in shown:
        if ax["image_grid"] is None:
            fail(f"{func}: 每张图都应画在 ImageGrid 的格子里", f"{func}: draw every image in a cell of the ImageGrid")
        grid = summary["image_grids"][ax["image_grid"][0]]
        expect(grid["ncols"] == ncols, f"{func}(ncols={ncols}): ImageGrid 应有 {ncols} 列, 你的有 {grid['ncols']} 列",
               f"{func}(ncols={ncols}): the ImageGrid should have {ncols} columns, got {grid['ncols']}")
        cells[ax["image_grid"][1]] = ax
    return cells


def check_per_image_figure(summary: dict, func: str, images: torch.Tensor, labels: torch.Tensor,
                           classes, ncols: int) -> None:
    """Methods 1 and 3: one axes per image, row-major with ``ncols`` columns, denormalized, titled."""
    expect_figure(summary, func)
    n = len(images)
    shown = [ax for ax in summary["axes"] if ax["images"]]
    counts = [len(ax["images"]) for ax in shown]
    expect(len(shown) == n and all(c == 1 for c in counts),
           f"{func}: {n} 张图应各占一个坐标轴 (共 {n} 个显示图像的坐标轴), 你的图中有 {len(shown)} 个, "
           f"每个分别有 {counts} 张图",
           f"{func}: each of the {n} images needs its own axes ({n} axes showing one image each); "
           f"your figure has {len(shown)} such axes holding {counts} images")
    locate = cells_of_subplots if func == "plot_with_subplots" else cells_of_image_grid
    cells = locate(summary, shown, func, ncols)
    expect(sorted(cells) == list(range(n)),
           f"{func}: 第 i 张图应画在第 i 个格子 (按行排列), 你的图像所在位置为 {sorted(cells)}",
           f"{func}: image i belongs in cell i (row by row); your images sit in cells {sorted(cells)}")
    expected = oracle_denormalize(images)
    for i in range(n):
        expect_picture(cells[i]["images"][0], expected[i].permute(1, 2, 0),
                       f"{func}: 第 {i} 张图 (应为反归一化后的图像, H×W×3) / image {i} "
                       f"(the denormalized image, H×W×3)")
        expect_title(cells[i], classes[int(labels[i])], classes, f"{func}: 第 {i} 张图 / image {i}")


def check_one_image_figure(summary: dict, records: dict, func: str, images: torch.Tensor, nrow: int,
                           padding: int) -> None:
    """Methods 2 and 4: one image equal to make_grid of the denormalized batch; make_grid
    used by method 2 only (``records``: the policy's counts for that call)."""
    expect_figure(summary, func)
    pictures = [im for ax in summary["axes"] for im in ax["images"]] + list(summary["figure_images"])
    expect(len(pictures) == 1, f"{func}: 整个批次应拼成一张图显示, 你的图中有 {len(pictures)} 张图",
           f"{func}: the whole batch should be one image; your figure shows {len(pictures)} images")
    expect_picture(pictures[0], oracle_grid(oracle_denormalize(images), nrow, padding),
                   f"{func}(nrow={nrow}, padding={padding}) 显示的图 / the image shown "
                   f"(make_grid(denormalize(images)) in H×W×3, black padding)")
    used = records.get(MAKE_GRID, 0) > 0
    if func == "plot_with_make_grid":
        expect(used, "plot_with_make_grid 应使用 torchvision.utils.make_grid",
               "plot_with_make_grid should use torchvision.utils.make_grid")
    else:
        expect(not used, "plot_with_numpy 用了 make_grid; 方法四应使用只用 NumPy 的 numpy_grid",
               "plot_with_numpy used make_grid; method 4 is numpy_grid, NumPy only")


def expect_input_kept(summary: dict, images: torch.Tensor, func: str) -> None:
    expect_type(summary["input_after"], torch.Tensor, f"{func}: images")
    expect_shape(summary["input_after"], images.shape, f"{func}: images")
    expect_unchanged(images, summary["input_after"], f"{func}(images, ...)")
