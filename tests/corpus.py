"""The corpus every fairness self-test reads: each problem's correct variants and its CI
sample of mutants, graded together in one grader run.

- ``tests/variants/<module>_<what>/``: a whole module written another way (names,
  registration and call order, ModuleList/ModuleDict, functional ops, torch's own init,
  loops instead of vectorised code, ...); each must score 10 on its problem.
- ``EDITS``: more correct ways to write one function, as edits of the reference: hw05's
  numpy_grid, one for each route its NumPy-only policy must let through (per-image
  conversion, ``.numpy(force=True)``, iteration, ``.contiguous()``, np.pad,
  np.concatenate, np.block, a reshape-transpose stitch); each must score 10.
- ``tests/mutants/``: realistic wrong answers (``CI_SAMPLE`` of each module); each must
  lose points on its problem.

One grader run grades them all, each folder only on its own problem's checks, public
and hidden: one start-up instead of one per problem.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.problems import BY_MODULE
from tests import harness
from tests.harness import ROOT, GradeRun
from tests.mutants import Mutant, ci_sample

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
VARIANTS = sorted(p for p in (ROOT / "tests" / "variants").iterdir()
                  if p.is_dir() and any(p.name.startswith(m + "_") for m in BY_MODULE))


@dataclass(frozen=True)
class Entry:
    name: str      # the submission's folder name (unique; none is part of another)
    problem: str
    correct: bool  # a variant or an edit (10 expected), or a mutant (below 10)
    why: str = ""


@dataclass
class Corpus:
    run: GradeRun
    entries: list[Entry]

    def of(self, problem: str, *, correct: bool) -> list[Entry]:
        return [e for e in self.entries if e.problem == problem and e.correct == correct]


def _problem_of(folder: Path) -> str:
    return next(m for m in BY_MODULE if folder.name.startswith(m + "_"))


def build(folder: Path) -> list[Entry]:
    """Write every submission of the corpus under ``folder``."""
    entries = []
    for variant in VARIANTS:
        shutil.copytree(variant, folder / variant.name)
        entries.append(Entry(variant.name, _problem_of(variant), True))
    for edit in EDITS:
        name = f"{edit.problem}_{edit.name}"
        edit.write(folder / name)
        entries.append(Entry(name, edit.problem, True, edit.why))
    for mutant in ci_sample():
        name = f"{mutant.problem}_mutant_{mutant.name}"
        mutant.write(folder / name)
        entries.append(Entry(name, mutant.problem, False, mutant.why))
    names = [e.name for e in entries]
    clashes = [(a, b) for a in names for b in names if a != b and a in b]
    assert not clashes, f"-k would select one submission's checks for another: {clashes}"
    return entries


def grade(folder: Path, out: Path, entries: list[Entry]) -> GradeRun:
    # -k keeps, for each folder, its own problem's checks (their modules are test_<module>*)
    select = " or ".join(f"({e.name} and test_{e.problem})" for e in entries)
    return harness.grade([folder / e.name for e in entries], out, extra=["-k", select], timeout=2400)
