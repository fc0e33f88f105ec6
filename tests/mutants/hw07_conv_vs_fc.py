"""Realistic wrong answers to hw07_conv_vs_fc (edits of solutions/hw07_conv_vs_fc.py), including
conv_as_matrix computed with a convolution instead of built (the judge's own oracle pasted)."""

from tests.mutants import Mutant

P = "hw07_conv_vs_fc"
BUILD = "    m = weight.new_zeros(c_out, h_out, w_out, c_in, height, width)\n"
BASIS = ("    basis = torch.eye(c_in * height * width, dtype=weight.dtype, device=weight.device)\n"
         "    basis = basis.reshape(c_in * height * width, c_in, height, width)\n")


def computed(conv: str) -> str:
    """conv_as_matrix returning the judge's oracle (the convolution of each basis image) before it
    builds anything."""
    return BASIS + f"    return {conv}.flatten(1).T.contiguous()\n" + BUILD


MUTANTS = [
    Mutant(P, "fc_bias_ignored", old="return in_features * out_features + (out_features if bias else 0)",
           new="return in_features * out_features", why="counts the weights only"),
    Mutant(P, "padding_ignored",
           old="tops = torch.arange(h_out, device=weight.device) * stride - padding",
           new="tops = torch.arange(h_out, device=weight.device) * stride",
           why="sizes the output with the padding but places the windows as if there were none (rows)"),
    Mutant(P, "hwc_flatten",
           old="return m.reshape(c_out * h_out * w_out, c_in * height * width)",
           new="return m.permute(0, 1, 2, 4, 5, 3).reshape(c_out * h_out * w_out, c_in * height * width)",
           why="columns in H·W·C order (channels-last habit) instead of PyTorch's C·H·W"),
    Mutant(P, "transposed", old="return m.reshape(c_out * h_out * w_out, c_in * height * width)",
           new="return m.reshape(c_out * h_out * w_out, c_in * height * width).T",
           why="returns Mᵀ ([inputs, outputs], as nn.Linear's weight is sometimes misremembered)"),
    Mutant(P, "kernel_flipped", old="= weight[:, :, i, j]", new="= weight[:, :, k_h - 1 - i, k_w - 1 - j]",
           why="flips the kernel (textbook convolution) where PyTorch's conv2d is a cross-correlation"),
    Mutant(P, "one_kernel_for_all_channels", old="= weight[:, :, i, j]", new="= weight[:, :1, i, j]",
           why="treats the kernel as 2-D: every input channel gets channel 0's k×k weights"),
    Mutant(P, "linear_hwc_reshape",
           old="conv.weight.copy_(linear.weight.reshape(linear.out_features, channels, height, width))",
           new="conv.weight.copy_(linear.weight.reshape(linear.out_features, height, width, channels)"
               ".permute(0, 3, 1, 2))",
           why="assumes the linear layer saw a channels-last flatten"),
    Mutant(P, "linear_bias_not_copied", old="        if linear.bias is not None:\n            conv.bias.copy_(linear.bias)\n",
           new="", why="copies the weights but leaves the conv's own random bias"),
    # conv_as_matrix computed with a convolution, not built: the visible grader's oracle pasted
    Mutant(P, "oracle_pasted", old=BUILD, new=computed("F.conv2d(basis, weight, stride=stride, padding=padding)"),
           why="pastes the grader's oracle: F.conv2d on an identity basis"),
    Mutant(P, "oracle_built_string", old=BUILD,
           new=computed('getattr(F, "con" + "v2d")(basis, weight, stride=stride, padding=padding)'),
           why="the same oracle reached through a name built at run time"),
    Mutant(P, "oracle_aten_op", old=BUILD,
           new=computed("torch.ops.aten.convolution(basis, weight, None, [stride, stride], [padding, padding], "
                        "[1, 1], False, [0, 0], 1)"),
           why="the same oracle through the ATen operator"),
    Mutant(P, "oracle_conv_module", old=BUILD,
           new=BASIS + "    conv = torch.nn.Conv2d(c_in, c_out, (k_h, k_w), stride=stride, padding=padding, bias=False)\n"
                       "    conv.weight.data = weight\n"
                       "    return conv(basis).detach().flatten(1).T.contiguous()\n" + BUILD,
           why="the same oracle through an nn.Conv2d module"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "fc_bias_ignored",
    "hwc_flatten",
    "kernel_flipped",
    "oracle_built_string",
    "oracle_aten_op",
)
