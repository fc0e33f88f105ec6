"""hw05_cifar10_visualization, judge side: a tiny CIFAR-10 in the real ``cifar-10-batches-py`` format.

    tiny = write_tiny_cifar10(data_dir)      # writes the files, returns the pixels
    images, labels = normalized_split(tiny.root, train=False)   # the judge's oracle

The files are exactly what ``torchvision.datasets.CIFAR10`` reads
(``data_batch_1`` … ``data_batch_5``, ``test_batch``, ``batches.meta``: pickled dicts with
``data`` = uint8 ``[N, 3072]`` rows of R, G, B planes, ``labels``, ``filenames``,
``batch_label``; ``label_names`` in the meta file), only with a few procedurally drawn
images instead of 60,000 photos. Nothing is downloaded.

The md5 question. ``CIFAR10.__init__`` checks every file against the md5 of the real
archive (``_check_integrity`` and ``_load_meta`` call ``check_integrity(path, md5)``);
files with the same md5 as the real ones cannot be written (that would take an MD5
preimage), so the check has to be relaxed, and ``check_integrity`` skips the hash when
``md5`` is ``None``. Two places need that, and nowhere else:

- the judge loads the fixture through ``TinyCIFAR10``, a subclass whose file lists
  carry ``None`` for every md5 (so its oracle goes through torchvision's own reader);
- the student's ``get_cifar10_loader`` builds ``torchvision.datasets.CIFAR10`` itself,
  in the worker: ``in_worker.cifar10_md5_unchecked()`` swaps ``CIFAR10.train_list`` /
  ``test_list`` / ``meta`` for copies with ``None`` md5s around that one call.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torchvision import transforms
from torchvision.datasets import CIFAR10

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)
BASE_FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
META_FILE = "batches.meta"

# A colour per class, so the pictures in the saved PNGs are easy to tell apart.
_CLASS_RGB = np.array([
    (90, 140, 230), (220, 60, 50), (240, 200, 60), (230, 140, 60), (150, 110, 70),
    (160, 120, 200), (60, 170, 80), (120, 80, 50), (40, 90, 160), (200, 200, 200),
], dtype=np.float64)


@dataclass(frozen=True)
class TinyCifar:
    root: str                 # pass this as ``root`` (it holds cifar-10-batches-py/)
    train_images: np.ndarray  # [N, 32, 32, 3] uint8, file order (data_batch_1 … _5)
    train_labels: tuple[int, ...]
    test_images: np.ndarray   # [M, 32, 32, 3] uint8, file order
    test_labels: tuple[int, ...]


def _draw(rng: np.random.Generator, label: int) -> np.ndarray:
    """One 32×32 RGB uint8 picture: a gradient sky, a class-coloured blob, some noise."""
    yy, xx = np.mgrid[0:32, 0:32].astype(np.float64)
    top, bottom = rng.uniform(40, 255, size=3), rng.uniform(0, 200, size=3)
    img = top + (bottom - top) * (yy / 31.0)[..., None]
    cy, cx, r = rng.uniform(9, 23), rng.uniform(9, 23), rng.uniform(5, 10)
    if label % 2 == 0:
        mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= r ** 2
    else:
        mask = (np.abs(yy - cy) <= r * 0.8) & (np.abs(xx - cx) <= r)
    img[mask] = _CLASS_RGB[label] * rng.uniform(0.7, 1.1)
    img += rng.normal(0.0, 12.0, size=img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def _write_batch(path: Path, images: np.ndarray, labels: list[int], batch_label: str, first: int) -> None:
    entry = {
        "batch_label": batch_label,
        "labels": [int(v) for v in labels],
        # CHW planes, one image a row: [R(1024) G(1024) B(1024)], as the real files
        "data": np.ascontiguousarray(images.transpose(0, 3, 1, 2).reshape(len(images), 3072)),
        "filenames": [f"tiny_{first + i:05d}.png" for i in range(len(images))],
    }
    with open(path, "wb") as f:
        pickle.dump(entry, f, protocol=2)


def write_tiny_cifar10(root, per_batch: int = 8, n_test: int = 20, seed: int = 5) -> TinyCifar:
    """Write ``root/cifar-10-batches-py/`` with ``5 × per_batch`` training and ``n_test``
    test images; return their pixels and labels in file order."""
    rng = np.random.default_rng(seed)
    folder = Path(root) / BASE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)

    def make(n: int) -> tuple[np.ndarray, list[int]]:
        labels = [int(v) for v in rng.integers(0, 10, size=n)]
        return np.stack([_draw(rng, lab) for lab in labels]), labels

    train_images, train_labels = [], []
    for i, name in enumerate(TRAIN_FILES):
        images, labels = make(per_batch)
        _write_batch(folder / name, images, labels, f"training batch {i + 1} of 5", len(train_labels))
        train_images.append(images)
        train_labels += labels
    test_images, test_labels = make(n_test)
    _write_batch(folder / TEST_FILE, test_images, test_labels, "testing batch 1 of 1", 0)
    with open(folder / META_FILE, "wb") as f:
        pickle.dump({"num_cases_per_batch": per_batch, "label_names": list(CLASSES), "num_vis": 3072},
                    f, protocol=2)
    return TinyCifar(str(Path(root).resolve()), np.concatenate(train_images), tuple(train_labels),
                     test_images, tuple(test_labels))


class TinyCIFAR10(CIFAR10):
    """The judge's reader of the fixture: torchvision's CIFAR10 without the md5 checks."""

    train_list = [[name, None] for name in TRAIN_FILES]
    test_list = [[TEST_FILE, None]]
    meta = {"filename": META_FILE, "key": "label_names", "md5": None}


def normalized_split(root, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The judge's oracle: the split read by torchvision, ``ToTensor()`` + ``Normalize``."""
    dataset = TinyCIFAR10(os.fspath(root), train=train, download=False,
                          transform=transforms.Compose([transforms.ToTensor(),
                                                        transforms.Normalize(MEAN, STD)]))
    images = torch.stack([dataset[i][0] for i in range(len(dataset))])
    labels = torch.tensor([dataset[i][1] for i in range(len(dataset))])
    return images, labels
