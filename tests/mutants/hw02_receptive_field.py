"""Realistic wrong answers to hw02_receptive_field (edits of solutions/hw02_receptive_field.py),
including what open-source receptive-field tools do with layers the recurrence cannot describe."""

from tests.mutants import Mutant

P = "hw02_receptive_field"
WALK = "        if isinstance(layer, nn.Sequential):\n            flat.extend(_flatten(layer))"
PRESERVING_END = "    nn.Dropout, nn.Dropout2d, nn.Identity,\n)"

MUTANTS = [
    Mutant(P, "dilation_ignored", old="r += (kernel - 1) * dilation * j",
           new="r += (kernel - 1) * j", why="treats a dilated kernel as a dense one"),
    Mutant(P, "jump_not_accumulated", old="r += (kernel - 1) * dilation * j",
           new="r += (kernel - 1) * dilation", why="forgets that strides spread later layers apart"),
    Mutant(P, "jump_updated_first",
           old="        r += (kernel - 1) * dilation * j\n        j *= stride",
           new="        j *= stride\n        r += (kernel - 1) * dilation * j",
           why="uses the layer's own stride in its own growth"),
    Mutant(P, "padding_once",
           old="out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1",
           new="out = (size + padding - dilation * (kernel - 1) - 1) // stride + 1",
           why="pads only one side"),
    Mutant(P, "nested_not_walked", old=WALK, new="        if False:\n            pass",
           why="does not look inside nested nn.Sequential"),
    Mutant(P, "no_size_check",
           old="    if out < 1:\n        raise ValueError", new="    if out < -10**9:\n        raise ValueError",
           why="returns 0 or negative sizes instead of rejecting them"),
    # What open-source receptive-field tools do with layers outside the recurrence:
    Mutant(P, "transposed_conv_zero",
           old="    r, j = 1, 1\n    for kernel, stride, _padding, dilation in _geometries(layers):",
           new="    if any(isinstance(layer, nn.ConvTranspose2d) for layer in _flatten(layers)):\n        return 0, 0\n"
               "    r, j = 1, 1\n    for kernel, stride, _padding, dilation in _geometries(layers):",
           why="answers (0, 0) for a transposed convolution instead of refusing it"),
    Mutant(P, "children_walked", old=WALK,
           new="        if isinstance(layer, nn.Module) and list(layer.children()):\n"
               "            flat.extend(_flatten(layer.children()))",
           why="walks the children of any module (a strided Bottleneck's shortcut counted as one more layer)"),
    Mutant(P, "upsampling_skipped", old=PRESERVING_END,
           new="    nn.Dropout, nn.Dropout2d, nn.Identity, nn.Upsample, nn.PixelShuffle,\n)",
           why="skips upsampling as if it kept the geometry"),
    Mutant(P, "adaptive_pool_skipped", old=PRESERVING_END,
           new="    nn.Dropout, nn.Dropout2d, nn.Identity, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d,\n)",
           why="skips adaptive pooling as if it kept the geometry"),
    Mutant(P, "unknown_layers_skipped",
           old='    raise ValueError(f"{type(layer).__name__} changes the geometry in a way this tool does not model")',
           new="    return None", why="silently skips every layer it does not know"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "dilation_ignored",
    "jump_not_accumulated",
    "padding_once",
    "nested_not_walked",
    "no_size_check",
)
