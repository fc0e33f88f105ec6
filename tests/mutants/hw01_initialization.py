"""Realistic wrong answers to hw01_initialization (edits of solutions/hw01_initialization.py)."""

from tests.mutants import Mutant

P = "hw01_initialization"

MUTANTS = [
    Mutant(P, "he_fan_out", old="weight.normal_(0.0, he_std(fan_in))", new="weight.normal_(0.0, he_std(fan_out))",
           why="He with fan_out (kaiming_normal_'s mode='fan_out') where the contract asks for fan_in"),
    Mutant(P, "he_without_factor_2", old="def he_std(fan_in: int, gain: float = math.sqrt(2.0)) -> float:",
           new="def he_std(fan_in: int, gain: float = 1.0) -> float:",
           why="He without the factor 2 (Var = 1/n_in, LeCun's): forgets what ReLU throws away"),
    Mutant(P, "xavier_without_2", old="return gain * math.sqrt(2.0 / (fan_in + fan_out))",
           new="return gain * math.sqrt(1.0 / (fan_in + fan_out))", why="Var = 1/(n_in + n_out)"),
    Mutant(P, "conv2d_skipped", old="if not isinstance(layer, (nn.Linear, nn.Conv2d)):",
           new="if not isinstance(layer, nn.Linear):", why="only initialises fully connected layers"),
    Mutant(P, "biases_kept", old="            if layer.bias is not None:\n                layer.bias.zero_()\n",
           new="", why="leaves PyTorch's default (random) biases in place"),
    Mutant(P, "top_level_only", old="for layer in module.modules():", new="for layer in module.children():",
           why="walks only the direct children, missing nested layers"),
    Mutant(P, "uniform_wrong_std",
           old="                weight.normal_(0.0, xavier_std(fan_in, fan_out))\n            else:\n"
               "                weight.normal_(0.0, he_std(fan_in))",
           new="                weight.uniform_(-xavier_std(fan_in, fan_out), xavier_std(fan_in, fan_out))\n"
               "            else:\n                weight.uniform_(-he_std(fan_in), he_std(fan_in))",
           why="uniform on ±std instead of normal: the std is too small by √3"),
    Mutant(P, "conv_fan_without_kernel", old="receptive = math.prod(weight.shape[2:])", new="receptive = 1",
           why="a conv's fan_in taken as C_in, forgetting k_h·k_w"),
    Mutant(P, "no_value_error",
           old="    if scheme not in SCHEMES:\n        raise ValueError(f\"unknown scheme {scheme!r}; valid schemes: {', '.join(SCHEMES)}\")\n",
           new="", why="an unknown scheme silently falls through to He"),
    Mutant(P, "activation_ignored", old="layers += [nn.Linear(width, width, bias=False), activations[activation]()]",
           new="layers += [nn.Linear(width, width, bias=False), nn.ReLU()]",
           why="activation_stds always uses ReLU"),
]

# Graded in CI (tests/test_mutants.py); the rest, with MORE_MUTANTS, by
# tests/stress_mutants.py (the nightly sweep). One per kind of mistake.
CI_SAMPLE = (
    "he_fan_out",
    "xavier_without_2",
    "biases_kept",
    "top_level_only",
    "no_value_error",
)
