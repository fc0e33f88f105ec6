"""hw04_catdog_dataset, judge side: the image folders, drawn with Pillow and written at grading time.

Nothing is downloaded: every picture is drawn here, a distinct pattern per file
(its own colours, gradient direction, face position and a caption such as
``cat 3``), so the grader can tell any two files apart after resizing and so
catch wrong orders and wrong labels. Files are written in a shuffled order so
that a directory listing does not come back sorted by accident.

Folders (each a fresh directory under ``base``)::

    class_folders/  cat/…, dog/…, nested sub-folders, .jpg .jpeg .png .JPG .PNG,
                    modes RGB, L, RGBA, P, sizes from 23×61 to 140×52
    flat/           Kaggle's layout: cat.0.jpg, dog.12.jpg, …, same variety
    cluttered_classes/  class folders plus things to ignore: .txt files, hidden
                    files, an ``other/`` folder of images, a README
    cluttered_flat/ flat layout plus .txt, hidden and non-image files
    empty/          an empty folder
    no_images/      cat/ and dog/ holding only non-image files
    corrupt/        class folders with one undecodable file (random bytes
                    named .jpg) and one truncated JPEG

Everything the judge compares against (the expected ``samples``, the RGB
images) is computed here, from the bytes in memory, before any student code runs;
a submission gets a fresh copy of the folders (``build_all``), so nothing one
submission does to them can reach another's.
"""

from __future__ import annotations

import colorsys
import functools
import io
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ("cat", "dog")


@dataclass(frozen=True)
class FileSpec:
    relpath: str          # relative to the folder's root, "/"-separated
    label: int            # 0 cat, 1 dog
    size: tuple[int, int]  # (width, height) as Pillow counts
    mode: str             # mode of the saved file: RGB, L, RGBA or P
    fmt: str              # JPEG or PNG


@dataclass
class ImageFolderFixture:
    """One written folder and what a correct dataset makes of it."""

    root: str
    samples: list[tuple[str, int]]               # sorted by path, absolute paths
    files: dict[str, FileSpec] = field(default_factory=dict)  # absolute path -> spec
    ignored: list[str] = field(default_factory=list)           # files a dataset must skip
    broken: list[str] = field(default_factory=list)            # files that cannot be decoded
    images: dict[str, Image.Image] = field(default_factory=dict)  # path -> the file read as RGB

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root)


# -- pictures -------------------------------------------------------------------

