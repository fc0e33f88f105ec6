"""hw10_lstm, judge side: the cases and what the answers must be.

Everything here runs in the judge, on the CPU, in float64, once per run (cached: every
submission graded in the run is compared with the same answers; nobody modifies them):
- ``cell_case`` / ``lstm_case``: random sizes (all different, so that no transposition
  goes unseen), weights, inputs, states and a projection whose gradients are compared;
- ``cell`` / ``lstm``: ``torch.nn.LSTMCell`` / ``torch.nn.LSTM`` loaded with the same weights:
  outputs, final states and the gradients w.r.t. the inputs, the states and every weight;
- ``gates``: the notes' equations evaluated from the weights;
- ``driven_gates``: weights that drive the gates to 0 or 1, whose effect is known exactly.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import torch
from torch import nn

DTYPE = torch.float64
GATE_KEYS = ("input", "forget", "candidate", "output", "cell", "hidden")
# nn.LSTM's names for the parameters of its one layer
LSTM_NAMES = {"weight_ih": "weight_ih_l0", "weight_hh": "weight_hh_l0", "bias_ih": "bias_ih_l0",
              "bias_hh": "bias_hh_l0"}


@dataclass(frozen=True)
class Sizes:
    input: int
    hidden: int
    n: int
    t: int


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of the oracles' caches
class Case:
    """One random problem: ``x`` is ``[N, input]`` (cell) or a sequence; ``state`` is ``(h, c)``;
    ``proj`` weighs the outputs into the scalar whose gradients are compared."""
    sizes: Sizes
    weights: dict
    x: torch.Tensor
    state: tuple
    proj: tuple
    batch_first: bool = True

    def describe(self) -> str:
        s = self.sizes
        if self.x.dim() == 2:
            return f"LSTMCell(input_size={s.input}, hidden_size={s.hidden}), x [{s.n}, {s.input}]"
        return f"LSTM(input_size={s.input}, hidden_size={s.hidden}), x {list(self.x.shape)}"


def random_sizes(seed: int) -> Sizes:
    rng = random.Random(seed)
    while True:
        s = Sizes(input=rng.randint(2, 7), hidden=rng.randint(2, 6), n=rng.randint(2, 5), t=rng.randint(3, 7))
        if len({s.input, s.hidden, s.n, s.t}) == 4:
            return s


def random_weights(gen: torch.Generator, input_size: int, hidden: int, bias: bool = True,
                   scale: float = 0.6) -> dict:
    shapes = {"weight_ih": (4 * hidden, input_size), "weight_hh": (4 * hidden, hidden)}
    if bias:
        shapes.update(bias_ih=(4 * hidden,), bias_hh=(4 * hidden,))
    return {n: torch.randn(shape, generator=gen, dtype=DTYPE) * scale for n, shape in shapes.items()}


def _randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(shape, generator=gen, dtype=DTYPE) * scale


@functools.cache
def cell_case(seed: int, bias: bool = True) -> Case:
    s = random_sizes(seed)
    gen = torch.Generator().manual_seed(seed)
    return Case(s, random_weights(gen, s.input, s.hidden, bias), _randn(gen, s.n, s.input),
                (_randn(gen, s.n, s.hidden, scale=0.8), _randn(gen, s.n, s.hidden, scale=1.5)),
                (_randn(gen, s.n, s.hidden), _randn(gen, s.n, s.hidden)))


@functools.cache
def lstm_case(seed: int, batch_first: bool = True, sizes: Sizes | None = None) -> Case:
    s = sizes or random_sizes(seed)
    gen = torch.Generator().manual_seed(seed)
    seq = (s.n, s.t) if batch_first else (s.t, s.n)
    return Case(s, random_weights(gen, s.input, s.hidden), _randn(gen, *seq, s.input),
                (_randn(gen, 1, s.n, s.hidden, scale=0.8), _randn(gen, 1, s.n, s.hidden, scale=1.5)),
                (_randn(gen, *seq, s.hidden), _randn(gen, 1, s.n, s.hidden), _randn(gen, 1, s.n, s.hidden)),
                batch_first)


def _leaves(x: torch.Tensor, state) -> tuple[dict, tuple | None]:
    leaves = {"x": x.clone().requires_grad_()}
    if state is not None:
        leaves["h0"], leaves["c0"] = (s.clone().requires_grad_() for s in state)
        state = (leaves["h0"], leaves["c0"])
    return leaves, state


def _gradients(outputs: tuple, proj: tuple, leaves: dict) -> dict:
    loss = sum((t * p).sum() for t, p in zip(outputs, proj))
    return dict(zip(leaves, torch.autograd.grad(loss, list(leaves.values()))))


@functools.cache
def cell(case: Case, *, given_state: bool = True, grads: bool = False) -> dict:
    """``nn.LSTMCell`` with the case's weights: ``{"h", "c"[, "grads"]}``."""
    w = case.weights
    ref = nn.LSTMCell(case.sizes.input, case.sizes.hidden, bias="bias_ih" in w, dtype=DTYPE)
    with torch.no_grad():
        for n, value in w.items():
            getattr(ref, n).copy_(value)
    leaves, state = _leaves(case.x, case.state if given_state else None)
    h, c = ref(leaves["x"], state)
    out = {"h": h.detach(), "c": c.detach()}
    if grads:
        leaves.update((n, getattr(ref, n)) for n in w)
        out["grads"] = _gradients((h, c), case.proj, leaves)
    return out


