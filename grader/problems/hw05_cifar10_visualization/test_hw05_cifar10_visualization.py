"""hw05_cifar10_visualization (第五题): four ways to show a CIFAR-10 batch.

The loader reads a tiny CIFAR-10 the grader writes into ``data_dir``; the oracles
(torchvision's reader, inverse Normalize, make_grid) live in ``oracles``; what runs
beside the student's code lives in ``in_worker``; the manifest's policy keeps
numpy_grid to NumPy and counts make_grid's calls. Figures come back as plain data
and as PNGs in ``grader-output/``.
"""

from __future__ import annotations

import pytest
import torch
from torchvision import transforms

from grader.judging.checks import expect, expect_close, expect_equal, expect_tensor
from grader.judging.static import forbidden_uses
from grader.problems.hw05_cifar10_visualization import DOWNLOAD, NUMPY_ONLY, in_worker, oracles
from grader.problems.hw05_cifar10_visualization.cifar_fixtures import CLASSES, MEAN, STD
from grader.support import figures

pytestmark = pytest.mark.problem("hw05_cifar10_visualization")


@pytest.fixture(scope="module")
def tiny_cifar(data_dir, submission) -> dict:
    """The tiny CIFAR-10 on disk (a fresh copy per submission) and the judge's view of both splits."""
    return oracles.tiny_cifar(data_dir / submission.name)


@pytest.mark.points(1)
def test_denormalize_inverts_normalize(student, device):
    """denormalize undoes transforms.Normalize (CIFAR-10 statistics and other mean/std)"""
    gen = torch.Generator().manual_seed(51)
    for mean, std in (((), ()), ((0.5, 0.4, 0.3), (0.2, 0.25, 0.3)), ((0.1, 0.9, 0.45), (0.6, 0.1, 0.35))):
        x = torch.rand(4, 3, 7, 6, generator=gen)
        kwargs = {"mean": mean, "std": std} if mean else {}
        normalized = transforms.Normalize(mean or MEAN, std or STD)(x)
        got = student.run(in_worker.denormalize_on, normalized, str(device), kwargs,
                          describe=oracles.call_label("denormalize", (normalized,), kwargs))["out"]
        expect_close(got, x.to(device), f"denormalize(Normalize({mean or 'CIFAR10_MEAN'}, "
                     f"{std or 'CIFAR10_STD'})(x){', mean=..., std=...' if mean else ''}) vs x", atol=1e-5)


@pytest.mark.points(1)
def test_denormalize_clamps_and_keeps_its_input(student, device):
    """denormalize clamps to [0, 1] and never changes the tensor it is given"""
    gen = torch.Generator().manual_seed(52)
    for mean, std in ((MEAN, STD), ((0.3, 0.5, 0.7), (0.3, 0.2, 0.1))):
        x = torch.rand(5, 3, 6, 6, generator=gen) * 2.2 - 0.6  # beyond [0, 1] after undoing
        normalized = transforms.Normalize(mean, std)(x)
        label = oracles.call_label("denormalize", (normalized,), {"mean": mean, "std": std})
        result = student.run(in_worker.denormalize_on, normalized, str(device), {"mean": mean, "std": std},
                             describe=label)
        expect(torch.equal(result["input_after"], normalized),
               "denormalize 修改了输入张量 (不能原地操作, 如 mul_/add_) / changed its input",
               "denormalize changed its input tensor (no in-place mul_/add_); return a new tensor")
        expect_close(result["out"], x.clamp(0, 1).to(device), f"{label} vs x.clamp(0, 1)", atol=1e-5)


def expect_no_download(student, call: str) -> None:
    expect_equal(student.last_records.get(DOWNLOAD, 0), 0, f"{call}: CIFAR10.download() 的调用次数 / calls of "
                 "CIFAR10.download()", "download=False by default: pass the download argument on to CIFAR10")


