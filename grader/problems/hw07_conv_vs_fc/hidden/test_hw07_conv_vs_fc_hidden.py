"""hw07_conv_vs_fc, instructor-only checks: rectangular kernels, float32, a bias-free linear layer."""

from __future__ import annotations

import pytest
import torch

from grader.judging.checks import expect_close, expect_shape
from grader.problems.hw07_conv_vs_fc.oracles import (LinearCase, check_linear_as_conv, conv_cases, oracle_matrix,
                                                      student_matrices)

pytestmark = [pytest.mark.problem("hw07_conv_vs_fc"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_conv_as_matrix_rectangular_float32(student):
    """conv_as_matrix with rectangular kernels, non-square inputs and float32 weights equals the oracle matrix"""
    cases = conv_cases(77, 6, square_kernel=False, dtype=torch.float32)
    for case, got in zip(cases, student_matrices(student, cases)):
        expect_close(got, oracle_matrix(case), f"{case.call()}: M", atol=1e-6, rtol=1e-6)


@pytest.mark.points(1)
def test_linear_as_conv_whole_input_kernel(student):
    """linear_as_conv: a bias-free layer, a non-square input; the kernel covers the whole input and the output is [N, out, 1, 1]"""
    check_linear_as_conv(student, LinearCase((4, 3, 6), 7, False, seed=79))
    case = LinearCase((2, 7, 2), 3, True, seed=80, n=2)
    report = check_linear_as_conv(student, case)
    expect_shape(report["weight"], (3, 2, 7, 2),
                 f"{case.call()}.weight (卷积核覆盖整个输入 / the kernel covers the whole input)")
