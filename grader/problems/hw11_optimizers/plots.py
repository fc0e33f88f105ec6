"""hw11, judge side: the figure of compare_optimizers' curves (students find it in grader-output/)."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from grader.judging.checks import as_number

CURVES_PNG = "hw11_compare_optimizers.png"


def save_curves(result: dict, torch_curves: dict, path: Path) -> None:
    """The submission's SGD and Adam losses (solid) over torch's (dashed), on a log scale
    (English labels: the fonts a grading machine has may lack Chinese glyphs)."""
    fig = Figure(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.92, bottom=0.12)
    ax = fig.subplots()
    for name, label, color in (("sgd", "SGD (lr_sgd)", "tab:blue"), ("adam", "Adam (lr_adam)", "tab:orange")):
        values = [as_number(v) for v in result[name]]
        ax.semilogy([v if v is not None and v > 0 else float("nan") for v in values], color=color,
                    label=f"yours: {label}")
        ax.semilogy(torch_curves[name], color=color, linestyle="--", linewidth=1, label=f"torch.optim: {label}")
    ax.set_xlabel("step")
    ax.set_ylabel("loss ½·(100·w₁² + w₂²)")
    ax.set_title("compare_optimizers(): SGD vs Adam")
    ax.legend(fontsize="small")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
