"""hw04 第四题: a custom cat/dog dataset, its DataLoader, and a picture of one batch.

Fixtures: real JPEG and PNG files (modes RGB, L, RGBA, P; varied sizes), written
with Pillow into temporary folders at test time (``grader/fixtures_images.py``),
in both layouts of the contract, plus files to ignore and broken files.

Oracles (computed here, in the judge): the sorted list of files the judge wrote
and their labels; each file opened with Pillow, converted to RGB, then
``torchvision.transforms.Resize`` + ``ToTensor``; Pillow's reading of the PNG that
``show_batch`` writes. Any implementation that behaves as specified passes,
``torchvision.datasets.ImageFolder`` underneath included.

The worker-side functions below build the student's dataset or loader and hand
back plain values only (lengths, path strings, tensors, titles).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision import transforms

from grader.judging.checks import expect, expect_close, expect_equal, expect_raises, fail
from grader.problems.hw04_catdog_dataset.image_fixtures import CLASSES, ImageFolderFixture, build_all

pytestmark = pytest.mark.problem("hw04_catdog_dataset")

# Tolerance against the Resize + ToTensor oracle: decoding and resizing through
# another correct route (a tensor Resize, torchvision.io) differs by about 1/255;
# two different fixture pictures differ by 0.09 or more on average.
ATOL = 0.01
SHOW_BATCH_PNG = "hw04_show_batch.png"
SHOW_BATCH_FALLBACK_PNG = "hw04_show_batch_returned_figure.png"


# -- judge side: folders and oracles -----------------------------------------------

@pytest.fixture(scope="module")
def folders(tmp_path_factory, submission) -> dict[str, ImageFolderFixture]:
    """Fresh folders for each submission (a submission could write into them)."""
    return build_all(tmp_path_factory.mktemp(f"hw04-{submission.name}"))


def as_hw(size) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


def resize_to_tensor(img: Image.Image, size) -> torch.Tensor:
    """The oracle: torchvision's Resize to exactly (h, w), then ToTensor."""
    return transforms.ToTensor()(transforms.Resize(as_hw(size))(img))


def norm_path(path) -> str:
    return os.path.normpath(os.path.realpath(path)) if isinstance(path, str) else repr(path)


def describe_file(fx: ImageFolderFixture, path: str) -> str:
    spec = fx.files.get(path)
    extra = f", {spec.fmt} mode {spec.mode}, {spec.size[0]}×{spec.size[1]}" if spec else ""
    return f"{fx.rel(path)}{extra}"


def expect_samples(got: list, fx: ImageFolderFixture, what: str) -> None:
    """``got`` (from the worker) equals the judge's sorted list of (path, label)."""
    if isinstance(got, str):  # the worker could not read them
        fail(f"{what}: samples 应为 [(路径, 标签), ...], 你的是 {got}",
             f"{what}: samples must be [(path, label), ...], got {got}")
    expected = [(norm_path(p), label) for p, label in fx.samples]
    mine = [(norm_path(p), label) for p, label in got]
    if len(mine) != len(expected):
        extra = sorted({fx.rel(p) for p, _ in mine} - {fx.rel(p) for p, _ in expected})
        missing = sorted({fx.rel(p) for p, _ in expected} - {fx.rel(p) for p, _ in mine})
        fail(f"{what}: 应有 {len(expected)} 个样本, 你的有 {len(mine)} 个; 多出 {extra[:6]}, 缺少 {missing[:6]}",
             f"{what}: expected {len(expected)} samples, got {len(mine)}; extra {extra[:6]}, missing {missing[:6]}")
    if {p for p, _ in mine} != {p for p, _ in expected}:
        extra = sorted({fx.rel(p) for p, _ in mine} - {fx.rel(p) for p, _ in expected})
        missing = sorted({fx.rel(p) for p, _ in expected} - {fx.rel(p) for p, _ in mine})
        fail(f"{what}: 样本文件不对; 多出 {extra[:6]}, 缺少 {missing[:6]}",
             f"{what}: wrong files; extra {extra[:6]}, missing {missing[:6]}")
    wrong = [(fx.rel(p), label) for (p, label), (_, want) in
             zip(sorted(mine), sorted(expected)) if label != want]
    if wrong:
        fail(f"{what}: 标签错误 (cat 应为 0, dog 应为 1): {wrong[:6]}",
             f"{what}: wrong labels (cat must be 0, dog 1): {wrong[:6]}")
    if mine != expected:
        fail(f"{what}: samples 应按文件路径排序; 期望 {[fx.rel(p) for p, _ in expected]}, "
             f"你的顺序是 {[fx.rel(p) for p, _ in mine]}",
             f"{what}: samples must be sorted by file path; expected "
             f"{[fx.rel(p) for p, _ in expected]}, got {[fx.rel(p) for p, _ in mine]}")


