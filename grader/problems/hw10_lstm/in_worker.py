"""hw10_lstm, worker side: build the student's LSTMCell / LSTM, load the judge's weights,
run it, and backpropagate a fixed projection of its outputs.

Only plain values go back (tensors, dicts, strings); the judge compares them with its
oracles (``oracles.py``). The policy (the manifest) refuses torch's own LSTMs while
this runs, so nothing here guards anything. ``run_jobs`` serves one check's cases in
one round trip; a failure is labelled with the case that raised it.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def structure(value: Any) -> str:
    """What a forward returned, in words, e.g. ``tuple(Tensor, Tensor, Tensor)``."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(structure(v) for v in value[:4]) + (", …" if len(value) > 4 else "")
        return f"{type(value).__name__}({inner})"
    return type(value).__name__


def _pair(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and len(value) == 2


def _load(owner: nn.Module, weights: dict, like: torch.Tensor) -> dict:
    """Move the student's cell to ``like``'s dtype and device and copy ``weights`` in when every
    one exists with its shape. The judge reads what was found and decides."""
    owner.to(device=like.device, dtype=like.dtype)
    found = {n: getattr(owner, n, None) for n in weights}
    shapes = {n: tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__ for n, t in found.items()}
    loaded = all(shapes[n] == tuple(w.shape) for n, w in weights.items())
    if loaded:
        with torch.no_grad():
            for n, w in weights.items():
                found[n].copy_(w)
    return {"shapes": shapes, "parameters": sorted(n for n, _ in owner.named_parameters()), "loaded": loaded}


def _leaves(x: torch.Tensor, state, grads: bool) -> tuple[dict, tuple | None]:
    """Fresh copies of the inputs (the caller's stay untouched), as autograd leaves if ``grads``."""
    leaves = {"x": x.clone().requires_grad_(grads)}
    if state is not None:
        leaves["h0"], leaves["c0"] = (s.clone().requires_grad_(grads) for s in state)
        state = (leaves["h0"], leaves["c0"])
    return leaves, state


def _backward(out: dict, outputs: tuple, proj: tuple, leaves: dict) -> None:
    """d(Σ output·proj)/d(leaf) for every leaf; None where no gradient arrives."""
    if not all(isinstance(t, torch.Tensor) and t.shape == p.shape for t, p in zip(outputs, proj)):
        return  # the judge reports the shapes
    loss = sum((t * p).sum() for t, p in zip(outputs, proj))
    if not (isinstance(loss, torch.Tensor) and loss.requires_grad):
        out["grads"] = "detached"
        return
    for leaf in leaves.values():
        leaf.grad = None
    loss.backward()
    out["grads"] = {k: v.grad for k, v in leaves.items()}


def run_cell(module, weights: dict, x, state=None, proj=None) -> dict:
    """``module.LSTMCell`` with ``weights``: one step, and its gradients when ``proj`` is given."""
    bias = {} if "bias_ih" in weights else {"bias": False}
    cell = module.LSTMCell(x.shape[-1], weights["weight_hh"].shape[1], **bias)
    out = _load(cell, weights, x)
    if not out["loaded"]:
        return out
    leaves, state = _leaves(x, state, proj is not None)
    result = cell(leaves["x"]) if state is None else cell(leaves["x"], state)
    if not _pair(result):
        out["returned"] = structure(result)
        return out
    out["outputs"] = {"h_t": result[0], "c_t": result[1]}
    if proj is not None:
        leaves.update((n, getattr(cell, n)) for n in weights)
        _backward(out, result, proj, leaves)
    return out


def run_gates(module, weights: dict, x, state=None) -> dict:
    """``module.gate_values(cell, x, state)`` for a student's cell holding ``weights``."""
    cell = module.LSTMCell(x.shape[-1], weights["weight_hh"].shape[1])
    out = _load(cell, weights, x)
    if out["loaded"]:
        with torch.no_grad():
            values = module.gate_values(cell, x) if state is None else module.gate_values(cell, x, state)
        out["outputs"] = dict(values) if isinstance(values, dict) else structure(values)
    return out


def run_lstm(module, weights: dict, x, state=None, proj=None, batch_first: bool | None = None,
             calls: int = 1) -> dict:
    """``module.LSTM`` with ``weights`` in its ``.cell``: ``calls`` forwards on the same inputs,
    the gradients of the last one when ``proj`` is given, and the inputs as they are afterwards."""
    lstm = module.LSTM(x.shape[-1], weights["weight_hh"].shape[1],
                       **({} if batch_first is None else {"batch_first": batch_first}))
    cell = getattr(lstm, "cell", None)
    if not isinstance(cell, nn.Module):
        return {"no_cell": structure(cell)}
    lstm.to(device=x.device, dtype=x.dtype)
    out = _load(cell, weights, x)
    if not out["loaded"]:
        return out
    leaves, state = _leaves(x, state, proj is not None)
    runs = []
    for _ in range(calls):
        result = lstm(leaves["x"]) if state is None else lstm(leaves["x"], state)
        if not (_pair(result) and _pair(result[1])):
            out["returned"] = structure(result)
            return out
        runs.append({"output": result[0], "h_n": result[1][0], "c_n": result[1][1]})
    out["outputs"] = runs[-1]
    if calls > 1:
        out["first"] = runs[0]
    out["inputs_after"] = {k: v.detach() for k, v in leaves.items()}
    if proj is not None:
        leaves.update((n, getattr(cell, n)) for n in weights)
        _backward(out, tuple(runs[-1].values()), proj, leaves)
    return out


_KINDS = {"cell": run_cell, "gates": run_gates, "lstm": run_lstm}


def run_jobs(module, jobs: list) -> list:
    """``[(kind, kwargs), ...]`` in one round trip; a failure carries the index of its job."""
    results = []
    for index, (kind, kwargs) in enumerate(jobs):
        try:
            results.append(_KINDS[kind](module, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - re-raised, labelled with the job
            exc.__grader_call_index__ = index
            raise
    return results
