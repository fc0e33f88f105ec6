"""Realistic wrong answers to hw03_conv_cost (edits of solutions/hw03_conv_cost.py)."""

from tests.mutants import Mutant

P = "hw03_conv_cost"

MUTANTS = [
    Mutant(P, "bias_ignored", old="+ (c_out if bias else 0)", new="",
           why="counts the weights only, forgets one bias per output channel"),
    Mutant(P, "groups_ignored", old="k_h * k_w * (c_in // groups) * c_out",
           new="k_h * k_w * c_in * c_out", why="a grouped conv still sees every input channel"),
    Mutant(P, "flops_equal_macs",
           old="return 2 * conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups)",
           new="return conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups)",
           why="FLOPs taken as MACs (one operation per multiply-add)"),
    Mutant(P, "padding_once", old="out_h = (in_h + 2 * padding - k_h) // stride + 1",
           new="out_h = (in_h + padding - k_h) // stride + 1",
           why="pads only one side along the height"),
    Mutant(P, "square_kernel_assumed", old="    return int(k_h), int(k_w)",
           new="    return int(k_h), int(k_h)", why="uses k_h for both axes of a rectangular kernel"),
    Mutant(P, "flops_count_bias",
           old='"flops": conv2d_flops(c_in, c_out, kernel, out_h, out_w, groups),',
           new='"flops": conv2d_flops(c_in, c_out, kernel, out_h, out_w, groups) + (c_out * out_h * out_w if bias else 0),',
           why="adds the bias additions to the FLOPs (the notes and flop_counter do not count them)"),
    Mutant(P, "ceil_division", old="out_w = (in_w + 2 * padding - k_w) // stride + 1",
           new="out_w = -(-(in_w + 2 * padding - k_w) // stride) + 1",
           why="rounds the output width up (ceil_mode) instead of down"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "bias_ignored",
    "groups_ignored",
    "flops_equal_macs",
    "padding_once",
    "square_kernel_assumed",
    "flops_count_bias",
    "ceil_division",
)
