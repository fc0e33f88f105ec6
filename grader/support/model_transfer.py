"""Load an oracle's weights into a student's model, whatever its internals are called.

The judge builds the oracle (a torchvision model, never downloaded: built on the
``meta`` device, then given seeded random weights), traces it once on a probe
input and sends the worker a plain description of its layers. The worker traces
the student's model on the same probe, matches the two layer graphs, loads the
same weights into the student's tensors, and returns what the judge asks for
(outputs on given inputs, dropout statistics, gradients). The judge compares
those values with the oracle's; nothing the worker says is a verdict.

How layers are found and matched
--------------------------------
A ``TorchFunctionMode`` sees every torch call made during ``forward``: an
``nn.Conv2d`` shows up as ``F.conv2d(input, weight, bias, stride, ...)``, an
``nn.Linear`` as ``F.linear``, a ``BatchNorm2d`` as ``F.batch_norm``, and so do
the same functions called directly. A *layer* is one such call; its tensors
(weight, bias, running statistics) are the objects passed to it, so loading a
weight never needs the student's attribute names or module layout. Data flow is
followed through every other op: each tensor carries the set of layers whose
output reaches it through parameter-free ops (ReLU, pooling, additions,
reshapes...), so a layer's *sources* are the layers (or the model's input) that
feed it. Layers match when their kind and parameter shapes agree and their
sources are the images of the oracle layer's sources. Oracle layers are visited
in the oracle's execution order (a topological order), so the order in which a
student registers or calls modules, the names, ``Sequential`` vs ``ModuleList``,
a shortcut computed before or after the residual branch: none of it matters.
When a layer cannot be matched, :class:`TransferError` says which one and why.

Everything the worker runs here is grader code; the student's code runs inside
the model's constructor and ``forward``.
"""

from __future__ import annotations

import ast
import contextlib
import math
import os
import traceback
from typing import Any, Callable, Iterable

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.judging import static

INPUT = -1
ROLE_CODES = {"weight": 1, "bias": 2, "running_mean": 3, "running_var": 4}
KIND_NAMES = {"conv": "Conv2d", "linear": "Linear", "bn": "BatchNorm2d"}


class TransferError(Exception):
    """The student's model cannot take the oracle's weights; ``zh`` / ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(en)


# ----------------------------------------------------------------------------
# Small helpers

def _walk(obj: Any) -> Iterable[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _walk(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _walk(item)


def _pair(value: Any, default: int | None = None) -> tuple:
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


def make_input(shape, seed: int, device: str | torch.device = "cpu") -> torch.Tensor:
    """A seeded standard-normal tensor, the same in the judge and in the worker."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randn(tuple(shape), generator=gen).to(device)


@contextlib.contextmanager
def precise_float32():
    """No TF32 on CUDA while outputs are compared (both sides use this)."""
    saved = []
    settings = ((torch.backends.cuda.matmul, "allow_tf32", False), (torch.backends.cudnn, "allow_tf32", False))
    for owner, attr, value in settings:
        try:
            saved.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, value)
        except Exception:  # noqa: BLE001 - a torch that only takes the fp32_precision API
            saved.extend(_set_fp32_precision(owner))
    try:
        yield
    finally:
        for owner, attr, old in reversed(saved):
            try:
                setattr(owner, attr, old)
            except Exception:  # noqa: BLE001
                pass


def _set_fp32_precision(owner) -> list:
    target = getattr(owner, "conv", owner)
    try:
        old = target.fp32_precision
        target.fp32_precision = "ieee"
        return [(target, "fp32_precision", old)]
    except Exception:  # noqa: BLE001
        return []


# ----------------------------------------------------------------------------
# Building a model cheaply: parameter initialisation is skipped (every weight
# that matters is overwritten; counting parameters needs no values).

