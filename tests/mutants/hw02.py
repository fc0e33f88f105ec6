from tests.mutants import Mutant

MUTANTS = [
    Mutant("hw02_receptive_field", "dilation_ignored", old="r += (kernel - 1) * dilation * j",
           new="r += (kernel - 1) * j", why="treats a dilated kernel as a dense one"),
    Mutant("hw02_receptive_field", "jump_not_accumulated", old="r += (kernel - 1) * dilation * j",
           new="r += (kernel - 1) * dilation", why="forgets that strides spread later layers apart"),
    Mutant("hw02_receptive_field", "jump_updated_first",
           old="        r += (kernel - 1) * dilation * j\n        j *= stride",
           new="        j *= stride\n        r += (kernel - 1) * dilation * j",
           why="uses the layer's own stride in its own growth"),
    Mutant("hw02_receptive_field", "padding_once",
           old="out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1",
           new="out = (size + padding - dilation * (kernel - 1) - 1) // stride + 1",
           why="pads only one side"),
    Mutant("hw02_receptive_field", "nested_not_walked",
           old="        if isinstance(layer, nn.Sequential):\n            flat.extend(_flatten(layer))",
           new="        if False:\n            pass",
           why="does not look inside nested nn.Sequential"),
    Mutant("hw02_receptive_field", "no_size_check",
           old="    if out < 1:\n        raise ValueError", new="    if out < -10**9:\n        raise ValueError",
           why="returns 0 or negative sizes instead of rejecting them"),
]
