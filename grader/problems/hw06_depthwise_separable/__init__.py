"""hw06_depthwise_separable (第六题): Depthwise separable conv / 深度可分离卷积."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw06_depthwise_separable",
    zh="深度可分离卷积",
    en="Depthwise separable conv",
    budget_s=0.6,  # check time of the reference on a quiet 2-core CPU
)