def _colour(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def draw_picture(index: int, label: int, size: tuple[int, int]) -> Image.Image:
    """An RGB picture unique to ``index``: a gradient, a cat or dog face, a caption."""
    w, h = size
    hue = (index * 0.6180339887) % 1.0
    c1, c2 = _colour(hue, 0.55, 0.95), _colour(hue + 0.33, 0.8, 0.35)
    if index % 2 == 0:  # horizontal gradient
        t = np.broadcast_to(np.linspace(0.0, 1.0, w)[None, :], (h, w))
    else:
        t = np.broadcast_to(np.linspace(0.0, 1.0, h)[:, None], (h, w))
    a, b = np.array(c1, dtype=np.float64), np.array(c2, dtype=np.float64)
    img = Image.fromarray((a + (b - a) * t[..., None]).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    face = _colour(hue + 0.5, 0.35 + 0.1 * (index % 3), 0.9)
    ink = _colour(hue + 0.75, 0.9, 0.2)
    r = max(4, int(min(w, h) * (0.26 + 0.04 * (index % 3))))
    cx = int(w * (0.35 + 0.3 * ((index * 7) % 5) / 4))
    cy = int(h * 0.45)
    if label == 0:  # cat: pointed ears
        for side in (-1, 1):
            draw.polygon([(cx + side * r * 0.9, cy - r * 0.3), (cx + side * r * 0.2, cy - r * 0.8),
                          (cx + side * r * 0.85, cy - r * 1.5)], fill=face)
    else:  # dog: floppy ears
        for side in (-1, 1):
            draw.ellipse([cx + side * r * 0.95 - r * 0.35, cy - r * 0.7,
                          cx + side * r * 0.95 + r * 0.35, cy + r * 0.5], fill=ink)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=face)
    e = max(1, r // 5)
    for side in (-1, 1):
        draw.ellipse([cx + side * r * 0.4 - e, cy - r * 0.2 - e, cx + side * r * 0.4 + e, cy - r * 0.2 + e],
                     fill=ink)
    draw.ellipse([cx - e, cy + r * 0.2 - e, cx + e, cy + r * 0.2 + e], fill=ink)
    draw.text((2, max(0, h - 12)), f"{CLASSES[label]} {index}", fill=ink)
    return img


def _encode(img: Image.Image, mode: str, fmt: str) -> bytes:
    if mode == "L":
        img = img.convert("L")
    elif mode == "RGBA":
        img = img.convert("RGBA")  # opaque: dropping or compositing alpha give the same RGB
    elif mode == "P":
        img = img.convert("P", palette=Image.Palette.ADAPTIVE, colors=48)
    buffer = io.BytesIO()
    if fmt == "JPEG":
        img.save(buffer, "JPEG", quality=92)
    else:
        img.save(buffer, "PNG")
    return buffer.getvalue()


# -- folders --------------------------------------------------------------------

# (relative path, label, (w, h), mode). Names are chosen so that every way of
# ordering that the contract allows agrees: sorting the full path strings,
# sorting Path objects, and ImageFolder's walk (a folder's files before its
# sub-folders, whose names sort after those files).
CLASS_FOLDER_FILES = [
    ("cat/c01.jpg", 0, (64, 48), "RGB"),
    ("cat/c02.png", 0, (37, 81), "RGBA"),
    ("cat/c03.JPG", 0, (120, 90), "L"),
    ("cat/c04.png", 0, (50, 50), "P"),
    ("cat/c05.jpeg", 0, (140, 52), "RGB"),
    ("cat/indoor/c06.png", 0, (45, 70), "L"),
    ("cat/indoor/c07.jpg", 0, (90, 66), "RGB"),
    ("dog/d01.png", 1, (72, 72), "RGB"),
    ("dog/d02.jpg", 1, (23, 61), "L"),
    ("dog/d03.PNG", 1, (88, 40), "P"),
    ("dog/d04.png", 1, (60, 100), "RGBA"),
    ("dog/d05.jpg", 1, (110, 75), "RGB"),
    ("dog/park/d06.jpg", 1, (54, 38), "RGB"),
]

FLAT_FILES = [
    ("cat.0.jpg", 0, (66, 50), "RGB"),
    ("cat.1.png", 0, (40, 72), "P"),
    ("cat.2.JPG", 0, (96, 64), "L"),
    ("cat.3.png", 0, (58, 58), "RGBA"),
    ("cat.4.jpeg", 0, (130, 44), "RGB"),
    ("dog.0.png", 1, (80, 60), "RGBA"),
    ("dog.1.jpg", 1, (31, 77), "RGB"),
    ("dog.12.jpg", 1, (100, 85), "L"),
    ("dog.2.PNG", 1, (62, 45), "P"),
    ("dog.3.jpg", 1, (48, 96), "RGB"),
]

CLUTTER_CLASS_IMAGES = [
    ("cat/c1.jpg", 0, (50, 40), "RGB"),
    ("cat/c2.png", 0, (40, 50), "L"),
    ("dog/d1.jpg", 1, (44, 60), "RGB"),
    ("dog/d2.png", 1, (60, 44), "RGBA"),
]
CLUTTER_CLASS_IGNORED = [
    ("cat/notes.txt", b"not an image\n"),
    ("cat/.hidden", b"hidden file\n"),
    ("dog/.DS_Store", b"\x00\x00\x00\x01Bud1"),
    ("dog/labels.csv", b"file,label\nd1.jpg,1\n"),
    ("README.txt", b"cats and dogs\n"),
    ("other/o1.jpg", None),  # images, but not in a class folder
    ("other/o2.png", None),
]

CLUTTER_FLAT_IMAGES = [
    ("cat.0.jpg", 0, (50, 40), "RGB"),
    ("cat.1.png", 0, (40, 50), "P"),
    ("dog.0.jpg", 1, (44, 60), "L"),
    ("dog.1.jpg", 1, (60, 44), "RGB"),
]
CLUTTER_FLAT_IGNORED = [
    ("notes.txt", b"not an image\n"),
    (".hidden", b"hidden file\n"),
    (".DS_Store", b"\x00\x00\x00\x01Bud1"),
    ("cat.2.txt", b"a cat, in words\n"),
    ("dog.3.json", b"{}\n"),
    ("Thumbs.db", b"\x00" * 16),
]


@dataclass
class _Plan:
    """One folder, ready to be written again and again: its files' bytes, in the order to
    write them, and what a correct dataset makes of it (paths relative to the folder)."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    specs: dict[str, FileSpec] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    broken: list[tuple[str, int]] = field(default_factory=list)  # (relpath, label)
    images: dict[str, Image.Image] = field(default_factory=dict)

    def add_images(self, entries, rng: random.Random, first_index: int) -> "_Plan":
        planned = []
        for i, (rel, label, size, mode) in enumerate(entries):
            fmt = "PNG" if rel.lower().endswith(".png") else "JPEG"
            self.specs[rel] = FileSpec(rel, label, size, mode, fmt)
            data = _encode(draw_picture(first_index + i, label, size), mode, fmt)
            with Image.open(io.BytesIO(data)) as img:  # the judge's view: Pillow, then RGB
                self.images[rel] = img.convert("RGB")
            planned.append((rel, data))
        rng.shuffle(planned)  # the listing of a folder should not come back sorted by luck
        self.files += planned
        return self

    def add_ignored(self, entries, first_index: int) -> "_Plan":
        for i, (rel, data) in enumerate(entries):
            if data is None:  # an image that must still be ignored
                fmt = "PNG" if rel.endswith(".png") else "JPEG"
                data = _encode(draw_picture(first_index + i, i % 2, (30, 30)), "RGB", fmt)
            self.files.append((rel, data))
            self.ignored.append(rel)
        return self

    def write(self, root: Path) -> ImageFolderFixture:
        root.mkdir(parents=True)
        for rel, data in self.files:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        labelled = [(rel, spec.label) for rel, spec in self.specs.items()] + self.broken
        return ImageFolderFixture(
            root=str(root), samples=sorted((str(root / rel), label) for rel, label in labelled),
            files={str(root / rel): spec for rel, spec in self.specs.items()},
            ignored=[str(root / rel) for rel in self.ignored],
            broken=[str(root / rel) for rel, _ in self.broken],
            images={str(root / rel): img for rel, img in self.images.items()})


@functools.cache
def _plans(seed: int) -> dict[str, _Plan]:
    """Every folder's bytes and oracle, made once per process (drawing and encoding are the
    costly part; writing a copy for each submission is cheap)."""
    rng = random.Random(seed)
    plans = {
        "class_folders": _Plan().add_images(CLASS_FOLDER_FILES, rng, 0),
        "flat": _Plan().add_images(FLAT_FILES, rng, 20),
        "cluttered_classes": _Plan().add_images(CLUTTER_CLASS_IMAGES, rng, 40).add_ignored(CLUTTER_CLASS_IGNORED, 50),
        "cluttered_flat": _Plan().add_images(CLUTTER_FLAT_IMAGES, rng, 60).add_ignored(CLUTTER_FLAT_IGNORED, 70),
        "empty": _Plan(),
        "no_images": _Plan().add_ignored([("cat/readme.txt", b"no pictures yet\n"), ("dog/.keep", b""),
                                          ("notes.txt", b"empty\n")], 80),
    }
    corrupt = _Plan().add_images([("cat/c1.jpg", 0, (40, 40), "RGB"), ("cat/c3.png", 0, (36, 44), "L"),
                                  ("dog/d1.jpg", 1, (44, 36), "RGB"), ("dog/d3.jpg", 1, (38, 38), "RGB")], rng, 90)
    garbage = bytes(random.Random(seed + 1).getrandbits(8) for _ in range(700))
    good_jpeg = _encode(draw_picture(99, 1, (80, 80)), "RGB", "JPEG")
    corrupt.files += [("cat/c2.jpg", garbage), ("dog/d2.jpg", good_jpeg[: len(good_jpeg) // 3])]
    corrupt.broken = [("cat/c2.jpg", 0), ("dog/d2.jpg", 1)]  # undecodable, then a truncated JPEG
    plans["corrupt"] = corrupt
    return plans


def build_all(base: Path, seed: int = 4) -> dict[str, ImageFolderFixture]:
    """Write every hw04_catdog_dataset folder under ``base`` (a new folder) and describe them."""
    return {name: plan.write(Path(base) / name) for name, plan in _plans(seed).items()}


if __name__ == "__main__":  # look at the folders: python -m grader.problems.hw04_catdog_dataset.image_fixtures DIR
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hw04-fixtures")
    target.mkdir(parents=True, exist_ok=True)
    for name, fx in build_all(target).items():
        print(f"{name}: {len(fx.samples)} images, {len(fx.ignored)} ignored, {len(fx.broken)} broken")
    print(os.fspath(target.resolve()))
