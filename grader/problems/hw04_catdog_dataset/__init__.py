"""hw04_catdog_dataset (第四题): Cat/dog dataset / 猫狗数据集.

No policy: any route to a correct dataset is fair, ``torchvision.datasets.ImageFolder``
underneath included.
"""

from grader.problems.manifest import Problem

PROBLEM = Problem(
    module="hw04_catdog_dataset",
    zh="猫狗数据集",
    en="Cat/dog dataset",
    budget_s=10.0,
    entry_points=("CatDogDataset", "make_dataloader", "show_batch"),
)