class _SkipInit(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name.endswith("_") and getattr(func, "__module__", None) == "torch.nn.init":
            return args[0] if args else kwargs.get("tensor")
        if name in ("normal_", "uniform_") and args and isinstance(args[0], nn.Parameter):
            return args[0]
        return func(*args, **kwargs)


def build(module, spec: dict) -> nn.Module:
    """``spec = {"name": "vgg16", "args": [...], "kwargs": {...}}``; an argument
    ``{"attr": "BasicBlock"}`` stands for the student module's own attribute."""
    def resolve(v):
        return getattr(module, v["attr"]) if isinstance(v, dict) and set(v) == {"attr"} else v

    factory = getattr(module, spec["name"])
    args = [resolve(a) for a in spec.get("args", ())]
    kwargs = {k: resolve(v) for k, v in spec.get("kwargs", {}).items()}
    with _SkipInit():
        model = factory(*args, **kwargs)
    if not isinstance(model, nn.Module):
        raise TypeError(f"{describe_build(spec)} returned {type(model).__name__}, not an nn.Module")
    return model


def describe_build(spec: dict) -> str:
    def show(v):
        return v["attr"] if isinstance(v, dict) and set(v) == {"attr"} else repr(v)

    parts = [show(a) for a in spec.get("args", ())]
    parts += [f"{k}={show(v)}" for k, v in spec.get("kwargs", {}).items()]
    return f"{spec['name']}({', '.join(parts)})"


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


# ----------------------------------------------------------------------------
# Tracing

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


def _layer_kind(func, name: str):
    if name == "conv2d":
        return "conv", _CONV
    if name == "linear":
        return "linear", _LINEAR
    if name == "batch_norm":
        return "bn", (_F_BN if func is F.batch_norm else _T_BN)
    return None, None


class Trace:
    """What one traced forward did: its layers, events and data flow."""

    def __init__(self) -> None:
        self.layers: list[dict] = []   # kind, tensors{role: Tensor|None}, attrs, sources, shapes
        self.events: list[tuple] = []  # in execution order, for structural checks
        self.foreign: list[str] = []   # parameters used by ops the grader cannot map
        self.cpu_made: list[str] = []  # ops that made CPU tensors while watching for them
        self.output = None
        self.output_sources: frozenset = frozenset()


class _Tracer(TorchFunctionMode):
    def __init__(self, trace: Trace, capture: bool = False, watch_cpu: bool = False,
                 submission_dir: str | None = None, shapes_only: bool = False) -> None:
        super().__init__()
        self.trace = trace
        self.capture = capture
        self.shapes_only = shapes_only
        self.watch_cpu = watch_cpu
        self.submission_dir = submission_dir
        self.flow: dict[int, frozenset] = {}
        self.keep: list[torch.Tensor] = []  # keeps ids unique while tracing

    def sources(self, obj) -> frozenset:
        found: frozenset = frozenset()
        for t in _walk(obj):
            found = found | self.flow.get(id(t), frozenset())
        return found

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "") or ""
        src = self.sources((args, kwargs))
        kind, names = _layer_kind(func, name)
        bound = _bind(names, args, kwargs) if kind else None
        captured_in = None
        if kind and self.capture and isinstance(bound.get("input"), torch.Tensor):
            captured_in = bound["input"].detach().clone()
        if kind and self.shapes_only:
            out = _zeros_like_result(func, kind, args, kwargs, bound)
        else:
            out = func(*args, **kwargs)
        outs = [t for t in _walk(out)]
        if not outs:
            return out
        self.keep.extend(outs)
        if kind:
            index = len(self.trace.layers)
            layer = _layer_record(kind, bound, outs[0])
            layer["index"] = index
            layer["sources"] = src
            if captured_in is not None:
                layer["captured_in"] = captured_in
                layer["captured_out"] = outs[0].detach().clone()
            self.trace.layers.append(layer)
            self.trace.events.append(_layer_event(layer))
            for t in outs:
                self.flow[id(t)] = frozenset({index})
        else:
            for t in outs:
                self.flow[id(t)] = src
            event = _event(name, args, kwargs)
            if event is not None:
                self.trace.events.append(event)
            params = [t for t in _walk((args, kwargs)) if isinstance(t, nn.Parameter)]
            if params and name not in ("__get__", "detach", "clone", "to", "type_as"):
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


def _zeros_like_result(func, kind: str, args: tuple, kwargs: dict, bound: dict):
    """A layer's output when only shapes matter: zeros, shaped by running the op on meta tensors."""
    inp = bound.get("input")
    if not isinstance(inp, torch.Tensor):
        return func(*args, **kwargs)
    if kind == "bn":
        return torch.zeros_like(inp)

    def meta(v):
        if isinstance(v, torch.Tensor):
            return v.detach().to("meta")
        if isinstance(v, (list, tuple)):
            return type(v)(meta(x) for x in v)
        return v

    shaped = func(*meta(args), **{k: meta(v) for k, v in kwargs.items()})
    return torch.zeros(shaped.shape, dtype=shaped.dtype, device=inp.device)


