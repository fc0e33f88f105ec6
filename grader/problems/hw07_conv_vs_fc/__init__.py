"""hw07_conv_vs_fc (第七题): Convolution vs fully connected / 卷积与全连接."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw07_conv_vs_fc",
    zh="卷积与全连接",
    en="Convolution vs fully connected",
)