@functools.cache
def lstm(case: Case, *, given_state: bool = True, grads: bool = False) -> dict:
    """``nn.LSTM(num_layers=1)`` with the case's weights: ``{"output", "h_n", "c_n"[, "grads"]}``."""
    ref = nn.LSTM(case.sizes.input, case.sizes.hidden, batch_first=case.batch_first, dtype=DTYPE)
    with torch.no_grad():
        for n, value in case.weights.items():
            getattr(ref, LSTM_NAMES[n]).copy_(value)
    leaves, state = _leaves(case.x, case.state if given_state else None)
    output, (h_n, c_n) = ref(leaves["x"], state)
    out = {"output": output.detach(), "h_n": h_n.detach(), "c_n": c_n.detach()}
    if grads:
        leaves.update((n, getattr(ref, LSTM_NAMES[n])) for n in case.weights)
        out["grads"] = _gradients((output, h_n, c_n), case.proj, leaves)
    return out


@functools.cache
def gates(case: Case, *, given_state: bool = True) -> dict:
    """The notes' equations, evaluated here from the case's weights (gate order i, f, g, o)."""
    weights, x = case.weights, case.x
    h_prev, c_prev = case.state if given_state else (x.new_zeros(x.shape[0], case.sizes.hidden),) * 2
    z = x @ weights["weight_ih"].T + h_prev @ weights["weight_hh"].T
    if "bias_ih" in weights:
        z = z + weights["bias_ih"] + weights["bias_hh"]
    z_i, z_f, z_g, z_o = z.chunk(4, dim=1)
    i, f, g, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_g), torch.sigmoid(z_o)
    c = f * c_prev + i * g
    return dict(zip(GATE_KEYS, (i, f, g, o, c, o * torch.tanh(c))))


@dataclass(frozen=True)
class Driven:
    """Weights whose gates saturate (pre-activations ±40), and what the gates must then give."""
    label: str      # e.g. "i→0, f→1, o→0"
    weights: dict
    x: torch.Tensor
    state: tuple
    expected: dict  # key -> (formula in words, tensor)


@functools.cache
def driven_gates(seed: int, n: int = 3, input_size: int = 4, hidden: int = 5, big: float = 40.0) -> tuple[Driven, ...]:
    """i=0, f=1 keeps c and o=0 gives h=0; i=1, f=0 makes c the candidate g and o=1 gives h=tanh(g).

    Zero matrices; the pre-activations (±40: σ is 0 or 1 in float64, and atanh(g) for the candidate)
    are split over ``bias_ih`` and ``bias_hh``, so a cell adding only one of them loses half."""
    gen = torch.Generator().manual_seed(seed)
    x, h_prev, c_prev = _randn(gen, n, input_size), _randn(gen, n, hidden), _randn(gen, n, hidden, scale=2)
    g = torch.tanh(torch.rand(hidden, generator=gen, dtype=DTYPE) * 4 - 2).expand(n, hidden)
    saturated = {0: torch.zeros(n, hidden, dtype=DTYPE), 1: torch.ones(n, hidden, dtype=DTYPE)}

    def drive(gate: int) -> torch.Tensor:
        return torch.full((hidden,), big if gate else -big, dtype=DTYPE)

    cases = []
    for i, f, o in ((0, 1, 0), (1, 0, 1)):
        bias = torch.cat([drive(i), drive(f), torch.atanh(g[0]), drive(o)])
        weights = {"weight_ih": torch.zeros(4 * hidden, input_size, dtype=DTYPE),
                   "weight_hh": torch.zeros(4 * hidden, hidden, dtype=DTYPE), "bias_ih": bias / 2, "bias_hh": bias / 2}
        c = c_prev if f else g
        expected = {"input": (f"i_t = {i}", saturated[i]), "forget": (f"f_t = {f}", saturated[f]),
                    "candidate": ("g_t = tanh(z_g)", g), "output": (f"o_t = {o}", saturated[o]),
                    "cell": ("c_t = c_{t-1}" if f else "c_t = g_t", c),
                    "hidden": ("h_t = tanh(c_t)" if o else "h_t = 0", torch.tanh(c) if o else saturated[0])}
        cases.append(Driven(f"i→{i}, f→{f}, o→{o}", weights, x, (h_prev, c_prev), expected))
    return tuple(cases)
