"""Model transfer, both sides: the measurements taken on a model once it has the oracle's
weights (eval outputs, dropout, gradients), the same on torchvision's model and on the
student's, and the statistics the judge reads off them (used by hw08_alexnet_vgg and
hw09_resnet)."""

from __future__ import annotations

from typing import Callable, NamedTuple

import torch
from torch import nn

from grader.support.model_transfer.shared import (
    INPUT, DropoutSample, GradSample, OracleSpec, Seeds, TransferError, make_input)
from grader.support.model_transfer.tracing import Trace, trace_model


def eval_input(shape, i: int, seeds: Seeds, device) -> torch.Tensor:
    return make_input(shape, seeds.eval_input(i), device)


def run_eval(model: nn.Module, shapes: list, seeds: Seeds, device, *, capture: int | None = None,
             on_error: Callable[[int, BaseException], None] | None = None) -> tuple[list, Trace | None]:
    """Eval-mode outputs on the seeded inputs of ``shapes``. The pass on input ``capture`` is
    traced with the linear layers' inputs kept (what ``dropout_samples`` compares with).
    With ``on_error`` (worker side) a failing input is reported there and its output is
    None, so one size that fails does not hide the others."""
    model.eval()
    outs: list = []
    captured = None
    for i, shape in enumerate(shapes):
        x = eval_input(shape, i, seeds, device)
        try:
            with torch.no_grad():
                if i == capture:
                    captured = trace_model(model, x, capture=True)
                    outs.append(captured.output)
                else:
                    outs.append(model(x))
        except BaseException as exc:  # noqa: BLE001 - the student's error, reported by the judge
            if on_error is None:
                raise
            on_error(i, exc)
            outs.append(None)
    return outs, captured


def dropout_samples(model: nn.Module, spec: OracleSpec, mapping: dict[int, int], eval_trace: Trace,
                    x: torch.Tensor) -> list[DropoutSample]:
    """For each linear layer of the oracle: its input in a train-mode pass on ``x``, and the
    input it would get without dropout: the eval-mode input (``eval_trace``, on the same
    ``x``) for a layer fed by something else, ReLU of the previous linear layer's train-mode
    output for one fed by a linear layer (the ReLU between them is all that separates them
    once dropout is taken out)."""
    was_training = model.training
    try:
        torch.manual_seed(spec.seeds.dropout_masks)
        model.train()
        train_trace = trace_model(model, x, capture=True)
    finally:
        model.train(was_training)
    if [t.kind for t in train_trace.layers] != [t.kind for t in eval_trace.layers]:
        raise TransferError("训练模式与 eval 模式下执行的层不同", "train mode runs other layers than eval mode")
    kinds = {o.index: o.kind for o in spec.layers}
    samples = []
    for o in spec.layers:
        if o.kind != "linear":
            continue
        s = mapping[o.index]
        got = train_trace.layers[s].captured_in
        linear_sources = [p for p in o.sources if p != INPUT and kinds[p] == "linear"]
        if len(o.sources) == 1 and linear_sources:
            ref = torch.relu(train_trace.layers[mapping[linear_sources[0]]].captured_out)
        else:
            ref = eval_trace.layers[s].captured_in
        if got is None or ref is None or got.shape != ref.shape:
            raise TransferError("训练模式下全连接层的输入形状不对", "the input of a linear layer has another shape in train mode")
        samples.append(DropoutSample(o.name, got.detach().cpu(), ref.detach().cpu()))
    return samples


class DropoutStat(NamedTuple):
    """Dropout with p zeroes a fraction p of a layer's inputs and scales the rest by 1/(1−p);
    no dropout gives 0 and 1. ``scale_spread``: how far the kept ratios stray from one scale."""
    layer: str
    n: int
    zero_fraction: float
    scale: float
    scale_spread: float


def dropout_stat(sample: DropoutSample) -> DropoutStat:
    """What ``sample`` shows (judge side); a sample whose tensors do not fit shows nothing
    (``n`` = 0, NaNs)."""
    got, ref = sample.got, sample.ref
    if not (isinstance(got, torch.Tensor) and isinstance(ref, torch.Tensor)) or got.shape != ref.shape:
        return DropoutStat(sample.layer, 0, float("nan"), float("nan"), float("nan"))
    got, ref = got.double().flatten(), ref.double().flatten()
    keep = ref.abs() > 1e-4
    ratio = got[keep] / ref[keep]
    zero = ratio.abs() < 1e-6
    kept = ratio[~zero]
    if not kept.numel():
        return DropoutStat(sample.layer, int(keep.sum()), float(zero.double().mean()) if keep.any() else 0.0, 0.0, 0.0)
    median = kept.median()
    return DropoutStat(sample.layer, int(keep.sum()), float(zero.double().mean()), float(median),
                       float((kept - median).abs().max() / median.abs()))


def grad_probe(model: nn.Module, shape, seeds: Seeds, device) -> GradSample:
    """Train-mode ``y = model(x)`` and ∂(y·g)/∂x for a seeded upstream gradient g."""
    model.train()
    x = make_input(shape, seeds.grad_input, device).requires_grad_(True)
    y = model(x)
    g = make_input(tuple(y.shape), seeds.grad_upstream, device)
    (y * g).sum().backward()
    return GradSample(y.detach(), x.grad.detach() if x.grad is not None else None)
