"""hw05_cifar10_visualization, instructor-only checks: numpy_grid's edge cases and the plots on another batch.

Same oracles as the public checks (make_grid, inverse Normalize), other inputs: a NumPy
input, one column, padding 0 and pad_value 1 together, a batch of 7 in a 3-wide grid,
custom class names; and no function may change the batch it is given.
"""

from __future__ import annotations

import pytest
import torch

from grader.problems.hw05_cifar10_visualization import in_worker, oracles

pytestmark = [pytest.mark.problem("hw05_cifar10_visualization"), pytest.mark.hidden]

# the torchvision tutorial's names: titles must come from ``classes``, not a global
TUTORIAL_CLASSES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


@pytest.fixture(scope="module")
def tiny_cifar(data_dir, submission) -> dict:
    return oracles.tiny_cifar(data_dir / submission.name)


@pytest.mark.points(0.5)
def test_numpy_grid_edge_cases(student):
    """numpy_grid: NumPy input, one column, pad_value with a ragged last row; input left unchanged"""
    gen = torch.Generator().manual_seed(55)
    specs = [  # (n, h, w, nrow, padding, pad_value, as_numpy)
        (5, 4, 7, 2, 1, 1.0, True),     # NumPy in, ragged last row filled with 1
        (4, 6, 3, 1, 3, 0.25, False),   # one column
        (1, 9, 4, 3, 4, 1.0, True),     # one image, NumPy in: unpadded
        (9, 3, 3, 4, 0, 1.0, False),    # no padding, ragged last row still pad_value
        (2, 5, 5, 20, 2, 0.0, True),    # nrow far beyond n
    ]
    cases = [{"images": torch.rand(n, 3, h, w, generator=gen), "nrow": nrow, "padding": p,
              "pad_value": v, "as_numpy": as_np} for n, h, w, nrow, p, v, as_np in specs]
    results = student.run(in_worker.numpy_grid_cases, cases, describe=f"numpy_grid (on {len(cases)} batches)")
    oracles.check_grid_results(cases, results)


@pytest.mark.points(1)
def test_plots_on_another_batch(student, tiny_cifar):
    """the four methods on 7 training images, 3 per row, padding 1, custom class names; input unchanged"""
    images, labels = tiny_cifar["train"][0][3:10].clone(), tiny_cifar["train"][1][3:10].clone()
    for func, args, kwargs in (
        ("plot_with_subplots", (images, labels), {"classes": TUTORIAL_CLASSES, "ncols": 3}),
        ("plot_with_make_grid", (images,), {"nrow": 3, "padding": 1}),
        ("plot_with_image_grid", (images, labels), {"classes": TUTORIAL_CLASSES, "ncols": 3}),
        ("plot_with_numpy", (images,), {"nrow": 3, "padding": 1}),
    ):
        summary = student.run(in_worker.draw, func, args, kwargs, describe=oracles.call_label(func, args, kwargs))
        if func in ("plot_with_subplots", "plot_with_image_grid"):
            oracles.check_per_image_figure(summary, func, images, labels, TUTORIAL_CLASSES, ncols=3)
        else:
            oracles.check_one_image_figure(summary, student.last_records, func, images, nrow=3, padding=1)
        oracles.expect_input_kept(summary, images, func)
