"""hw04 instructor-only checks: a truncated JPEG, class folders without images,
what show_batch draws, and a pathlib.Path root through make_dataloader.

Same folders and oracles as the public checks (``grader/test_hw04_catdog_dataset.py``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from grader.judging.checks import expect, expect_close, expect_equal, expect_raises, fail
from grader.problems.hw04_catdog_dataset.image_fixtures import ImageFolderFixture, build_all
from grader.problems.hw04_catdog_dataset.test_hw04_catdog_dataset import (
    expect_batches, expect_figure, grid_rows, expect_names_path, expect_samples, norm_path, resize_to_tensor,
    show_batch_inputs, w_construct, w_read_each, w_show_batch, _plain, _plain_samples,
)

pytestmark = [pytest.mark.problem("hw04_catdog_dataset"), pytest.mark.hidden]


@pytest.fixture(scope="module")
def folders(tmp_path_factory, submission) -> dict[str, ImageFolderFixture]:
    return build_all(tmp_path_factory.mktemp(f"hw04-hidden-{submission.name}"))


def w_path_root(module, root, batch_size, image_size):
    """CatDogDataset and make_dataloader given a pathlib.Path root (shuffle off)."""
    root = Path(root)
    samples = _plain_samples(getattr(module.CatDogDataset(root), "samples", None))
    loader = module.make_dataloader(root, batch_size=batch_size, image_size=image_size, shuffle=False)
    batches = []
    for batch in loader:
        if isinstance(batch, (tuple, list)) and len(batch) == 2:
            batches.append((_plain(batch[0]), _plain(batch[1])))
        else:
            batches.append((_plain(batch), None))
    return {"samples": samples, "batches": batches}


@pytest.mark.points(0.5)
def test_truncated_jpeg_and_class_folders_without_images(student, folders):
    """a truncated JPEG fails when read, naming the file; class folders holding no image: FileNotFoundError naming root"""
    fx = folders["corrupt"]
    truncated = fx.broken[1]
    got = student.run(w_read_each, fx.root)
    paths = [norm_path(p) for p, _ in got["samples"]] if isinstance(got["samples"], list) else []
    expect(norm_path(truncated) in paths, f"{fx.rel(truncated)} 应在 samples 中",
           f"{fx.rel(truncated)} belongs in samples (it fails only when read)")
    result = got["results"][paths.index(norm_path(truncated))]
    what = f"ds[{paths.index(norm_path(truncated))}] ({fx.rel(truncated)}, 被截断的 JPEG / a truncated JPEG)"
    expect(result is not None, f"{what}: 应抛出异常, 但没有", f"{what}: must raise, it did not")
    expect_names_path(result[1], truncated, f"{what}: {result[0]}")

    root = folders["no_images"].root
    message = expect_raises(lambda: student.run(w_construct, root), ("FileNotFoundError",),
                            f"CatDogDataset({root!r}) (cat/ 与 dog/ 中没有图片 / cat/ and dog/ hold no image)")
    expect_names_path(message, root, "CatDogDataset(class folders without images)")


@pytest.mark.points(0.5)
def test_show_batch_draws_each_image(student, folders):
    """show_batch draws each image, in order, on an ncols-wide grid, titled from class_names (path=None)"""
    images, labels = show_batch_inputs(folders["class_folders"], 10, size=40)
    names = ("kitty", "puppy")
    what = "show_batch(images [10, 3, 40, 40], labels, class_names=('kitty', 'puppy'), ncols=4)"
    got = student.run(w_show_batch, images, labels, path=None, class_names=names, ncols=4)
    axes = expect_figure(got, 10, [names[int(v)] for v in labels], what)
    grid = grid_rows(axes)
    rows, columns = len(grid), max(len(row) for row in grid)
    expect((rows, columns) == (3, 4), f"{what}: 网格应为 3 行 4 列, 你的是 {rows} 行 {columns} 列",
           f"{what}: the grid must have 3 rows of 4 columns, got {rows} rows and {columns} columns")
    for i, ax in enumerate(axes):
        array = ax["array"]
        shown = torch.from_numpy(np.asarray(array, dtype=np.float64))
        if array.dtype == np.uint8:
            shown = shown / 255.0
        want = images[i].permute(1, 2, 0).double()
        if shown.dim() == 3 and shown.shape[-1] == 4:
            shown = shown[..., :3]
        if tuple(shown.shape) != tuple(want.shape):
            fail(f"{what}: 第 {i} 张图应以 H×W×3 显示 {tuple(want.shape)}, 你的是 {tuple(shown.shape)}",
                 f"{what}: image {i} must be shown as H×W×3 {tuple(want.shape)}, got {tuple(shown.shape)}")
        expect_close(shown, want, f"{what}: 第 {i} 张图的像素 / pixels of image {i}", atol=0.01, rtol=0,
                     check_device=False)


@pytest.mark.points(0.5)
def test_pathlib_root_and_last_batch(student, folders):
    """a pathlib.Path root works for CatDogDataset and make_dataloader (flat layout, a short last batch)"""
    fx = folders["flat"]
    size, bs = 16, 3
    got = student.run(w_path_root, fx.root, bs, size)
    expect_samples(got["samples"], fx, "CatDogDataset(Path(root)).samples")
    oracles = [resize_to_tensor(fx.images[p], size) for p, _ in fx.samples]
    what = f"make_dataloader(Path(root), batch_size={bs}, image_size={size}, shuffle=False)"
    order = expect_batches(got["batches"], fx, oracles, bs, what)
    expect_equal(order, list(range(len(fx.samples))), f"{what}: 顺序 / order", "the order of samples")
