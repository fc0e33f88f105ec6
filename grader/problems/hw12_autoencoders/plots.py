"""hw12, judge side: the figure of held-out images, their noisy versions and both models'
reconstructions (students find it in grader-output/)."""

from __future__ import annotations

from pathlib import Path

import torch
from matplotlib.figure import Figure

DENOISING_PNG = "hw12_denoising.png"


def save_denoising(rows: dict[str, torch.Tensor], side: int, path: Path, columns: int = 8) -> None:
    """One row per entry of ``rows`` (title -> ``[N, side*side]`` images), ``columns`` images
    each, grey scale clipped to [0, 1]. English titles: a grading machine's fonts may lack
    Chinese glyphs."""
    fig = Figure(figsize=(columns * 0.9, len(rows) * 1.05))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.94, bottom=0.01, wspace=0.05, hspace=0.35)
    axes = fig.subplots(len(rows), columns, squeeze=False)
    for r, (title, images) in enumerate(rows.items()):
        for c in range(columns):
            ax = axes[r][c]
            ax.imshow(images[c].reshape(side, side).clamp(0, 1).numpy(), cmap="gray", vmin=0, vmax=1)
            ax.set_axis_off()
        axes[r][0].set_title(title, loc="left", fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
