"""hw04_catdog_dataset (第四题): a custom cat/dog dataset, its DataLoader, and a picture of one batch.

Fixtures: real JPEG and PNG files (modes RGB, L, RGBA, P; varied sizes), drawn with
Pillow (``image_fixtures``) and written into ``data_dir`` for each submission, in
both layouts of the contract, plus files to ignore and broken files. The oracles
and the comparisons live in ``oracles``; what runs beside the student's code in
``in_worker``. show_batch's PNG is copied to ``grader-output/hw04_show_batch.png``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from torchvision import transforms

from grader.judging.checks import expect, expect_close, expect_equal, expect_raises, expect_tensor, fail
from grader.problems.hw04_catdog_dataset import in_worker, oracles
from grader.problems.hw04_catdog_dataset.image_fixtures import CLASSES, ImageFolderFixture, build_all
from grader.support import figures

pytestmark = pytest.mark.problem("hw04_catdog_dataset")

SHOW_BATCH_PNG = "hw04_show_batch.png"
SHOW_BATCH_FALLBACK_PNG = "hw04_show_batch_returned_figure.png"


@pytest.fixture(scope="module")
def folders(data_dir, submission) -> dict[str, ImageFolderFixture]:
    """Fresh folders for each submission (without the sandbox, a submission could write into them)."""
    return build_all(data_dir / submission.name)


@pytest.mark.points(1)
def test_class_folder_samples(student, folders):
    """class folders: len, samples sorted by path (sub-folders searched), labels cat 0 / dog 1, deterministic"""
    fx = folders["class_folders"]
    runs = student.run(in_worker.samples_of, [fx.root], describe="CatDogDataset(root) (cat/…, dog/…), twice")[0]
    for n, run in enumerate(runs):
        where = f"CatDogDataset(root) #{n + 1} (cat/…, dog/…)"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "judge's count of the image files")
        oracles.expect_samples(run["samples"], fx, f"{where}.samples")


@pytest.mark.points(1)
def test_flat_layout_samples(student, folders):
    """Kaggle flat layout (cat.0.jpg, dog.12.jpg): len, samples sorted by path, labels cat 0 / dog 1"""
    fx = folders["flat"]
    runs = student.run(in_worker.samples_of, [fx.root], describe="CatDogDataset(root) (cat.0.jpg, …), twice")[0]
    for n, run in enumerate(runs):
        where = f"CatDogDataset(root) #{n + 1} (cat.0.jpg, dog.12.jpg, …)"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "judge's count of the image files")
        oracles.expect_samples(run["samples"], fx, f"{where}.samples")


@pytest.mark.points(0.5)
def test_non_images_ignored(student, folders):
    """non-images are ignored: .txt, .csv, hidden files, a folder that is neither cat nor dog"""
    cluttered = [folders["cluttered_classes"], folders["cluttered_flat"]]
    runs = student.run(in_worker.samples_of, [fx.root for fx in cluttered], twice=False,
                       describe="CatDogDataset(root) (roots holding .txt, .csv, hidden files, other/)")
    for fx, (run,) in zip(cluttered, runs):
        where = f"CatDogDataset(root), root holding {', '.join(fx.rel(p) for p in fx.ignored)}"
        expect_equal(run["len"], len(fx.samples), f"len({where})", "only cat/dog images count")
        oracles.expect_samples(run["samples"], fx, f"{where}: samples")


def expect_items(got: dict, fx: ImageFolderFixture, size, call: str) -> None:
    """Every ds[i] of ``call`` equals Resize(size) + ToTensor of its file, with the file's label."""
    expect_equal(len(got["items"]), len(fx.samples), f"len({call})")
    for i, path, image, label in oracles.items_with_files(got, fx, call):
        what = f"{call}[{i}] ({oracles.describe_file(fx, path)})"
        oracles.expect_image(image, oracles.resize_to_tensor(fx.images[path], size), what)
        oracles.expect_label(label, dict(fx.samples)[path], what)