def _layer_record(kind: str, bound: dict, out: torch.Tensor) -> dict:
    inp = bound.get("input")
    rec = {"kind": kind, "in_shape": tuple(inp.shape) if isinstance(inp, torch.Tensor) else (),
           "out_shape": tuple(out.shape)}
    if kind == "conv":
        weight = bound.get("weight")
        k = tuple(weight.shape[2:]) if isinstance(weight, torch.Tensor) else ()
        padding = bound.get("padding", 0)
        dilation = _pair(bound.get("dilation", 1), 1)
        if isinstance(padding, str):
            padding = tuple(d * (kk - 1) // 2 for d, kk in zip(dilation, k)) if padding == "same" else (0, 0)
        rec["tensors"] = {"weight": weight, "bias": bound.get("bias")}
        rec["attrs"] = {"stride": _pair(bound.get("stride", 1), 1), "padding": _pair(padding, 0),
                        "dilation": dilation, "groups": int(bound.get("groups", 1) or 1)}
    elif kind == "linear":
        rec["tensors"] = {"weight": bound.get("weight"), "bias": bound.get("bias")}
        rec["attrs"] = {}
    else:
        rec["tensors"] = {r: bound.get(r) for r in ("weight", "bias", "running_mean", "running_var")}
        rec["attrs"] = {"training": bool(bound.get("training", False)), "eps": float(bound.get("eps", 1e-5))}
    return rec


def _layer_event(layer: dict) -> tuple:
    shapes = _role_shapes(layer)
    if layer["kind"] == "conv":
        w = shapes.get("weight", (0, 0, 0, 0))
        a = layer["attrs"]
        return ("conv", w[1] * a["groups"], w[0], tuple(w[2:]), a["stride"], a["padding"], a["groups"])
    if layer["kind"] == "linear":
        w = shapes.get("weight", (0, 0))
        return ("linear", w[1], w[0])
    c = shapes.get("weight") or shapes.get("running_mean") or (0,)
    return ("bn", c[0])


def _event(name: str, args: tuple, kwargs: dict):
    if name in ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d"):
        b = _bind(_POOL, args, kwargs)
        kernel = _pair(b.get("kernel_size"))
        stride = _pair(b.get("stride"), None) if b.get("stride") not in (None, [], ()) else kernel
        tag = "maxpool" if name.startswith("max") else "avgpool"
        return (tag, kernel, stride, _pair(b.get("padding", 0), 0))
    if name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        size = args[1] if len(args) > 1 else kwargs.get("output_size")
        return ("adaptive_" + name.split("_")[1] + "pool", _pair(size))
    if name in _RELU:
        return ("relu",)
    if name in ("clamp", "clamp_", "clamp_min", "clamp_min_"):
        low = args[1] if len(args) > 1 else kwargs.get("min")
        high = args[2] if len(args) > 2 else kwargs.get("max")
        if isinstance(low, (int, float)) and low == 0 and high is None:
            return ("relu",)
        return None
    if name in _DROPOUT:
        p = args[1] if len(args) > 1 else kwargs.get("p", 0.5)
        training = args[2] if len(args) > 2 else kwargs.get("training", True)
        return ("dropout", float(p), bool(training))
    if name == "local_response_norm":
        b = _bind(("input", "size", "alpha", "beta", "k"), args, kwargs)
        return ("lrn", int(b["size"]), float(b.get("alpha", 1e-4)), float(b.get("beta", 0.75)),
                float(b.get("k", 1.0)))
    if name in _ADD and sum(isinstance(a, torch.Tensor) for a in args) >= 2:
        return ("add",)
    if name.rstrip("_") in _OTHER_ACTIVATIONS:
        return ("activation", name.rstrip("_"))
    return None


def trace_model(model: nn.Module, x: torch.Tensor, *, capture: bool = False, watch_cpu: bool = False,
                submission_dir: str | None = None, grad: bool = False, trace: Trace | None = None,
                shapes_only: bool = False) -> Trace:
    """Run ``model(x)`` once under the tracer (into ``trace`` when given: what it saw
    before an exception stays readable). With ``shapes_only`` the layers (conv, linear,
    batch norm) are not computed: they return zeros of the right shape, which is all
    the structure needs and keeps the pass cheap even before weights are loaded."""
    trace = trace if trace is not None else Trace()
    tracer = _Tracer(trace, capture=capture, watch_cpu=watch_cpu, submission_dir=submission_dir,
                     shapes_only=shapes_only)
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


# ----------------------------------------------------------------------------
# Plain descriptions (what crosses the process boundary) and labels

def _role_shapes(layer: dict) -> dict[str, tuple]:
    return {r: tuple(t.shape) for r, t in layer["tensors"].items() if isinstance(t, torch.Tensor)}


def tensor_names(model: nn.Module) -> dict[int, str]:
    """storage address -> qualified name, for the messages."""
    names = {}
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        try:
            names.setdefault(t.untyped_storage().data_ptr(), name)
        except RuntimeError:
            pass
    return names


def _storage(t) -> int | None:
    if not isinstance(t, torch.Tensor):
        return None
    try:
        return t.untyped_storage().data_ptr()
    except RuntimeError:
        return None


def _layer_name(layer: dict, names: dict[int, str]) -> str:
    for role in ("weight", "running_mean", "bias", "running_var"):
        t = layer["tensors"].get(role)
        if isinstance(t, torch.Tensor):
            name = names.get(_storage(t))
            if name:
                return name.rsplit(".", 1)[0] if "." in name else name
    return f"#{layer['index']}"


def describe(trace: Trace, model: nn.Module) -> dict:
    names = tensor_names(model)
    layers = []
    for layer in trace.layers:
        layers.append({"index": layer["index"], "kind": layer["kind"], "name": _layer_name(layer, names),
                       "sources": sorted(layer["sources"]), "roles": _role_shapes(layer),
                       "attrs": dict(layer["attrs"]), "in_shape": layer["in_shape"],
                       "out_shape": layer["out_shape"]})
    return {"layers": layers, "output_sources": sorted(trace.output_sources), "events": list(trace.events)}


def label(layer: dict) -> str:
    roles, kind = layer["roles"], layer["kind"]
    if kind == "conv":
        w = roles.get("weight", (0, 0, 0, 0))
        a = layer["attrs"]
        k = "×".join(map(str, w[2:]))
        s = "×".join(map(str, sorted(set(a["stride"]))))
        p = "×".join(map(str, sorted(set(a["padding"]))))
        text = f"Conv2d {w[1] * a['groups']}→{w[0]} {k} s{s} p{p}"
        if a["groups"] != 1:
            text += f" groups={a['groups']}"
        if a["dilation"] != (1, 1):
            text += f" dilation={a['dilation'][0]}"
        return text + ("" if "bias" in roles else " (no bias)")
    if kind == "linear":
        w = roles.get("weight", (0, 0))
        return f"Linear {w[1]}→{w[0]}" + ("" if "bias" in roles else " (no bias)")
    c = (roles.get("weight") or roles.get("running_mean") or (0,))[0]
    return f"BatchNorm2d {c}"


def _named(layer: dict) -> str:
    return f"{label(layer)} ({layer['name']})"


def _source_text(sources: Iterable[int], layers: list[dict]) -> tuple[str, str]:
    by_index = {l["index"]: l for l in layers}
    parts_en, parts_zh = [], []
    for s in sorted(sources):
        if s == INPUT:
            parts_en.append("the input")
            parts_zh.append("输入")
        else:
            parts_en.append(by_index[s]["name"])
            parts_zh.append(by_index[s]["name"])
    if not parts_en:
        return "nothing (a constant)", "无 (常量)"
    return " + ".join(parts_en), " + ".join(parts_zh)


# ----------------------------------------------------------------------------
# Matching

def _same_shapes(o: dict, s: dict) -> bool:
    if o["kind"] == "bn":
        oc = (o["roles"].get("weight") or o["roles"].get("running_mean"))
        sc = (s["roles"].get("weight") or s["roles"].get("running_mean"))
        return oc == sc
    return o["roles"].get("weight") == s["roles"].get("weight")


def match(oracle: dict, student: dict) -> dict[int, int]:
    """oracle layer index -> student layer index, or :class:`TransferError`."""
    o_layers, s_layers = oracle["layers"], student["layers"]
    s_by_index = {l["index"]: l for l in s_layers}
    mapping = {INPUT: INPUT}
    used: set[int] = set()
    for o in o_layers:
        want = frozenset(mapping[p] for p in o["sources"])
        free = [s for s in s_layers if s["index"] not in used]
        fed = [s for s in free if frozenset(s["sources"]) == want]
        exact = [s for s in fed if s["kind"] == o["kind"] and _same_shapes(o, s)]
        if not exact:
            raise _no_match(o, want, fed, free, o_layers, s_layers)
        s = exact[0]
        _check_geometry(o, s)
        mapping[o["index"]] = s["index"]
        used.add(s["index"])

    want_out = frozenset(mapping[p] for p in oracle["output_sources"])
    if frozenset(student["output_sources"]) != want_out:
        o_en, o_zh = _source_text(oracle["output_sources"], o_layers)
        s_en, s_zh = _source_text(student["output_sources"], s_layers)
        m_en, m_zh = _source_text(want_out, s_layers)
        raise TransferError(
            f"输出的来源不对: torchvision 的输出来自 {o_zh} (在你的模型中对应 {m_zh}), 你的输出来自 {s_zh}",
            f"the output is computed from the wrong layers: torchvision's comes from {o_en} "
            f"(in your model: {m_en}); yours comes from {s_en}")
    extra = [s for s in s_layers if s["index"] not in used]
    if extra:
        listing = ", ".join(_named(s) for s in extra[:4]) + (" …" if len(extra) > 4 else "")
        raise TransferError(f"你的模型多出了 torchvision 没有的层: {listing}",
                            f"your model has layers torchvision's does not: {listing}")
    shared: dict[int, int] = {}
    for o_index, s_index in mapping.items():
        if s_index == INPUT:
            continue
        ptr = s_by_index[s_index].get("weight_ptr")
        if ptr is not None and ptr in shared:
            raise TransferError(f"你的层 {s_by_index[s_index]['name']} 被用了两次 (共享权重)",
                                f"your layer {s_by_index[s_index]['name']} is used twice (shared weights)")
        if ptr is not None:
            shared[ptr] = o_index
    return {k: v for k, v in mapping.items() if k != INPUT}


def _no_match(o: dict, want: frozenset, fed: list[dict], free: list[dict], o_layers: list[dict],
              s_layers: list[dict]) -> TransferError:
    src_en, src_zh = _source_text(o["sources"], o_layers)
    mine_en, mine_zh = _source_text(want, s_layers)
    head_en = (f"layer {o['name']} did not match: torchvision has {label(o)} here, fed by {src_en} "
               f"(in your model: {mine_en})")
    head_zh = f"层 {o['name']} 不匹配: torchvision 在这里是 {label(o)}, 输入来自 {src_zh} (在你的模型中对应 {mine_zh})"
    same = [s for s in fed if s["kind"] == o["kind"]]
    if same:
        got = "; ".join(_named(s) for s in same[:3])
        return TransferError(f"{head_zh}; 你的模型在这里是 {got}", f"{head_en}; got {got}")
    if fed:
        got = "; ".join(_named(s) for s in fed[:3])
        return TransferError(f"{head_zh}; 你的模型在这里是 {got}", f"{head_en}; got {got}")
    users = [s for s in free if set(s["sources"]) & set(want)]
    if users:
        got = "; ".join(f"{_named(s)} fed by {_source_text(s['sources'], s_layers)[0]}" for s in users[:3])
        got_zh = "; ".join(f"{_named(s)} (输入来自 {_source_text(s['sources'], s_layers)[1]})" for s in users[:3])
        return TransferError(f"{head_zh}; 你的模型中没有这样的层 (使用这个输出的是: {got_zh})",
                             f"{head_en}; your model has no such layer (what uses that output: {got})")
    twins = [s for s in free if s["kind"] == o["kind"] and _same_shapes(o, s)]
    if twins:
        s = twins[0]
        s_en, s_zh = _source_text(s["sources"], s_layers)
        return TransferError(f"{head_zh}; 你的 {_named(s)} 的输入却来自 {s_zh}",
                             f"{head_en}; your {_named(s)} is fed by {s_en} instead")
    return TransferError(f"{head_zh}; 你的模型中没有这样的层", f"{head_en}; your model has no such layer")


def _check_geometry(o: dict, s: dict) -> None:
    problems = []
    if o["kind"] == "conv":
        for key in ("stride", "padding", "dilation", "groups"):
            if tuple(_as_tuple(o["attrs"][key])) != tuple(_as_tuple(s["attrs"][key])):
                problems.append(key)
    if o["kind"] in ("conv", "linear") and ("bias" in o["roles"]) and ("bias" not in s["roles"]):
        problems.append("bias")
    if o["kind"] == "bn":
        if not s["roles"].get("running_mean") or s["attrs"].get("training"):
            raise TransferError(
                f"层 {o['name']} 不匹配: 你的 {_named(s)} 在 eval 模式下没有使用滑动平均统计量 "
                f"(track_running_stats=False?)",
                f"layer {o['name']} did not match: your {_named(s)} does not use running statistics in "
                f"eval mode (track_running_stats=False?)")
        if ("weight" in o["roles"]) and ("weight" not in s["roles"] or "bias" not in s["roles"]):
            problems.append("affine")
    if problems:
        raise TransferError(
            f"层 {o['name']} 不匹配: 应为 {label(o)}, 你的是 {_named(s)} (不同: {', '.join(problems)})",
            f"layer {o['name']} did not match: expected {label(o)}, got {_named(s)} "
            f"(differs in {', '.join(problems)})")


def _as_tuple(v):
    return v if isinstance(v, (list, tuple)) else (v,)


# ----------------------------------------------------------------------------
# Weights

_TILE = 1_000_003  # a prime: big tensors repeat a random vector of this length (cheap to make)
_BIG = 1 << 22


def _bounds(kind: str, role: str, shape) -> tuple[float, float]:
    if kind in ("conv", "linear"):
        if role == "weight":
            fan_in = math.prod(shape[1:]) if len(shape) > 1 else 1
            bound = math.sqrt(6.0 / max(fan_in, 1))
        else:
            bound = 0.1
        return -bound, bound
    return {"weight": (0.5, 1.5), "bias": (-0.3, 0.3), "running_mean": (-0.3, 0.3),
            "running_var": (0.5, 1.5)}[role]


def fill_generated_(target: torch.Tensor, seed: int, index: int, kind: str, role: str) -> None:
    """Write the oracle's value for one tensor into ``target``: seeded uniform noise, the
    same in the judge and in the worker. Tensors over 4M elements repeat a random vector
    of prime length 1,000,003 (each row of a big linear layer is then another window of
    it), which costs one pass over memory instead of a random draw per element."""
    gen = torch.Generator().manual_seed((int(seed) * 1_000_003 + index * 17 + ROLE_CODES[role]) % (2**62))
    low, high = _bounds(kind, role, tuple(target.shape))
    n = target.numel()
    with torch.no_grad():
        if n <= _BIG or not target.is_contiguous():
            value = torch.empty(tuple(target.shape)).uniform_(low, high, generator=gen)
            target.copy_(value.to(device=target.device, dtype=target.dtype))
            return
        base = torch.empty(_TILE).uniform_(low, high, generator=gen).to(device=target.device, dtype=target.dtype)
        flat = target.view(-1)
        k = n // _TILE
        flat[: k * _TILE].view(k, _TILE).copy_(base.expand(k, _TILE))
        flat[k * _TILE:].copy_(base[: n - k * _TILE])


def load_weights(trace: Trace, oracle: dict, mapping: dict[int, int], model: nn.Module) -> None:
    """Copy the oracle's values (explicit or generated) into the student's tensors."""
    owned = {_storage(t) for t in list(model.parameters()) + list(model.buffers())}
    values = oracle.get("values", {})
    names = tensor_names(model)
    for o in oracle["layers"]:
        s = trace.layers[mapping[o["index"]]]
        explicit = values.get(str(o["index"]), {})
        for role, shape in o["roles"].items():
            target = s["tensors"].get(role)
            if _storage(target) is None or _storage(target) not in owned:
                name = _layer_name(s, names)
                raise TransferError(
                    f"层 {name} 的 {role} 不是模型的参数或缓冲区 (在 forward 中计算?), 无法载入权重",
                    f"the {role} of your layer {name} is not a parameter or buffer of the model "
                    f"(computed in forward?); the weights cannot be loaded")
            if tuple(target.shape) != tuple(shape):
                name = _layer_name(s, names)
                raise TransferError(f"层 {name} 的 {role} 形状为 {tuple(target.shape)}, 应为 {tuple(shape)}",
                                    f"the {role} of your layer {name} has shape {tuple(target.shape)}, "
                                    f"expected {tuple(shape)}")
            value = explicit.get(role)
            if value is None:
                fill_generated_(target, oracle["seed"], o["index"], o["kind"], role)
            else:
                with torch.no_grad():
                    target.copy_(value.to(device=target.device, dtype=target.dtype))
        for role, target in s["tensors"].items():
            if role not in o["roles"] and isinstance(target, torch.Tensor) and _storage(target) in owned:
                with torch.no_grad():  # an extra bias: zero, so outputs can still agree
                    target.zero_()


def load_oracle_weights(trace: Trace, spec: dict) -> None:
    """Judge side: give the oracle its values (identity mapping)."""
    values = spec.get("values", {})
    for o, layer in zip(spec["layers"], trace.layers):
        for role in o["roles"]:
            target = layer["tensors"][role]
            value = values.get(str(o["index"]), {}).get(role)
            if value is None:
                fill_generated_(target, spec["seed"], o["index"], o["kind"], role)
            else:
                with torch.no_grad():
                    target.copy_(value.to(target.device))


# ----------------------------------------------------------------------------
# Measurements used by both sides

def dropout_stats(model: nn.Module, oracle: dict, mapping: dict[int, int], x: torch.Tensor,
                  seed: int, eval_trace: Trace | None = None) -> list[dict]:
    """For each linear layer of the oracle: how its input in train mode relates to the input
    it would get without dropout (the eval-mode input for the first one, ReLU of the previous
    linear layer's train-mode output for the others). Dropout with p zeroes a fraction p of
    the units and scales the rest by 1/(1−p); no dropout gives 0 and 1."""
    was_training = model.training
    try:
        model.eval()
        if eval_trace is None:
            eval_trace = trace_model(model, x, capture=True)
        torch.manual_seed(seed)
        model.train()
        train_trace = trace_model(model, x, capture=True)
    finally:
        model.train(was_training)
    if [l["kind"] for l in train_trace.layers] != [l["kind"] for l in eval_trace.layers]:
        raise TransferError("训练模式与 eval 模式下执行的层不同", "train mode runs other layers than eval mode")
    stats = []
    for o in oracle["layers"]:
        if o["kind"] != "linear":
            continue
        s = mapping[o["index"]]
        got = train_trace.layers[s]["captured_in"]
        prev = [p for p in o["sources"] if p != INPUT and oracle["layers"][p]["kind"] == "linear"]
        if len(o["sources"]) == 1 and prev:
            ref = torch.relu(train_trace.layers[mapping[prev[0]]]["captured_out"])
        else:
            ref = eval_trace.layers[s]["captured_in"]
        if got.shape != ref.shape:
            raise TransferError("训练模式下全连接层的输入形状不对", "the input of a linear layer has another shape in train mode")
        got, ref = got.double().flatten(), ref.double().flatten()
        keep = ref.abs() > 1e-4
        ratio = got[keep] / ref[keep]
        zero = ratio.abs() < 1e-6
        kept = ratio[~zero]
        stats.append({"layer": o["name"], "n": int(keep.sum()),
                      "zero_fraction": float(zero.double().mean()) if keep.any() else 0.0,
                      "scale": float(kept.median()) if kept.numel() else 0.0,
                      "scale_spread": float((kept - kept.median()).abs().max() / kept.median().abs())
                      if kept.numel() else 0.0})
    return stats


def grad_probe(model: nn.Module, shape, seed: int, device) -> dict:
    """Train-mode ``y = model(x)`` and ∂(y·g)/∂x for a seeded upstream gradient g."""
    model.train()
    x = make_input(shape, seed, device).requires_grad_(True)
    y = model(x)
    g = make_input(tuple(y.shape), seed + 1, device)
    (y * g).sum().backward()
    return {"y": y.detach(), "grad": x.grad.detach() if x.grad is not None else None}


def eval_input(shapes: list, i: int, seed: int, device) -> torch.Tensor:
    return make_input(shapes[i], seed + 100 + i, device)


def run_eval(model: nn.Module, shapes: list, seed: int, device, capture_first: bool = False,
             errors: dict | None = None, subdir: str = "") -> tuple[list, Trace | None]:
    """Eval-mode outputs on seeded inputs of ``shapes``; with ``capture_first`` the first
    pass is traced with the layers' inputs kept (what ``dropout_stats`` compares with).
    With ``errors`` (worker side) a failing input is recorded as ``errors["eval<i>"]`` and
    its output is None, so one size that fails does not hide the others."""
    model.eval()
    outs, first = [], None
    for i in range(len(shapes)):
        x = eval_input(shapes, i, seed, device)
        try:
            with torch.no_grad():
                if i == 0 and capture_first:
                    first = trace_model(model, x, capture=True)
                    outs.append(first.output)
                else:
                    outs.append(model(x))
        except BaseException as exc:  # noqa: BLE001
            if errors is None:
                raise
            from grader.sandbox import worker

            errors[f"eval{i}"] = worker.error_record(exc, subdir)
            outs.append(None)
    return outs, first


def _stage_dropout(model, oracle, mapping, evals, first, device, kinds=None) -> list[dict]:
    if kinds is not None and [l["kind"] for l in first.layers] != kinds:
        raise TransferError("forward 在不同输入上执行了不同的层", "forward runs other layers on another input")
    return dropout_stats(model, oracle, mapping, eval_input(evals, 0, oracle["seed"], device), oracle["seed"],
                         eval_trace=first)


# ----------------------------------------------------------------------------
# The worker's entry point

def probe(module, spec: dict, *, oracle: dict | None = None, device: str = "cpu", evals: list = (),
          dropout: bool = False, grad: list | None = None) -> dict:
    """Build the student's model once and return everything the judge needs.

    ``result["params"]`` is always there; each later stage records a failure under
    ``result["errors"][stage]`` (a worker error record, or ``{"transfer": [zh, en]}``)
    and the stages that depend on it are skipped.
    """
    from grader.sandbox import worker

    subdir = os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    model = build(module, spec)
    result: dict[str, Any] = {"params": count_parameters(model), "errors": {}}
    stage = "trace"
    trace = Trace()
    try:
        with precise_float32():
            model.to(device)
            model.eval()
            if oracle is None:
                return result
            x = make_input(oracle["probe_shape"], oracle["seed"], device)
            trace_model(model, x, watch_cpu=torch.device(device).type == "cuda",
                        submission_dir=subdir, trace=trace, shapes_only=True)
            student = describe(trace, model)
            result["events"] = student["events"]
            result["foreign"] = list(trace.foreign)
            stage = "transfer"
            for layer, info in zip(trace.layers, student["layers"]):
                w = layer["tensors"].get("weight")
                info["weight_ptr"] = _storage(w) if isinstance(w, torch.Tensor) else None
            mapping = match(oracle, student)
            load_weights(trace, oracle, mapping, model)
            stage = "eval"
            result["outputs"], first = run_eval(model, list(evals), oracle["seed"], device,
                                                capture_first=dropout, errors=result["errors"], subdir=subdir)
            if dropout and first is not None:
                stage = "dropout"
                result["dropout"] = _stage_dropout(model, oracle, mapping, list(evals), first, device,
                                                   kinds=[l["kind"] for l in trace.layers])
                del first
            if grad:
                stage = "grad"
                result["grad"] = grad_probe(model, grad, oracle["seed"] + 11, device)
    except TransferError as exc:
        zh, en = exc.zh, exc.en
        if trace.foreign:
            ops = ", ".join(sorted(set(trace.foreign))[:3])
            zh += f" (注意: 你的模型在评分器无法识别的运算中使用了参数: {ops}; 请用 nn.Conv2d / nn.Linear / nn.BatchNorm2d)"
            en += (f" (note: your model uses parameters in ops the grader cannot map: {ops}; use "
                   f"nn.Conv2d / nn.Linear / nn.BatchNorm2d or F.conv2d / F.linear / F.batch_norm)")
        result["errors"][stage] = {"transfer": [zh, en]}
    except BaseException as exc:  # noqa: BLE001 - the student's error, reported by the judge
        result["errors"][stage] = worker.error_record(exc, subdir)
    result["cpu_made"] = list(trace.cpu_made)
    return result


def count_models(module, specs: list[dict]) -> list[dict]:
    """Parameter counts of several builds (initialisation skipped, nothing run):
    ``{"params": n}`` or ``{"error": record}`` per build, so one broken model does not
    hide the others."""
    from grader.sandbox import worker

    subdir = os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    counts = []
    for spec in specs:
        try:
            model = build(module, spec)
            counts.append({"params": count_parameters(model)})
            del model
        except BaseException as exc:  # noqa: BLE001 - the student's error, reported by the judge
            counts.append({"error": worker.error_record(exc, subdir)})
    return counts


def counted(entry: dict, label: str) -> int:
    """Judge side: the count of one build, or that build's error as the student should see it."""
    from grader.sandbox.student import raise_for_record

    if "error" in entry:
        raise_for_record(entry["error"], label)
    return entry["params"]


# ----------------------------------------------------------------------------
# Judge side: oracles

def make_oracle(factory: Callable[[], nn.Module], *, probe_shape, seed: int, device,
                values: dict | None = None, calibrate_bn: bool = False, calibration_shape=None,
                ) -> tuple[nn.Module, dict]:
    """Build ``factory()`` without initialising it, trace it, give it seeded weights.

    ``values`` ({layer name: {role: tensor}}) overrides generated values. With
    ``calibrate_bn`` the running statistics are set from a train-mode pass (then
    jittered), so activations stay of order 1 in deep BN networks.
    Returns the model (eval mode, on ``device``) and the plain spec for the worker.
    """
    with torch.device("meta"):
        model = factory()
    model.to_empty(device=device)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats:
            m.reset_running_stats()
    model.eval()
    x = make_input(probe_shape, seed, device)
    trace = trace_model(model, x, shapes_only=True)
    desc = describe(trace, model)
    spec = {"layers": desc["layers"], "output_sources": desc["output_sources"], "events": desc["events"],
            "probe_shape": tuple(probe_shape), "seed": int(seed), "values": {}}
    by_name = {l["name"]: l for l in spec["layers"]}
    for name, roles in (values or {}).items():
        layer = by_name[name]
        spec["values"][str(layer["index"])] = {r: v.detach().cpu() for r, v in roles.items()}
    load_oracle_weights(trace, spec)
    if calibrate_bn:
        _calibrate(model, trace, spec, seed, device,
                   calibration_shape or (8,) + tuple(probe_shape[1:]))
    del trace
    return model, spec


def _calibrate(model: nn.Module, trace: Trace, spec: dict, seed: int, device, shape) -> None:
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in bns]
    for m in bns:
        m.momentum = 1.0
    model.train()
    with torch.no_grad(), precise_float32():
        model(make_input(shape, seed + 3, device))
    model.eval()
    for m, momentum in zip(bns, saved):
        m.momentum = momentum
    gen = torch.Generator().manual_seed(seed + 5)
    for o, layer in zip(spec["layers"], trace.layers):
        if o["kind"] != "bn":
            continue
        mean, var = layer["tensors"]["running_mean"], layer["tensors"]["running_var"]
        c = mean.numel()
        new_var = var.detach().cpu() * torch.empty(c).uniform_(0.8, 1.25, generator=gen)
        new_mean = mean.detach().cpu() + 0.1 * torch.randn(c, generator=gen) * var.detach().cpu().sqrt()
        with torch.no_grad():
            mean.copy_(new_mean.to(mean.device))
            var.copy_(new_var.to(var.device))
        spec["values"].setdefault(str(o["index"]), {}).update(
            {"running_mean": new_mean.clone(), "running_var": new_var.clone()})