def expect_image(got, want: torch.Tensor, what: str) -> None:
    """A float [3, h, w] tensor in [0, 1], close to the oracle."""
    if not isinstance(got, torch.Tensor):
        fail(f"{what}: 应返回 tensor, 你的是 {got}", f"{what}: expected a tensor, got {got}")
    expect(got.is_floating_point(), f"{what}: 应为浮点 tensor (ToTensor 之后取值 [0, 1]), 你的是 {got.dtype}",
           f"{what}: expected a float tensor (values in [0, 1] as ToTensor gives), got {got.dtype}")
    expect(tuple(got.shape) == tuple(want.shape),
           f"{what}: 形状应为 {tuple(want.shape)} (3 个 RGB 通道 × h × w), 你的是 {tuple(got.shape)}",
           f"{what}: expected shape {tuple(want.shape)} (3 RGB channels × h × w), got {tuple(got.shape)}")
    lo, hi = float(got.min()), float(got.max())
    expect(lo >= 0.0 and hi <= 1.0, f"{what}: 取值应在 [0, 1], 你的在 [{lo:.3g}, {hi:.3g}]",
           f"{what}: values must lie in [0, 1], yours lie in [{lo:.3g}, {hi:.3g}]")
    expect_close(got, want, f"{what} vs Resize + ToTensor", atol=ATOL, rtol=0.0, check_device=False)


def expect_label(got, want: int, what: str) -> None:
    ok = not isinstance(got, (bool, str)) and isinstance(got, (int, np.integer, torch.Tensor)) \
        and (not isinstance(got, torch.Tensor) or (got.numel() == 1 and not got.is_floating_point()))
    expect(ok, f"{what}: 标签应为整数, 你的是 {got!r}", f"{what}: the label must be an int, got {got!r}")
    expect_equal(int(got), want, f"{what}: 标签 / label", "cat → 0, dog → 1")


def items_with_files(got: dict, fx: ImageFolderFixture, what: str):
    """(index, judge's path, image, label) for each item read, located by the student's own
    ``samples`` (so that a wrong order is charged to the samples checks only)."""
    samples = got["samples"]
    known = {norm_path(p): p for p, _ in fx.samples}
    if isinstance(samples, str) or len(samples) != len(got["items"]):
        fail(f"{what}: samples 应为与数据集等长的 [(路径, 标签), ...], 你的是 {str(samples)[:200]}",
             f"{what}: samples must be [(path, label), ...] as long as the dataset, got {str(samples)[:200]}")
    for i, ((path, _), (image, label)) in enumerate(zip(samples, got["items"])):
        if norm_path(path) not in known:
            fail(f"{what}: samples[{i}] = {path!r} 不是应有的图片文件", f"{what}: samples[{i}] = {path!r} "
                 f"is not one of the image files")
        yield i, known[norm_path(path)], image, label


# -- worker side ---------------------------------------------------------------------

def _plain_samples(samples):
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


def _plain(value):
    """A tensor or a number as is; anything else as a short description."""
    if isinstance(value, (torch.Tensor, int, float, np.integer)) and not isinstance(value, bool):
        return value
    return f"<{type(value).__name__} {str(value)[:80]}>"


def w_samples(module, root, twice: bool = True):
    """len and samples of CatDogDataset(root) (built twice: both must agree)."""
    runs = []
    for _ in range(2 if twice else 1):
        ds = module.CatDogDataset(root)
        runs.append({"len": len(ds), "samples": _plain_samples(getattr(ds, "samples", None))})
    return runs


def w_items(module, root, indices=None, image_size=None, transform=None):
    """(image, label) of ds[i] for each index; ``transform`` names a grader transform."""
    kwargs = {} if image_size is None else {"image_size": image_size}
    if transform == "probe":
        kwargs["transform"] = RGBProbe()
    ds = module.CatDogDataset(root, **kwargs)
    if indices is None:
        indices = range(len(ds))
    out = []
    for i in indices:
        item = ds[i]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            out.append((_plain(item), None))
            continue
        out.append((_plain(item[0]), _plain(item[1])))
    return {"samples": _plain_samples(getattr(ds, "samples", None)), "items": out}


