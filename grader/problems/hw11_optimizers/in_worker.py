"""hw11, worker side: run an optimiser on a problem the judge defines; return its trajectory.

``follow`` is the one recipe both sides use: the worker runs it with the submission's
``SGD`` / ``Adam`` (``trajectories``), the judge with ``torch.optim``'s (``oracles``).
A problem is plain data (``oracles.Problem.spec()``)::

    {"optimizer": "SGD" | "Adam", "dtype": "float32" | "float64",
     "init": [tensor, ...], "scale": [tensor, ...], "centre": [tensor, ...],
     "groups": None | [{"params": [index, ...], <hyper-parameter>: value, ...}, ...],
     "kwargs": {<hyper-parameter>: value, ...}, "steps": int, "closure": bool,
     "idle": [[step, ...], ...],        # per parameter: the steps at which it has no gradient
     "restart_at": None | int}          # rebuild the optimiser from its state_dict after that step

The loss is ½·Σ_i Σ scale_i·(p_i − centre_i)² over the parameters that get a gradient.
"""

from __future__ import annotations

import types
from typing import Any

import torch
import torch._dynamo  # noqa: F401 - Optimizer.add_param_group imports it on first use: load it in the zygote


def _build(optimizer_class, params: list[torch.Tensor], spec: dict):
    groups = spec["groups"]
    if groups is None:
        return optimizer_class(params, **spec["kwargs"])
    return optimizer_class([{**{k: v for k, v in g.items() if k != "params"},
                             "params": [params[i] for i in g["params"]]} for g in groups], **spec["kwargs"])


def follow(optimizer_class, spec: dict, device: str = "cpu") -> dict:
    """Run ``optimizer_class`` on the problem ``spec`` for ``spec["steps"]`` steps.

    Returns ``{"trajectory": [steps, n] tensor}`` (every parameter after each step,
    flattened and concatenated) and ``"returned"``: what ``step(closure)`` returned at
    each step (closure problems only)."""
    dtype = getattr(torch, spec["dtype"])
    params = [torch.nn.Parameter(t.to(device, dtype)) for t in spec["init"]]
    scale = [t.to(device, dtype) for t in spec["scale"]]
    centre = [t.to(device, dtype) for t in spec["centre"]]
    optimizer = _build(optimizer_class, params, spec)
    rows, returned = [], []
    for step in range(spec["steps"]):
        active = [i for i, idle in enumerate(spec["idle"]) if step not in idle]

        def closure() -> torch.Tensor:
            for p in params:
                p.grad = None
            loss = sum(0.5 * (scale[i] * (params[i] - centre[i]) ** 2).sum() for i in active)
            loss.backward()
            return loss

        if spec["closure"]:
            value = optimizer.step(closure)
            returned.append(value.detach() if isinstance(value, torch.Tensor) else value)
        else:
            closure()
            optimizer.step()
        rows.append(torch.cat([p.detach().reshape(-1) for p in params]).cpu())
        if spec["restart_at"] == step:
            saved = optimizer.state_dict()
            optimizer = _build(optimizer_class, params, spec)
            optimizer.load_state_dict(saved)
    return {"trajectory": torch.stack(rows), "returned": returned}


def trajectories(module: types.ModuleType, specs: list[dict], device: str = "cpu") -> list[dict]:
    """``follow`` with the submission's optimisers, one result per problem."""
    return [follow(getattr(module, spec["optimizer"]), spec, device) for spec in specs]


def construct(module: types.ModuleType, name: str, kwargs: dict[str, Any]) -> None:
    """Build ``module.name([a parameter], **kwargs)`` (for the ValueError checks)."""
    getattr(module, name)([torch.nn.Parameter(torch.zeros(2))], **kwargs)
