"""hw09_resnet (第九题), judge side: the BasicBlock comparison that the public checks (identity
and a projection) and the hidden ones (each trigger of the projection alone) both run."""

from __future__ import annotations

import torch

from grader.judging.checks import expect_equal
from grader.problems.hw09_resnet.oracles import block_build, block_input, block_oracle, torchvision_count
from grader.support.model_transfer import judge


def expect_block_like_torchvision(student, counts: dict, c_in: int, c_out: int, stride: int,
                                  device: torch.device) -> None:
    """``BasicBlock(c_in, c_out, stride)`` has torchvision's parameters (so its shortcut) and,
    with torchvision's weights, torchvision's output."""
    build = block_build(c_in, c_out, stride)
    kind = "恒等映射 / identity" if (stride == 1 and c_in == c_out) else "1×1 卷积 + BN 投影 / 1×1 conv + BN projection"
    expect_equal(judge.params_of(counts, build), torchvision_count(build), f"{build.label} 的参数量 / parameters of "
                 f"{build.label}", f"shortcut: {kind}")
    spec, answers = block_oracle(c_in, c_out, stride, device)
    result = judge.probe_student(student, build, spec, device, [block_input(c_in)])
    judge.expect_output(result, answers, 0, block_input(c_in), build.label)
