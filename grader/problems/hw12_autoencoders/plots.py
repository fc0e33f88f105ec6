"""hw12, judge side: the figure of held-out images, their noisy versions and both models'
reconstructions (students find it in grader-output/)."""

from __future__ import annotations

from pathlib import Path

import torch
from matplotlib.figure import Figure

DENOISING_PNG = "hw12_denoising.png"


def save_denoising(rows: dict[str, torch.Tensor], side: int, path: Path, columns: int = 8) -> None:
    """One row per entry of ``rows`` (label -> ``[N, side*side]`` images), ``columns`` images
    each, grey scale clipped to [0, 1], tiled into one picture (one axes draws fast).
    English labels: a grading machine's fonts may lack Chinese glyphs."""
    cell = side + 1  # one pixel of white between tiles
    canvas = torch.ones(len(rows) * cell, columns * cell)
    for r, images in enumerate(rows.values()):
        for c in range(columns):
            canvas[r * cell:r * cell + side, c * cell:c * cell + side] = images[c].reshape(side, side).clamp(0, 1)
    fig = Figure(figsize=(columns * 0.75 + 2.4, len(rows) * 0.75 + 0.3))
    ax = fig.add_axes((0.3, 0.02, 0.69, 0.96))
    ax.imshow(canvas.numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([r * cell + side / 2 for r in range(len(rows))], list(rows), fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
