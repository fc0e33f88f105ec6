"""hw07 第七题: convolution vs fully connected, local connectivity and weight sharing.

Oracles (computed here, in the judge):
- ``nn.Linear``'s parameter count;
- the exact matrix of a convolution, column by column: column j of M is
  ``F.conv2d(e_j, weight, stride, padding).flatten()`` for the j-th basis image e_j
  (every entry is one weight times 1, so the oracle is exact), and ``F.conv2d`` on
  random inputs;
- the geometry of each row (which k×k window its output pixel sees), from the
  output position the row stands for;
- ``nn.Linear`` itself for ``linear_as_conv``, and a conv the judge rebuilds from the
  returned layer's weight and hyper-parameters.
"""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.judging.checks import expect, expect_close, expect_equal, fail

pytestmark = pytest.mark.problem("hw07_conv_vs_fc")


# ---------------------------------------------------------------------------------------
# fc_params

@pytest.mark.points(1)
def test_fc_params(student):
    """fc_params equals a real nn.Linear's parameter count"""
    rng = random.Random(71)
    cases = [(784, 10, True), (3 * 32 * 32, 512, False), (1, 1, True)]
    cases += [(rng.randint(1, 3000), rng.randint(1, 3000), rng.random() < 0.5) for _ in range(8)]
    for n_in, n_out, bias in cases:
        truth = sum(p.numel() for p in nn.Linear(n_in, n_out, bias=bias, device="meta").parameters())
        expect_equal(student.call("fc_params", n_in, n_out, bias=bias), truth,
                     f"fc_params({n_in}, {n_out}, bias={bias})", "nn.Linear 的实际参数量 / a real nn.Linear's count")
    expect_equal(student.call("fc_params", 100, 7), 707, "fc_params(100, 7) (默认 bias=True / default bias=True)")


# ---------------------------------------------------------------------------------------
# conv_as_matrix

def conv_cases(seed: int, n: int, *, square_kernel: bool = True) -> list[dict]:
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
        cases.append(dict(c_in=c_in, c_out=c_out, k_h=k_h, k_w=k_w, h=h, w=w, stride=stride, padding=padding,
                          seed=rng.randrange(2**31)))
    return cases


CASES = conv_cases(7, 10) + [
    # the notes' picture: one 3×3 kernel on one small image; and a strided, padded layer
    dict(c_in=1, c_out=1, k_h=3, k_w=3, h=5, w=5, stride=1, padding=0, seed=1),
    dict(c_in=3, c_out=2, k_h=3, k_w=3, h=8, w=8, stride=2, padding=1, seed=2),
]


def case_weight(case: dict, dtype=torch.float64) -> torch.Tensor:
    """Random weights with no zeros and (almost surely) all values distinct."""
    gen = torch.Generator().manual_seed(case["seed"])
    return torch.randn(case["c_out"], case["c_in"], case["k_h"], case["k_w"], generator=gen, dtype=dtype)


def oracle_matrix(weight: torch.Tensor, in_shape, stride: int, padding: int) -> torch.Tensor:
    """Column j = the convolution of the j-th basis image (exact: one product per entry)."""
    c, h, w = in_shape
    basis = torch.eye(c * h * w, dtype=weight.dtype).reshape(c * h * w, c, h, w)
    return F.conv2d(basis, weight, stride=stride, padding=padding).flatten(1).T.contiguous()


def describe(case: dict) -> str:
    return (f"weight [{case['c_out']}, {case['c_in']}, {case['k_h']}, {case['k_w']}], "
            f"in_shape ({case['c_in']}, {case['h']}, {case['w']}), stride={case['stride']}, padding={case['padding']}")


