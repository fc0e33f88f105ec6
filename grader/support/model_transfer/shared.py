"""Model transfer, both sides: the plain records that cross the process boundary, the
seeds both sides derive their random numbers from, and the inputs they make from them
(used by hw08_alexnet_vgg and hw09_resnet).

The wire carries only plain values, so every record here has ``plain()`` (what is
sent) and ``from_plain()`` (what is read back). The judge reads the worker's answer
with ``from_plain`` too: a malformed answer raises ``ValueError`` there, never a
verdict.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, fields
from typing import Any, Iterator, NamedTuple

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

INPUT = -1  # the model's input, where it appears among a layer's sources
KIND_NAMES = {"conv": "Conv2d", "linear": "Linear", "bn": "BatchNorm2d"}
ROLE_CODES = {"weight": 1, "bias": 2, "running_mean": 3, "running_var": 4}


class TransferError(Exception):
    """The student's model cannot take the oracle's weights; ``zh`` / ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(en)


# -- seeds ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seeds:
    """Every random stream of one oracle, derived from its one seed, so that the judge (on
    torchvision's model) and the worker (on the student's) draw the same numbers without
    sending them. The offsets only keep the streams apart."""

    base: int

    def weight(self, index: int, role: str) -> int:
        """The generated value of one tensor: layer ``index``'s ``role``."""
        return (self.base * 1_000_003 + index * 17 + ROLE_CODES[role]) % (2**62)

    def eval_input(self, i: int) -> int:
        """The ``i``-th eval input (outputs compared with the oracle's)."""
        return self.base + 100 + i

    @property
    def structure_input(self) -> int:
        """The probe the structure is traced on (its values never matter: layers return zeros)."""
        return self.base

    @property
    def dropout_masks(self) -> int:
        """``torch.manual_seed`` before the train-mode pass that measures dropout."""
        return self.base

    @property
    def calibration_input(self) -> int:
        """The batch whose statistics become an oracle's BatchNorm running statistics."""
        return self.base + 3

    @property
    def running_stat_jitter(self) -> int:
        """The noise added to those statistics (so that they are not the batch's own)."""
        return self.base + 5

    @property
    def grad_input(self) -> int:
        return self.base + 11

    @property
    def grad_upstream(self) -> int:
        """g in ∂(y·g)/∂x."""
        return self.base + 12


class SkipInit(TorchFunctionMode):
    """Building a model without initialising its parameters: every weight that matters is
    overwritten by the transfer, and counting parameters needs no values."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name.endswith("_") and getattr(func, "__module__", None) == "torch.nn.init":
            return args[0] if args else kwargs.get("tensor")
        if name in ("normal_", "uniform_") and args and isinstance(args[0], nn.Parameter):
            return args[0]
        return func(*args, **kwargs)


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def make_input(shape, seed: int, device: str | torch.device = "cpu") -> torch.Tensor:
    """A seeded standard-normal tensor, the same in the judge and in the worker."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randn(tuple(shape), generator=gen).to(device)


@contextlib.contextmanager
def precise_float32() -> Iterator[None]:
    """No TF32 on CUDA while outputs are compared (both sides use this)."""
    saved = []
    for owner in (torch.backends.cuda.matmul, torch.backends.cudnn):
        try:
            saved.append((owner, "allow_tf32", owner.allow_tf32))
            owner.allow_tf32 = False
        except (AttributeError, RuntimeError):  # a torch that only takes the fp32_precision API
            target = getattr(owner, "conv", owner)
            with contextlib.suppress(AttributeError, RuntimeError):
                saved.append((target, "fp32_precision", target.fp32_precision))
                target.fp32_precision = "ieee"
    try:
        yield
    finally:
        for owner, attr, old in reversed(saved):
            with contextlib.suppress(AttributeError, RuntimeError):
                setattr(owner, attr, old)


# -- what to build --------------------------------------------------------------------------

class Attr(NamedTuple):
    """An argument that stands for the student module's own attribute (``ResNet(BasicBlock, …)``)."""
    name: str


