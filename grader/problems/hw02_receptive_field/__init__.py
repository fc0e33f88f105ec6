"""hw02_receptive_field (第二题): Receptive field / 感受野."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw02_receptive_field",
    zh="感受野",
    en="Receptive field",
    budget_s=0.6,  # check time of the reference on a quiet 2-core CPU
)
