"""hw04_catdog_dataset, written another way (a correct variant: it must score 10/10).

torchvision's ImageFolder (restricted to cat/ and dog/) for class folders, pathlib for
the flat layout, PILToTensor + ConvertImageDtype instead of ToTensor, errors wrapped
to name the path, and show_batch with a constrained layout, left-aligned titles,
removed spare axes and uint8 pictures.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets, transforms
from torchvision.datasets.folder import IMG_EXTENSIONS, default_loader

CLASSES = ("cat", "dog")


class _OnlyCatsAndDogs(datasets.ImageFolder):
    def find_classes(self, directory):
        return list(CLASSES), {name: index for index, name in enumerate(CLASSES)}


def _flat_samples(root: Path):
    found = []
    for entry in sorted(root.iterdir()):
        prefix = entry.name.split(".")[0].lower()
        if entry.is_file() and prefix in CLASSES and entry.suffix.lower() in IMG_EXTENSIONS:
            found.append((str(entry), CLASSES.index(prefix)))
    return found


class CatDogDataset(Dataset):
    def __init__(self, root, image_size=224, transform=None):
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(f"{root} does not exist")
        height, width = (image_size, image_size) if isinstance(image_size, int) else image_size
        self.transform = transform if transform is not None else transforms.Compose([
            transforms.Resize((height, width)), transforms.PILToTensor(), transforms.ConvertImageDtype(torch.float32)])
        if any((root / name).is_dir() for name in CLASSES):
            self.samples = list(_OnlyCatsAndDogs(str(root), allow_empty=True).samples)
        else:
            self.samples = _flat_samples(root)
        if len(self.samples) == 0:
            raise FileNotFoundError(f"no cat or dog image under {root}")

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        try:
            picture = default_loader(path)
        except Exception as error:
            raise RuntimeError(f"{path}: {error}") from error
        return self.transform(picture), int(label)


def make_dataloader(root, batch_size=32, image_size=224, shuffle=True, num_workers=0):
    return DataLoader(CatDogDataset(root, image_size), batch_size, shuffle, num_workers=num_workers)


def show_batch(images, labels, path=None, class_names=CLASSES, ncols=8):
    labels = [int(v) for v in labels]
    columns = min(ncols, len(labels))
    rows = (len(labels) + columns - 1) // columns
    fig = plt.figure(figsize=(2 * columns, 2 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for spare in axes[len(labels):]:
        spare.remove()
    for ax, image, label in zip(axes, images, labels):
        ax.imshow(np.round(image.permute(1, 2, 0).cpu().numpy() * 255).astype(np.uint8))
        ax.set_title(class_names[label], loc="left")
        ax.set_axis_off()
    if path:
        fig.savefig(Path(path))
    return fig
