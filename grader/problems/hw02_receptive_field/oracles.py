"""hw02_receptive_field, judge side: sizes and receptive fields measured on real layers.

- Sizes: a forward pass through the real convolution and pooling operators of a stack, on
  the meta device (torch's own shape rules, no arithmetic of ours, no computation; their
  first use needs sympy, which the judge has already imported with torchvision).
- The *empirical* receptive field: back-propagate from one output unit through a stack of
  real convolutions and measure the extent of the input units whose gradient is non-zero,
  and how far that footprint moves between neighbouring output units (the jump). A square
  window with the same (k, s, p, d) on both axes depends on a product of one set of rows
  and one set of columns, so one axis tells the extent: the measurement runs in 1-D
  (``nn.Conv1d``). A max pool only passes gradient to its maximum, so each pool is stood in
  for by the ones-kernel window of the same geometry: the receptive field depends on the
  window, not on what is computed over it.

Everything is cached: stacks repeat across checks and submissions.
"""

from __future__ import annotations

import functools
import random

import torch
import torch.nn.functional as F
from torch import nn

Geometry = tuple[tuple[int, int, int, int], ...]  # (k, s, p, d) of each geometry-changing layer

HOMEWORK = ((3, 1, 1), (3, 2, 0), (2, 2))  # 3×3 s1 p1 → 3×3 s2 p0 → 2×2 pool s2
HOMEWORK_SEQUENTIAL = (("conv", 3, 1, 1, 1), ("relu",), ("conv", 3, 2, 0, 1), ("relu",), ("max", 2, 2, 0, 1))


def geometric_layers(spec: tuple) -> tuple[tuple, ...]:
    """The conv and pool layers of a spec, nested sequences flattened, in order."""
    out = []
    for item in spec:
        if item[0] == "seq":
            out.extend(geometric_layers(item[1]))
        elif item[0] in ("conv", "max", "avg"):
            out.append(item)
    return tuple(out)


def geometry(spec: tuple) -> Geometry:
    """(k, s, p, d) of each geometry-changing layer (average pools have d = 1)."""
    return tuple((*args, 1) if kind == "avg" else tuple(args) for kind, *args in geometric_layers(spec))


@functools.cache
def real_sizes(size: int, spec: tuple) -> tuple[int, ...]:
    """Spatial size after each geometry-changing layer of a real forward pass (torch's operators
    on meta tensors). RuntimeError when the input is too small for some layer."""
    sizes, x = [], torch.empty(1, 1, size, size, device="meta")
    for kind, k, *rest in geometric_layers(spec):
        if kind == "conv":
            s, p, d = rest
            x = F.conv2d(x, torch.empty(1, 1, k, k, device="meta"), stride=s, padding=p, dilation=d)
        elif kind == "max":
            x = F.max_pool2d(x, k, *rest)
        else:
            x = F.avg_pool2d(x, k, *rest)
        sizes.append(x.shape[-1])
    return tuple(sizes)


@functools.cache
def measured_receptive_field(layers: Geometry) -> tuple[int, int]:
    """(R, J) measured by back-propagation through ones-kernel windows of that geometry."""
    stack = nn.Sequential()
    span = 1
    for k, s, p, d in layers:
        window = nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
        nn.init.ones_(window.weight)
        stack.append(window)
        span = span * s + (k - 1) * d
    x = torch.ones(1, 1, 3 * span + 16, requires_grad=True)
    y = stack(x)
    centre = y.shape[-1] // 2
    footprints = []
    for unit in (centre, centre + 1):
        (grad,) = torch.autograd.grad(y[0, 0, unit], x, retain_graph=True)
        where = torch.nonzero(grad[0, 0]).flatten()
        footprints.append((int(where.min()), int(where.max())))
    (lo, hi), (lo_next, _) = footprints
    return hi - lo + 1, lo_next - lo


def random_stack(rng: random.Random, pools: bool = True) -> tuple:
    """A random conv/pool stack that stays valid on inputs of 64 pixels."""
    while True:
        spec = []
        for _ in range(rng.randint(2, 5)):
            if pools and rng.random() < 0.35:
                k = rng.choice([2, 3])
                if rng.random() < 0.5:
                    spec.append(("max", k, rng.choice([1, 2]), rng.randint(0, k // 2), rng.choice([1, 1, 2])))
                else:
                    spec.append(("avg", k, rng.choice([1, 2, 3]), rng.randint(0, k // 2)))
            else:
                k = rng.choice([1, 2, 3, 3, 5, 7])
                spec.append(("conv", k, rng.choice([1, 1, 2, 3]), rng.randint(0, k // 2 + 1),
                             rng.choice([1, 1, 2, 3])))
        try:
            if real_sizes(64, tuple(spec))[-1] >= 2:
                return tuple(spec)
        except RuntimeError:  # too small for some layer: draw again
            continue


def as_tuples(spec: tuple) -> list[tuple]:
    """The same stack in the tuple form of the contract, in its 2-, 3- and 4-tuple variants."""
    out = []
    for k, s, p, d in geometry(spec):
        if d != 1:
            out.append((k, s, p, d))
        elif p != 0:
            out.append((k, s, p))
        else:
            out.append((k, s))
    return out


def with_decorations(spec: tuple, rng: random.Random) -> tuple:
    """Interleave geometry-preserving layers and nest part of the stack."""
    out = []
    for item in spec:
        out.append(item)
        if rng.random() < 0.6:
            out.append((rng.choice(["relu", "bn", "dropout", "identity"]),))
    cut = rng.randint(1, len(out))
    return (*out[:cut - 1], ("seq", tuple(out[cut - 1:]))) if cut > 1 else (("seq", tuple(out)),)


@functools.cache
def tuple_stacks() -> tuple[tuple, ...]:
    return tuple(random_stack(random.Random(200 + i)) for i in range(12))


@functools.cache
def sequential_stacks() -> tuple[tuple, ...]:
    return tuple(with_decorations(random_stack(random.Random(500 + i)), random.Random(i)) for i in range(8))


def conv_size(size: int, k: int, s: int, p: int, d: int) -> int | None:
    """The output size of a real convolution, or None when torch refuses (an empty output)."""
    x, w = torch.empty(1, 1, size, size, device="meta"), torch.empty(1, 1, k, k, device="meta")
    try:
        return F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-1]
    except RuntimeError:
        return None


# Layers the recurrence cannot describe, at the top level or nested: receptive_field must
# raise ValueError. Containers are chosen so that walking their children in order gives a
# wrong (R, J): the check never asks about a layer whose geometry is ambiguous.
UNSUPPORTED = (
    ("convT", 3, 2, 1), ("seq", (("relu",), ("convT", 4, 2, 1))), ("upsample", 2), ("pixel_shuffle", 2),
    ("adaptive_avg", 1), ("seq", (("adaptive_max", 2),)), ("linear",), ("flatten",),
    ("bottleneck", 2), ("seq", (("bn",), ("basic_block", 2))), ("residual", 2), ("branches", 2),
)
SUPPORTED_BASE = (("conv", 3, 1, 1, 1), ("relu",))
