"""hw05 第五题: four ways to show a CIFAR-10 batch.

Oracles, all computed here in the judge:
- a tiny CIFAR-10 written in the real ``cifar-10-batches-py`` format
  (``grader/fixtures_cifar.py``), read by torchvision's own CIFAR10 reader with
  ``ToTensor()`` + ``Normalize(mean, std)``;
- ``transforms.Normalize`` (denormalize must invert it) and its inverse
  ``Normalize(-mean/std, 1/std)`` followed by a clamp to [0, 1];
- ``torchvision.utils.make_grid`` (numpy_grid and methods 2 and 4 must equal it).

The worker-side functions below call the student's code, describe each figure as
plain data (``grader/figures.py``), save it as a PNG for people to look at, close it,
and return only plain values.
"""

from __future__ import annotations

import ast
import contextlib
import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torchvision import transforms
from torchvision.utils import make_grid

from grader.support import figures
from grader.judging import static
from grader.judging.checks import expect, expect_close, fail
from grader.problems.hw05_cifar10_visualization.cifar_fixtures import (CLASSES, MEAN, STD, cifar10_md5_unchecked, normalized_split,
                                   recording_downloads, write_tiny_cifar10)

pytestmark = pytest.mark.problem("hw05_cifar10_visualization")

PNG_NAMES = {
    "plot_with_subplots": "hw05_method1_subplots.png",
    "plot_with_make_grid": "hw05_method2_make_grid.png",
    "plot_with_image_grid": "hw05_method3_image_grid.png",
    "plot_with_numpy": "hw05_method4_numpy.png",
}


# ============================================================================
# Fixtures (judge side)

@pytest.fixture(scope="module")
def tiny_cifar(tmp_path_factory):
    """A tiny CIFAR-10 on disk plus the judge's normalized view of both splits."""
    tiny = write_tiny_cifar10(tmp_path_factory.mktemp("hw05-cifar10"))
    train_x, train_y = normalized_split(tiny.root, train=True)
    test_x, test_y = normalized_split(tiny.root, train=False)
    # the oracle agrees with the raw pixels that were written
    raw = torch.from_numpy(tiny.test_images).permute(0, 3, 1, 2).float() / 255
    assert torch.allclose(transforms.Normalize(MEAN, STD)(raw), test_x, atol=1e-6)
    assert train_y.tolist() == list(tiny.train_labels) and test_y.tolist() == list(tiny.test_labels)
    return {"root": tiny.root, "train": (train_x, train_y), "test": (test_x, test_y)}


# ============================================================================
# Oracles (judge side)

def oracle_denormalize(images: torch.Tensor, mean=MEAN, std=STD) -> torch.Tensor:
    """Normalize with the inverse parameters, then clamp to [0, 1]."""
    inverse = transforms.Normalize([-m / s for m, s in zip(mean, std)], [1 / s for s in std])
    return inverse(images).clamp(0, 1)


def oracle_grid(images01: torch.Tensor, nrow: int, padding: int, pad_value: float = 0.0) -> torch.Tensor:
    """``make_grid`` in H×W×C order."""
    return make_grid(images01, nrow=nrow, padding=padding, pad_value=pad_value).permute(1, 2, 0)


def as_picture(value, what: str) -> tuple[torch.Tensor, float]:
    """An image array from the worker as float64 in [0, 1] scale, with the tolerance to use."""
    if isinstance(value, torch.Tensor):
        value = value.numpy()
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "uif":
        fail(f"{what}: 应为数值图像数组, 你的是 {type(value).__name__}",
             f"{what}: expected a numeric image array, got {type(value).__name__}")
    if value.dtype.kind in "ui":  # a uint8 picture shown as 0..255
        return torch.from_numpy(value.astype(np.float64) / 255.0), 1.0 / 255 + 1e-6
    return torch.from_numpy(value.astype(np.float64)), 1e-5


def expect_picture(value, expected_hwc: torch.Tensor, what: str) -> None:
    got, atol = as_picture(value, what)
    expect_close(got, expected_hwc.double(), what, atol=atol, rtol=0, check_device=False)


