"""hw12, instructor only: the network computes the contract's function, layer by layer."""

from __future__ import annotations

import pytest
import torch

from grader.judging.checks import expect_close, expect_keys, fail
from grader.problems.hw12_autoencoders import in_worker, oracles

pytestmark = [pytest.mark.problem("hw12_autoencoders"), pytest.mark.hidden]

IN_FEATURES, HIDDEN = 24, (16, 8, 4)


@pytest.mark.points(1)
def test_mirror_network_from_its_own_weights(student, device):
    """encode and forward equal the contract's network rebuilt from the submission's own weights (ReLU between, sigmoid last)"""
    x = torch.rand(6, IN_FEATURES, generator=torch.Generator().manual_seed(oracles.SEED + 3))
    config = {"in_features": IN_FEATURES, "hidden": list(HIDDEN), "noise_std": 0.5}
    for kind in ("AutoEncoder", "DenoisingAutoEncoder"):
        got = expect_keys(student.run(in_worker.linear_layers, config, kind, x, str(device)),
                          ["layers", "code", "forward"], kind)
        rebuilt = oracles.rebuild_forward(got["layers"], x, IN_FEATURES, HIDDEN)
        what = f"{kind}(in_features={IN_FEATURES}, hidden={HIDDEN}).eval()"
        for variant in rebuilt.values():  # with or without a ReLU on the code
            if torch.allclose(got["code"].double(), variant["code"], atol=1e-5, rtol=1e-4):
                expect_close(got["forward"], variant["forward"], f"{what}.forward(x)", atol=1e-5, rtol=1e-4,
                             check_device=False)
                break
        else:
            fail(f"{what}.encode(x): 与按契约 (层间 ReLU) 用你的权重重建的编码不一致",
                 f"{what}.encode(x) differs from the contract's encoder (ReLU between layers) rebuilt from your weights")
