"""Figures across the sandbox: described as plain data in the worker, kept by the judge.

A grader function in an ``in_worker.py`` (run through ``student.run``) calls the
student's plot function, then::

    with figures.record_image_grids() as grids:
        fig = module.plot_something(...)
    figures.lay_out(fig)                             # only when axes positions matter
    summary = figures.summarize(fig, grids)          # plain data for the judge
    figures.save_png(fig, "hw05_method1.png")        # a relative path: the worker's scratch folder
    figures.close_all()

and the check, in the judge, copies the picture out for people to look at::

    figures.copy_out(student, "hw05_method1.png", output_dir)

``summarize`` returns only plain values (see ``grader.sandbox.wire``), so the judge can compare
what the figure shows with its own oracles:

    {"is_figure": True, "type": "Figure", "suptitle": str,
     "axes": [{"index", "axes_class", "title", "titles", "texts", "visible", "axis_on",
               "subplot": (nrows, ncols, first, last) or None,    # from get_subplotspec()
               "box": (x0, y0, x1, y1),                           # position in figure coordinates
               "image_grid": (grid index, position) or None,      # a cell of an ImageGrid
               "images": [array, ...]}, ...],                      # AxesImage.get_array()
     "figure_images": [array, ...],                                # fig.figimage(...)
     "image_grids": [{"nrows", "ncols", "n_axes", "in_figure"}, ...]}

Image arrays are returned as the plot shows them (``get_array()`` with any mask
dropped), of the same kind: the judge decides how to compare a float or an integer
(0..255) picture. 1-byte integers arrive widened to 2 bytes, values unchanged.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1 import axes_grid


def _image_array(image) -> Any:
    data = image.get_array()
    if data is None:
        return None
    array = np.array(np.ma.getdata(data))
    if array.dtype.itemsize == 1:  # the wire cannot carry 1-byte arrays yet (dtype str "|u1"): widen, same values
        array = array.astype(np.int16 if array.dtype.kind == "i" else np.uint16)
    return array


def _subplot_geometry(ax) -> tuple[int, int, int, int] | None:
    get = getattr(ax, "get_subplotspec", None)
    spec = get() if get is not None else None
    if spec is None:
        return None
    return tuple(int(v) for v in spec.get_geometry())


def summarize(fig, image_grids=()) -> dict:
    """Plain-data description of ``fig`` (see the module docstring)."""
    if not isinstance(fig, Figure):
        return {"is_figure": False, "type": type(fig).__name__}
    grid_cells = {}
    grids = []
    for g, grid in enumerate(image_grids):
        cells = list(getattr(grid, "axes_all", []))
        for position, ax in enumerate(cells):
            grid_cells[id(ax)] = (g, position)
        nrows, ncols = grid.get_geometry()
        grids.append({"nrows": int(nrows), "ncols": int(ncols), "n_axes": len(cells),
                      "in_figure": any(ax in fig.axes for ax in cells)})
    axes = []
    for index, ax in enumerate(fig.axes):
        titles = [ax.get_title(loc) for loc in ("left", "center", "right")]
        axes.append({
            "index": index,
            "axes_class": f"{type(ax).__module__}.{type(ax).__qualname__}",
            "title": " ".join(t for t in titles if t),
            "titles": titles,
            "texts": [t.get_text() for t in ax.texts],
            "visible": bool(ax.get_visible()),
            "axis_on": bool(ax.axison),
            "subplot": _subplot_geometry(ax),
            "box": tuple(float(v) for v in ax.get_position().extents),
            "image_grid": grid_cells.get(id(ax)),
            "images": [_image_array(im) for im in ax.get_images()],
        })
    suptitle = getattr(fig, "_suptitle", None)
    return {
        "is_figure": True,
        "type": type(fig).__name__,
        "suptitle": suptitle.get_text() if suptitle is not None else "",
        "axes": axes,
        "figure_images": [_image_array(im) for im in fig.images],
        "image_grids": grids,
    }


@contextlib.contextmanager
def record_image_grids() -> Iterator[list]:
    """Collect every ``mpl_toolkits.axes_grid1.ImageGrid`` (or subclass) built inside.

    Wraps ``ImageGrid.__init__`` for the duration only, so it sees the grid however the
    student imported or named the class.
    """
    cls = axes_grid.ImageGrid
    had_own = "__init__" in vars(cls)
    original = cls.__init__
    created: list = []

    def __init__(self, *args, **kwargs):  # noqa: N807
        original(self, *args, **kwargs)
        created.append(self)

    cls.__init__ = __init__
    try:
        yield created
    finally:
        if had_own:
            cls.__init__ = original
        else:
            del cls.__init__


def lay_out(fig) -> None:
    """Run the figure's layout engine (tight, constrained) without rasterising anything, so
    that ``summarize``'s boxes are where a saved picture shows the axes."""
    fig.draw_without_rendering()


def save_png(fig, path) -> str:
    """Save ``fig`` as a PNG for people to look at; returns '' or why it failed."""
    try:
        fig.savefig(str(path), format="png", facecolor="white")
    except Exception as exc:  # noqa: BLE001 - a picture that cannot be saved is not a grade
        return f"{type(exc).__name__}: {exc}"[:300]
    return ""


def close_all() -> None:
    plt.close("all")


def copy_out(student, name: str, output_dir) -> bytes | None:
    """Judge side: the file ``name`` the student's code (or a grader function) wrote in the
    worker's scratch folder, copied to ``output_dir``; its bytes, or None when there is none."""
    data = student.fetch(name)
    target = Path(output_dir) / name
    target.unlink(missing_ok=True)  # never leave last run's picture beside this run's verdict
    if data is not None:
        target.write_bytes(data)
    return data