@dataclass(frozen=True)
class Build:
    """A call of the student's module that makes a model: ``vgg16(num_classes=10)``."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        def show(v: Any) -> str:
            return v.name if isinstance(v, Attr) else repr(v)

        parts = [show(a) for a in self.args] + [f"{k}={show(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"

    def plain(self) -> dict:
        def put(v: Any) -> Any:
            return {"attr": v.name} if isinstance(v, Attr) else v

        return {"name": self.name, "args": [put(a) for a in self.args],
                "kwargs": {k: put(v) for k, v in self.kwargs.items()}}

    @classmethod
    def from_plain(cls, d: dict) -> Build:
        def get(v: Any) -> Any:
            return Attr(v["attr"]) if isinstance(v, dict) and set(v) == {"attr"} else v

        return cls(d["name"], tuple(get(a) for a in d["args"]), {k: get(v) for k, v in d["kwargs"].items()})


# -- what a traced forward did ----------------------------------------------------------------

def _ints(value: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in value)


class Geometry(NamedTuple):
    """How a convolution slides (every convolution has one; other layers keep the defaults)."""
    stride: tuple[int, ...] = (1, 1)
    padding: tuple[int, ...] = (0, 0)
    dilation: tuple[int, ...] = (1, 1)
    groups: int = 1


@dataclass(frozen=True)
class LayerInfo:
    """One parameterised layer (a conv2d / linear / batch_norm call) as the other side sees it."""

    index: int                          # position in execution order
    kind: str                           # "conv" | "linear" | "bn"
    name: str                           # the module path of its weight, for messages
    sources: tuple[int, ...]            # layers (or INPUT) whose outputs reach its input
    roles: dict[str, tuple[int, ...]]   # role ("weight", "bias", ...) -> shape of the tensor used
    geometry: Geometry = Geometry()
    training: bool = False              # batch norm: batch statistics in use
    in_shape: tuple[int, ...] = ()
    out_shape: tuple[int, ...] = ()

    @property
    def channels(self) -> int:
        """Output channels / features (from the weight or, for batch norm, the running mean)."""
        shape = self.roles.get("weight") or self.roles.get("running_mean") or (0,)
        return int(shape[0])

    def plain(self) -> dict:
        return {"index": self.index, "kind": self.kind, "name": self.name, "sources": list(self.sources),
                "roles": dict(self.roles), "geometry": tuple(self.geometry), "training": self.training,
                "in_shape": self.in_shape, "out_shape": self.out_shape}

    @classmethod
    def from_plain(cls, d: dict) -> LayerInfo:
        g = d["geometry"]
        return cls(int(d["index"]), str(d["kind"]), str(d["name"]), _ints(d["sources"]),
                   {str(r): _ints(s) for r, s in d["roles"].items()},
                   Geometry(_ints(g[0]), _ints(g[1]), _ints(g[2]), int(g[3])), bool(d["training"]),
                   _ints(d["in_shape"]), _ints(d["out_shape"]))


# Events: what ``forward`` did, in order, for structural checks (pooling geometry,
# activations, dropout, …). One typed record per kind (frozen dataclasses: two events
# are equal only when they are of the same kind); ``plain`` sends ``(tag, *fields)``.

@dataclass(frozen=True)
class Conv:
    in_channels: int
    out_channels: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    groups: int


@dataclass(frozen=True)
class Linear:
    in_features: int
    out_features: int


@dataclass(frozen=True)
class Norm:
    channels: int


@dataclass(frozen=True)
class Pool:
    op: str  # "max" | "avg"
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]


@dataclass(frozen=True)
class AdaptivePool:
    op: str  # "max" | "avg"
    size: tuple


@dataclass(frozen=True)
class Relu:
    pass


@dataclass(frozen=True)
class Activation:
    """Any activation other than ReLU (tanh, sigmoid, gelu, …)."""
    name: str


@dataclass(frozen=True)
class Dropout:
    p: float
    training: bool


@dataclass(frozen=True)
class Lrn:
    size: int
    alpha: float
    beta: float
    k: float


@dataclass(frozen=True)
class Add:
    """Two tensors added (a residual connection)."""


Event = Conv | Linear | Norm | Pool | AdaptivePool | Relu | Activation | Dropout | Lrn | Add
EVENT_TAGS: dict[str, type] = {"conv": Conv, "linear": Linear, "bn": Norm, "pool": Pool,
                               "adaptive_pool": AdaptivePool, "relu": Relu, "activation": Activation,
                               "dropout": Dropout, "lrn": Lrn, "add": Add}
_TAG_OF = {cls: tag for tag, cls in EVENT_TAGS.items()}


def event_plain(event: Event) -> tuple:
    return (_TAG_OF[type(event)], *(getattr(event, f.name) for f in fields(event)))


def event_from_plain(value: Any) -> Event:
    if not isinstance(value, (tuple, list)) or not value or value[0] not in EVENT_TAGS:
        raise ValueError(f"not an event: {value!r:.80}")
    return EVENT_TAGS[value[0]](*value[1:])


# -- the oracle, as the worker receives it ----------------------------------------------------

@dataclass
class OracleSpec:
    """torchvision's model described for the worker: its layers, where its output comes from,
    its events, the probe to trace on, the seed of its weights, and the values that are not
    generated (layer index -> role -> tensor: calibrated statistics, zeroed branches)."""

    layers: list[LayerInfo]
    output_sources: tuple[int, ...]
    events: list[Event]
    probe_shape: tuple[int, ...]
    seed: int
    values: dict[int, dict[str, torch.Tensor]] = field(default_factory=dict)

    @property
    def seeds(self) -> Seeds:
        return Seeds(self.seed)

    def layer(self, name: str) -> LayerInfo:
        return next(layer for layer in self.layers if layer.name == name)

    def plain(self) -> dict:
        return {"layers": [layer.plain() for layer in self.layers], "output_sources": list(self.output_sources),
                "events": [event_plain(e) for e in self.events], "probe_shape": self.probe_shape,
                "seed": self.seed, "values": self.values}

    @classmethod
    def from_plain(cls, d: dict) -> OracleSpec:
        return cls([LayerInfo.from_plain(layer) for layer in d["layers"]], _ints(d["output_sources"]),
                   [event_from_plain(e) for e in d["events"]], _ints(d["probe_shape"]), int(d["seed"]),
                   {int(i): dict(roles) for i, roles in d["values"].items()})


# -- the answer ---------------------------------------------------------------------------------

class DropoutSample(NamedTuple):
    """The input of one of the oracle's linear layers in train mode (``got``) and what it would
    be without dropout (``ref``), both measured on the student's model (or the oracle's)."""
    layer: str
    got: torch.Tensor
    ref: torch.Tensor


class GradSample(NamedTuple):
    """Train-mode ``y = model(x)`` and ∂(y·g)/∂x (None when x got no gradient)."""
    y: torch.Tensor
    grad: torch.Tensor | None


# Stages of a probe, in order; a failed stage is recorded and the later ones are skipped.
STRUCTURE, TRANSFER, DROPOUT, GRAD = "structure", "transfer", "dropout", "grad"


def eval_stage(i: int) -> str:
    return f"eval{i}"


@dataclass
class ProbeResult:
    """What a probe of a model measured. ``errors`` maps a stage to what went wrong there: a
    worker error record, or ``{"transfer": [zh, en]}`` when the weights could not be loaded."""

    params: int
    errors: dict[str, dict] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    outputs: list[torch.Tensor | None] = field(default_factory=list)
    dropout: list[DropoutSample] = field(default_factory=list)
    grad: GradSample | None = None
    cpu_made: list[str] = field(default_factory=list)  # ops that made CPU tensors with a CUDA input

    def plain(self) -> dict:
        return {"params": self.params, "errors": self.errors, "events": [event_plain(e) for e in self.events],
                "outputs": list(self.outputs), "dropout": [tuple(s) for s in self.dropout],
                "grad": tuple(self.grad) if self.grad is not None else None, "cpu_made": list(self.cpu_made)}

    @classmethod
    def from_plain(cls, d: dict) -> ProbeResult:
        grad = d["grad"]
        return cls(int(d["params"]), {str(k): dict(v) for k, v in d["errors"].items()},
                   [event_from_plain(e) for e in d["events"]], list(d["outputs"]),
                   [DropoutSample(str(n), got, ref) for n, got, ref in d["dropout"]],
                   GradSample(*grad) if grad is not None else None, [str(s) for s in d["cpu_made"]])
