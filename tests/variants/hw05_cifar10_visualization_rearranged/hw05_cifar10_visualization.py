"""hw05_cifar10_visualization, written another way (a correct variant: it must score 10/10).

transforms.v2 in the loader, denormalize through in-place ops on a copy, numpy_grid on
a float64 canvas from np.asarray, figures built with add_subplot, an ImageGrid with
labels in text boxes, a uint8 picture for method 2 and imshow of a tensor for method 4.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
import torchvision.utils as vutils
from mpl_toolkits.axes_grid1 import axes_grid
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import v2

CIFAR10_CLASSES = tuple(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


def get_cifar10_loader(root, batch_size=16, train=False, download=False):
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(CIFAR10_MEAN, CIFAR10_STD)])
    data = datasets.CIFAR10(root, train, pipeline, download=download)
    generator = torch.Generator().manual_seed(2024) if train else None
    return DataLoader(data, batch_size, shuffle=bool(train), generator=generator)


def denormalize(images, mean=CIFAR10_MEAN, std=CIFAR10_STD):
    out = images.clone()
    for channel, (m, s) in enumerate(zip(mean, std)):
        out[..., channel, :, :].mul_(s).add_(m)
    return out.clamp_(0, 1)


def numpy_grid(images, nrow=8, padding=2, pad_value=0.0):
    batch = np.asarray(images, dtype=np.float64)
    count, channels, height, width = batch.shape
    if count == 1:
        return np.moveaxis(batch[0], 0, -1)
    columns = min(nrow, count)
    rows = -(-count // columns)
    step_y, step_x = height + padding, width + padding
    canvas = np.empty((rows * step_y + padding, columns * step_x + padding, channels))
    canvas[...] = pad_value
    for index in range(count):
        y = padding + (index // columns) * step_y
        x = padding + (index % columns) * step_x
        canvas[y:y + height, x:x + width, :] = np.moveaxis(batch[index], 0, -1)
    return canvas


def _cells(count, ncols):
    return -(-count // ncols), ncols


def plot_with_subplots(images, labels, classes=CIFAR10_CLASSES, ncols=8):
    shown = denormalize(images).permute(0, 2, 3, 1).cpu().numpy()
    rows, cols = _cells(len(shown), ncols)
    fig = plt.figure(figsize=(cols * 1.5, rows * 1.7), layout="constrained")
    for k, picture in enumerate(shown):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.imshow(picture)
        ax.set_title(str(classes[int(labels[k])]))
        ax.set_axis_off()
    return fig


def plot_with_make_grid(images, nrow=8, padding=2):
    grid = vutils.make_grid(denormalize(images), nrow, padding)
    picture = (grid.mul(255).round().clamp(0, 255).to(torch.uint8)).permute(1, 2, 0).numpy()
    fig = plt.figure()
    fig.gca().imshow(picture)
    fig.gca().axis("off")
    return fig


def plot_with_image_grid(images, labels, classes=CIFAR10_CLASSES, ncols=8):
    shown = denormalize(images)
    rows, cols = _cells(len(shown), ncols)
    fig = plt.figure(figsize=(cols * 1.5, rows * 1.7))
    grid = axes_grid.ImageGrid(fig, (0.05, 0.05, 0.9, 0.85), (rows, cols), axes_pad=0.3, label_mode="L")
    for ax in grid.axes_all[len(shown):]:
        ax.set_visible(False)
    for ax, picture, label in zip(grid.axes_all, shown, labels):
        ax.imshow(picture.permute(1, 2, 0).numpy())
        ax.text(0.5, 1.02, classes[int(label)], transform=ax.transAxes, ha="center", va="bottom")
    return fig


def plot_with_numpy(images, nrow=8, padding=2):
    fig, ax = plt.subplots()
    ax.imshow(torch.from_numpy(numpy_grid(denormalize(images), nrow=nrow, padding=padding)))
    ax.set_xticks([])
    ax.set_yticks([])
    return fig
