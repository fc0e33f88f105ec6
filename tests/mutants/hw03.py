from tests.mutants import Mutant

MUTANTS = [
    Mutant("hw03_conv_cost", "bias_ignored", old="+ (c_out if bias else 0)", new="",
           why="counts the weights only, forgets one bias per output channel"),
    Mutant("hw03_conv_cost", "groups_ignored", old="k_h * k_w * (c_in // groups) * c_out",
           new="k_h * k_w * c_in * c_out", why="a grouped conv still sees every input channel"),
    Mutant("hw03_conv_cost", "flops_equal_macs",
           old="return 2 * conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups)",
           new="return conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups)",
           why="FLOPs taken as MACs (one operation per multiply-add)"),
    Mutant("hw03_conv_cost", "padding_once", old="out_h = (in_h + 2 * padding - k_h) // stride + 1",
           new="out_h = (in_h + padding - k_h) // stride + 1",
           why="pads only one side along the height"),
    Mutant("hw03_conv_cost", "square_kernel_assumed", old="    return int(k_h), int(k_w)",
           new="    return int(k_h), int(k_h)", why="uses k_h for both axes of a rectangular kernel"),
]
