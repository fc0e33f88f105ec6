"""Realistic wrong answers to hw09_resnet (第九题), and attempts to pass torchvision's models off
as the student's own (each must lose points, whichever way it reaches them)."""

from tests.mutants import Mutant

P = "hw09_resnet"
R18_BODY = "    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)"
R34_BODY = "    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes)"
ADD_THEN_RELU = "        out = out + identity\n        out = self.relu(out)\n        return out"

MUTANTS = [
    Mutant(P, "relu_before_add", old=ADD_THEN_RELU,
           new="        out = self.relu(out)\n        out = out + identity\n        return out",
           why="y = ReLU(F(x)) + x: the ReLU moved before the addition"),
    Mutant(P, "no_final_relu", old=ADD_THEN_RELU, new="        out = out + identity\n        return out",
           why="y = F(x) + x with no ReLU after the addition"),
    Mutant(P, "projection_without_bn",
           old="                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),\n"
               "                nn.BatchNorm2d(out_channels),\n",
           new="                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),\n",
           why="the projection shortcut is a bare 1×1 conv, no BN"),
    Mutant(P, "projection_without_stride", old="kernel_size=1, stride=stride, bias=False",
           new="kernel_size=1, bias=False", why="the 1×1 projection forgets the block's stride"),
    Mutant(P, "projection_always", old="        if stride != 1 or in_channels != out_channels:",
           new="        if True:", why="every block gets a 1×1 conv + BN shortcut, even when the shape is kept"),
    Mutant(P, "projection_only_on_channel_change", old="        if stride != 1 or in_channels != out_channels:",
           new="        if in_channels != out_channels:",
           why="a stride-2 block with unchanged channels keeps the identity (caught by a hidden check)"),
    Mutant(P, "stem_pool_without_padding", old="nn.MaxPool2d(kernel_size=3, stride=2, padding=1)",
           new="nn.MaxPool2d(kernel_size=3, stride=2)", why="the stem's max pooling has no padding"),
    Mutant(P, "returns_torchvision_resnet",
           old=R18_BODY,
           new="    import torchvision.models\n    return torchvision.models.resnet18(num_classes=num_classes)",
           why="resnet18 returns torchvision's model (the static check catches it)"),
    Mutant(P, "subclasses_torchvision_resnet_in_disguise",
           old=R34_BODY,
           new="    import importlib\n"
               "    tvm = importlib.import_module(\"torch\" + \"vision.models\")\n\n"
               "    class Mine(tvm.ResNet):\n"
               "        pass\n\n"
               "    return Mine(tvm.resnet.BasicBlock, [3, 4, 6, 3], num_classes=num_classes)",
           why="resnet34 subclasses torchvision's ResNet, hidden from the static check (the worker's guard catches it)"),
    # Ways to reach torchvision's models that beat the old guards (a guard subclassing the
    # real class, a static scan of the spelling): the policy disables torchvision's model
    # code however it is reached, and refuses reading its source.
    Mutant(P, "resnet_from_the_guards_base", old=R18_BODY,
           new="    import importlib\n"
               "    tvm = importlib.import_module(\"torchvision.\" + \"models\")\n"
               "    real = tvm.ResNet\n"
               "    while real.__module__.startswith(\"grader\"):  # a guard that subclasses the real class\n"
               "        real = real.__bases__[0]\n"
               "    return real(tvm.resnet.BasicBlock, [2, 2, 2, 2], num_classes=num_classes)",
           why="resnet18 takes the class under the guard through __bases__ (and the module by a built name)"),
    Mutant(P, "resnet_from_sys_modules", old=R18_BODY,
           new="    import sys\n"
               "    return sys.modules[\"torchvision\" + \".models\"].resnet18(num_classes=num_classes)",
           why="resnet18 fetches torchvision's models from sys.modules"),
    Mutant(P, "resnet_by_getattr", old=R34_BODY,
           new="    import torchvision\n"
               "    return getattr(getattr(torchvision, \"mod\" + \"els\"), \"res\" + \"net34\")(num_classes=num_classes)",
           why="resnet34 is torchvision's, reached with getattr and built names"),
    Mutant(P, "resnet_class_found_by_gc", old=R34_BODY,
           new="    import gc\n"
               "    real = next(o for o in gc.get_objects() if isinstance(o, type) and o.__name__ == \"ResNet\"\n"
               "                and o.__module__.endswith(\"resnet\") and o is not ResNet)\n"
               "    block = next(o for o in gc.get_objects() if isinstance(o, type) and o.__name__ == \"BasicBlock\"\n"
               "                 and o is not BasicBlock)\n"
               "    return real(block, [3, 4, 6, 3], num_classes=num_classes)",
           why="resnet34 finds torchvision's classes among the live objects (gc)"),
    Mutant(P, "resnet_source_copied", old=R18_BODY,
           new="    import inspect\n"
               "    import sys\n"
               "    source = inspect.getsource(sys.modules[\"torchvision.models.\" + \"resnet\"])\n"
               "    namespace = {\"__name__\": \"copied\", \"__package__\": \"torchvision.models\"}\n"
               "    exec(compile(source, \"copied_resnet.py\", \"exec\"), namespace)\n"
               "    return namespace[\"resnet18\"](num_classes=num_classes)",
           why="resnet18 runs a copy of torchvision's source, read at run time"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "relu_before_add",
    "projection_without_bn",
    "projection_always",
    "resnet_from_the_guards_base",
    "resnet_class_found_by_gc",
)
