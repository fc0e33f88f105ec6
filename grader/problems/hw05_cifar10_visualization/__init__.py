"""hw05_cifar10_visualization (第五题): Four ways to show CIFAR-10 / CIFAR-10 可视化."""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw05_cifar10_visualization",
    zh="CIFAR-10 可视化",
    en="Four ways to show CIFAR-10",
)
