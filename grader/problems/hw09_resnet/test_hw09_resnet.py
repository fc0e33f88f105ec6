"""hw09_resnet (第九题) public checks: ResNet18/34 and the residual connection.

The submission's models get the very weights of torchvision's (``oracles.py``) through
``grader.support.model_transfer``, which matches layers by data flow and shape, never by
attribute name, registration order or call order; then their outputs and gradients
are compared with torchvision's. Every model is built once per submission in the
worker (without initialisation, counted first so that a missing model fails before
any oracle is computed); the oracles' answers are computed once per grading run.
torchvision's models are off limits to the submission (the manifest's policy), so no
check guards against them.
"""

from __future__ import annotations

import pytest

from grader.judging.checks import expect, expect_close, expect_equal
from grader.problems.hw09_resnet import oracles
from grader.problems.hw09_resnet.blocks import expect_block_like_torchvision
from grader.problems.hw09_resnet.oracles import EVALS, RESNET18, RESNET34, SMALL, ZERO_BLOCK
from grader.support.model_transfer import judge
from grader.support.model_transfer.shared import GRAD, STRUCTURE, TRANSFER, make_input

pytestmark = pytest.mark.problem("hw09_resnet")

ZERO = oracles.block_build(ZERO_BLOCK, ZERO_BLOCK, 1)
PROBED = (RESNET18, RESNET34, *(oracles.block_build(*b) for b in oracles.BLOCKS), ZERO)


@pytest.fixture(scope="module")
def counts(student) -> dict:
    """Every build the checks use, made once without initialisation: parameter counts, and a
    cheap first failure for what is not implemented. The probed ones are kept for the probes."""
    return judge.count_builds(student, [*PROBED, *oracles.OTHER_CLASSES], keep=PROBED)


@pytest.fixture(scope="module")
def r18_oracle(device):
    return oracles.resnet_oracle(RESNET18, device)


@pytest.fixture(scope="module")
def r34_oracle(device):
    return oracles.resnet_oracle(RESNET34, device)


@pytest.fixture(scope="module")
def r18(request, student, counts, device):
    judge.params_of(counts, RESNET18)  # a missing model fails here, before any oracle is computed
    return judge.probe_student(student, RESNET18, request.getfixturevalue("r18_oracle")[0], device, EVALS)


@pytest.fixture(scope="module")
def r34(request, student, counts, device):
    judge.params_of(counts, RESNET34)
    return judge.probe_student(student, RESNET34, request.getfixturevalue("r34_oracle")[0], device, EVALS)


@pytest.mark.points(1)
def test_parameter_counts(counts):
    """ResNet18 has 11,689,512 parameters and ResNet34 21,797,672; other num_classes as torchvision's"""
    for build in (RESNET18, RESNET34):
        expect_equal(oracles.torchvision_count(build), oracles.CANONICAL[build.name], "sanity")  # the notes agree
    for build in (RESNET18, RESNET34, *oracles.OTHER_CLASSES):
        expect_equal(judge.params_of(counts, build), oracles.torchvision_count(build),
                     f"{build.label} 的参数量 / parameters of {build.label}", "torchvision 的参数量 / torchvision's count")


@pytest.mark.points(2)
def test_resnet18_matches_torchvision(r18, r18_oracle):
    """resnet18 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    judge.expect_output(r18, r18_oracle[1], 0, EVALS[0], RESNET18.label)


@pytest.mark.points(1.5)
def test_resnet34_matches_torchvision(r34, r34_oracle):
    """resnet34 with torchvision's weights gives torchvision's outputs on 224×224 images"""
    judge.expect_output(r34, r34_oracle[1], 0, EVALS[0], RESNET34.label)


@pytest.mark.points(1)
def test_smaller_inputs(r18, r18_oracle, r34, r34_oracle):
    """both also work on smaller, non-square inputs (64×80) and still equal torchvision"""
    judge.expect_output(r18, r18_oracle[1], SMALL, EVALS[SMALL], RESNET18.label)
    judge.expect_output(r34, r34_oracle[1], SMALL, EVALS[SMALL], RESNET34.label)


@pytest.mark.points(1.5)
def test_basic_block_shortcut(student, counts, device):
    """BasicBlock: identity shortcut when the shape is kept, 1×1 conv (stride) + BN projection otherwise"""
    for c_in, c_out, stride in oracles.BLOCKS:
        expect_block_like_torchvision(student, counts, c_in, c_out, stride, device)


@pytest.mark.points(1.5)
def test_residual_passes_input_and_gradient(student, counts, device):
    """with the residual branch's weights at zero, y = ReLU(x) and the gradient reaches x unchanged where x > 0"""
    judge.params_of(counts, ZERO)
    shape = [2, ZERO_BLOCK, 8, 8]
    oracle = oracles.zero_branch_oracle(ZERO_BLOCK, tuple(shape), device)
    answers = oracle.probe(grad=shape, device=device).grad
    x = make_input(shape, oracle.spec.seeds.grad_input, device)
    expect(bool((answers.y == x.relu()).all()), "sanity", "sanity")  # the oracle agrees with the notes

    result = judge.probe_student(student, ZERO, oracle.spec, device, grad=shape)
    judge.require(result, STRUCTURE, TRANSFER, GRAD, label=ZERO.label)
    got = result.grad
    expect(got is not None, f"{ZERO.label}: 缺少梯度的测量", f"{ZERO.label}: the gradient was not measured")
    expect_close(got.y, answers.y, "残差分支权重为 0 时块的输出 (应为 ReLU(x)) / the block's output with the residual "
                 "branch at zero (should be ReLU(x))")
    expect(got.grad is not None, "输入没有得到梯度 / the input received no gradient", "the input received no gradient")
    expect_close(got.grad, answers.grad, "∂(y·g)/∂x (应为 x > 0 处的 g, 其余为 0 / should be g where x > 0, else 0)")


@pytest.mark.cuda
@pytest.mark.points(0.5)
def test_runs_on_cuda(r18, r34, device):
    """on CUDA: the models run on CUDA inputs, return CUDA outputs, and create no tensor on the CPU"""
    if device.type != "cuda":
        pytest.skip("--device cpu")
    judge.expect_on_device(r18, RESNET18.label, device)
    judge.expect_on_device(r34, RESNET34.label, device)
