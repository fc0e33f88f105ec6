"""Correct answers written differently must get full marks: hw04_catdog_dataset and
hw05_cifar10_visualization.

The folders ``tests/variants/<module>_*`` hold whole submissions written another way;
``NUMPY_GRIDS`` are other correct ways to write hw05's numpy_grid (edits of the
reference that return early), one for each route the policy must let through:
per-image conversion, ``.numpy(force=True)``, iteration, ``.contiguous()``, np.pad,
np.concatenate, np.block, a reshape-transpose stitch.
"""

from __future__ import annotations

import shutil

from tests.harness import ROOT, grade
from tests.mutants import Mutant

P5 = "hw05_cifar10_visualization"
START = "    ### BEGIN SOLUTION\n    if isinstance(images, torch.Tensor):\n        arr = images.detach().cpu().numpy()\n"


def early_return(body: str) -> str:
    """The reference's numpy_grid with ``body`` run first (the rest is never reached)."""
    return "    ### BEGIN SOLUTION\n" + body + START.removeprefix("    ### BEGIN SOLUTION\n")


NUMPY_GRIDS = [
    Mutant(P5, "grid_pad_concatenate", old=START, new=early_return('''\
    tiles = [img.permute(1, 2, 0).numpy() if isinstance(img, torch.Tensor) else np.transpose(img, (1, 2, 0))
             for img in (images[k] for k in range(len(images)))]
    if len(tiles) == 1:
        return tiles[0]
    cols = min(nrow, len(tiles))
    blank = np.full_like(tiles[0], pad_value)
    tiles += [blank] * (-len(tiles) % cols)
    framed = [np.pad(t, ((padding, 0), (padding, 0), (0, 0)), constant_values=pad_value) for t in tiles]
    rows = [np.concatenate(framed[r:r + cols], axis=1) for r in range(0, len(framed), cols)]
    return np.pad(np.concatenate(rows, axis=0), ((0, padding), (0, padding), (0, 0)), constant_values=pad_value)
'''), why="per-image permute + numpy, np.pad, np.concatenate"),
    Mutant(P5, "grid_reshape_transpose", old=START, new=early_return('''\
    arr = images.numpy(force=True) if torch.is_tensor(images) else np.asarray(images)
    n, c, h, w = arr.shape
    if n == 1:
        return arr[0].transpose(1, 2, 0)
    cols = min(nrow, n)
    rows = -(-n // cols)
    arr = np.concatenate([arr, np.full((rows * cols - n, c, h, w), pad_value, arr.dtype)])
    arr = np.pad(arr, ((0, 0), (0, 0), (padding, 0), (padding, 0)), constant_values=pad_value)
    grid = arr.reshape(rows, cols, c, h + padding, w + padding).transpose(0, 3, 1, 4, 2)
    grid = grid.reshape(rows * (h + padding), cols * (w + padding), c)
    return np.pad(grid, ((0, padding), (0, padding), (0, 0)), constant_values=pad_value)
'''), why="numpy(force=True), a reshape-transpose stitch"),
    Mutant(P5, "grid_block_iterate", old=START, new=early_return('''\
    tiles = [np.moveaxis(np.asarray(img.contiguous() if torch.is_tensor(img) else img), 0, -1) for img in images]
    if len(tiles) == 1:
        return tiles[0]
    h, w, c = tiles[0].shape
    cols = min(nrow, len(tiles))
    tiles += [np.full((h, w, c), pad_value, tiles[0].dtype)] * (-len(tiles) % cols)
    gap_x = np.full((h, padding, c), pad_value, tiles[0].dtype)
    gap_y = np.full((padding, cols * (w + padding) + padding, c), pad_value, tiles[0].dtype)
    blocks = [[[gap_y]]]  # np.block: the outer list stacks along H, the middle along W, the inner along C
    for r in range(0, len(tiles), cols):
        blocks += [[[gap_x], *[part for t in tiles[r:r + cols] for part in ([t], [gap_x])]], [[gap_y]]]
    return np.block(blocks)
'''), why="iterating the tensor, .contiguous(), np.block"),
]


MODULES = ("hw04_catdog_dataset", P5)


def variant_folders(target) -> list:
    """``tests/variants/<module>_<kind>`` copied to ``<hwNN>_<kind>``: a folder named after a module
    would match ``-k <module>`` in every problem's test ids and be graded on all ten problems."""
    copies = []
    for module in MODULES:
        for folder in sorted((ROOT / "tests" / "variants").glob(f"{module}_*")):
            copy = target / f"{module[:4]}_{folder.name[len(module) + 1:]}"
            shutil.copytree(folder, copy)
            copies.append(copy)
    return copies


def test_variants_score_full_marks(tmp_path):
    """One grader run for both problems: each folder is scored on the module it holds."""
    folders = variant_folders(tmp_path / "subs") + [m.write(tmp_path / "subs" / m.name) for m in NUMPY_GRIDS]
    run = grade(folders, tmp_path / "out", problem=" or ".join(MODULES))
    for module in MODULES:
        held = [f for f in folders if (f / f"{module}.py").is_file()]
        assert len(held) >= (4 if module == P5 else 1), f"variants of {module}: {held}"
        for folder in held:
            failed = [(t["name"], t["output"][:300]) for t in run.tests_of(folder.name, module) if t["status"] != "passed"]
            assert run.problem_score(folder.name, module) == 10, (folder.name, failed)
