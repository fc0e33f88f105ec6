"""Model transfer, worker side: build the student's models, count their parameters, and
probe them with the oracle's weights (hw08_alexnet_vgg, hw09_resnet).

Two requests: ``count_models`` (every build a problem uses, cheaply, so that what is
not implemented fails before the judge computes any oracle) and ``probe`` (one model:
structure, transfer, outputs, dropout, gradients). A build that will be probed is kept
from the first request for the second, so each model is built once. Nothing here is a
verdict: the judge reads the plain answer with ``ProbeResult.from_plain``.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import torch
from torch import nn

from grader.sandbox.worker import error_record
from grader.support.model_transfer.matching import match
from grader.support.model_transfer.measure import dropout_samples, eval_input, grad_probe, run_eval
from grader.support.model_transfer.shared import (
    DROPOUT, GRAD, STRUCTURE, TRANSFER, Attr, Build, OracleSpec, ProbeResult, SkipInit, TransferError,
    count_parameters, eval_stage, make_input, precise_float32)
from grader.support.model_transfer.tracing import Trace, describe, storage_of, trace_model
from grader.support.model_transfer.weights import load_weights

# Builds made by ``count_models(keep=…)`` for a later ``probe`` of this worker, by label.
_KEPT: dict[str, nn.Module] = {}


def build(module, spec: Build, *, meta: bool = False) -> nn.Module:
    """``module.<name>(*args, **kwargs)``, without initialising parameters; on the ``meta``
    device (nothing allocated) when asked."""
    def resolve(v: Any) -> Any:
        return getattr(module, v.name) if isinstance(v, Attr) else v

    factory = getattr(module, spec.name)
    args = [resolve(a) for a in spec.args]
    kwargs = {k: resolve(v) for k, v in spec.kwargs.items()}
    with SkipInit(), (torch.device("meta") if meta else contextlib.nullcontext()):
        model = factory(*args, **kwargs)
    if not isinstance(model, nn.Module):
        raise TypeError(f"{spec.label} returned {type(model).__name__}, not an nn.Module")
    return model


def _submission_dir(module) -> str:
    return os.path.dirname(os.path.abspath(module.__file__)) + os.sep


def _counted(module, spec: Build, keep: bool) -> int:
    if keep:
        model = _KEPT[spec.label] = build(module, spec)
        return count_parameters(model)
    try:  # a count needs no memory: build on the meta device …
        return count_parameters(build(module, spec, meta=True))
    except Exception:  # noqa: BLE001 - … unless the constructor computes with values (then for real)
        return count_parameters(build(module, spec))


def count_models(module, builds: list[dict], keep: list[str] = ()) -> list[dict]:
    """Parameter counts of several builds (nothing initialised, nothing run): ``{"params": n}``
    or ``{"error": record}`` per build, so one broken model does not hide the others. The
    builds whose labels are in ``keep`` are built for real and kept for ``probe``."""
    _KEPT.clear()
    counts = []
    for plain in builds:
        spec = Build.from_plain(plain)
        try:
            counts.append({"params": _counted(module, spec, spec.label in keep)})
        except BaseException as exc:  # noqa: BLE001 - the student's error, reported by the judge
            counts.append({"error": error_record(exc, _submission_dir(module))})
    return counts


def probe(module, build_plain: dict, *, oracle: dict, device: str = "cpu", evals: list = (),
          dropout_on: int | None = None, grad: list | None = None) -> dict:
    """Build the student's model (or take the kept one), load the oracle's weights and measure:
    eval outputs on ``evals``, dropout on eval input ``dropout_on``, the gradient for a
    ``grad``-shaped input. A failed stage is recorded in ``errors`` and the later ones are
    skipped; ``params`` is always there."""
    spec, wanted = OracleSpec.from_plain(oracle), Build.from_plain(build_plain)
    model = _KEPT.pop(wanted.label, None)
    if model is None:
        model = build(module, wanted)
    subdir = _submission_dir(module)
    result = ProbeResult(params=count_parameters(model))
    trace, stage = Trace(), STRUCTURE
    try:
        with precise_float32():
            model.to(device)
            model.eval()
            x = make_input(spec.probe_shape, spec.seeds.structure_input, device)
            trace_model(model, x, watch_cpu=torch.device(device).type == "cuda", submission_dir=subdir,
                        trace=trace, shapes_only=True)
            student = describe(trace, model)
            result.events = student.events
            stage = TRANSFER
            mapping = match(spec, student, {t.index: storage_of(t.tensors.get("weight")) for t in trace.layers})
            load_weights(trace, spec, mapping, model)
            stage = eval_stage(0)

            def failed(i: int, exc: BaseException) -> None:
                result.errors[eval_stage(i)] = error_record(exc, subdir)

            result.outputs, captured = run_eval(model, list(evals), spec.seeds, device, capture=dropout_on,
                                                on_error=failed)
            if captured is not None:
                stage = DROPOUT
                if [t.kind for t in captured.layers] != [t.kind for t in trace.layers]:
                    raise TransferError("forward 在不同输入上执行了不同的层", "forward runs other layers on another input")
                x = eval_input(evals[dropout_on], dropout_on, spec.seeds, device)
                result.dropout = dropout_samples(model, spec, mapping, captured, x)
                del captured
            if grad:
                stage = GRAD
                result.grad = grad_probe(model, grad, spec.seeds, device)
    except TransferError as exc:
        note_zh, note_en = _foreign_note(trace)
        result.errors[stage] = {"transfer": [exc.zh + note_zh, exc.en + note_en]}
    except BaseException as exc:  # noqa: BLE001 - the student's error, reported by the judge
        result.errors[stage] = error_record(exc, subdir)
    result.cpu_made = list(trace.cpu_made)
    return result.plain()


def _foreign_note(trace: Trace) -> tuple[str, str]:
    """Why a transfer may fail although the model is right: parameters used by ops the tracer
    does not know as layers."""
    if not trace.foreign:
        return "", ""
    ops = ", ".join(sorted(set(trace.foreign))[:3])
    return (f" (注意: 你的模型在评分器无法识别的运算中使用了参数: {ops}; 请用 nn.Conv2d / nn.Linear / nn.BatchNorm2d)",
            f" (note: your model uses parameters in ops the grader cannot map: {ops}; use "
            f"nn.Conv2d / nn.Linear / nn.BatchNorm2d or F.conv2d / F.linear / F.batch_norm)")