def oracle_probe(model: nn.Module, spec: dict, *, device, evals: list = (), dropout: bool = False,
                 grad: list | None = None) -> dict:
    """The oracle's answers to the questions ``probe`` asks the student's model."""
    result: dict[str, Any] = {}
    with precise_float32():
        result["outputs"], first = run_eval(model, list(evals), spec["seed"], device, capture_first=dropout)
        if dropout:
            identity = {l["index"]: l["index"] for l in spec["layers"]}
            result["dropout"] = _stage_dropout(model, spec, identity, list(evals), first, device)
            del first
        if grad:
            result["grad"] = grad_probe(model, grad, spec["seed"] + 11, device)
    model.eval()
    return result


def expected_dropout(spec: dict) -> list[dict]:
    """For each linear layer of the oracle, the dropout probability its forward applies to
    that layer's input (0 when none), read off the oracle's traced ops: what
    ``dropout_stats`` should measure (a fraction p zeroed, the rest scaled by 1/(1−p))."""
    names = iter(l["name"] for l in spec["layers"] if l["kind"] == "linear")
    expected, pending = [], 0.0
    for event in spec["events"]:
        if event[0] == "dropout":
            pending = float(event[1]) if pending == 0 else 1 - (1 - pending) * (1 - float(event[1]))
        elif event[0] == "linear":
            expected.append({"layer": next(names), "zero_fraction": pending,
                             "scale": 1.0 / (1.0 - pending) if pending < 1 else float("inf")})
            pending = 0.0
        elif event[0] in ("conv", "bn"):
            pending = 0.0
    return expected


