"""hw07, instructor-only checks: rectangular kernels, float32, a bias-free linear layer."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grader.judging.checks import expect, expect_close
from grader.problems.hw07_conv_vs_fc.test_hw07_conv_vs_fc import (
    check_linear_as_conv, conv_cases, conv_from_linear, describe, student_matrix,
)

pytestmark = [pytest.mark.problem("hw07_conv_vs_fc"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_conv_as_matrix_rectangular_float32(student):
    """conv_as_matrix with rectangular kernels, non-square inputs and float32 weights equals the oracle matrix"""
    for case in conv_cases(77, 6, square_kernel=False):
        got, truth = student_matrix(student, case, dtype=torch.float32)
        expect_close(got, truth, f"conv_as_matrix({describe(case)}, float32): M", atol=1e-6, rtol=1e-6)


@pytest.mark.points(1)
def test_linear_as_conv_whole_input_kernel(student):
    """linear_as_conv: a bias-free layer, a non-square input; the kernel covers the whole input and the output is [N, out, 1, 1]"""
    check_linear_as_conv(student, (4, 3, 6), 7, False, seed=79)
    gen = torch.Generator().manual_seed(80)
    weight = torch.randn(3, 2 * 7 * 2, generator=gen)
    bias = torch.randn(3, generator=gen)
    x = torch.randn(2, 2, 7, 2, generator=gen)
    report = student.run(conv_from_linear, weight, bias, (2, 7, 2), x, seed=80)
    expect(report.get("is_conv2d") is True, "linear_as_conv 应返回 nn.Conv2d", "linear_as_conv must return an nn.Conv2d")
    shape = tuple(report["weight"].shape)
    expect(shape == (3, 2, 7, 2),
           f"卷积核应覆盖整个输入: 权重形状应为 (out, C, H, W) = (3, 2, 7, 2), 你的是 {shape}",
           f"the kernel must cover the whole input: weight shape (out, C, H, W) = (3, 2, 7, 2), got {shape}")
    truth = F.linear(x.flatten(1), weight, bias).reshape(2, 3, 1, 1)
    expect_close(report["output"], truth, "linear_as_conv(nn.Linear(28, 3), (2, 7, 2)): conv(x)", atol=1e-5, rtol=1e-4)
