"""Realistic wrong answers to hw08_alexnet_vgg (第八题), and attempts to pass torchvision's models
off as the student's own (each must lose points, whichever way it reaches them)."""

from tests.mutants import Mutant

P = "hw08_alexnet_vgg"
VGG16_BODY = "    return make_vgg(VGG16_CFG, num_classes=num_classes, batch_norm=batch_norm)"
ALEX_HEAD = """            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),"""

MUTANTS = [
    Mutant(P, "non_overlapping_pooling", old="nn.MaxPool2d(kernel_size=3, stride=2)",
           new="nn.MaxPool2d(kernel_size=2, stride=2)", count=3,
           why="AlexNet pools 2×2 with stride 2 (no overlap)"),
    Mutant(P, "no_dropout", old="            nn.Dropout(p=dropout),\n", new="", count=2,
           why="AlexNet's classifier has no dropout"),
    Mutant(P, "dropout_after_relu", old=ALEX_HEAD,
           new="""            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),""",
           why="AlexNet's dropout placed as in VGG: after the 4096-wide layers, not before them"),
    Mutant(P, "dropout_p_ignored", old="nn.Dropout(p=dropout)", new="nn.Dropout(p=0.5)", count=2,
           why="AlexNet ignores the dropout argument"),
    Mutant(P, "no_adaptive_pooling", old="self.avgpool = nn.AdaptiveAvgPool2d((6, 6))",
           new="self.avgpool = nn.Identity()", why="AlexNet only works on 224×224 inputs"),
    Mutant(P, "lrn_default_k", old="k=2.0)", new="k=1.0)", why="LRN with torch's default k=1, not the paper's 2"),
    Mutant(P, "vgg_5x5_convs", old="nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1)",
           new="nn.Conv2d(in_channels, int(v), kernel_size=5, padding=2)",
           why="VGG built from 5×5 convolutions"),
    Mutant(P, "vgg16_wrong_cfg", old='"M", 256, 256, 256, "M"', new='"M", 256, 256, "M"',
           why="VGG16's third stage has two convolutions, not three"),
    Mutant(P, "vgg_bn_after_relu", old="layers += [conv, nn.BatchNorm2d(int(v)), nn.ReLU(inplace=True)]",
           new="layers += [conv, nn.ReLU(inplace=True), nn.BatchNorm2d(int(v))]",
           why="batch norm after the ReLU (caught by a hidden check)"),
    Mutant(P, "ratio_counts_bias", old="    return two_3x3 / one_5x5",
           new="    return (two_3x3 + 2 * channels) / (one_5x5 + channels)",
           why="the 3×3 vs 5×5 ratio counts biases"),
    Mutant(P, "returns_torchvision_vgg16", old=VGG16_BODY,
           new="    import torchvision\n    return torchvision.models.vgg16(num_classes=num_classes)",
           why="vgg16 returns torchvision's model (the static check catches it)"),
    Mutant(P, "subclasses_torchvision_alexnet_in_disguise", old="class AlexNet(nn.Module):",
           new="class AlexNet(__import__(\"importlib\").import_module(\"torch\" + \"vision.models\").AlexNet):",
           why="AlexNet subclasses torchvision's, hidden from the static check (the worker's guard catches it)"),
    # Ways to reach torchvision's models that beat the old guards (a guard subclassing the
    # real class, a static scan of the spelling): the policy disables torchvision's model
    # code however it is reached, and refuses reading its source.
    Mutant(P, "vgg_from_the_guards_base", old=VGG16_BODY,
           new="    import importlib\n"
               "    tvm = importlib.import_module(\"torchvision.\" + \"models\")\n"
               "    real = tvm.VGG\n"
               "    while real.__module__.startswith(\"grader\"):  # a guard that subclasses the real class\n"
               "        real = real.__bases__[0]\n"
               "    features = tvm.vgg.make_layers(tvm.vgg.cfgs[\"D\"], batch_norm=batch_norm)\n"
               "    return real(features, num_classes=num_classes)",
           why="vgg16 takes the class under the guard through __bases__ (and the module by a built name)"),
    Mutant(P, "vgg_from_sys_modules", old=VGG16_BODY,
           new="    import sys\n"
               "    return sys.modules[\"torchvision\" + \".models\"].vgg16(num_classes=num_classes)",
           why="vgg16 fetches torchvision's models from sys.modules"),
    Mutant(P, "alexnet_by_getattr", old="class AlexNet(nn.Module):",
           new="def AlexNet(num_classes=1000, dropout=0.5, use_lrn=False):\n"
               "    import torchvision\n"
               "    return getattr(torchvision, \"mod\" + \"els\").alexnet(num_classes=num_classes, dropout=dropout)\n\n\n"
               "class _AlexNet(nn.Module):",
           why="AlexNet is torchvision's, reached with getattr and a built name"),
    Mutant(P, "vgg_class_found_by_gc", old=VGG16_BODY,
           new="    import gc\n"
               "    real = next(o for o in gc.get_objects() if isinstance(o, type) and o.__name__ == \"VGG\"\n"
               "                and o.__module__.endswith(\"vgg\") and o is not VGG)\n"
               "    return real(make_layers(VGG16_CFG, batch_norm=batch_norm), num_classes=num_classes)",
           why="vgg16 finds torchvision's VGG class among the live objects (gc)"),
    Mutant(P, "vgg_source_copied", old=VGG16_BODY,
           new="    import inspect\n"
               "    import sys\n"
               "    source = inspect.getsource(sys.modules[\"torchvision.models.\" + \"vgg\"])\n"
               "    namespace = {\"__name__\": \"copied\", \"__package__\": \"torchvision.models\"}\n"
               "    exec(compile(source, \"copied_vgg.py\", \"exec\"), namespace)\n"
               "    return namespace[\"vgg16\"](num_classes=num_classes)",
           why="vgg16 runs a copy of torchvision's source, read at run time"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "non_overlapping_pooling",
    "no_dropout",
    "vgg16_wrong_cfg",
    "ratio_counts_bias",
    "vgg_from_the_guards_base",
    "alexnet_by_getattr",
)