def meta_count(factory: Callable[[], nn.Module]) -> int:
    """An oracle's parameter count, without allocating it."""
    with torch.device("meta"):
        return count_parameters(factory())


# ----------------------------------------------------------------------------
# Judge side: reading the worker's answer

def take(result: dict, *stages: str, label: str) -> None:
    """Raise the failure of the first of ``stages`` that failed, as the student should see it."""
    from grader.judging.checks import fail
    from grader.sandbox.student import raise_for_record

    for stage in stages:
        record = result.get("errors", {}).get(stage)
        if record is None:
            continue
        if "transfer" in record:
            zh, en = record["transfer"]
            fail(f"无法把 torchvision 的权重载入你的模型 / {zh}",
                 f"cannot load torchvision's weights into your model: {en}")
        raise_for_record(record, label)


# ----------------------------------------------------------------------------
# Judge side: static check

def oracle_uses(source: str) -> list[str]:
    """Lines of ``source`` that reach for torchvision's models (or torch.hub), outside
    ``if __name__ == "__main__":`` blocks."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    body = [node for node in tree.body if not static.is_main_guard(node)]
    found: list[tuple[int, str]] = []
    tv_names = {"torchvision"}
    torch_names = {"torch"}
    for top in body:
        for node in ast.walk(top):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "torchvision" and alias.asname:
                        tv_names.add(alias.asname)
                    if alias.name == "torch" and alias.asname:
                        torch_names.add(alias.asname)
                    if alias.name.startswith("torchvision.models") or alias.name.startswith("torch.hub"):
                        found.append((node.lineno, f"import {alias.name}"))
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [a.name for a in node.names]
                if node.module.startswith("torchvision.models") or node.module.startswith("torch.hub"):
                    found.append((node.lineno, f"from {node.module} import {', '.join(names)}"))
                elif node.module == "torchvision" and "models" in names:
                    found.append((node.lineno, "from torchvision import models"))
                elif node.module == "torch" and "hub" in names:
                    found.append((node.lineno, "from torch import hub"))
    for top in body:
        for node in ast.walk(top):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.attr == "models" and node.value.id in tv_names:
                    found.append((node.lineno, f"{node.value.id}.models"))
                if node.attr == "hub" and node.value.id in torch_names:
                    found.append((node.lineno, f"{node.value.id}.hub"))
            elif isinstance(node, ast.Call):
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (
                            "torchvision.models" in arg.value or "pytorch/vision" in arg.value):
                        found.append((node.lineno, repr(arg.value)))
    return [f"line {n}: {text}" for n, text in sorted(set(found))]


def require_own_code(source: str) -> None:
    """Fail the check when the submission reaches for torchvision's models."""
    from grader.judging.checks import fail

    uses = oracle_uses(source)
    if uses:
        where = "; ".join(uses[:3])
        fail(f"你的代码使用了 torchvision.models ({where}): 这是评分用的参考实现, 请自己搭建网络",
             f"your code uses torchvision.models ({where}): that is what the grader compares against; "
             f"build the layers yourself")


