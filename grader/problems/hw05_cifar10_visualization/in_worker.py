"""hw05_cifar10_visualization, worker side: what runs beside the student's module.

Each function receives the student's module, calls it, and returns plain values
(tensors, arrays, summaries of figures) for the judge to compare with its oracles.
The problem's policy (its manifest) watches every call: numpy_grid may not stitch
with torch or make_grid, and the calls of make_grid and ``CIFAR10.download`` are
counted (``student.last_records``), so nothing here records or forbids by hand.
Figures are saved to a relative path (the worker's scratch folder), from which the
judge copies them out.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch
from torchvision.datasets import CIFAR10

from grader.support import figures


@contextlib.contextmanager
def cifar10_md5_unchecked() -> Iterator[None]:
    """Let ``torchvision.datasets.CIFAR10`` read the grader's tiny CIFAR-10 while inside.

    ``CIFAR10.__init__`` checks every file against the md5 of the real archive, which a
    generated file cannot match; ``check_integrity`` skips the hash when ``md5`` is None.
    The class's file lists are swapped for copies holding None and put back on the way
    out: data, not callables, so the student's code is the code that reads the real
    dataset, and the policy's tamper check is unaffected.
    """
    saved = {name: CIFAR10.__dict__[name] for name in ("train_list", "test_list", "meta")}
    CIFAR10.train_list = [[name, None] for name, _ in saved["train_list"]]
    CIFAR10.test_list = [[name, None] for name, _ in saved["test_list"]]
    CIFAR10.meta = {**saved["meta"], "md5": None}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(CIFAR10, name, value)


def denormalize_on(module, images: torch.Tensor, device: str, kwargs: dict) -> dict:
    """``denormalize(images on device, **kwargs)`` and the input as it is afterwards."""
    x = images.to(device)
    out = module.denormalize(x, **kwargs)
    return {"out": out, "input_after": x.cpu()}


def loader_batches(module, root: str, batch_size: int, train: bool) -> dict:
    """Every batch of one epoch of ``get_cifar10_loader(root, batch_size, train)``."""
    with cifar10_md5_unchecked():
        loader = module.get_cifar10_loader(root, batch_size=batch_size, train=train)
        # Same batches without worker processes (cheaper, and no fork inside the sandbox).
        if getattr(loader, "num_workers", 0):
            loader.num_workers = 0
        batches = [(batch[0], torch.as_tensor(batch[1])) for batch in loader]
    return {"type": type(loader).__name__, "batches": batches}


def numpy_grid_cases(module, cases: list[dict]) -> list[dict]:
    """``numpy_grid`` on each case (a tensor, or its NumPy copy when ``as_numpy``)."""
    results = []
    for case in cases:
        images = case["images"].numpy().copy() if case.get("as_numpy") else case["images"]
        out = module.numpy_grid(images, nrow=case["nrow"], padding=case["padding"], pad_value=case["pad_value"])
        results.append({"out": out if isinstance(out, (np.ndarray, torch.Tensor)) else None,
                        "type": type(out).__name__, "input_after": images})
    return results


def draw(module, func_name: str, args: tuple, kwargs: dict, png: str | None = None) -> dict:
    """Call a plot function, describe its figure, save it as ``png`` (scratch), close everything."""
    try:
        with figures.record_image_grids() as grids:
            fig = getattr(module, func_name)(*args, **kwargs)
        summary = figures.summarize(fig, grids)
        summary["png_error"] = figures.save_png(fig, png) if (png and summary["is_figure"]) else ""
    finally:
        figures.close_all()
    summary["input_after"] = args[0]
    return summary
