"""hw07_conv_vs_fc (第七题): Convolution vs fully connected / 卷积与全连接.

``conv_as_matrix`` is the exercise of building a convolution's matrix: computing it with a
convolution (the judge's own oracle: ``F.conv2d`` on an identity basis) is refused while it
runs. ``F.unfold`` (``aten::im2col``), padding and indexing stay allowed.
"""

from grader.problems.manifest import Policy, Problem, Rule

# Every ATen operator that computes a convolution, forward or backward (``F.conv2d`` and
# ``nn.Conv2d`` reach ``aten::convolution``, ``F.conv_transpose2d`` too; ``torch.nn.grad``'s
# ``conv2d_input``/``conv2d_weight`` reach ``aten::convolution_backward``; the rest are the
# backend kernels one can call directly through ``torch.ops.aten``).
CONVOLUTION_OPS = tuple(f"aten::{name}" for name in (
    "convolution", "_convolution", "_convolution_mode", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "convolution_backward",
    "convolution_overrideable", "convolution_backward_overrideable", "_convolution_double_backward",
    "_conv_depthwise2d", "conv_depthwise3d", "conv_tbc", "conv_tbc_backward", "thnn_conv2d",
    "_slow_conv2d_forward", "_slow_conv2d_backward", "slow_conv3d", "slow_conv3d_forward",
    "slow_conv_dilated2d", "slow_conv_dilated3d", "slow_conv_transpose2d", "slow_conv_transpose3d",
    "mkldnn_convolution", "cudnn_convolution", "cudnn_convolution_transpose", "cudnn_convolution_relu",
    "cudnn_convolution_add_relu", "miopen_convolution", "miopen_convolution_transpose",
    "miopen_depthwise_convolution", "miopen_convolution_relu", "miopen_convolution_add_relu",
    "_mps_convolution", "_mps_convolution_transpose", "mps_convolution_backward",
    "mps_convolution_transpose_backward", "_nnpack_spatial_convolution",
))

# What the source scan reports, by line, in ``conv_as_matrix`` and the helpers it calls.
CONVOLUTION_NAMES = (
    *(f"torch.nn.functional.{f}" for f in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                           "conv_transpose3d", "conv_tbc")),
    *(f"torch.{op.removeprefix('aten::')}" for op in CONVOLUTION_OPS),
    *(f"torch.ops.aten.{op.removeprefix('aten::')}" for op in CONVOLUTION_OPS),
    "torch.nn.modules.conv", "torch.nn.grad",
    *(f"torch.nn.{cls}" for cls in ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
                                   "ConvTranspose3d", "LazyConv1d", "LazyConv2d", "LazyConv3d")),
    *(f"scipy.signal.{f}" for f in ("convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
                                    "oaconvolve")),
    "scipy.ndimage.convolve", "scipy.ndimage.correlate",
)

PROBLEM = Problem(
    module="hw07_conv_vs_fc",
    zh="卷积与全连接",
    en="Convolution vs fully connected",
    budget_s=0.6,  # check time of the reference on a quiet 2-core CPU
    entry_points=("fc_params", "conv_as_matrix", "linear_as_conv"),
    policy=Policy(forbid=(
        Rule(ops=CONVOLUTION_OPS, names=CONVOLUTION_NAMES, during=("conv_as_matrix",),
             zh="conv_as_matrix 要自己构造矩阵 (循环、F.pad + 索引或 F.unfold), 不能用卷积运算求出它",
             en="conv_as_matrix must build the matrix itself (loops, F.pad and indexing, or F.unfold), "
                "not compute it with a convolution"),
    )),
)
