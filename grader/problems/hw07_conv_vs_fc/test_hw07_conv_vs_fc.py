"""hw07_conv_vs_fc 第七题: convolution vs fully connected, local connectivity and weight sharing.

Oracles (``oracles.py``, computed in the judge): ``nn.Linear``'s parameter count; the exact
matrix of a convolution, column by column (``F.conv2d`` on each basis image) and
``F.conv2d`` on random inputs; the window each row of M stands for; ``nn.Linear`` itself
for ``linear_as_conv``, and a conv the judge rebuilds from the returned layer's weight and
hyper-parameters. The manifest forbids convolution operators inside ``conv_as_matrix``.
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F

from grader.judging.checks import expect, expect_close, expect_equal, fail
from grader.problems.hw07_conv_vs_fc import oracles
from grader.problems.hw07_conv_vs_fc.oracles import Case, LinearCase, oracle_matrix
from grader.sandbox.student import describe_call

pytestmark = pytest.mark.problem("hw07_conv_vs_fc")

CASES = oracles.conv_cases(7, 10) + [
    # the notes' picture: one 3×3 kernel on one small image; and a strided, padded layer
    Case(c_in=1, c_out=1, k_h=3, k_w=3, h=5, w=5, stride=1, padding=0, seed=1),
    Case(c_in=3, c_out=2, k_h=3, k_w=3, h=8, w=8, stride=2, padding=1, seed=2),
]


# ---------------------------------------------------------------------------------------
# fc_params

@pytest.mark.points(1)
def test_fc_params(student):
    """fc_params equals a real nn.Linear's parameter count"""
    rng = random.Random(71)
    cases = [(784, 10, True), (3 * 32 * 32, 512, False), (1, 1, True)]
    cases += [(rng.randint(1, 3000), rng.randint(1, 3000), rng.random() < 0.5) for _ in range(8)]
    calls = [((n_in, n_out), {"bias": bias}) for n_in, n_out, bias in cases] + [((100, 7), {})]
    truths = [oracles.fc_params(*case) for case in cases] + [oracles.fc_params(100, 7, True)]
    for call, got, truth in zip(calls, student.call_each("fc_params", calls), truths):
        expect_equal(got, truth, describe_call("fc_params", *call),
                     "nn.Linear 的实际参数量 / a real nn.Linear's count")


# ---------------------------------------------------------------------------------------
# conv_as_matrix

@pytest.mark.points(3)
def test_conv_as_matrix_reproduces_conv2d(student):
    """conv_as_matrix: M @ x.flatten() equals F.conv2d on random shapes, strides and paddings"""
    for case, got in zip(CASES, oracles.student_matrices(student, CASES)):
        gen = torch.Generator().manual_seed(case.seed + 1)
        x = torch.randn(4, *case.in_shape, generator=gen, dtype=torch.float64)
        conv = F.conv2d(x, case.weight(), stride=case.stride, padding=case.padding).flatten(1)
        # float64 weights; tolerances allow an M built in float32 (the contract fixes no dtype)
        expect_close(x.flatten(1) @ got.T, conv, f"{case.call()}: M @ x.flatten() vs F.conv2d(x).flatten()",
                     atol=1e-5, rtol=1e-5)
        expect_close(got, oracle_matrix(case), f"{case.call()}: M", atol=1e-6, rtol=1e-6)


def window_mask(case: Case) -> torch.Tensor:
    """[rows, columns]: True where column (c, y, x) lies in the k×k window of the row's output pixel."""
    c, h, w = case.in_shape
    windows = torch.tensor(list(oracles.row_windows(case))).reshape(-1, 3)
    tops, lefts = windows[:, 1:2], windows[:, 2:3]
    ys, xs = (torch.arange(c * h * w) % (h * w)).div(w, rounding_mode="floor"), torch.arange(c * h * w) % w
    return (ys >= tops) & (ys < tops + case.k_h) & (xs >= lefts) & (xs < lefts + case.k_w)


