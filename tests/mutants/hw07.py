from tests.mutants import Mutant

P = "hw07_conv_vs_fc"

MUTANTS = [
    Mutant(P, "fc_bias_ignored", old="return in_features * out_features + (out_features if bias else 0)",
           new="return in_features * out_features", why="counts the weights only"),
    Mutant(P, "padding_ignored", old="row = y * stride - padding + i", new="row = y * stride + i",
           why="sizes the output with the padding but places the windows as if there were none (rows)"),
    Mutant(P, "hwc_flatten",
           old="return m.reshape(c_out * h_out * w_out, c_in * height * width)",
           new="return m.permute(0, 1, 2, 4, 5, 3).reshape(c_out * h_out * w_out, c_in * height * width)",
           why="columns in H·W·C order (channels-last habit) instead of PyTorch's C·H·W"),
    Mutant(P, "transposed", old="return m.reshape(c_out * h_out * w_out, c_in * height * width)",
           new="return m.reshape(c_out * h_out * w_out, c_in * height * width).T",
           why="returns Mᵀ ([inputs, outputs], as nn.Linear's weight is sometimes misremembered)"),
    Mutant(P, "kernel_flipped", old="m[:, y, x, :, row, col] = weight[:, :, i, j]",
           new="m[:, y, x, :, row, col] = weight[:, :, k_h - 1 - i, k_w - 1 - j]",
           why="flips the kernel (textbook convolution) where PyTorch's conv2d is a cross-correlation"),
    Mutant(P, "one_kernel_for_all_channels", old="m[:, y, x, :, row, col] = weight[:, :, i, j]",
           new="m[:, y, x, :, row, col] = weight[:, :1, i, j]",
           why="treats the kernel as 2-D: every input channel gets channel 0's k×k weights"),
    Mutant(P, "linear_hwc_reshape",
           old="conv.weight.copy_(linear.weight.reshape(linear.out_features, channels, height, width))",
           new="conv.weight.copy_(linear.weight.reshape(linear.out_features, height, width, channels)"
               ".permute(0, 3, 1, 2))",
           why="assumes the linear layer saw a channels-last flatten"),
    Mutant(P, "linear_bias_not_copied", old="        if linear.bias is not None:\n            conv.bias.copy_(linear.bias)\n",
           new="", why="copies the weights but leaves the conv's own random bias"),
]
