"""hw03_conv_cost (第三题): Conv parameters and FLOPs / 卷积参数量与计算量."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw03_conv_cost",
    zh="卷积参数量与计算量",
    en="Conv parameters and FLOPs",
    budget_s=0.6,  # check time of the reference on a quiet 2-core CPU
)