@pytest.mark.points(1)
def test_local_connectivity(student):
    """each row of M (one output pixel) is non-zero only inside its own k×k window of the [C_in, H, W] input: at most k·k·C_in entries"""
    for case, got in zip(CASES, oracles.student_matrices(student, CASES)):
        c, h, w = case.in_shape
        limit = case.k_h * case.k_w * c
        nonzero = got != 0
        outside = nonzero & ~window_mask(case)
        bad_rows = torch.nonzero((nonzero.sum(1) > limit) | outside.any(1)).flatten()
        if not bad_rows.numel():
            continue
        r = int(bad_rows[0])
        o, top, left = list(oracles.row_windows(case))[r]
        where = f"{case.call()}, row {r} (output channel {o}, window at ({top}, {left}))"
        count = int(nonzero[r].sum())
        expect(count <= limit,
               f"{where}: 一行最多 k·k·C_in = {limit} 个非零元素 (局部连接), 你的有 {count} 个",
               f"{where}: a row has at most k·k·C_in = {limit} non-zeros (local connectivity); yours has {count}")
        bad = int(torch.nonzero(outside[r]).flatten()[0])
        fail(f"{where}: 非零元素应只在该输出像素的 {case.k_h}×{case.k_w} 窗口内 (按 [C, H, W] 展平), "
             f"但列 {bad} = (c={bad // (h * w)}, y={bad % (h * w) // w}, x={bad % w}) 在窗口外",
             f"{where}: non-zeros must lie inside this output pixel's {case.k_h}×{case.k_w} window "
             f"(columns in [C, H, W] order), but column {bad} = (c={bad // (h * w)}, y={bad % (h * w) // w}, "
             f"x={bad % w}) is outside it")


def full_window_rows(case: Case) -> tuple[list[int], list[int]]:
    """(rows, their output channels) whose window lies wholly inside the image (no padding)."""
    rows, channels = [], []
    for r, (o, top, left) in enumerate(oracles.row_windows(case)):
        if top >= 0 and left >= 0 and top + case.k_h <= case.h and left + case.k_w <= case.w:
            rows.append(r)
            channels.append(o)
    return rows, channels


@pytest.mark.points(1)
def test_weight_sharing(student):
    """only the kernel's values occur in M, and every full-window row of an output channel holds exactly that channel's k·k·C_in weights"""
    for case, got in zip(CASES, oracles.student_matrices(student, CASES)):
        weight = case.weight()
        values = torch.unique(weight.flatten())
        nz = got[got != 0]
        if nz.numel():
            idx = torch.searchsorted(values, nz).clamp(max=values.numel() - 1)
            lower = (idx - 1).clamp(min=0)
            dist = torch.minimum((values[idx] - nz).abs(), (values[lower] - nz).abs())
            bad = dist > 1e-6 * (1 + nz.abs())  # float32 rounding allowed
            if bool(bad.any()):
                fail(f"{case.call()}: M 中只应出现卷积核的值 (权值共享), 但有 {int(bad.sum())} 个元素不是, "
                     f"例如 {float(nz[bad][0]):.6g}",
                     f"{case.call()}: only the kernel's values may occur in M (weight sharing), but {int(bad.sum())} "
                     f"entries are not among them, e.g. {float(nz[bad][0]):.6g}")
        rows, channels = full_window_rows(case)
        assert rows or case.padding > 0 or case.stride > case.h, "grader: no full-window row"
        if not rows:
            continue
        kernel = weight.flatten(1).sort(dim=1).values[channels]  # each row's own channel, sorted
        sub = got[rows]
        counts = (sub != 0).sum(1)
        same = counts == kernel.shape[1]
        if bool(same.all()):
            held = sub[sub != 0].reshape(len(rows), -1).sort(dim=1).values
            same = torch.isclose(held, kernel, rtol=1e-6, atol=1e-6).all(1)
        if not bool(same.all()):
            i = int(torch.nonzero(~same).flatten()[0])
            r, o, n = rows[i], channels[i], kernel.shape[1]
            fail(f"{case.call()}: 第 {r} 行 (输出通道 {o}, 窗口完全在图内) 应恰好包含该通道卷积核的 "
                 f"{n} 个权值 (同一组权值在每一行重复使用)",
                 f"{case.call()}: row {r} (output channel {o}, window fully inside the image) must hold exactly "
                 f"that channel's {n} kernel weights (the same values reused in every row)",
                 f"row has {int(counts[i])} non-zeros")


# ---------------------------------------------------------------------------------------
# linear_as_conv

@pytest.mark.points(2)
def test_linear_as_conv(student):
    """linear_as_conv returns an nn.Conv2d equal to the linear layer on [N, C, H, W] input"""
    for case in (LinearCase((3, 4, 4), 6, True, seed=73), LinearCase((2, 5, 3), 4, True, seed=74),
                 LinearCase((16, 1, 1), 5, True, seed=75)):
        oracles.check_linear_as_conv(student, case)