class RGBProbe:
    """A user transform: accepts only a PIL image and returns its pixels as a uint8 tensor."""

    def __call__(self, img):
        if not isinstance(img, Image.Image):
            raise TypeError(f"transform 收到了 {type(img).__name__}, 应收到 PIL 图片 / the transform "
                            f"received a {type(img).__name__}, expected the PIL image")
        return transforms.PILToTensor()(img)


def w_loader(module, root, batch_size, image_size, shuffle, epochs=1):
    loader = module.make_dataloader(root, batch_size=batch_size, image_size=image_size, shuffle=shuffle)
    out = []
    for _ in range(epochs):
        batches = []
        for batch in loader:
            if isinstance(batch, (tuple, list)) and len(batch) == 2:
                batches.append((_plain(batch[0]), _plain(batch[1])))
            else:
                batches.append((_plain(batch), None))
        out.append(batches)
    workers = module.make_dataloader(root, batch_size=batch_size, image_size=image_size,
                                     shuffle=False, num_workers=2)
    return {"epochs": out, "num_workers": _plain(getattr(workers, "num_workers", None))}


def w_construct(module, root):
    return len(module.CatDogDataset(root))


def w_read_each(module, root):
    """Read every sample; record, per sample, None or the error (type, message)."""
    ds = module.CatDogDataset(root)
    results = []
    for i in range(len(ds)):
        try:
            ds[i]
            results.append(None)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - an error here is what the check is about
            results.append((type(exc).__name__, str(exc)[:500]))
    return {"samples": _plain_samples(getattr(ds, "samples", None)), "results": results}


