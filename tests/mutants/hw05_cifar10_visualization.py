"""hw05_cifar10_visualization: realistic wrong answers, as edits of the reference."""

from tests.mutants import Mutant

P = "hw05_cifar10_visualization"

MUTANTS = [
    # denormalize
    Mutant(P, "denormalize_in_place", old="    return (images * std_t + mean_t).clamp(0.0, 1.0)",
           new="    return images.mul_(std_t).add_(mean_t).clamp_(0.0, 1.0)",
           why="undoes Normalize in place, overwriting the caller's batch"),
    Mutant(P, "denormalize_no_clamp", old="    return (images * std_t + mean_t).clamp(0.0, 1.0)",
           new="    return images * std_t + mean_t",
           why="forgets to clamp, so values outside [0, 1] reach imshow"),
    Mutant(P, "denormalize_mean_std_swapped", old="    return (images * std_t + mean_t).clamp(0.0, 1.0)",
           new="    return (images * mean_t + std_t).clamp(0.0, 1.0)",
           why="mixes up mean and std when undoing Normalize"),
    # the loader
    Mutant(P, "loader_never_shuffles", old="shuffle=train, num_workers=0", new="shuffle=False, num_workers=0",
           why="never shuffles, not even the training split"),
    Mutant(P, "loader_always_shuffles", old="shuffle=train, num_workers=0", new="shuffle=True, num_workers=0",
           why="shuffles the test split too"),
    Mutant(P, "loader_always_downloads", old="train=train, download=download,",
           new="train=train, download=True,", why="hard-codes download=True, as in many tutorials"),
    Mutant(P, "loader_without_normalize", old="        transforms.Normalize(CIFAR10_MEAN, CIFAR10_STD),\n",
           new="", why="ToTensor only: the batches are not normalized"),
    # numpy_grid
    Mutant(P, "grid_single_image_padded",
           old="    if n == 1:  # make_grid returns a single image as it is\n"
               "        return arr[0].transpose(1, 2, 0).copy()\n",
           new="", why="pads a single image, which make_grid returns as it is"),
    Mutant(P, "grid_column_major", old="        row, col = divmod(k, ncols)",
           new="        col, row = divmod(k, nrows)", why="fills the grid column by column"),
    Mutant(P, "grid_pad_value_ignored",
           old="                   pad_value, dtype=arr.dtype)", new="                   0.0, dtype=arr.dtype)",
           why="always pads with black, ignoring pad_value"),
    Mutant(P, "grid_too_wide", old="    ncols = min(nrow, n)", new="    ncols = nrow",
           why="always nrow columns, even for fewer images than nrow"),
    Mutant(P, "grid_no_outer_padding",
           old="    grid = np.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c),",
           new="    grid = np.full((nrows * (h + padding), ncols * (w + padding), c),",
           why="forgets the padding strip after the last row and column"),
    Mutant(P, "grid_calls_make_grid",
           old="    n, c, h, w = arr.shape\n    if n == 1:",
           new="    return make_grid(torch.as_tensor(arr), nrow=nrow, padding=padding,\n"
               "                     pad_value=pad_value).permute(1, 2, 0).numpy()\n"
               "    n, c, h, w = arr.shape\n    if n == 1:",
           why="uses the oracle, torchvision's make_grid, instead of NumPy"),
    Mutant(P, "grid_torch_cat",
           old="    n, c, h, w = arr.shape\n    if n == 1:",
           new="    n, c, h, w = arr.shape\n"
               "    if n > 1:  # pad every image with F.pad, then torch.cat the rows\n"
               "        import torch.nn.functional as F\n"
               "        t = F.pad(torch.as_tensor(arr), (padding, 0, padding, 0), value=pad_value)\n"
               "        ncols = min(nrow, n)\n"
               "        nrows = math.ceil(n / ncols)\n"
               "        blank = torch.full_like(t[:1], pad_value)\n"
               "        t = torch.cat([t] + [blank] * (nrows * ncols - n))\n"
               "        rows = [torch.cat(list(t[r * ncols:(r + 1) * ncols]), dim=2) for r in range(nrows)]\n"
               "        g = F.pad(torch.cat(rows, dim=1), (0, padding, 0, padding), value=pad_value)\n"
               "        return g.permute(1, 2, 0).numpy()\n"
               "    if n == 1:",
           why="builds the grid with F.pad and torch.cat (right numbers, wrong tools)"),
    # the four plots
    Mutant(P, "subplots_normalized_images", old="    shown = denormalize(images)\n    n = shown.shape[0]\n"
                                                "    nrows = math.ceil(n / ncols)\n    fig, axes",
           new="    shown = images\n    n = shown.shape[0]\n    nrows = math.ceil(n / ncols)\n    fig, axes",
           why="method 1 shows the normalized images (dark, off-colour)"),
    Mutant(P, "subplots_label_numbers", old="            ax.set_title(classes[int(labels[i])], fontsize=9)\n"
                                            "    fig.suptitle(\"Method 1",
           new="            ax.set_title(str(int(labels[i])), fontsize=9)\n    fig.suptitle(\"Method 1",
           why="method 1 titles each image with its label number, not the class name"),
    Mutant(P, "make_grid_before_denormalize",
           old="    grid = make_grid(denormalize(images).detach().cpu(), nrow=nrow, padding=padding)",
           new="    grid = denormalize(make_grid(images.detach().cpu(), nrow=nrow, padding=padding))",
           why="method 2 builds the grid first, so the padding is denormalized to grey"),
    Mutant(P, "image_grid_with_subplots",
           old="    fig = plt.figure(figsize=(1.4 * ncols, 1.5 * nrows + 0.6))\n"
               "    grid = ImageGrid(fig, 111, nrows_ncols=(nrows, ncols), axes_pad=(0.1, 0.35))\n",
           new="    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.5 * nrows + 0.6))\n"
               "    grid = axes.flat\n",
           why="method 3 uses plt.subplots again instead of ImageGrid"),
    Mutant(P, "image_grid_ignores_ncols",
           old="    grid = ImageGrid(fig, 111, nrows_ncols=(nrows, ncols), axes_pad=(0.1, 0.35))",
           new="    grid = ImageGrid(fig, 111, nrows_ncols=(math.ceil(n / 8), 8), axes_pad=(0.1, 0.35))",
           why="method 3 hard-codes 8 columns"),
    Mutant(P, "numpy_method_uses_make_grid",
           old="    grid = numpy_grid(denormalize(images), nrow=nrow, padding=padding)",
           new="    grid = make_grid(denormalize(images), nrow=nrow, padding=padding).permute(1, 2, 0).numpy()",
           why="method 4 is method 2 again: make_grid instead of numpy_grid"),
    Mutant(P, "grid_make_grid_by_built_name",
           old="    n, c, h, w = arr.shape\n    if n == 1:",
           new="    import importlib\n"
               "    stitch = getattr(importlib.import_module('torchvision.' + 'utils'), 'make_' + 'grid')\n"
               "    return stitch(torch.as_tensor(arr), nrow=nrow, padding=padding,\n"
               "                  pad_value=pad_value).permute(1, 2, 0).numpy()\n"
               "    n, c, h, w = arr.shape\n    if n == 1:",
           why="reaches make_grid through importlib and a built name, out of a static scan's sight"),
    Mutant(P, "grid_new_full_canvas",
           old="    if isinstance(images, torch.Tensor):\n        arr = images.detach().cpu().numpy()\n",
           new="    if isinstance(images, torch.Tensor):\n"
               "        n, c, h, w = images.shape\n"
               "        ncols = min(nrow, n)\n"
               "        nrows = math.ceil(n / ncols)\n"
               "        canvas = images.new_full((c, nrows * (h + padding) + padding,\n"
               "                                  ncols * (w + padding) + padding), pad_value)\n"
               "        for k in range(n):\n"
               "            row, col = divmod(k, ncols)\n"
               "            top, left = padding + row * (h + padding), padding + col * (w + padding)\n"
               "            canvas[:, top:top + h, left:left + w] = images[k]\n"
               "        return canvas.permute(1, 2, 0).numpy() if n > 1 else images[0].permute(1, 2, 0).numpy()\n"
               "        arr = images.detach().cpu().numpy()\n",
           why="tensors stitched with Tensor.new_full and slice assignment (a method: no name to scan)"),
    Mutant(P, "make_grid_called_then_discarded",
           old="    ax.imshow(grid.permute(1, 2, 0).numpy(), interpolation=\"nearest\")",
           new="    ax.imshow(numpy_grid(images.clamp(0, 1), nrow=nrow, padding=padding), interpolation=\"nearest\")",
           why="method 2 calls make_grid but shows another grid (of the normalized images)"),
    Mutant(P, "make_grid_method_without_make_grid",
           old="    grid = make_grid(denormalize(images).detach().cpu(), nrow=nrow, padding=padding)",
           new="    grid = torch.from_numpy(numpy_grid(denormalize(images), nrow=nrow, padding=padding)).permute(2, 0, 1)",
           why="method 2 is method 4 again: the right picture, without make_grid"),
]

# Variations of a mistake a mutant above already stands for: graded by tests/stress_mutants.py.
MORE_MUTANTS = [
    Mutant(P, "grid_torch_canvas",
           old="    grid = np.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c),\n"
               "                   pad_value, dtype=arr.dtype)",
           new="    grid = torch.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c),\n"
               "                      pad_value, dtype=torch.float32)",
           why="a torch canvas filled by slice assignment, then returned as is (torch.full, copy_)"),
    Mutant(P, "numpy_method_normalized_images",
           old="    grid = numpy_grid(denormalize(images), nrow=nrow, padding=padding)",
           new="    grid = numpy_grid(images.clamp(0, 1), nrow=nrow, padding=padding)",
           why="method 4 clips the normalized images instead of denormalizing them"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "denormalize_in_place",
    "denormalize_no_clamp",
    "loader_never_shuffles",
    "grid_column_major",
    "grid_calls_make_grid",
    "grid_make_grid_by_built_name",
)
