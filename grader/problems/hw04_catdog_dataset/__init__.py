"""hw04_catdog_dataset (第四题): Cat/dog dataset / 猫狗数据集."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw04_catdog_dataset",
    zh="猫狗数据集",
    en="Cat/dog dataset",
)
