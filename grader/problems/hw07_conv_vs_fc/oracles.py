"""hw07_conv_vs_fc, judge side: the cases and what they must give.

- the exact matrix of a convolution, column by column: column j of M is
  ``F.conv2d(e_j, weight, stride, padding).flatten()`` for the j-th basis image e_j
  (every entry is one weight times 1, so the oracle is exact);
- the geometry of each row (which k×k window its output pixel sees), from the output
  position the row stands for;
- ``nn.Linear`` (``F.linear``) for ``linear_as_conv``, and a conv the judge rebuilds from
  the returned layer's weight and hyper-parameters.

It also holds the requests and comparisons the public and hidden checks share.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from grader.judging.checks import expect_close, expect_equal, expect_tensor
from grader.problems.hw07_conv_vs_fc import in_worker
from grader.sandbox.student import describe_call


def fc_params(n_in: int, n_out: int, bias: bool) -> int:
    """A real ``nn.Linear``'s parameter count (meta device: shapes only)."""
    return sum(p.numel() for p in nn.Linear(n_in, n_out, bias=bias, device="meta").parameters())


@dataclass(frozen=True)
class Case:
    """One ``conv_as_matrix`` call: a random weight (from ``seed``) on a ``(c_in, h, w)`` input."""

    c_in: int
    c_out: int
    k_h: int
    k_w: int
    h: int
    w: int
    stride: int
    padding: int
    seed: int
    dtype: torch.dtype = torch.float64

    @property
    def in_shape(self) -> tuple[int, int, int]:
        return self.c_in, self.h, self.w

    @property
    def out_hw(self) -> tuple[int, int]:
        return ((self.h + 2 * self.padding - self.k_h) // self.stride + 1,
                (self.w + 2 * self.padding - self.k_w) // self.stride + 1)

    def weight(self) -> torch.Tensor:
        """Random weights with no zeros and (almost surely) all values distinct."""
        gen = torch.Generator().manual_seed(self.seed)
        return torch.randn(self.c_out, self.c_in, self.k_h, self.k_w, generator=gen, dtype=torch.float64).to(self.dtype)

    def call_args(self) -> tuple[tuple, dict]:
        return (self.weight(), self.in_shape), {"stride": self.stride, "padding": self.padding}

    def call(self) -> str:
        return describe_call("conv_as_matrix", *self.call_args())


def conv_cases(seed: int, n: int, *, square_kernel: bool = True, dtype: torch.dtype = torch.float64) -> list[Case]:
    """Random convolutions; every case has C_in ≥ 2 (so the flatten order matters)."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < n:
        k_h = rng.choice([1, 2, 3, 3, 5])
        k_w = k_h if square_kernel else rng.choice([1, 2, 3, 4])
        c_in, c_out = rng.randint(2, 3), rng.randint(1, 4)
        h, w = rng.randint(3, 9), rng.randint(3, 9)
        stride, padding = rng.randint(1, 3), rng.randint(0, 2)
        if padding >= max(k_h, k_w):  # keep every output row touching the image
            padding = 0
        if h + 2 * padding < k_h or w + 2 * padding < k_w:
            continue
        cases.append(Case(c_in, c_out, k_h, k_w, h, w, stride, padding, rng.randrange(2**31), dtype))
    return cases


@functools.cache
def oracle_matrix(case: Case) -> torch.Tensor:
    """Column j = the convolution of the j-th basis image (exact: one product per entry), float64."""
    c, h, w = case.in_shape
    basis = torch.eye(c * h * w, dtype=torch.float64).reshape(c * h * w, c, h, w)
    weight = case.weight().double()
    return F.conv2d(basis, weight, stride=case.stride, padding=case.padding).flatten(1).T.contiguous()


def row_windows(case: Case) -> Iterator[tuple[int, int, int]]:
    """For each row of M: (output channel, window top, window left)."""
    h_out, w_out = case.out_hw
    for o in range(case.c_out):
        for y in range(h_out):
            for x in range(w_out):
                yield o, y * case.stride - case.padding, x * case.stride - case.padding


@dataclass(frozen=True)
class LinearCase:
    """``linear_as_conv(nn.Linear(C·H·W, out_features, bias), (C, H, W))`` on ``n`` random inputs."""

    in_shape: tuple[int, int, int]
    out_features: int
    bias: bool
    seed: int
    n: int = 5

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """(linear weight, linear bias or None, x)."""
        c, h, w = self.in_shape
        gen = torch.Generator().manual_seed(self.seed)
        weight = torch.randn(self.out_features, c * h * w, generator=gen) / (c * h * w) ** 0.5
        bias = torch.randn(self.out_features, generator=gen) if self.bias else None
        return weight, bias, torch.randn(self.n, c, h, w, generator=gen)

    def truth(self) -> torch.Tensor:
        weight, bias, x = self.tensors()
        return F.linear(x.flatten(1), weight, bias).reshape(self.n, self.out_features, 1, 1)

    def call(self) -> str:
        c, h, w = self.in_shape
        return f"linear_as_conv(nn.Linear({c * h * w}, {self.out_features}, bias={self.bias}), {self.in_shape})"


# -- shared by the public and hidden checks ---------------------------------------------

def student_matrices(student, cases: list[Case]) -> list[torch.Tensor]:
    """The student's M for every case (one round trip), shape checked, as float64 on the CPU."""
    matrices = []
    for case, m in zip(cases, student.call_each("conv_as_matrix", [case.call_args() for case in cases])):
        expect_tensor(m, f"{case.call()} (M: [C_out·H_out·W_out, C_in·H·W])", shape=oracle_matrix(case).shape)
        matrices.append(m.detach().to("cpu", torch.float64))
    return matrices


def check_linear_as_conv(student, case: LinearCase) -> dict:
    """The student's conv for ``case`` is an ``nn.Conv2d`` whose output, and that of a conv the judge
    rebuilds from what the layer holds (so the result cannot come from a custom forward), equal
    the linear layer's. Returns the layer as plain values."""
    weight, bias, x = case.tensors()
    report = student.run(in_worker.conv_from_linear, weight, bias, case.in_shape, x, seed=case.seed,
                         describe=case.call())
    expect_equal(report["kind"], "nn.Conv2d", case.call())
    truth = case.truth()
    expect_close(report["output"], truth, f"{case.call()}: conv(x) vs linear(x.flatten(1)).reshape(N, out, 1, 1)",
                 atol=1e-5, rtol=1e-4)
    cfg = report["config"]
    expect_equal(cfg["padding_mode"], "zeros", f"{case.call()}.padding_mode")
    w_conv = expect_tensor(report["weight"], f"{case.call()}.weight", floating=True)
    expect_equal(w_conv.dim(), 4, f"{case.call()}.weight.dim()")
    b_conv = None if report["bias"] is None else report["bias"].to(torch.float32)
    rebuilt = F.conv2d(x, w_conv.to(torch.float32), b_conv, stride=cfg["stride"], padding=cfg["padding"],
                       dilation=cfg["dilation"], groups=cfg["groups"])
    expect_close(rebuilt, truth, f"{case.call()}: F.conv2d(x, conv.weight, conv.bias, ...) "
                 "(rebuilt from the layer's parameters)", atol=1e-5, rtol=1e-4)
    return report