# ============================================================================
# Worker-side functions (run inside the student's process via student.run)

def denormalize_on(module, images: torch.Tensor, device: str, kwargs: dict) -> dict:
    x = images.to(device)
    out = module.denormalize(x, **kwargs)
    return {"out": out, "input_after": x.cpu()}


def loader_batches(module, root: str, batch_size: int, train: bool) -> dict:
    # The student builds torchvision.datasets.CIFAR10 itself; the fixture's md5 sums
    # cannot match the real archive's, so the md5 check is relaxed for this call only
    # (see grader/fixtures_cifar.py).
    with cifar10_md5_unchecked(), recording_downloads() as downloads:
        loader = module.get_cifar10_loader(root, batch_size=batch_size, train=train)
        # The worker is a daemon process, which may not start DataLoader workers; reading
        # the same batches in this process keeps a loader with num_workers > 0 gradeable.
        if getattr(loader, "num_workers", 0):
            loader.num_workers = 0
        batches = []
        for batch in loader:
            images, labels = batch[0], batch[1]
            batches.append((images, torch.as_tensor(labels)))
    return {"type": type(loader).__name__, "batches": batches, "downloads": len(downloads)}


# Torch functions that build or fill a grid. Converting the input to NumPy
# (detach, cpu, numpy, __array__, permute, indexing, ...) is allowed and not listed.
STITCH_OPS = frozenset({
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
    "row_stack", "pad", "constant_pad_nd", "zeros", "ones", "full", "empty", "zeros_like",
    "ones_like", "full_like", "empty_like", "new_full", "new_zeros", "new_ones", "new_empty",
    "__setitem__", "copy_", "narrow", "fill_", "index_put_", "index_copy_", "masked_fill_",
    "masked_scatter_",
})


