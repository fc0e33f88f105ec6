"""Correct but differently written submissions get full marks on their problem.

``tests/variants/<module>_<what>/`` holds one module, ``<module>.py``, written another
way (names, registration and call order, ModuleList/ModuleDict, functional ops, torch's
own init, loops instead of vectorised code, ...). ``EDITS`` are more correct ways to
write one function, as edits of the reference: hw05's numpy_grid, one for each route
its NumPy-only policy must let through (per-image conversion, ``.numpy(force=True)``,
iteration, ``.contiguous()``, np.pad, np.concatenate, np.block, a reshape-transpose
stitch). All are graded in one grader run, each only on its own problem's checks
(public and hidden).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.problems import BY_MODULE
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


EDITS = NUMPY_GRIDS


def problem_of(folder: Path) -> str | None:
    return next((m for m in BY_MODULE if folder.name.startswith(m + "_")), None)


VARIANTS = sorted(p for p in (ROOT / "tests" / "variants").iterdir() if p.is_dir() and problem_of(p))


def test_every_problem_has_a_variant():
    assert {problem_of(folder) for folder in VARIANTS} == set(BY_MODULE)


def test_variants_get_full_marks(tmp_path):
    folders = []
    for variant in VARIANTS:
        shutil.copytree(variant, tmp_path / "subs" / variant.name)
        folders.append(tmp_path / "subs" / variant.name)
    folders += [edit.write(tmp_path / "subs" / f"{edit.problem}_{edit.name}") for edit in EDITS]
    # -k keeps, for each folder, its own problem's checks (their modules are test_<module>*)
    select = " or ".join(f"({folder.name} and test_{problem_of(folder)})" for folder in folders)
    run = grade(folders, tmp_path / "out", extra=["-k", select])
    for folder in folders:
        problem = problem_of(folder)
        failed = [(t["name"], t["output"][:500]) for t in run.tests_of(folder.name, problem) if t["status"] != "passed"]
        assert run.tests_of(folder.name, problem), f"{folder.name}: not graded"
        assert run.problem_score(folder.name, problem) == 10, f"{folder.name}: {failed}"
