"""hw09_resnet (第九题): ResNet18/34 / ResNet 残差网络."""

from grader.problems.manifest import Policy, Problem, Rule

PROBLEM = Problem(
    module="hw09_resnet",
    zh="ResNet 残差网络",
    en="ResNet18/34",
    entry_points=("BasicBlock", "ResNet", "resnet18", "resnet34"),
    policy=Policy(forbid=(Rule(
        code=("torchvision.models", "torch.hub"),
        names=("torchvision.models", "torch.hub"),
        zh="torchvision 的模型是评分用的参考实现, 请自己搭建网络",
        en="torchvision's models are what the grader compares against; build the layers yourself"),)),
)