def w_show_batch(module, images, labels, path=None, fallback=None, **kwargs):
    """Call show_batch; describe the figure: the axes holding an image, in reading order."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = module.show_batch(images, labels, path=path, **kwargs)
    if not isinstance(fig, Figure):
        return {"type": type(fig).__name__}
    if fallback and not (path and os.path.isfile(path)):
        fig.savefig(fallback, format="png")  # so the student can still look at it
    fig.canvas.draw()
    axes = []
    for ax in fig.axes:
        pictures = ax.get_images()
        if not pictures:
            continue
        x0, y0, x1, y1 = ax.get_position().extents
        title = " ".join(t for t in (ax.get_title(loc=loc).strip() for loc in ("left", "center", "right")) if t)
        array = np.ma.getdata(pictures[0].get_array())
        axes.append({"title": title, "box": (float(x0), float(y0), float(x1), float(y1)),
                     "array": np.array(array), "count": len(pictures)})
    plt.close(fig)
    return {"type": "Figure", "axes": axes}


# -- checks --------------------------------------------------------------------------

@pytest.mark.points(1)
def test_class_folder_samples(student, folders):
    """class folders: len, samples sorted by path (sub-folders searched), labels cat 0 / dog 1, deterministic"""
    fx = folders["class_folders"]
    runs = student.run(w_samples, fx.root)
    for n, run in enumerate(runs):
        where = f"CatDogDataset(root) #{n + 1} (cat/…, dog/…)"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "judge's count of the image files")
        expect_samples(run["samples"], fx, f"{where}.samples")


@pytest.mark.points(1)
def test_flat_layout_samples(student, folders):
    """Kaggle flat layout (cat.0.jpg, dog.12.jpg): len, samples sorted by path, labels cat 0 / dog 1"""
    fx = folders["flat"]
    runs = student.run(w_samples, fx.root)
    for n, run in enumerate(runs):
        where = f"CatDogDataset(root) #{n + 1} (cat.0.jpg, dog.12.jpg, …)"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "judge's count of the image files")
        expect_samples(run["samples"], fx, f"{where}.samples")


@pytest.mark.points(0.5)
def test_non_images_ignored(student, folders):
    """non-images are ignored: .txt, .csv, hidden files, a folder that is neither cat nor dog"""
    for key in ("cluttered_classes", "cluttered_flat"):
        fx = folders[key]
        ignored = ", ".join(fx.rel(p) for p in fx.ignored)
        run = student.run(w_samples, fx.root, twice=False)[0]
        where = f"CatDogDataset(root), root holding {ignored}"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "only cat/dog images count")
        expect_samples(run["samples"], fx, f"{where}: samples")


@pytest.mark.points(1.5)
def test_items_match_resize_to_tensor(student, folders):
    """ds[i] is (float [3, h, w] in [0, 1], label) equal to Resize((s, s)) + ToTensor, for RGB, L, RGBA, P files"""
    fx = folders["class_folders"]
    got = student.run(w_items, fx.root, image_size=32)
    expect_equal(len(got["items"]), len(fx.samples), "len(CatDogDataset(root, image_size=32))")
    for i, path, image, label in items_with_files(got, fx, "CatDogDataset(root, image_size=32)"):
        what = f"CatDogDataset(root, image_size=32)[{i}] ({describe_file(fx, path)})"
        expect_image(image, resize_to_tensor(fx.images[path], 32), what)
        expect_label(label, dict(fx.samples)[path], what)
    got = student.run(w_items, fx.root, indices=[0])  # the default image_size
    got["samples"] = got["samples"][:1]
    for _, path, image, _ in items_with_files(got, fx, "CatDogDataset(root)"):
        expect_image(image, resize_to_tensor(fx.images[path], 224),
                     f"CatDogDataset(root)[0] ({describe_file(fx, path)}), image_size=224 by default")


@pytest.mark.points(0.5)
def test_image_size_h_w(student, folders):
    """image_size=(h, w) gives [3, h, w] tensors equal to Resize((h, w)) + ToTensor (flat layout)"""
    fx = folders["flat"]
    got = student.run(w_items, fx.root, image_size=(24, 40))
    expect_equal(len(got["items"]), len(fx.samples), "len(CatDogDataset(root, image_size=(24, 40)))")
    for i, path, image, label in items_with_files(got, fx, "CatDogDataset(root, image_size=(24, 40))"):
        what = f"CatDogDataset(root, image_size=(24, 40))[{i}] ({describe_file(fx, path)})"
        expect_image(image, resize_to_tensor(fx.images[path], (24, 40)), what)
        expect_label(label, dict(fx.samples)[path], what)


@pytest.mark.points(1)
def test_transform_replaces_default(student, folders):
    """a given transform replaces the default: it receives the RGB PIL image, and its output is returned as is"""
    fx = folders["class_folders"]
    got = student.run(w_items, fx.root, image_size=32, transform="probe")
    expect_equal(len(got["items"]), len(fx.samples), "len(CatDogDataset(root, transform=t))")
    for i, path, image, label in items_with_files(got, fx, "CatDogDataset(root, transform=t)"):
        what = f"CatDogDataset(root, image_size=32, transform=PILToTensor())[{i}] ({describe_file(fx, path)})"
        want = transforms.PILToTensor()(fx.images[path])
        if not isinstance(image, torch.Tensor):
            fail(f"{what}: 应原样返回 transform 的输出, 你的是 {image}",
                 f"{what}: must return the transform's output as is, got {image}")
        expect(tuple(image.shape) == tuple(want.shape),
               f"{what}: 形状应为 {tuple(want.shape)} (transform 代替 Resize + ToTensor, 且输入是 RGB 图片), "
               f"你的是 {tuple(image.shape)}",
               f"{what}: expected shape {tuple(want.shape)} (the transform replaces Resize + ToTensor and "
               f"gets the RGB image), got {tuple(image.shape)}")
        expect_equal(image.dtype, want.dtype, f"{what}: dtype", "PILToTensor's output, untouched")
        expect_close(image.float(), want.float(), what, atol=3, rtol=0, check_device=False)
        expect_label(label, dict(fx.samples)[path], what)


def identify(image: torch.Tensor, oracles: list[torch.Tensor]) -> int | None:
    """Which fixture picture this is (None when none is close)."""
    if not isinstance(image, torch.Tensor) or tuple(image.shape) != tuple(oracles[0].shape):
        return None
    errors = [float((image.double() - o.double()).abs().max()) for o in oracles]
    best = int(np.argmin(errors))
    return best if errors[best] <= ATOL else None


def expect_batches(batches: list, fx: ImageFolderFixture, oracles: list[torch.Tensor], batch_size: int,
                   what: str) -> list[int]:
    """Shapes, dtypes and labels of one epoch; returns the order of the pictures seen."""
    n = len(fx.samples)
    sizes = [min(batch_size, n - k) for k in range(0, n, batch_size)]
    expect_equal(len(batches), len(sizes), f"{what}: 批次数 / number of batches",
                 f"{n} samples, batch_size={batch_size}")
    order = []
    h, w = oracles[0].shape[1:]
    for b, ((images, labels), size) in enumerate(zip(batches, sizes)):
        where = f"{what}, batch {b}"
        if not isinstance(images, torch.Tensor) or not isinstance(labels, torch.Tensor):
            fail(f"{where}: 每个批次应为 (images tensor, labels tensor), 你的是 ({images}, {labels})",
                 f"{where}: each batch must be (images tensor, labels tensor), got ({images}, {labels})")
        expect(tuple(images.shape) == (size, 3, h, w) and images.is_floating_point(),
               f"{where}: images 应为 float [{size}, 3, {h}, {w}], 你的是 {images.dtype} {list(images.shape)}",
               f"{where}: images must be float [{size}, 3, {h}, {w}], got {images.dtype} {list(images.shape)}")
        expect(tuple(labels.shape) == (size,) and not labels.is_floating_point() and labels.dtype != torch.bool,
               f"{where}: labels 应为整数 [{size}], 你的是 {labels.dtype} {list(labels.shape)}",
               f"{where}: labels must be integers [{size}], got {labels.dtype} {list(labels.shape)}")
        for j in range(size):
            k = identify(images[j], oracles)
            if k is None:
                fail(f"{where}, image {j}: 与任何一张图片的 Resize + ToTensor 都不一致",
                     f"{where}, image {j}: matches no file's Resize + ToTensor")
            expect_equal(int(labels[j]), fx.samples[k][1],
                         f"{where}, image {j} ({fx.rel(fx.samples[k][0])}): label", "cat → 0, dog → 1")
            order.append(k)
    return order


@pytest.mark.points(1)
def test_dataloader_batches(student, folders):
    """make_dataloader: float [B, 3, h, w] and int labels; shuffle off keeps samples' order, on gives each sample once per epoch"""
    fx = folders["class_folders"]
    size, bs = (20, 28), 4
    oracles = [resize_to_tensor(fx.images[p], size) for p, _ in fx.samples]
    got = student.run(w_loader, fx.root, bs, size, False)
    what = f"make_dataloader(root, batch_size={bs}, image_size={size}, shuffle=False)"
    order = expect_batches(got["epochs"][0], fx, oracles, bs, what)
    expect(order == list(range(len(fx.samples))),
           f"{what}: 不打乱时顺序应与 samples 相同; 你的顺序是 {[fx.rel(fx.samples[k][0]) for k in order]}",
           f"{what}: without shuffling the order must be that of samples; got "
           f"{[fx.rel(fx.samples[k][0]) for k in order]}")
    expect_equal(got["num_workers"], 2, "make_dataloader(root, num_workers=2).num_workers")

    got = student.run(w_loader, fx.root, bs, size, True, epochs=2, seed=4)
    what = f"make_dataloader(root, batch_size={bs}, image_size={size}, shuffle=True)"
    orders = []
    for e, batches in enumerate(got["epochs"]):
        order = expect_batches(batches, fx, oracles, bs, f"{what}, epoch {e}")
        expect(sorted(order) == list(range(len(fx.samples))),
               f"{what}, epoch {e}: 每个样本每轮应恰好出现一次",
               f"{what}, epoch {e}: every sample must appear exactly once per epoch",
               f"{[fx.rel(fx.samples[k][0]) for k in order]}")
        orders.append(order)
    expect(any(o != list(range(len(fx.samples))) for o in orders) and orders[0] != orders[1],
           f"{what}: shuffle=True 时顺序应被打乱 (每轮不同)", f"{what}: shuffle=True must shuffle (each epoch anew)")


