from tests.mutants import Mutant

P = "hw09_resnet"
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
           old="    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)",
           new="    import torchvision.models\n    return torchvision.models.resnet18(num_classes=num_classes)",
           why="resnet18 returns torchvision's model (the static check catches it)"),
    Mutant(P, "subclasses_torchvision_resnet_in_disguise",
           old="    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes)",
           new="    import importlib\n"
               "    tvm = importlib.import_module(\"torch\" + \"vision.models\")\n\n"
               "    class Mine(tvm.ResNet):\n"
               "        pass\n\n"
               "    return Mine(tvm.resnet.BasicBlock, [3, 4, 6, 3], num_classes=num_classes)",
           why="resnet34 subclasses torchvision's ResNet, hidden from the static check (the worker's guard catches it)"),
]
