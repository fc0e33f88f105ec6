"""hw04_catdog_dataset, worker side: what runs beside the student's module.

Each function builds the student's dataset, loader or figure over the folders the
judge wrote (``data_dir``) and hands back plain values only: lengths, path strings,
tensors, a figure's summary. Figures are saved in the worker's scratch folder,
from which the judge copies them out.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from PIL import Image
from torchvision import transforms

from grader.support import figures

Image.init()  # every Pillow plugin now, in the zygote, not in each worker that opens an unknown file


def plain_samples(samples):
    """The student's samples as [(path string, label)], or a description of what they are."""
    try:
        out = []
        for item in samples:
            path, label = item
            if isinstance(label, torch.Tensor):
                label = label.item()
            out.append((os.fspath(path), int(label) if not isinstance(label, (bool, float)) else repr(label)))
        return out
    except (TypeError, ValueError) as exc:
        return f"<{type(samples).__name__}: {exc}>"


def plain(value):
    """A tensor or a number as is; anything else as a short description."""
    if isinstance(value, (torch.Tensor, int, float, np.integer)) and not isinstance(value, bool):
        return value
    return f"<{type(value).__name__} {str(value)[:80]}>"


def plain_batches(loader) -> list:
    """One epoch of a loader as [(images, labels)], anything else described."""
    batches = []
    for batch in loader:
        if isinstance(batch, (tuple, list)) and len(batch) == 2:
            batches.append((plain(batch[0]), plain(batch[1])))
        else:
            batches.append((plain(batch), None))
    return batches


class RGBProbe:
    """A user transform: accepts only a PIL image and returns its pixels as a uint8 tensor."""

    def __call__(self, img):
        if not isinstance(img, Image.Image):
            raise TypeError(f"transform 收到了 {type(img).__name__}, 应收到 PIL 图片 / the transform "
                            f"received a {type(img).__name__}, expected the PIL image")
        return transforms.PILToTensor()(img)


def samples_of(module, roots: list[str], twice: bool = True) -> list[list[dict]]:
    """len and samples of CatDogDataset(root) for each root (built twice: both must agree)."""
    out = []
    for root in roots:
        runs = []
        for _ in range(2 if twice else 1):
            ds = module.CatDogDataset(root)
            runs.append({"len": len(ds), "samples": plain_samples(getattr(ds, "samples", None))})
        out.append(runs)
    return out


def items(module, root, indices=None, image_size=None, probe: bool = False):
    """(image, label) of ds[i] for each index; ``probe``: with the grader's RGBProbe transform."""
    kwargs = {} if image_size is None else {"image_size": image_size}
    if probe:
        kwargs["transform"] = RGBProbe()
    ds = module.CatDogDataset(root, **kwargs)
    out = []
    for i in range(len(ds)) if indices is None else indices:
        item = ds[i]
        if isinstance(item, (tuple, list)) and len(item) == 2:
            out.append((plain(item[0]), plain(item[1])))
        else:
            out.append((plain(item), None))
    return {"samples": plain_samples(getattr(ds, "samples", None)), "items": out}


def loader_epochs(module, root, batch_size, image_size, shuffle, epochs=1):
    """``epochs`` epochs of make_dataloader(...), and the num_workers a loader asked for 2 has."""
    loader = module.make_dataloader(root, batch_size=batch_size, image_size=image_size, shuffle=shuffle)
    out = [plain_batches(loader) for _ in range(epochs)]
    workers = module.make_dataloader(root, batch_size=batch_size, image_size=image_size,
                                     shuffle=False, num_workers=2)
    return {"epochs": out, "num_workers": plain(getattr(workers, "num_workers", None))}


def construct(module, root):
    return len(module.CatDogDataset(root))


def read_each(module, root):
    """Read every sample (small: only errors matter); record, per sample, None or the error (type, message)."""
    ds = module.CatDogDataset(root, image_size=16)
    results = []
    for i in range(len(ds)):
        try:
            ds[i]
            results.append(None)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - an error here is what the check is about
            results.append((type(exc).__name__, str(exc)[:500]))
    return {"samples": plain_samples(getattr(ds, "samples", None)), "results": results}


def path_root(module, root, batch_size, image_size):
    """CatDogDataset and make_dataloader given a pathlib.Path root (shuffle off)."""
    root = Path(root)
    samples = plain_samples(getattr(module.CatDogDataset(root), "samples", None))
    loader = module.make_dataloader(root, batch_size=batch_size, image_size=image_size, shuffle=False)
    return {"samples": samples, "batches": plain_batches(loader)}


def show_batch(module, images, labels, png=None, fallback=None, **kwargs):
    """Call show_batch (``png``: a file name in the scratch folder, passed as an absolute path);
    describe the figure as laid out. Saves the returned figure as ``fallback`` when the student's
    code wrote no ``png``, so that there is still a picture to look at."""
    path = os.path.abspath(png) if png else None
    try:
        fig = module.show_batch(images, labels, path=path, **kwargs)
        if isinstance(fig, Figure) and not (path and os.path.isfile(path)):  # saving laid it out already
            if fallback:
                figures.save_png(fig, fallback)
            else:
                figures.lay_out(fig)
        summary = figures.summarize(fig)
    finally:
        figures.close_all()
    return summary
