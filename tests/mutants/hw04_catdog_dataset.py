"""hw04_catdog_dataset: realistic wrong answers, as edits of the reference."""

from tests.mutants import Mutant

P = "hw04_catdog_dataset"

MUTANTS = [
    Mutant(P, "labels_swapped",
           old="            for label, folder in enumerate(class_dirs):",
           new="            for label, folder in zip((1, 0), class_dirs):",
           why="dog 0, cat 1 in the class-folder layout"),
    Mutant(P, "no_rgb_conversion",
           old='''            with Image.open(path) as img:
                img = img.convert("RGB")''',
           new='''            img = Image.open(path)
            img.load()''',
           why="grayscale, RGBA and palette files keep 1 or 4 channels"),
    Mutant(P, "uint8_no_scaling",
           old="transforms.Compose([transforms.Resize(size), transforms.ToTensor()])",
           new="transforms.Compose([transforms.Resize(size), transforms.PILToTensor()])",
           why="uint8 tensors in 0..255 instead of floats in [0, 1]"),
    Mutant(P, "not_sorted",
           old="self.samples = sorted(self._find_samples())",
           new="self.samples = self._find_samples()",
           why="keeps the order of os.walk / os.listdir"),
    Mutant(P, "extension_case_sensitive",
           old="if name.lower().endswith(IMG_EXTENSIONS):",
           new="if name.endswith(IMG_EXTENSIONS):",
           why=".JPG and .PNG files are missed"),
    Mutant(P, "flat_layout_unsupported",
           old="if any(os.path.isdir(d) for d in class_dirs):",
           new="if True:",
           why="only class folders are read; a Kaggle folder looks empty"),
    Mutant(P, "no_extension_filter",
           old="if prefix in CLASSES and os.path.isfile(path) and name.lower().endswith(IMG_EXTENSIONS):",
           new="if prefix in CLASSES and os.path.isfile(path):",
           why="every cat.* / dog.* file counts, cat.2.txt included"),
    Mutant(P, "other_folders_as_classes",
           old="class_dirs = [os.path.join(self.root, name) for name in CLASSES]",
           new="class_dirs = [os.path.join(self.root, name) for name in CLASSES] + sorted(\n"
               "            e.path for e in os.scandir(self.root) if e.is_dir() and e.name not in CLASSES)",
           why="as plain ImageFolder: every sub-folder becomes a class"),
    Mutant(P, "not_recursive",
           old="for dirpath, _, filenames in os.walk(folder, followlinks=True):",
           new="for dirpath, _, filenames in [next(os.walk(folder))]:",
           why="misses images in sub-folders of cat/ and dog/"),
    Mutant(P, "resize_keeps_aspect",
           old="size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)",
           new="size = image_size if isinstance(image_size, int) else tuple(image_size)",
           why="Resize(int) scales the shorter side only: images are not square"),
    Mutant(P, "transform_added_to_default",
           old='''        if transform is None:
            transform = transforms.Compose([transforms.Resize(size), transforms.ToTensor()])
        self.transform = transform''',
           new='''        default = transforms.Compose([transforms.Resize(size), transforms.ToTensor()])
        self.transform = default if transform is None else transforms.Compose([default, transform])''',
           why="applies the user's transform after the default instead of instead of it"),
    Mutant(P, "empty_accepted",
           old="        if not self.samples:\n            raise FileNotFoundError",
           new="        if False:\n            raise FileNotFoundError",
           why="an empty folder gives an empty dataset instead of an error"),
    Mutant(P, "decode_error_without_path",
           old='raise OSError(f"无法读取图片 / cannot decode image {path}: {exc}") from exc',
           new='raise OSError(f"cannot decode image: {type(exc).__name__}") from exc',
           why="the error does not say which file is broken"),
    Mutant(P, "decode_errors_skipped",
           old='''        except Exception as exc:
            raise OSError''',
           new='''        except Exception as exc:
            img = Image.new("RGB", (8, 8))
            if False: raise OSError''',
           why="a broken file silently becomes a black picture"),
    Mutant(P, "shuffle_ignored",
           old="return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers)",
           new="return DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=num_workers)",
           why="never shuffles"),
    Mutant(P, "drop_last",
           old="return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers)",
           new="return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers,\n"
               "                      drop_last=True)",
           why="drops the short last batch: some samples are never seen"),
    Mutant(P, "image_size_ignored_by_loader",
           old="dataset = CatDogDataset(root, image_size=image_size)",
           new="dataset = CatDogDataset(root)",
           why="make_dataloader forgets to pass image_size on"),
    Mutant(P, "titles_are_numbers",
           old="ax.set_title(class_names[int(label)])",
           new="ax.set_title(str(int(label)))",
           why="titles show 0/1 instead of the class names"),
    Mutant(P, "path_not_saved",
           old='''    if path is not None:
        fig.savefig(path, format="png")''',
           new='''    if path is not None:
        pass''',
           why="show_batch forgets to save the PNG"),
    Mutant(P, "channels_first_to_imshow",
           old="ax.imshow(image.permute(1, 2, 0).clamp(0, 1).numpy())",
           new="ax.imshow(image.reshape(image.shape[1], image.shape[2], 3).clamp(0, 1).numpy())",
           why="reshapes [3, h, w] to [h, w, 3] instead of permuting: scrambled pictures"),
    Mutant(P, "class_names_ignored",
           old="ax.set_title(class_names[int(label)])",
           new="ax.set_title(CLASSES[int(label)])",
           why="always titles with the default names"),
]

# Variations of a mistake a mutant above already stands for: graded by tests/stress_mutants.py.
MORE_MUTANTS = [
    Mutant(P, "flat_labels_reversed",
           old="found.append((path, CLASSES.index(prefix)))",
           new="found.append((path, 1 if name.startswith('cat') else 0))",
           why="Kaggle layout: cat 1, dog 0"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "labels_swapped",
    "uint8_no_scaling",
    "not_sorted",
    "flat_layout_unsupported",
    "decode_errors_skipped",
    "shuffle_ignored",
)