@pytest.mark.points(1.5)
def test_items_match_resize_to_tensor(student, folders):
    """ds[i] is (float [3, h, w] in [0, 1], label) equal to Resize((s, s)) + ToTensor, for RGB, L, RGBA, P files"""
    fx = folders["class_folders"]
    call = "CatDogDataset(root, image_size=32)"
    expect_items(student.run(in_worker.items, fx.root, image_size=32, describe=f"{call}[i]"), fx, 32, call)
    got = student.run(in_worker.items, fx.root, indices=[0], describe="CatDogDataset(root)[0]")  # image_size=224
    got["samples"] = got["samples"][:1]
    for _, path, image, _ in oracles.items_with_files(got, fx, "CatDogDataset(root)"):
        oracles.expect_image(image, oracles.resize_to_tensor(fx.images[path], 224),
                             f"CatDogDataset(root)[0] ({oracles.describe_file(fx, path)}), image_size=224 by default")


@pytest.mark.points(0.5)
def test_image_size_h_w(student, folders):
    """image_size=(h, w) gives [3, h, w] tensors equal to Resize((h, w)) + ToTensor (flat layout)"""
    fx = folders["flat"]
    call = "CatDogDataset(root, image_size=(24, 40))"
    expect_items(student.run(in_worker.items, fx.root, image_size=(24, 40), describe=f"{call}[i]"), fx, (24, 40), call)


@pytest.mark.points(1)
def test_transform_replaces_default(student, folders):
    """a given transform replaces the default: it receives the RGB PIL image, and its output is returned as is"""
    fx = folders["class_folders"]
    got = student.run(in_worker.items, fx.root, image_size=32, probe=True,
                      describe="CatDogDataset(root, image_size=32, transform=t)[i]")
    expect_equal(len(got["items"]), len(fx.samples), "len(CatDogDataset(root, transform=t))")
    for i, path, image, label in oracles.items_with_files(got, fx, "CatDogDataset(root, transform=t)"):
        what = (f"CatDogDataset(root, image_size=32, transform=PILToTensor())[{i}] ({oracles.describe_file(fx, path)}): "
                f"the transform's output as is (it replaces Resize + ToTensor and gets the RGB image)")
        want = transforms.PILToTensor()(fx.images[path])
        expect_tensor(image, what, shape=want.shape, dtype=want.dtype)
        expect_close(image.float(), want.float(), what, atol=3, rtol=0, check_device=False)
        oracles.expect_label(label, dict(fx.samples)[path], what)


@pytest.mark.points(1)
def test_dataloader_batches(student, folders):
    """make_dataloader: float [B, 3, h, w] and int labels; shuffle off keeps samples' order, on gives each sample once per epoch"""
    fx = folders["class_folders"]
    size, bs = (20, 28), 4
    pictures = [oracles.resize_to_tensor(fx.images[p], size) for p, _ in fx.samples]
    in_order = list(range(len(fx.samples)))
    what = f"make_dataloader(root, batch_size={bs}, image_size={size}, shuffle=False)"
    got = student.run(in_worker.loader_epochs, fx.root, bs, size, False, describe=what)
    order = oracles.expect_batches(got["epochs"][0], fx, pictures, bs, what)
    expect_equal([fx.rel(fx.samples[k][0]) for k in order], [fx.rel(p) for p, _ in fx.samples],
                 f"{what}: 顺序 / order", "without shuffling, the order of samples")
    expect_equal(got["num_workers"], 2, "make_dataloader(root, num_workers=2).num_workers")

    what = f"make_dataloader(root, batch_size={bs}, image_size={size}, shuffle=True)"
    got = student.run(in_worker.loader_epochs, fx.root, bs, size, True, epochs=2, seed=4, describe=what)
    orders = []
    for e, batches in enumerate(got["epochs"]):
        order = oracles.expect_batches(batches, fx, pictures, bs, f"{what}, epoch {e}")
        expect(sorted(order) == in_order, f"{what}, epoch {e}: 每个样本每轮应恰好出现一次",
               f"{what}, epoch {e}: every sample must appear exactly once per epoch",
               f"{[fx.rel(fx.samples[k][0]) for k in order]}")
        orders.append(order)
    expect(any(o != in_order for o in orders) and orders[0] != orders[1],
           f"{what}: shuffle=True 时顺序应被打乱 (每轮不同)", f"{what}: shuffle=True must shuffle (each epoch anew)")


