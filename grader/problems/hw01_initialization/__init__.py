"""hw01_initialization (第一题): Initialization: Xavier vs He / 参数初始化."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw01_initialization",
    zh="参数初始化",
    en="Initialization: Xavier vs He",
    budget_s=1.5,  # check time of the reference on a quiet 2-core CPU
)