# ----------------------------------------------------------------------------
# Judge side: comparing outputs

def expect_outputs(result: dict, answers: dict, indices, shapes, what: str, label: str) -> None:
    """The student's eval outputs (after the transfer) equal the oracle's."""
    from grader.judging.checks import expect_close

    for i in indices:
        take(result, "trace", "transfer", "eval", f"eval{i}", label=label)
        expected = answers["outputs"][i]
        scale = max(1.0, float(expected.detach().abs().max()))
        expect_close(result["outputs"][i], expected,
                     f"{what}, 输入 / input {list(shapes[i])} (torchvision 的权重, eval 模式 / "
                     f"torchvision's weights, eval mode)", atol=2e-4 * scale, rtol=1e-3)


def expect_on_device(result: dict, label: str, device: torch.device) -> None:
    """The model ran on ``device`` (CUDA) without making tensors on the CPU."""
    from grader.judging.checks import fail

    made = result.get("cpu_made") or []
    for stage in ["trace", "transfer", "eval"] + [f"eval{i}" for i in range(len(result.get("outputs") or ()))]:
        record = result.get("errors", {}).get(stage) or {}
        message = record.get("message") or ""
        if "device" in message.lower() or "cpu" in message.lower():
            where = f"; {made[0]}" if made else ""
            fail(f"{label}: forward 中混用了 CPU 与 {device.type} 张量{where}; 请用 device=x.device 创建张量\n{message}",
                 f"{label}: forward mixes CPU and {device.type} tensors{where}; create tensors with "
                 f"device=x.device\n{message}")
    if made:
        listing = "; ".join(made[:3])
        fail(f"{label}: 输入在 {device.type} 上时, forward 在 CPU 上创建了张量: {listing}",
             f"{label}: with the input on {device.type}, forward creates tensors on the CPU: {listing}; "
             f"create them with device=x.device")
    take(result, "trace", "transfer", "eval", *[f"eval{i}" for i in range(len(result.get("outputs") or ()))], label=label)
    for out in result["outputs"]:
        if not isinstance(out, torch.Tensor) or out.device.type != device.type:
            where = out.device if isinstance(out, torch.Tensor) else type(out).__name__
            fail(f"{label}: 输出应在 {device.type} 上, 你的在 {where}",
                 f"{label}: the output should be on {device.type}, yours is on {where}")