def expect_names_path(message: str, path: str, what: str) -> None:
    names = {path, os.path.realpath(path), os.path.normpath(path)}
    expect(any(p in message for p in names),
           f"{what}: 错误信息应写出路径 {path}, 你的是: {message!r}",
           f"{what}: the error message must name the path {path}; yours: {message!r}")


@pytest.mark.points(1)
def test_errors_name_the_path(student, folders):
    """errors name the path: missing root and empty folder (FileNotFoundError), an undecodable file when read"""
    missing = str(Path(folders["empty"].root).parent / "no_such_folder" / "train")
    message = expect_raises(lambda: student.run(w_construct, missing), ("FileNotFoundError",),
                            f"CatDogDataset({missing!r}) (不存在 / missing)")
    expect_names_path(message, missing, "CatDogDataset(missing root)")

    empty = folders["empty"].root
    message = expect_raises(lambda: student.run(w_construct, empty), ("FileNotFoundError",),
                            f"CatDogDataset({empty!r}) (空文件夹 / an empty folder)")
    expect_names_path(message, empty, "CatDogDataset(empty folder)")

    fx = folders["corrupt"]
    garbage = fx.broken[0]
    got = student.run(w_read_each, fx.root)
    paths = [norm_path(p) for p, _ in got["samples"]] if isinstance(got["samples"], list) else []
    expect(norm_path(garbage) in paths,
           f"{fx.rel(garbage)} 扩展名是 .jpg, 应在 samples 中 (读取时才报错)",
           f"{fx.rel(garbage)} has a .jpg extension: it belongs in samples (it fails when read)")
    for (path, _), result in zip(got["samples"], got["results"]):
        what = f"ds[{paths.index(norm_path(path))}] ({fx.rel(path)})"
        if norm_path(path) == norm_path(garbage):
            expect(result is not None, f"{what}: 无法解码的文件应抛出异常, 但没有",
                   f"{what}: an undecodable file must raise, it did not")
            expect_names_path(result[1], garbage, f"{what}: {result[0]}")
        elif norm_path(path) not in {norm_path(p) for p in fx.broken}:
            expect(result is None, f"{what}: 正常的图片应能读取, 却抛出 {result}",
                   f"{what}: a good image must load, it raised {result}")


