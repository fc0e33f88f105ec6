"""hw08_alexnet_vgg (第八题): AlexNet and VGG / AlexNet 与 VGG."""

from grader.problems.manifest import Policy, Problem, Rule

PROBLEM = Problem(
    module="hw08_alexnet_vgg",
    zh="AlexNet 与 VGG",
    en="AlexNet and VGG",
    entry_points=("AlexNet", "make_vgg", "vgg16", "stacked_3x3_vs_5x5_ratio"),
    policy=Policy(forbid=(Rule(
        code=("torchvision.models", "torch.hub"),
        names=("torchvision.models", "torch.hub"),
        zh="torchvision 的模型是评分用的参考实现, 请自己搭建网络",
        en="torchvision's models are what the grader compares against; build the layers yourself"),)),
)
