"""Model transfer, both sides: trace one forward pass (the judge traces torchvision's
model, the worker the student's) and describe it as plain ``LayerInfo`` / events
(used by hw08_alexnet_vgg and hw09_resnet)."""

from __future__ import annotations

import contextlib
import os
import traceback
from dataclasses import dataclass, field
from typing import Any, Iterable

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.support.model_transfer.shared import (
    INPUT, Activation, AdaptivePool, Add, Conv, Dropout, Event, Geometry, LayerInfo, Linear, Lrn, Norm, Pool,
    Relu)


def _walk(obj: Any) -> Iterable[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _walk(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _walk(item)


def _pair(value: Any, default: Any = None) -> tuple:
    """A conv/pool argument as a tuple of ints (``3`` -> ``(3, 3)``)."""
    if value is None or (isinstance(value, (list, tuple)) and len(value) == 0):
        value = default
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        items = tuple(int(v) for v in value)
        return items * 2 if len(items) == 1 else items
    return (int(value), int(value))


def _bind(names: tuple[str, ...], args: tuple, kwargs: dict) -> dict:
    bound = dict(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    return bound


def storage_of(t: Any) -> int | None:
    """Where a tensor's memory lives (shared by a parameter and its ``.data`` or views)."""
    if not isinstance(t, torch.Tensor):
        return None
    try:
        return t.untyped_storage().data_ptr()
    except RuntimeError:
        return None


# -- the layers the tracer recognises ---------------------------------------------------------

_CONV = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")
_LINEAR = ("input", "weight", "bias")
_F_BN = ("input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps")
_T_BN = ("input", "weight", "bias", "running_mean", "running_var", "training", "momentum", "eps",
         "cudnn_enabled")
_POOL = ("input", "kernel_size", "stride", "padding", "dilation", "ceil_mode")
_RELU = {"relu", "relu_", "threshold", "threshold_"}
_ADD = {"add", "add_", "__add__", "__iadd__", "__radd__"}
_OTHER_ACTIVATIONS = {"tanh", "sigmoid", "gelu", "elu", "selu", "celu", "leaky_relu", "silu", "mish",
                      "softplus", "hardtanh", "relu6", "prelu", "hardswish", "hardsigmoid", "rrelu"}
_DROPOUT = {"dropout", "dropout_", "dropout2d", "feature_dropout", "feature_dropout_"}
_NOT_A_USE = {"__get__", "detach", "clone", "to", "type_as"}  # touching a parameter without computing


def _layer_kind(func: Any, name: str) -> tuple[str | None, tuple[str, ...]]:
    if name == "conv2d":
        return "conv", _CONV
    if name == "linear":
        return "linear", _LINEAR
    if name == "batch_norm":
        return "bn", (_F_BN if func is F.batch_norm else _T_BN)
    return None, ()


@dataclass
class TracedLayer:
    """One layer call as the tracer saw it, with the live tensors it used."""

    index: int
    kind: str
    tensors: dict[str, torch.Tensor | None]
    sources: frozenset[int]
    geometry: Geometry
    training: bool
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    captured_in: torch.Tensor | None = None   # linear layers, with ``capture``: the input …
    captured_out: torch.Tensor | None = None  # … and the output, detached copies

    def role_shapes(self) -> dict[str, tuple[int, ...]]:
        return {r: tuple(t.shape) for r, t in self.tensors.items() if isinstance(t, torch.Tensor)}

    def event(self) -> Event:
        shapes = self.role_shapes()
        if self.kind == "conv":
            w = shapes.get("weight", (0, 0, 0, 0))
            g = self.geometry
            return Conv(w[1] * g.groups, w[0], tuple(w[2:]), g.stride, g.padding, g.groups)
        if self.kind == "linear":
            w = shapes.get("weight", (0, 0))
            return Linear(w[1], w[0])
        return Norm((shapes.get("weight") or shapes.get("running_mean") or (0,))[0])


def _traced_layer(index: int, kind: str, bound: dict, out: torch.Tensor, sources: frozenset) -> TracedLayer:
    inp = bound.get("input")
    in_shape = tuple(inp.shape) if isinstance(inp, torch.Tensor) else ()
    geometry, training = Geometry(), False
    if kind == "conv":
        weight = bound.get("weight")
        k = tuple(weight.shape[2:]) if isinstance(weight, torch.Tensor) else ()
        padding = bound.get("padding", 0)
        dilation = _pair(bound.get("dilation", 1), 1)
        if isinstance(padding, str):
            padding = tuple(d * (kk - 1) // 2 for d, kk in zip(dilation, k)) if padding == "same" else (0, 0)
        geometry = Geometry(_pair(bound.get("stride", 1), 1), _pair(padding, 0), dilation,
                            int(bound.get("groups", 1) or 1))
        tensors = {"weight": weight, "bias": bound.get("bias")}
    elif kind == "linear":
        tensors = {"weight": bound.get("weight"), "bias": bound.get("bias")}
    else:
        tensors = {r: bound.get(r) for r in ("weight", "bias", "running_mean", "running_var")}
        training = bool(bound.get("training", False))
    return TracedLayer(index, kind, tensors, sources, geometry, training, in_shape, tuple(out.shape))


def _event(name: str, args: tuple, kwargs: dict) -> Event | None:
    """The parameter-free ops the structural checks look at."""
    if name in ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d"):
        b = _bind(_POOL, args, kwargs)
        kernel = _pair(b.get("kernel_size"))
        stride = _pair(b.get("stride"), None) if b.get("stride") not in (None, [], ()) else kernel
        return Pool("max" if name.startswith("max") else "avg", kernel, stride, _pair(b.get("padding", 0), 0))
    if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        size = args[1] if len(args) > 1 else kwargs.get("output_size")
        return AdaptivePool(name.split("_")[1], _pair(size))
    if name in _RELU:
        return Relu()
    if name in ("clamp", "clamp_", "clamp_min", "clamp_min_"):
        low = args[1] if len(args) > 1 else kwargs.get("min")
        high = args[2] if len(args) > 2 else kwargs.get("max")
        return Relu() if isinstance(low, (int, float)) and low == 0 and high is None else None
    if name in _DROPOUT:
        p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
        training = args[2] if len(args) > 2 else kwargs.get("training", True)
        return Dropout(float(p), bool(training))
    if name == "local_response_norm":
        b = _bind(("input", "size", "alpha", "beta", "k"), args, kwargs)
        return Lrn(int(b["size"]), float(b.get("alpha", 1e-4)), float(b.get("beta", 0.75)), float(b.get("k", 1.0)))
    if name in _ADD and sum(isinstance(a, torch.Tensor) for a in args) >= 2:
        return Add()
    if name.rstrip("_") in _OTHER_ACTIVATIONS:
        return Activation(name.rstrip("_"))
    return None


def _shaped_zeros(func: Any, kind: str, args: tuple, kwargs: dict, bound: dict) -> Any:
    """A layer's output when only shapes matter: zeros, shaped by running the op on meta tensors."""
    inp = bound.get("input")
    if not isinstance(inp, torch.Tensor):
        return func(*args, **kwargs)
    if kind == "bn":
        return torch.zeros_like(inp)

    def meta(v: Any) -> Any:
        if isinstance(v, torch.Tensor):
            return v.detach().to("meta")
        if isinstance(v, (list, tuple)):
            return type(v)(meta(x) for x in v)
        return v

    shaped = func(*meta(args), **{k: meta(v) for k, v in kwargs.items()})
    return torch.zeros(shaped.shape, dtype=shaped.dtype, device=inp.device)


# -- the tracer ---------------------------------------------------------------------------------

@dataclass
class Trace:
    """What one traced forward did: its layers, events and data flow."""

    layers: list[TracedLayer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)      # in execution order
    foreign: list[str] = field(default_factory=list)       # parameters used by ops the grader cannot map
    cpu_made: list[str] = field(default_factory=list)      # ops that made CPU tensors while watching
    output: Any = None
    output_sources: frozenset = frozenset()


class _Tracer(TorchFunctionMode):
    def __init__(self, trace: Trace, *, capture: bool, shapes_only: bool, watch_cpu: bool,
                 submission_dir: str | None) -> None:
        super().__init__()
        self.trace, self.capture, self.shapes_only = trace, capture, shapes_only
        self.watch_cpu, self.submission_dir = watch_cpu, submission_dir
        self.flow: dict[int, frozenset] = {}
        self.keep: list[torch.Tensor] = []  # keeps ids unique while tracing

    def sources(self, obj: Any) -> frozenset:
        found: frozenset = frozenset()
        for t in _walk(obj):
            found = found | self.flow.get(id(t), frozenset())
        return found

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "") or ""
        src = self.sources((args, kwargs))
        kind, names = _layer_kind(func, name)
        bound = _bind(names, args, kwargs) if kind else {}
        capture = kind == "linear" and self.capture and isinstance(bound.get("input"), torch.Tensor)
        captured_in = bound["input"].detach().clone() if capture else None
        out = _shaped_zeros(func, kind, args, kwargs, bound) if kind and self.shapes_only else func(*args, **kwargs)
        outs = list(_walk(out))
        if not outs:
            return out
        self.keep.extend(outs)
        if kind:
            layer = _traced_layer(len(self.trace.layers), kind, bound, outs[0], src)
            if capture:
                layer.captured_in, layer.captured_out = captured_in, outs[0].detach().clone()
            self.trace.layers.append(layer)
            self.trace.events.append(layer.event())
            for t in outs:
                self.flow[id(t)] = frozenset({layer.index})
        else:
            for t in outs:
                self.flow[id(t)] = src
            event = _event(name, args, kwargs)
            if event is not None:
                self.trace.events.append(event)
            params = [t for t in _walk((args, kwargs)) if isinstance(t, nn.Parameter)]
            if params and name not in _NOT_A_USE:
                self.trace.foreign.append(f"{name}({'×'.join(map(str, params[0].shape))})")
        if self.watch_cpu and any(t.device.type == "cpu" for t in outs):
            self.trace.cpu_made.append(f"{name}{self._where()}")
        return out

    def _where(self) -> str:
        if not self.submission_dir:
            return ""
        for frame in reversed(traceback.extract_stack()):
            if frame.filename.startswith(self.submission_dir):
                return f" ({os.path.basename(frame.filename)}:{frame.lineno}: {(frame.line or '').strip()})"
        return ""


def trace_model(model: nn.Module, x: torch.Tensor, *, capture: bool = False, watch_cpu: bool = False,
                submission_dir: str | None = None, grad: bool = False, trace: Trace | None = None,
                shapes_only: bool = False) -> Trace:
    """Run ``model(x)`` once under the tracer (into ``trace`` when given: what it saw before
    an exception stays readable). With ``shapes_only`` the layers (conv, linear, batch norm)
    are not computed: they return zeros of the right shape, which is all the structure
    needs, even before weights are loaded. With ``capture`` the linear layers keep copies
    of their input and output (what the dropout measurement compares)."""
    trace = trace if trace is not None else Trace()
    tracer = _Tracer(trace, capture=capture, shapes_only=shapes_only, watch_cpu=watch_cpu,
                     submission_dir=submission_dir)
    tracer.flow[id(x)] = frozenset({INPUT})
    tracer.keep.append(x)
    # Weights may still be uninitialised memory here; denormals would make the pass crawl.
    flushing = torch.set_flush_denormal(True)
    try:
        with (contextlib.nullcontext() if grad else torch.no_grad()), tracer:
            out = model(x)
    finally:
        if flushing:
            torch.set_flush_denormal(False)
    trace.output = out
    trace.output_sources = tracer.sources(out)
    return trace


# -- plain descriptions ------------------------------------------------------------------------

def _address(t: Any) -> int | None:
    """Where a tensor's first element lives (tensors carved from one block differ here)."""
    return t.data_ptr() if isinstance(t, torch.Tensor) and t.device.type != "meta" else None


def tensor_names(model: nn.Module) -> dict[int, str]:
    """address -> qualified name, for the messages."""
    names: dict[int, str] = {}
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        ptr = _address(t)
        if ptr is not None:
            names.setdefault(ptr, name)
    return names


def layer_name(layer: TracedLayer, names: dict[int, str]) -> str:
    for role in ("weight", "running_mean", "bias", "running_var"):
        name = names.get(_address(layer.tensors.get(role)))
        if name:
            return name.rsplit(".", 1)[0] if "." in name else name
    return f"#{layer.index}"


@dataclass
class Description:
    """A traced model in plain records: what the matcher compares."""

    layers: list[LayerInfo]
    output_sources: tuple[int, ...]
    events: list[Event]


def describe(trace: Trace, model: nn.Module) -> Description:
    names = tensor_names(model)
    layers = [LayerInfo(t.index, t.kind, layer_name(t, names), tuple(sorted(t.sources)), t.role_shapes(),
                        t.geometry, t.training, t.in_shape, t.out_shape) for t in trace.layers]
    return Description(layers, tuple(sorted(trace.output_sources)), list(trace.events))