@pytest.mark.points(1)
def test_errors_name_the_path(student, folders):
    """errors name the path: missing root and empty folder (FileNotFoundError), an undecodable file when read"""
    missing = str(Path(folders["empty"].root).parent / "no_such_folder" / "train")
    what = "CatDogDataset('…/no_such_folder/train') (不存在 / missing)"
    message = expect_raises(lambda: student.run(in_worker.construct, missing, describe=what), ("FileNotFoundError",),
                            what)
    oracles.expect_names_path(message, missing, "CatDogDataset(missing root)")

    empty = folders["empty"].root
    what = "CatDogDataset('…/empty') (空文件夹 / an empty folder)"
    message = expect_raises(lambda: student.run(in_worker.construct, empty, describe=what), ("FileNotFoundError",),
                            what)
    oracles.expect_names_path(message, empty, "CatDogDataset(empty folder)")

    fx = folders["corrupt"]
    garbage = fx.broken[0]
    got = student.run(in_worker.read_each, fx.root, describe="CatDogDataset(root)[i] for every i (a broken file)")
    paths = [oracles.norm_path(p) for p, _ in got["samples"]] if isinstance(got["samples"], list) else []
    expect(oracles.norm_path(garbage) in paths,
           f"{fx.rel(garbage)} 扩展名是 .jpg, 应在 samples 中 (读取时才报错)",
           f"{fx.rel(garbage)} has a .jpg extension: it belongs in samples (it fails when read)")
    broken = {oracles.norm_path(p) for p in fx.broken}
    for path, result in zip(paths, got["results"]):
        what = f"ds[{paths.index(path)}] ({fx.rel(path)})"
        if path == oracles.norm_path(garbage):
            expect(result is not None, f"{what}: 无法解码的文件应抛出异常, 但没有",
                   f"{what}: an undecodable file must raise, it did not")
            oracles.expect_names_path(result[1], garbage, f"{what}: {result[0]}")
        elif path not in broken:
            expect(result is None, f"{what}: 正常的图片应能读取, 却抛出 {result}",
                   f"{what}: a good image must load, it raised {result}")


@pytest.mark.points(1)
def test_show_batch(student, folders, output_dir):
    """show_batch: a Figure with one image per sample titled with its class name; writes a PNG to path"""
    images, labels = oracles.show_batch_inputs(folders["class_folders"], 8)
    what = "show_batch(images [8, 3, 64, 64], labels, path=..., ncols=4)"
    try:
        got = student.run(in_worker.show_batch, images, labels, png=SHOW_BATCH_PNG, fallback=SHOW_BATCH_FALLBACK_PNG,
                          ncols=4, describe=what)
    finally:  # this run's pictures, or none: never the last run's
        data = figures.copy_out(student, SHOW_BATCH_PNG, output_dir)
        figures.copy_out(student, SHOW_BATCH_FALLBACK_PNG, output_dir)
    oracles.expect_figure(got, 8, [CLASSES[int(v)] for v in labels], what)
    expect(data is not None, f"{what}: 没有在 path 写出 PNG 文件", f"{what}: wrote no file at path")
    try:
        with Image.open(io.BytesIO(data)) as png:
            fmt, size = png.format, png.size
            png.verify()
    except Exception as exc:  # noqa: BLE001 - any unreadable file fails here
        fail(f"{what}: path 处的文件不是有效的图片 ({exc})", f"{what}: the file at path is not a valid image ({exc})")
    expect_equal(fmt, "PNG", f"{what}: 图片格式 / format")
    expect(size[0] >= 100 and size[1] >= 50, f"{what}: PNG 太小 {size}", f"{what}: the PNG is too small {size}")