@pytest.mark.points(1)
def test_loader_test_split_in_order(student, tiny_cifar):
    """get_cifar10_loader(train=False): normalized test images and labels in file order, from root, no download"""
    images, labels = tiny_cifar["test"]
    batch_size = 8
    call = f"get_cifar10_loader(root, batch_size={batch_size}, train=False)"
    got = student.run(in_worker.loader_batches, tiny_cifar["root"], batch_size, False, describe=call)
    expect_no_download(student, call)
    sizes = [len(b[0]) if isinstance(b[0], torch.Tensor) else -1 for b in got["batches"]]
    full = [batch_size] * (len(images) // batch_size)
    expect(sizes in (full + [len(images) % batch_size], full),
           f"{call}: 测试集 {len(images)} 张图, 批次大小应为 {full + [len(images) % batch_size]}, 你的是 {sizes}",
           f"{call} over {len(images)} test images should give batches of {full + [len(images) % batch_size]}, "
           f"got {sizes}")
    got_x = torch.cat([b[0] for b in got["batches"]])
    got_y = torch.cat([b[1].reshape(-1) for b in got["batches"]])
    k = len(got_x)
    expect_close(got_x, images[:k], "测试集图像 (ToTensor + Normalize, 文件顺序, 不打乱) / test images "
                 "(ToTensor + Normalize, file order, no shuffling)", atol=1e-5)
    expect_equal(got_y.tolist(), labels[:k].tolist(), "测试集标签 / test labels", "file order")


@pytest.mark.points(0.5)
def test_loader_train_split_shuffled(student, tiny_cifar):
    """get_cifar10_loader(train=True): the training images, normalized and shuffled, with their labels"""
    images, labels = tiny_cifar["train"]
    batch_size = 16
    call = f"get_cifar10_loader(root, batch_size={batch_size}, train=True)"
    got = student.run(in_worker.loader_batches, tiny_cifar["root"], batch_size, True, describe=call)
    expect_no_download(student, call)
    for b, (batch, _) in enumerate(got["batches"]):
        expect_tensor(batch, f"{call}: batch {b} images", floating=True)
        expect_equal(tuple(batch.shape[1:]), tuple(images.shape[1:]), f"{call}: batch {b} images, one image's shape")
    got_x = torch.cat([b[0] for b in got["batches"]]).double()
    got_y = torch.cat([b[1].reshape(-1) for b in got["batches"]])
    n = len(images)
    expect(len(got_x) in (n, n - n % batch_size),
           f"训练集有 {n} 张图, 加载器给出 {len(got_x)} 张", f"the training split has {n} images; the loader gave {len(got_x)}")
    distance = (got_x[:, None] - images[None].double()).abs().flatten(2).amax(-1)
    best, index = distance.min(dim=1)
    missing = [i for i, d in enumerate(best.tolist()) if d > 1e-4]
    expect(not missing,
           f"加载器的第 {missing[:5]} 张图不是归一化后的训练集图像 (train=True 应读训练集, ToTensor + Normalize)",
           f"images {missing[:5]} of the loader are not normalized training images "
           f"(train=True reads data_batch_1…5, ToTensor + Normalize)")
    expect(len(set(index.tolist())) == len(index), "每张训练图像应只出现一次 / each training image should appear once",
           "each training image should appear once per epoch")
    expect_equal(got_y.tolist(), labels[index].tolist(), "训练集标签 / training labels", "each image's own label")
    expect(index.tolist() != list(range(len(index))),
           "train=True 时应打乱顺序 (shuffle=True), 你的加载器按文件顺序给出训练集",
           "train=True should shuffle (shuffle=True); your loader gives the training images in file order")


@pytest.mark.points(1.5)
def test_numpy_grid_matches_make_grid(student):
    """numpy_grid equals make_grid in H×W×C for random nrow, padding, pad_value and batch sizes"""
    cases = oracles.grid_cases(seed=53)
    results = student.run(in_worker.numpy_grid_cases, cases, describe=f"numpy_grid (on {len(cases)} batches)")
    oracles.check_grid_results(cases, results)


@pytest.mark.points(0.5)
def test_numpy_grid_source_uses_numpy_only(student):
    """numpy_grid's code stitches with NumPy only (no make_grid, torch.cat, F.pad, new_full, ...)"""
    # The policy refuses torch stitching while numpy_grid runs (make_grid, torch.cat, new_full, ...);
    # here the source is read too, so a torch route on a branch the cases do not take is named.
    uses = forbidden_uses(student.source, NUMPY_ONLY.names, NUMPY_ONLY.during)
    expect(not uses, "numpy_grid 的拼接只能用 NumPy, 这些地方用了 torch 或 make_grid: " + "; ".join(uses),
           "numpy_grid must stitch with NumPy only; these use torch or make_grid: " + "; ".join(uses))
    case = oracles.grid_cases(seed=54)[5]  # 16 images, the defaults; values are the check above's business
    results = student.run(in_worker.numpy_grid_cases, [case], describe="numpy_grid (on 1 batch)")
    oracles.check_grid_results([case], results, values=False)


def plot_batch(tiny_cifar, n: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = tiny_cifar["test"]
    return images[:n].clone(), labels[:n].clone()


def draw(student, output_dir, func: str, args: tuple, kwargs: dict) -> dict:
    """Run the plot, keep its PNG in ``output_dir``; the figure's summary."""
    png = oracles.PNG_NAMES[func]
    try:
        return student.run(in_worker.draw, func, args, kwargs, png, describe=oracles.call_label(func, args, kwargs))
    finally:  # this run's picture, or none: never the last run's
        figures.copy_out(student, png, output_dir)


@pytest.mark.points(0.75)
def test_method1_subplots(student, tiny_cifar, output_dir):
    """method 1: plt.subplots, one axes per denormalized image, row by row, titled with class names"""
    images, labels = plot_batch(tiny_cifar)
    summary = draw(student, output_dir, "plot_with_subplots", (images, labels), {"ncols": 4})
    oracles.check_per_image_figure(summary, "plot_with_subplots", images, labels, CLASSES, ncols=4)


@pytest.mark.points(0.75)
def test_method2_make_grid(student, tiny_cifar, output_dir):
    """method 2: one image equal to make_grid of the denormalized batch (black padding)"""
    images, _ = plot_batch(tiny_cifar)
    summary = draw(student, output_dir, "plot_with_make_grid", (images,), {"nrow": 4, "padding": 3})
    oracles.check_one_image_figure(summary, student.last_records, "plot_with_make_grid", images, nrow=4, padding=3)


@pytest.mark.points(0.75)
def test_method3_image_grid(student, tiny_cifar, output_dir):
    """method 3: an mpl_toolkits.axes_grid1.ImageGrid of the denormalized images, titled with class names"""
    images, labels = plot_batch(tiny_cifar)
    summary = draw(student, output_dir, "plot_with_image_grid", (images, labels), {"ncols": 4})
    oracles.check_per_image_figure(summary, "plot_with_image_grid", images, labels, CLASSES, ncols=4)


@pytest.mark.points(0.75)
def test_method4_numpy(student, tiny_cifar, output_dir):
    """method 4: one image equal to numpy_grid of the denormalized batch, without make_grid"""
    images, _ = plot_batch(tiny_cifar)
    summary = draw(student, output_dir, "plot_with_numpy", (images,), {"nrow": 4, "padding": 3})
    oracles.check_one_image_figure(summary, student.last_records, "plot_with_numpy", images, nrow=4, padding=3)
