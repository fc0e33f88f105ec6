"""hw12, instructor only: the network computes the contract's function, layer by layer."""

from __future__ import annotations

import pytest
import torch

from grader.judging.checks import expect, expect_close, expect_keys, expect_tensor
from grader.problems.hw12_autoencoders import in_worker, oracles

pytestmark = [pytest.mark.problem("hw12_autoencoders"), pytest.mark.hidden]

IN_FEATURES, HIDDEN = 24, (16, 8, 4)


@pytest.mark.points(1)
def test_mirror_network_from_its_own_weights(student, device):
    """encode and decode equal the contract's network rebuilt from the submission's own weights (ReLU between, sigmoid last)"""
    x = torch.rand(6, IN_FEATURES, generator=torch.Generator().manual_seed(oracles.SEED + 3))
    config = {"in_features": IN_FEATURES, "hidden": list(HIDDEN), "noise_std": 0.5}
    for kind in ("AutoEncoder", "DenoisingAutoEncoder"):
        what = f"{kind}(in_features={IN_FEATURES}, hidden={HIDDEN}).eval()"
        got = expect_keys(student.run(in_worker.linear_layers, config, kind, x, str(device)),
                          ["layers", "code", "forward"], kind)
        code = expect_tensor(got["code"], f"{what}.encode(x)", shape=(6, HIDDEN[-1]), floating=True).double()
        network = oracles.rebuild(got["layers"], IN_FEATURES, HIDDEN)
        before = network.code_before_activation(x)
        expect(any(torch.allclose(code, act(before), atol=1e-5, rtol=1e-4)
                   for act in oracles.CODE_ACTIVATIONS.values()),
               f"{what}.encode(x): 与用你的权重按契约重建的编码器 (层间 ReLU) 不一致",
               f"{what}.encode(x) differs from the contract's encoder (ReLU between layers) rebuilt from your weights")
        expect_close(got["forward"], network.decode(code), f"{what}.forward(x) = decode(encode(x))",
                     atol=1e-5, rtol=1e-4, check_device=False)