def show_batch_inputs(fx: ImageFolderFixture, n: int, size: int = 64):
    """n pictures of the fixture, cats and dogs interleaved, as a loader would yield them."""
    cats = [p for p, label in fx.samples if label == 0]
    dogs = [p for p, label in fx.samples if label == 1]
    picks = [(cats if i % 2 else dogs)[i // 2 % 6] for i in range(n)]
    labels = [1 - i % 2 for i in range(n)]
    images = torch.stack([resize_to_tensor(fx.images[p], size) for p in picks])
    return images, torch.tensor(labels, dtype=torch.int64)


def grid_rows(axes: list[dict]) -> list[list[dict]]:
    """The axes as rows of a grid, top to bottom, each left to right. Two axes share a row
    when their centres are less than half an axes' height apart (layouts shift them a little)."""
    def centre(a):
        x0, y0, x1, y1 = a["box"]
        return (x0 + x1) / 2, (y0 + y1) / 2, max(y1 - y0, 1e-6)

    rows: list[list[dict]] = []
    for a in sorted(axes, key=lambda a: -centre(a)[1]):
        if rows and abs(centre(rows[-1][0])[1] - centre(a)[1]) < centre(a)[2] / 2:
            rows[-1].append(a)
        else:
            rows.append([a])
    return [sorted(row, key=lambda a: centre(a)[0]) for row in rows]


def reading_order(axes: list[dict]) -> list[dict]:
    """Rows top to bottom, then left to right."""
    return [a for row in grid_rows(axes) for a in row]


def expect_figure(got, n: int, titles: list[str], what: str) -> list[dict]:
    if got.get("type") != "Figure":
        fail(f"{what}: 应返回 matplotlib Figure, 你的是 {got.get('type')}",
             f"{what}: must return a matplotlib Figure, got {got.get('type')}")
    axes = reading_order(got["axes"])
    expect_equal(len(axes), n, f"{what}: 含图片的子图数 / axes holding an image", "one per sample")
    expect_equal([a["title"] for a in axes], titles, f"{what}: 标题 / titles", "each image's class name")
    return axes


@pytest.mark.points(1)
def test_show_batch(student, folders, output_dir):
    """show_batch: a Figure with one image per sample titled with its class name; writes a PNG to path"""
    images, labels = show_batch_inputs(folders["class_folders"], 8)
    target, fallback = output_dir / SHOW_BATCH_PNG, output_dir / SHOW_BATCH_FALLBACK_PNG
    for stale in (target, fallback):
        stale.unlink(missing_ok=True)
    what = "show_batch(images [8, 3, 64, 64], labels, path=..., ncols=4)"
    got = student.run(w_show_batch, images, labels, path=str(target), fallback=str(fallback), ncols=4)
    expect_figure(got, 8, [CLASSES[int(v)] for v in labels], what)
    expect(target.is_file(), f"{what}: 没有写出 {target}", f"{what}: did not write {target}")
    try:
        with Image.open(target) as png:
            fmt, size = png.format, png.size
            png.verify()
    except Exception as exc:  # noqa: BLE001 - any unreadable file fails here
        fail(f"{what}: {target} 不是有效的图片 ({exc})", f"{what}: {target} is not a valid image ({exc})")
    expect_equal(fmt, "PNG", f"{what}: {target.name} 的格式 / format")
    expect(size[0] >= 100 and size[1] >= 50, f"{what}: PNG 太小 {size}", f"{what}: the PNG is too small {size}")