class _TorchOpRecorder(torch.overrides.TorchFunctionMode):
    """Records the torch functions from STITCH_OPS called while active."""

    def __init__(self) -> None:
        super().__init__()
        self.used: list[str] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in STITCH_OPS:
            self.used.append(f"torch {name}")
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def recording_make_grid():
    """Count calls of ``torchvision.utils.make_grid`` however the student bound it
    (``torchvision.utils.make_grid``, ``from torchvision.utils import make_grid``, an
    alias): every module-level binding is wrapped while inside, then restored."""
    import torchvision.utils

    original = torchvision.utils.make_grid
    calls: list[int] = []

    def make_grid(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    replaced = []
    for mod in list(sys.modules.values()):
        namespace = getattr(mod, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            if value is original:
                namespace[attr] = make_grid
                replaced.append((namespace, attr))
    try:
        yield calls
    finally:
        for namespace, attr in replaced:
            namespace[attr] = original


def numpy_grid_cases(module, cases: list[dict]) -> list[dict]:
    """Call numpy_grid on each case, recording make_grid and torch stitching ops."""
    results = []
    with recording_make_grid() as mg:
        for case in cases:
            images = case["images"].numpy() if case.get("as_numpy") else case["images"]
            calls_before = len(mg)
            with _TorchOpRecorder() as ops:
                out = module.numpy_grid(images, nrow=case["nrow"], padding=case["padding"],
                                        pad_value=case["pad_value"])
            used = sorted(set(ops.used)) + (["torchvision.utils.make_grid"] if len(mg) > calls_before else [])
            after = torch.from_numpy(np.array(images)) if isinstance(images, np.ndarray) else images
            results.append({"out": out if isinstance(out, (np.ndarray, torch.Tensor)) else None,
                            "type": type(out).__name__, "used": used, "input_after": after})
    return results


def draw(module, func_name: str, args: tuple, kwargs: dict, png: str | None = None) -> dict:
    """Call a plot function, describe its figure, save it as PNG, close everything."""
    images = args[0]
    try:
        with figures.record_image_grids() as grids, recording_make_grid() as mg:
            fig = getattr(module, func_name)(*args, **kwargs)
        summary = figures.summarize(fig, grids)
        summary["make_grid_calls"] = len(mg)
        summary["png_error"] = figures.save_png(fig, png) if (png and summary["is_figure"]) else ""
    finally:
        figures.close_all()
    summary["input_after"] = images
    return summary


# ============================================================================
# Judge-side checks of a figure summary

def _expect_figure(summary: dict, what: str) -> None:
    expect(summary["is_figure"],
           f"{what} 应返回 matplotlib 的 Figure, 你返回的是 {summary['type']}",
           f"{what} must return its matplotlib Figure, got {summary['type']}")


def _image_axes(summary: dict) -> list[dict]:
    return [ax for ax in summary["axes"] if ax["images"]]


def _all_images(summary: dict) -> list:
    return [im for ax in summary["axes"] for im in ax["images"]] + list(summary["figure_images"])


def _expect_title(ax: dict, name: str, classes, what: str) -> None:
    text = " ".join([ax["title"], *ax["texts"]])
    others = [c for c in classes if c != name and c in text]
    expect(name in text and not others,
           f"{what}: 标题应为类别名 {name!r}, 你的是 {text!r}",
           f"{what}: should be titled with the class name {name!r}, got {text!r}")


def check_per_image_figure(summary: dict, method: str, images: torch.Tensor, labels: torch.Tensor,
                           classes, ncols: int) -> None:
    """Methods 1 and 3: one axes per image, row-major with ``ncols`` columns, denormalized, titled."""
    func = "plot_with_subplots" if method == "subplots" else "plot_with_image_grid"
    _expect_figure(summary, func)
    n = len(images)
    shown = _image_axes(summary)
    expect(len(shown) == n and all(len(ax["images"]) == 1 for ax in shown),
           f"{func}: {n} 张图应各占一个坐标轴 (共 {n} 个显示图像的坐标轴), 你的图中有 {len(shown)} 个, "
           f"每个分别有 {[len(ax['images']) for ax in shown]} 张图",
           f"{func}: each of the {n} images needs its own axes ({n} axes showing one image each); "
           f"your figure has {len(shown)} such axes holding {[len(ax['images']) for ax in shown]} images")
    by_position = {}
    if method == "subplots":
        for ax in shown:
            geometry = ax["subplot"]
            if geometry is None:
                fail(f"{func}: 图像坐标轴应由 plt.subplots (或 subplot) 创建, 你的是 {ax['axes_class']}",
                     f"{func}: the image axes should come from plt.subplots (or subplot), "
                     f"got {ax['axes_class']} without a subplot position")
            rows, cols, first, last = geometry
            expect(cols == ncols, f"{func}(ncols={ncols}): 子图网格应有 {ncols} 列, 你的有 {cols} 列",
                   f"{func}(ncols={ncols}): the subplot grid should have {ncols} columns, got {cols}")
            by_position[first] = ax
    else:
        grids = [g for g in summary["image_grids"] if g["in_figure"]]
        expect(bool(grids), f"{func}: 应使用 mpl_toolkits.axes_grid1.ImageGrid, 你的图中没有 ImageGrid",
               f"{func}: should use mpl_toolkits.axes_grid1.ImageGrid; none was built for this figure")
        for ax in shown:
            cell = ax["image_grid"]
            if cell is None:
                fail(f"{func}: 每张图都应画在 ImageGrid 的格子里", f"{func}: draw every image in a cell of the ImageGrid")
            grid = summary["image_grids"][cell[0]]
            expect(grid["ncols"] == ncols, f"{func}(ncols={ncols}): ImageGrid 应有 {ncols} 列, 你的有 {grid['ncols']} 列",
                   f"{func}(ncols={ncols}): the ImageGrid should have {ncols} columns, got {grid['ncols']}")
            by_position[cell[1]] = ax
    expect(sorted(by_position) == list(range(n)),
           f"{func}: 第 i 张图应画在第 i 个格子 (按行排列), 你的图像所在位置为 {sorted(by_position)}",
           f"{func}: image i belongs in cell i (row by row); your images sit in cells {sorted(by_position)}")
    expected = oracle_denormalize(images)
    for i in range(n):
        ax = by_position[i]
        expect_picture(ax["images"][0], expected[i].permute(1, 2, 0),
                       f"{func}: 第 {i} 张图 (应为反归一化后的图像, H×W×3) / image {i} "
                       f"(the denormalized image, H×W×3)")
        _expect_title(ax, classes[int(labels[i])], classes, f"{func}: 第 {i} 张图 / image {i}")


def check_one_image_figure(summary: dict, func: str, images: torch.Tensor, nrow: int, padding: int) -> None:
    """Methods 2 and 4: one image, equal to make_grid of the denormalized batch."""
    _expect_figure(summary, func)
    pictures = _all_images(summary)
    expect(len(pictures) == 1,
           f"{func}: 整个批次应拼成一张图显示, 你的图中有 {len(pictures)} 张图",
           f"{func}: the whole batch should be one image; your figure shows {len(pictures)} images")
    expect_picture(pictures[0], oracle_grid(oracle_denormalize(images), nrow, padding),
                   f"{func}(nrow={nrow}, padding={padding}) 显示的图 / the image shown "
                   f"(make_grid(denormalize(images)) in H×W×3, black padding)")
    if func == "plot_with_make_grid":
        expect(summary["make_grid_calls"] > 0,
               "plot_with_make_grid 应使用 torchvision.utils.make_grid",
               "plot_with_make_grid should use torchvision.utils.make_grid")
    else:
        expect(summary["make_grid_calls"] == 0,
               "plot_with_numpy (及其调用的 numpy_grid) 用了 make_grid; 方法四应使用只用 NumPy 的 numpy_grid",
               "plot_with_numpy (or the numpy_grid it calls) used make_grid; method 4 is numpy_grid, NumPy only")


def _expect_input_unchanged(summary: dict, images: torch.Tensor, func: str) -> None:
    after = summary["input_after"]
    expect(isinstance(after, torch.Tensor) and after.shape == images.shape and torch.equal(after, images),
           f"{func} 修改了传入的 images (应只读) / changed the images it was given (it must not)",
           f"{func} changed the images it was given; draw from a copy")


# ============================================================================
# Static check: numpy_grid's own source (judge side)

_TORCH_STITCH_NAMES = STITCH_OPS - {"__setitem__"}
_METHOD_NAMES = frozenset({"new_full", "new_zeros", "new_ones", "new_empty", "copy_", "narrow", "fill_",
                           "index_put_", "index_copy_", "masked_fill_", "masked_scatter_", "make_grid"})


def _forbidden_name(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] == "torchvision" and parts[-1] == "make_grid":
        return True
    return parts[0] == "torch" and parts[-1] in _TORCH_STITCH_NAMES


def numpy_grid_static_problems(source: str) -> list[str] | None:
    """Torch or make_grid stitching in numpy_grid or the module's functions it calls.

    Returns None when there is no module-level ``def numpy_grid``.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if "numpy_grid" not in functions:
        return None
    aliases = static.import_aliases([tree])
    problems, todo, seen = set(), ["numpy_grid"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Name) and node.id in functions and node.id not in seen:
                todo.append(node.id)
            if isinstance(node, (ast.Name, ast.Attribute)):
                dotted = static.dotted_name(node, aliases)
                hit = dotted is not None and _forbidden_name(dotted)
                hit = hit or (isinstance(node, ast.Attribute) and node.attr in _METHOD_NAMES)
                if hit:
                    problems.add(f"{name}, line {node.lineno}: {ast.unparse(node)}")
    return sorted(problems)


# ============================================================================
# Cases

def grid_cases(seed: int) -> list[dict]:
    """numpy_grid inputs: random sizes plus make_grid's special cases."""
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


def _call_label(func: str, args: tuple, kwargs: dict) -> str:
    """``plot_with_subplots(images [10, 3, 32, 32], labels [10], ncols=4)`` for messages."""
    names = ("images", "labels")
    parts = [f"{names[i] if i < 2 else 'arg'} {list(a.shape)}" if isinstance(a, torch.Tensor) else repr(a)
             for i, a in enumerate(args)]
    parts += [f"{k}={v!r}" if not isinstance(v, tuple) or len(v) <= 3 else f"{k}=(...)"
              for k, v in kwargs.items()]
    return f"{func}({', '.join(parts)})"


def _describe_case(case: dict) -> str:
    n, _, h, w = case["images"].shape
    kind = "NumPy array" if case.get("as_numpy") else "tensor"
    return (f"numpy_grid({kind} [{n}, 3, {h}, {w}], nrow={case['nrow']}, padding={case['padding']}, "
            f"pad_value={case['pad_value']})")


def check_grid_results(cases: list[dict], results: list[dict], values: bool = True) -> None:
    for case, result in zip(cases, results):
        what = _describe_case(case)
        expect(not result["used"],
               f"{what} 调用了 {', '.join(result['used'])}: 拼接只能用 NumPy (可以先转成数组)",
               f"{what} called {', '.join(result['used'])}: stitch with NumPy only "
               f"(converting the input to an array is fine)")
        out = result["out"]
        expect(isinstance(out, np.ndarray),
               f"{what} 应返回 NumPy 数组, 你返回的是 {result['type']}",
               f"{what} must return a NumPy array, got {result['type']}")
        truth = oracle_grid(case["images"], case["nrow"], case["padding"], case["pad_value"])
        got, _ = as_picture(out, what)
        if values:
            expect_close(got, truth.double(), f"{what} vs make_grid(...).permute(1, 2, 0)", atol=1e-6, rtol=0)
        else:  # shape only
            expect(tuple(got.shape) == tuple(truth.shape),
                   f"{what}: 形状应为 {tuple(truth.shape)}, 你的是 {tuple(got.shape)}",
                   f"{what}: expected shape {tuple(truth.shape)}, got {tuple(got.shape)}")


# ============================================================================
# Checks

@pytest.mark.points(1)
def test_denormalize_inverts_normalize(student, device):
    """denormalize undoes transforms.Normalize (CIFAR-10 statistics and other mean/std)"""
    gen = torch.Generator().manual_seed(51)
    cases = [((), {}), ((0.5, 0.4, 0.3), (0.2, 0.25, 0.3)), ((0.1, 0.9, 0.45), (0.6, 0.1, 0.35))]
    for mean, std in cases:
        x = torch.rand(4, 3, 7, 6, generator=gen)
        kwargs = {"mean": mean, "std": std} if mean else {}
        normalized = transforms.Normalize(mean or MEAN, std or STD)(x)
        got = student.run(denormalize_on, normalized, str(device), kwargs,
                          describe=_call_label("denormalize", (normalized,), kwargs))["out"]
        expect_close(got, x.to(device), f"denormalize(Normalize({mean or 'CIFAR10_MEAN'}, "
                     f"{std or 'CIFAR10_STD'})(x){', mean=..., std=...' if mean else ''}) vs x", atol=1e-5)


@pytest.mark.points(1)
def test_denormalize_clamps_and_keeps_its_input(student, device):
    """denormalize clamps to [0, 1] and never changes the tensor it is given"""
    gen = torch.Generator().manual_seed(52)
    for mean, std in ((MEAN, STD), ((0.3, 0.5, 0.7), (0.3, 0.2, 0.1))):
        x = torch.rand(5, 3, 6, 6, generator=gen) * 2.2 - 0.6  # beyond [0, 1] after undoing
        normalized = transforms.Normalize(mean, std)(x)
        result = student.run(denormalize_on, normalized, str(device), {"mean": mean, "std": std},
                             describe=_call_label("denormalize", (normalized,), {"mean": mean, "std": std}))
        expect(torch.equal(result["input_after"], normalized),
               "denormalize 修改了输入张量 (不能原地操作, 如 mul_/add_) / changed its input",
               "denormalize changed its input tensor (no in-place mul_/add_); return a new tensor")
        expect_close(result["out"], x.clamp(0, 1).to(device),
                     f"denormalize(Normalize({mean}, {std})(x)) vs x.clamp(0, 1)", atol=1e-5)


@pytest.mark.points(1)
def test_loader_test_split_in_order(student, tiny_cifar):
    """get_cifar10_loader(train=False): normalized test images and labels in file order, from root, no download"""
    images, labels = tiny_cifar["test"]
    batch_size = 8
    got = student.run(loader_batches, tiny_cifar["root"], batch_size, False,
                      describe=f"get_cifar10_loader(root, batch_size={batch_size}, train=False)")
    expect(got["downloads"] == 0,
           "get_cifar10_loader(root) 默认 download=False, 不应下载 (请把 download 参数传给 CIFAR10)",
           "get_cifar10_loader(root) has download=False by default and must not download "
           "(pass the download argument on to CIFAR10)")
    sizes = [len(b[0]) if isinstance(b[0], torch.Tensor) else -1 for b in got["batches"]]
    full = [batch_size] * (len(images) // batch_size)
    expect(sizes in (full + [len(images) % batch_size], full),
           f"get_cifar10_loader(root, batch_size={batch_size}, train=False): 测试集 {len(images)} 张图, "
           f"批次大小应为 {full + [len(images) % batch_size]}, 你的是 {sizes}",
           f"get_cifar10_loader(root, batch_size={batch_size}, train=False) over {len(images)} test images "
           f"should give batches of {full + [len(images) % batch_size]}, got {sizes}")
    got_x = torch.cat([b[0] for b in got["batches"]])
    got_y = torch.cat([b[1].reshape(-1) for b in got["batches"]])
    k = len(got_x)
    expect_close(got_x, images[:k], "测试集图像 (ToTensor + Normalize, 文件顺序, 不打乱) / test images "
                 "(ToTensor + Normalize, file order, no shuffling)", atol=1e-5)
    expect(got_y.tolist() == labels[:k].tolist(),
           f"测试集标签应为 {labels[:k].tolist()}, 你的是 {got_y.tolist()}",
           f"test labels should be {labels[:k].tolist()}, got {got_y.tolist()}")


@pytest.mark.points(0.5)
def test_loader_train_split_shuffled(student, tiny_cifar):
    """get_cifar10_loader(train=True): the training images, normalized and shuffled, with their labels"""
    images, labels = tiny_cifar["train"]
    batch_size = 16
    got = student.run(loader_batches, tiny_cifar["root"], batch_size, True,
                      describe=f"get_cifar10_loader(root, batch_size={batch_size}, train=True)")
    expect(all(isinstance(b[0], torch.Tensor) and b[0].shape[1:] == images.shape[1:] for b in got["batches"]),
           "训练集批次应为 [B, 3, 32, 32] 的张量 / batches should be [B, 3, 32, 32] tensors",
           "training batches should be [B, 3, 32, 32] tensors")
    got_x = torch.cat([b[0] for b in got["batches"]]).double()
    got_y = torch.cat([b[1].reshape(-1) for b in got["batches"]])
    n = len(images)
    expect(len(got_x) in (n, n - n % batch_size),
           f"训练集有 {n} 张图, 加载器给出 {len(got_x)} 张", f"the training split has {n} images; the loader gave {len(got_x)}")
    distance = (got_x[:, None] - images[None].double()).abs().flatten(2).amax(-1)
    best, index = distance.min(dim=1)
    missing = [i for i, d in enumerate(best.tolist()) if d > 1e-4]
    expect(not missing,
           f"加载器的第 {missing[:5]} 张图不是归一化后的训练集图像 (train=True 应读训练集, ToTensor + Normalize)",
           f"images {missing[:5]} of the loader are not normalized training images "
           f"(train=True reads data_batch_1…5, ToTensor + Normalize)")
    expect(len(set(index.tolist())) == len(index),
           "每张训练图像应只出现一次 / each training image should appear once",
           "each training image should appear once per epoch")
    expect(got_y.tolist() == labels[index].tolist(),
           "训练集标签与图像不对应 / labels do not match their images",
           f"labels do not match their images: expected {labels[index].tolist()}, got {got_y.tolist()}")
    expect(index.tolist() != list(range(len(index))),
           "train=True 时应打乱顺序 (shuffle=True), 你的加载器按文件顺序给出训练集",
           "train=True should shuffle (shuffle=True); your loader gives the training images in file order")


@pytest.mark.points(1.5)
def test_numpy_grid_matches_make_grid(student):
    """numpy_grid equals make_grid in H×W×C for random nrow, padding, pad_value and batch sizes"""
    cases = grid_cases(seed=53)
    results = student.run(numpy_grid_cases, cases, describe=f"numpy_grid (on {len(cases)} batches)")
    check_grid_results(cases, results)


@pytest.mark.points(0.5)
def test_numpy_grid_source_uses_numpy_only(student):
    """numpy_grid's code stitches with NumPy only (no make_grid, torch.cat, F.pad, new_full, ...)"""
    # values are judged by the check above; here the call must work (an array of the
    # right shape, no torch stitching at run time) and the source must not stitch with torch
    case = grid_cases(seed=54)[5]  # 16 images, the defaults
    check_grid_results([case], student.run(numpy_grid_cases, [case], describe="numpy_grid (on 1 batch)"),
                       values=False)
    problems = numpy_grid_static_problems(student.source)
    if problems is None:
        fail("找不到模块级的 def numpy_grid(...) / no module-level def numpy_grid(...)",
             "numpy_grid must be defined with def at module level")
    expect(not problems,
           "numpy_grid 的拼接只能用 NumPy, 这些地方用了 torch 或 make_grid: " + "; ".join(problems),
           "numpy_grid must stitch with NumPy only; these use torch or make_grid: " + "; ".join(problems))


def _plot_batch(tiny_cifar, n: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = tiny_cifar["test"]
    return images[:n].clone(), labels[:n].clone()


def _draw(student, output_dir: Path, func: str, args: tuple, kwargs: dict) -> dict:
    png = output_dir / PNG_NAMES[func]
    png.unlink(missing_ok=True)  # never leave last run's picture for this run's code
    return student.run(draw, func, args, kwargs, str(png), describe=_call_label(func, args, kwargs))


@pytest.mark.points(0.75)
def test_method1_subplots(student, tiny_cifar, output_dir):
    """method 1: plt.subplots, one axes per denormalized image, row by row, titled with class names"""
    images, labels = _plot_batch(tiny_cifar)
    summary = _draw(student, output_dir, "plot_with_subplots", (images, labels), {"ncols": 4})
    check_per_image_figure(summary, "subplots", images, labels, CLASSES, ncols=4)


@pytest.mark.points(0.75)
def test_method2_make_grid(student, tiny_cifar, output_dir):
    """method 2: one image equal to make_grid of the denormalized batch (black padding)"""
    images, _ = _plot_batch(tiny_cifar)
    summary = _draw(student, output_dir, "plot_with_make_grid", (images,), {"nrow": 4, "padding": 3})
    check_one_image_figure(summary, "plot_with_make_grid", images, nrow=4, padding=3)


@pytest.mark.points(0.75)
def test_method3_image_grid(student, tiny_cifar, output_dir):
    """method 3: an mpl_toolkits.axes_grid1.ImageGrid of the denormalized images, titled with class names"""
    images, labels = _plot_batch(tiny_cifar)
    summary = _draw(student, output_dir, "plot_with_image_grid", (images, labels), {"ncols": 4})
    check_per_image_figure(summary, "image_grid", images, labels, CLASSES, ncols=4)


@pytest.mark.points(0.75)
def test_method4_numpy(student, tiny_cifar, output_dir):
    """method 4: one image equal to numpy_grid of the denormalized batch, without make_grid"""
    images, _ = _plot_batch(tiny_cifar)
    summary = _draw(student, output_dir, "plot_with_numpy", (images,), {"nrow": 4, "padding": 3})
    check_one_image_figure(summary, "plot_with_numpy", images, nrow=4, padding=3)
