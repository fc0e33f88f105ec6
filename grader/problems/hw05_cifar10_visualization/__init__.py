"""hw05_cifar10_visualization (第五题): Four ways to show CIFAR-10 / CIFAR-10 可视化.

The policy: ``numpy_grid`` (method 4's stitching) may run no torch operator but the
ones that turn its input into an array (measured: ``.detach().cpu().numpy()``,
``np.asarray``, ``.permute(...)``, indexing, iterating, ``.contiguous()``, a dtype or
device change), and no make_grid however it is reached; the static scan names the
line of a torch stitching call (``torch.cat``, ``F.pad``, …) wherever numpy_grid can
reach it. make_grid's calls are counted everywhere (method 2 must use it, method 4
must not), and so are ``CIFAR10.download``'s (the loader must not download).
"""

from grader.problems.manifest import Policy, Problem, Rule

# ATen operators of a conversion to NumPy; everything else (cat, stack, constant_pad_nd,
# full, zeros, empty, new_full, copy_, fill_, index_put_, view, _unsafe_view, ...) is refused.
CONVERSION_OPS = (
    "aten::detach", "aten::alias", "aten::lift_fresh", "aten::lift_fresh_copy", "aten::_to_copy",
    "aten::clone", "aten::resolve_conj", "aten::resolve_neg", "aten::permute", "aten::transpose",
    "aten::t", "aten::numpy_T", "aten::select", "aten::slice", "aten::unbind", "aten::_local_scalar_dense",
)

NUMPY_ONLY = Rule(
    code=("torchvision.utils.make_grid",),
    ops=("*",),
    allow_ops=CONVERSION_OPS,
    names=("torchvision.utils.make_grid", "torch.cat", "torch.concat", "torch.concatenate", "torch.stack",
           "torch.hstack", "torch.vstack", "torch.dstack", "torch.column_stack", "torch.row_stack",
           "torch.nn.functional.pad", "torch.constant_pad_nd"),
    during=("numpy_grid",),
    zh="numpy_grid 只能用 NumPy 拼接 (可以先用 .detach().cpu().numpy() 或 np.asarray 把输入转成数组)",
    en="numpy_grid stitches with NumPy alone (turning the input into an array first is fine)",
)

MAKE_GRID = "torchvision.utils.make_grid"
DOWNLOAD = "torchvision.datasets.CIFAR10.download"

PROBLEM = Problem(
    module="hw05_cifar10_visualization",
    zh="CIFAR-10 可视化",
    en="Four ways to show CIFAR-10",
    budget_s=10.0,
    entry_points=("get_cifar10_loader", "denormalize", "numpy_grid", "plot_with_subplots",
                  "plot_with_make_grid", "plot_with_image_grid", "plot_with_numpy"),
    policy=Policy(forbid=(NUMPY_ONLY,), record=(MAKE_GRID, DOWNLOAD)),
)
