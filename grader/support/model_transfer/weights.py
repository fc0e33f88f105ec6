"""Model transfer, both sides: the oracle's weights, generated from its seeds the same way in
the judge (into torchvision's model) and in the worker (into the student's tensors, found
by ``matching``) (used by hw08_alexnet_vgg and hw09_resnet)."""

from __future__ import annotations

import math

import torch
from torch import nn

from grader.support.model_transfer.shared import OracleSpec, Seeds, TransferError
from grader.support.model_transfer.tracing import Trace, layer_name, storage_of, tensor_names

TILE = 1_000_003  # a prime: big tensors repeat a random vector of this length (cheap to make)


def _bounds(kind: str, role: str, shape: tuple[int, ...]) -> tuple[float, float]:
    if kind in ("conv", "linear"):
        if role == "weight":
            bound = math.sqrt(6.0 / max(math.prod(shape[1:]) if len(shape) > 1 else 1, 1))
        else:
            bound = 0.1
        return -bound, bound
    return {"weight": (0.5, 1.5), "bias": (-0.3, 0.3), "running_mean": (-0.3, 0.3),
            "running_var": (0.5, 1.5)}[role]


def fill_generated_(target: torch.Tensor, seeds: Seeds, index: int, kind: str, role: str) -> None:
    """Write the oracle's value of one tensor into ``target``: seeded uniform noise, the same
    in the judge and in the worker, drawn in float32 on the CPU. Tensors over one tile
    repeat a random vector of prime length ``TILE`` (each row of a big linear layer is then
    another window of it): one pass over memory instead of a random draw per element."""
    gen = torch.Generator().manual_seed(seeds.weight(index, role))
    low, high = _bounds(kind, role, tuple(target.shape))
    n = target.numel()
    direct = target.device.type == "cpu" and target.dtype == torch.float32 and target.is_contiguous()
    with torch.no_grad():
        if n <= TILE:
            if direct:  # the same numbers as below, without a temporary
                target.uniform_(low, high, generator=gen)
            else:
                target.copy_(torch.empty(tuple(target.shape)).uniform_(low, high, generator=gen))
            return
        base = torch.empty(TILE).uniform_(low, high, generator=gen).to(device=target.device, dtype=target.dtype)
        flat = target.view(-1) if target.is_contiguous() else torch.empty(n, dtype=target.dtype, device=target.device)
        k = n // TILE
        flat[: k * TILE].view(k, TILE).copy_(base.expand(k, TILE))
        flat[k * TILE:].copy_(base[: n - k * TILE])
        if not target.is_contiguous():
            target.copy_(flat.view(target.shape))


def _fill(target: torch.Tensor, spec: OracleSpec, index: int, kind: str, role: str) -> None:
    value = spec.values.get(index, {}).get(role)
    if value is None:
        fill_generated_(target, spec.seeds, index, kind, role)
    else:
        with torch.no_grad():
            target.copy_(value.to(device=target.device, dtype=target.dtype))


def load_oracle_weights(trace: Trace, spec: OracleSpec) -> None:
    """Judge side: give the oracle its values (its layers are the spec's, in order)."""
    for o, layer in zip(spec.layers, trace.layers):
        for role in o.roles:
            _fill(layer.tensors[role], spec, o.index, o.kind, role)


def load_weights(trace: Trace, spec: OracleSpec, mapping: dict[int, int], model: nn.Module) -> None:
    """Worker side: copy the oracle's values into the student's tensors (found by ``mapping``)."""
    owned = {storage_of(t) for t in list(model.parameters()) + list(model.buffers())}
    names = tensor_names(model)
    for o in spec.layers:
        s = trace.layers[mapping[o.index]]
        for role, shape in o.roles.items():
            target = s.tensors.get(role)
            if storage_of(target) is None or storage_of(target) not in owned:
                name = layer_name(s, names)
                raise TransferError(f"层 {name} 的 {role} 不是模型的参数或缓冲区 (在 forward 中计算?), 无法载入权重",
                                    f"the {role} of your layer {name} is not a parameter or buffer of the model "
                                    f"(computed in forward?); the weights cannot be loaded")
            if tuple(target.shape) != tuple(shape):
                name = layer_name(s, names)
                raise TransferError(f"层 {name} 的 {role} 形状为 {tuple(target.shape)}, 应为 {tuple(shape)}",
                                    f"the {role} of your layer {name} has shape {tuple(target.shape)}, "
                                    f"expected {tuple(shape)}")
            _fill(target, spec, o.index, o.kind, role)
        for role, target in s.tensors.items():
            if role not in o.roles and isinstance(target, torch.Tensor) and storage_of(target) in owned:
                with torch.no_grad():  # an extra bias: zero, so outputs can still agree
                    target.zero_()
