"""Realistic wrong answers to hw06_depthwise_separable (edits of solutions/hw06_depthwise_separable.py)."""

from tests.mutants import Mutant

MUTANTS = [
    Mutant("hw06_depthwise_separable", "depthwise_not_grouped", old="                                   groups=c_in, bias=bias)",
           new="                                   groups=1, bias=bias)",
           why="a full k×k conv C_in→C_in instead of one filter per channel"),
    Mutant("hw06_depthwise_separable", "pointwise_k_by_k", old="nn.Conv2d(c_in, c_out, 1, bias=bias)",
           new="nn.Conv2d(c_in, c_out, kernel_size, padding=kernel_size // 2, bias=bias)",
           why="the pointwise step uses the k×k kernel again"),
    Mutant("hw06_depthwise_separable", "stride_on_pointwise",
           old="nn.Conv2d(c_in, c_in, kernel_size, stride=stride, padding=padding,",
           new="nn.Conv2d(c_in, c_in, kernel_size, stride=1, padding=padding,",
           why="drops the stride (or moves it to the wrong step)"),
    Mutant("hw06_depthwise_separable", "one_bias_only", old="((c_in + c_out) if bias else 0)",
           new="(c_out if bias else 0)", why="counts only the pointwise bias"),
    Mutant("hw06_depthwise_separable", "groups_squared", old="return k * k * (c_in // groups) * c_out + (c_out if bias else 0)",
           new="return k * k * c_in * c_out // (groups * groups) + (c_out if bias else 0)",
           why="divides by G for both input and output channels"),
    Mutant("hw06_depthwise_separable", "centre_tap_only",
           old="    return pointwise[:, :, None, None] * depthwise[None]",
           new="    k = depthwise.shape[-1]\n    weight = pointwise.new_zeros(pointwise.shape[0], pointwise.shape[1], k, k)\n"
               "    weight[:, :, k // 2, k // 2] = pointwise\n    return weight",
           why="treats the pointwise weight alone as the equivalent kernel"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "depthwise_not_grouped",
    "pointwise_k_by_k",
    "stride_on_pointwise",
    "one_bias_only",
    "groups_squared",
    "centre_tap_only",
)