def student_matrix(student, case: dict, dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """(student's M, oracle M) with the shape already checked."""
    weight = case_weight(case, dtype)
    in_shape = (case["c_in"], case["h"], case["w"])
    got = student.call("conv_as_matrix", weight, in_shape, stride=case["stride"], padding=case["padding"])
    truth = oracle_matrix(weight.double(), in_shape, case["stride"], case["padding"])
    where = f"conv_as_matrix({describe(case)})"
    if not isinstance(got, torch.Tensor):
        fail(f"{where} 应返回张量, 你的结果是 {type(got).__name__}", f"{where} must return a tensor, got {type(got).__name__}")
    if got.layout != torch.strided:
        got = got.to_dense()
    expect(tuple(got.shape) == tuple(truth.shape),
           f"{where}: M 的形状应为 [C_out·H_out·W_out, C_in·H·W] = {list(truth.shape)}, 你的是 {list(got.shape)}",
           f"{where}: M must have shape [C_out·H_out·W_out, C_in·H·W] = {list(truth.shape)}, got {list(got.shape)}")
    return got.detach().to("cpu", torch.float64), truth


@pytest.mark.points(3)
def test_conv_as_matrix_reproduces_conv2d(student):
    """conv_as_matrix: M @ x.flatten() equals F.conv2d on random shapes, strides and paddings"""
    for case in CASES:
        got, truth = student_matrix(student, case)
        where = f"conv_as_matrix({describe(case)})"
        gen = torch.Generator().manual_seed(case["seed"] + 1)
        x = torch.randn(4, case["c_in"], case["h"], case["w"], generator=gen, dtype=torch.float64)
        weight = case_weight(case)
        conv = F.conv2d(x, weight, stride=case["stride"], padding=case["padding"]).flatten(1)
        # float64 weights; tolerances allow an M built in float32 (the contract fixes no dtype)
        expect_close(x.flatten(1) @ got.T, conv, f"{where}: M @ x.flatten() vs F.conv2d(x).flatten()",
                     atol=1e-5, rtol=1e-5)
        expect_close(got, truth, f"{where}: M", atol=1e-6, rtol=1e-6)


def row_geometry(case: dict):
    """For each row of M: (output channel, window top, window left)."""
    h_out = (case["h"] + 2 * case["padding"] - case["k_h"]) // case["stride"] + 1
    w_out = (case["w"] + 2 * case["padding"] - case["k_w"]) // case["stride"] + 1
    for o in range(case["c_out"]):
        for y in range(h_out):
            for x in range(w_out):
                yield o, y * case["stride"] - case["padding"], x * case["stride"] - case["padding"]


@pytest.mark.points(1)
def test_local_connectivity(student):
    """each row of M (one output pixel) is non-zero only inside its own k×k window of the [C_in, H, W] input: at most k·k·C_in entries"""
    for case in CASES:
        got, _ = student_matrix(student, case)
        c, h, w = case["c_in"], case["h"], case["w"]
        limit = case["k_h"] * case["k_w"] * c
        for r, (o, top, left) in enumerate(row_geometry(case)):
            cols = torch.nonzero(got[r]).flatten()
            rest = cols % (h * w)  # the channel (cols // (h·w)) may be any
            ys, xs = rest // w, rest % w
            inside = (ys >= top) & (ys < top + case["k_h"]) & (xs >= left) & (xs < left + case["k_w"])
            where = f"conv_as_matrix({describe(case)}), row {r} (output channel {o}, window at ({top}, {left}))"
            expect(len(cols) <= limit,
                   f"{where}: 一行最多 k·k·C_in = {limit} 个非零元素 (局部连接), 你的有 {len(cols)} 个",
                   f"{where}: a row has at most k·k·C_in = {limit} non-zeros (local connectivity); yours has {len(cols)}")
            if not bool(inside.all()):
                bad = int(cols[~inside][0])
                fail(f"{where}: 非零元素应只在该输出像素的 {case['k_h']}×{case['k_w']} 窗口内 (按 [C, H, W] 展平), "
                     f"但列 {bad} = (c={bad // (h * w)}, y={bad % (h * w) // w}, x={bad % w}) 在窗口外",
                     f"{where}: non-zeros must lie inside this output pixel's {case['k_h']}×{case['k_w']} window "
                     f"(columns in [C, H, W] order), but column {bad} = (c={bad // (h * w)}, y={bad % (h * w) // w}, "
                     f"x={bad % w}) is outside it")


@pytest.mark.points(1)
def test_weight_sharing(student):
    """only the kernel's values occur in M, and every full-window row of an output channel holds exactly that channel's k·k·C_in weights"""
    for case in CASES:
        got, _ = student_matrix(student, case)
        weight = case_weight(case)
        values = torch.unique(weight.flatten())
        where = f"conv_as_matrix({describe(case)})"
        nz = got[got != 0]
        if nz.numel():
            idx = torch.searchsorted(values, nz).clamp(max=values.numel() - 1)
            lower = (idx - 1).clamp(min=0)
            dist = torch.minimum((values[idx] - nz).abs(), (values[lower] - nz).abs())
            bad = dist > 1e-6 * (1 + nz.abs())  # float32 rounding allowed
            if bool(bad.any()):
                fail(f"{where}: M 中只应出现卷积核的值 (权值共享), 但有 {int(bad.sum())} 个元素不是, 例如 {float(nz[bad][0]):.6g}",
                     f"{where}: only the kernel's values may occur in M (weight sharing), but {int(bad.sum())} entries "
                     f"are not among them, e.g. {float(nz[bad][0]):.6g}")
        checked = 0
        for r, (o, top, left) in enumerate(row_geometry(case)):
            if top < 0 or left < 0 or top + case["k_h"] > case["h"] or left + case["k_w"] > case["w"]:
                continue  # the window overlaps the padding: some weights meet zeros
            row = got[r][got[r] != 0].sort().values
            expected = weight[o].flatten().sort().values
            same = row.numel() == expected.numel() and bool(torch.allclose(row, expected, rtol=1e-6, atol=1e-6))
            expect(same, f"{where}: 第 {r} 行 (输出通道 {o}, 窗口完全在图内) 应恰好包含该通道卷积核的 "
                         f"{expected.numel()} 个权值 (同一组权值在每一行重复使用)",
                   f"{where}: row {r} (output channel {o}, window fully inside the image) must hold exactly that "
                   f"channel's {expected.numel()} kernel weights (the same values reused in every row)",
                   f"row has {row.numel()} non-zeros")
            checked += 1
        assert checked or case["padding"] > 0 or case["stride"] > case["h"], "grader: no full-window row"


# ---------------------------------------------------------------------------------------
# linear_as_conv

def conv_from_linear(module, weight, bias, in_shape, x) -> dict:
    """Worker side: an nn.Linear with the judge's weights -> the student's conv -> plain values."""
    out_features, in_features = weight.shape
    linear = nn.Linear(in_features, out_features, bias=bias is not None)
    with torch.no_grad():
        linear.weight.copy_(weight)
        if bias is not None:
            linear.bias.copy_(bias)
    conv = module.linear_as_conv(linear, in_shape)
    report = {"is_conv2d": isinstance(conv, nn.Conv2d)}
    if report["is_conv2d"]:
        report.update(
            weight=conv.weight.detach().clone(), bias=None if conv.bias is None else conv.bias.detach().clone(),
            config={k: getattr(conv, k) for k in ("stride", "padding", "dilation", "groups", "padding_mode")},
        )
        with torch.no_grad():
            report["output"] = conv(x)
    return report


def check_linear_as_conv(student, in_shape, out_features: int, bias: bool, seed: int, n: int = 5) -> None:
    c, h, w = in_shape
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(out_features, c * h * w, generator=gen) / (c * h * w) ** 0.5
    b = torch.randn(out_features, generator=gen) if bias else None
    x = torch.randn(n, c, h, w, generator=gen)
    truth = F.linear(x.flatten(1), weight, b).reshape(n, out_features, 1, 1)
    where = f"linear_as_conv(nn.Linear({c * h * w}, {out_features}, bias={bias}), in_shape={tuple(in_shape)})"
    report = student.run(conv_from_linear, weight, b, tuple(in_shape), x, seed=seed)
    expect(isinstance(report, dict) and report.get("is_conv2d") is True,
           f"{where} 应返回 nn.Conv2d", f"{where} must return an nn.Conv2d")
    expect_close(report["output"], truth, f"{where}: conv(x) vs linear(x.flatten(1)).reshape(N, out, 1, 1)",
                 atol=1e-5, rtol=1e-4)
    # Rebuild the layer here from what it holds, so the result cannot come from a custom forward.
    cfg = report["config"]
    expect(cfg.get("padding_mode") == "zeros", f"{where}: padding_mode 应为 'zeros'", f"{where}: padding_mode must be 'zeros'")
    w_conv = report["weight"]
    expect(isinstance(w_conv, torch.Tensor) and w_conv.dim() == 4, f"{where}: 卷积权重应是 4 维张量",
           f"{where}: the conv's weight must be a 4-D tensor")
    rebuilt = F.conv2d(x, w_conv.to(torch.float32), None if report["bias"] is None else report["bias"].to(torch.float32),
                       stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"], groups=cfg["groups"])
    expect_close(rebuilt, truth, f"{where}: F.conv2d(x, conv.weight, conv.bias, ...) (rebuilt from the layer's parameters)",
                 atol=1e-5, rtol=1e-4)


@pytest.mark.points(2)
def test_linear_as_conv(student):
    """linear_as_conv returns an nn.Conv2d equal to the linear layer on [N, C, H, W] input"""
    check_linear_as_conv(student, (3, 4, 4), 6, True, seed=73)
    check_linear_as_conv(student, (2, 5, 3), 4, True, seed=74)
    check_linear_as_conv(student, (16, 1, 1), 5, True, seed=75)
