"""hw04_catdog_dataset, instructor-only checks: a truncated JPEG, class folders without images,
what show_batch draws, and a pathlib.Path root through make_dataloader.

Same folders and oracles as the public checks (``image_fixtures``, ``oracles``).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from grader.judging.checks import expect, expect_close, expect_equal, expect_raises, expect_shape
from grader.problems.hw04_catdog_dataset import in_worker, oracles
from grader.problems.hw04_catdog_dataset.image_fixtures import ImageFolderFixture, build_all

pytestmark = [pytest.mark.problem("hw04_catdog_dataset"), pytest.mark.hidden]


@pytest.fixture(scope="module")
def folders(data_dir, submission) -> dict[str, ImageFolderFixture]:
    return build_all(data_dir / submission.name)


@pytest.mark.points(0.5)
def test_truncated_jpeg_and_class_folders_without_images(student, folders):
    """a truncated JPEG fails when read, naming the file; class folders holding no image: FileNotFoundError naming root"""
    fx = folders["corrupt"]
    truncated = fx.broken[1]
    got = student.run(in_worker.read_each, fx.root, describe="CatDogDataset(root)[i] for every i (a truncated JPEG)")
    paths = [oracles.norm_path(p) for p, _ in got["samples"]] if isinstance(got["samples"], list) else []
    expect(oracles.norm_path(truncated) in paths, f"{fx.rel(truncated)} 应在 samples 中",
           f"{fx.rel(truncated)} belongs in samples (it fails only when read)")
    index = paths.index(oracles.norm_path(truncated))
    result = got["results"][index]
    what = f"ds[{index}] ({fx.rel(truncated)}, 被截断的 JPEG / a truncated JPEG)"
    expect(result is not None, f"{what}: 应抛出异常, 但没有", f"{what}: must raise, it did not")
    oracles.expect_names_path(result[1], truncated, f"{what}: {result[0]}")

    root = folders["no_images"].root
    what = "CatDogDataset('…/no_images') (cat/ 与 dog/ 中没有图片 / cat/ and dog/ hold no image)"
    message = expect_raises(lambda: student.run(in_worker.construct, root, describe=what), ("FileNotFoundError",), what)
    oracles.expect_names_path(message, root, "CatDogDataset(class folders without images)")


@pytest.mark.points(0.5)
def test_show_batch_draws_each_image(student, folders):
    """show_batch draws each image, in order, on an ncols-wide grid, titled from class_names (path=None)"""
    images, labels = oracles.show_batch_inputs(folders["class_folders"], 10, size=40)
    names = ("kitty", "puppy")
    what = "show_batch(images [10, 3, 40, 40], labels, class_names=('kitty', 'puppy'), ncols=4)"
    got = student.run(in_worker.show_batch, images, labels, class_names=names, ncols=4, describe=what)
    axes = oracles.expect_figure(got, 10, [names[int(v)] for v in labels], what)
    grid = oracles.grid_rows(axes)
    rows, columns = len(grid), max(len(row) for row in grid)
    expect((rows, columns) == (3, 4), f"{what}: 网格应为 3 行 4 列, 你的是 {rows} 行 {columns} 列",
           f"{what}: the grid must have 3 rows of 4 columns, got {rows} rows and {columns} columns")
    for i, ax in enumerate(axes):
        array = ax["images"][0]
        shown = torch.from_numpy(np.asarray(array, dtype=np.float64))
        if array.dtype.kind in "ui":  # an integer picture shows 0..255
            shown = shown / 255.0
        if shown.dim() == 3 and shown.shape[-1] == 4:
            shown = shown[..., :3]
        want = images[i].permute(1, 2, 0).double()
        label = f"{what}: 第 {i} 张图 (以 H×W×3 显示) / image {i} (shown as H×W×3)"
        expect_shape(shown, want.shape, label)
        expect_close(shown, want, label, atol=0.01, rtol=0, check_device=False)


@pytest.mark.points(0.5)
def test_pathlib_root_and_last_batch(student, folders):
    """a pathlib.Path root works for CatDogDataset and make_dataloader (flat layout, a short last batch)"""
    fx = folders["flat"]
    size, bs = 16, 3
    what = f"make_dataloader(Path(root), batch_size={bs}, image_size={size}, shuffle=False)"
    got = student.run(in_worker.path_root, fx.root, bs, size, describe=f"CatDogDataset(Path(root)) and {what}")
    oracles.expect_samples(got["samples"], fx, "CatDogDataset(Path(root)).samples")
    pictures = [oracles.resize_to_tensor(fx.images[p], size) for p, _ in fx.samples]
    order = oracles.expect_batches(got["batches"], fx, pictures, bs, what)
    expect_equal(order, list(range(len(fx.samples))), f"{what}: 顺序 / order", "the order of samples")
