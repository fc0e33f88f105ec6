"""Model transfer, judge side: build oracles from torchvision (hw08_alexnet_vgg,
hw09_resnet), ask the worker about the student's models, and turn the answers into
verdicts with bilingual messages.

An oracle is built on the ``meta`` device and only then given memory, so nothing is
initialised that the seeded weights overwrite; its structure is traced on a small
probe with the layers returning zeros. Every answer from the worker is read with
``ProbeResult.from_plain`` and compared here, in the judge.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable, NamedTuple

import torch
from torch import nn

from grader.judging import outcomes
from grader.judging.checks import expect, expect_close, fail
from grader.sandbox import wire
from grader.sandbox.student import raise_for_record
from grader.support.model_transfer import in_worker
from grader.support.model_transfer.measure import dropout_samples, dropout_stat, eval_input, grad_probe, run_eval
from grader.support.model_transfer.shared import (
    DROPOUT, STRUCTURE, TRANSFER, Build, Conv, Dropout, Linear, Norm, OracleSpec, ProbeResult, Seeds,
    SkipInit, count_parameters, eval_stage, make_input, precise_float32)
from grader.support.model_transfer.tracing import Trace, describe, trace_model
from grader.support.model_transfer.weights import load_oracle_weights


# -- oracles --------------------------------------------------------------------------------------

@dataclass
class Oracle:
    """torchvision's model with the seeded weights (eval mode), and its plain description."""

    model: nn.Module
    spec: OracleSpec

    def probe(self, evals: list = (), *, dropout_on: int | None = None, grad: list | None = None,
              device: torch.device | str = "cpu") -> ProbeResult:
        """The oracle's answers to what ``probe_student`` asks the student's model."""
        result = ProbeResult(params=count_parameters(self.model), events=list(self.spec.events))
        with precise_float32():
            result.outputs, captured = run_eval(self.model, list(evals), self.spec.seeds, device, capture=dropout_on)
            if captured is not None:
                identity = {o.index: o.index for o in self.spec.layers}
                x = eval_input(evals[dropout_on], dropout_on, self.spec.seeds, device)
                result.dropout = dropout_samples(self.model, self.spec, identity, captured, x)
            if grad:
                result.grad = grad_probe(self.model, grad, self.spec.seeds, device)
        self.model.eval()
        return result

    def variant(self, model: nn.Module, device: torch.device | str = "cpu") -> Oracle:
        """Another forward over this oracle's very layers (e.g. with LRN inserted): same weights,
        its own description. The layers must be the same ones, in the same order."""
        spec, trace = _describe(model, self.spec.probe_shape, self.spec.seed, device)
        own = {id(t) for t in [*self.model.parameters(), *self.model.buffers()]}
        shared = all(id(t) in own for layer in trace.layers for t in layer.tensors.values() if t is not None)
        if not shared or [(o.kind, o.roles) for o in spec.layers] != [(o.kind, o.roles) for o in self.spec.layers]:
            raise ValueError("a variant must run the oracle's own layers, in the same order")
        spec.values = self.spec.values
        return Oracle(model.eval(), spec)


def meta_count(factory: Callable[[], nn.Module]) -> int:
    """An oracle's parameter count, without allocating or initialising it."""
    with SkipInit(), torch.device("meta"):
        return count_parameters(factory())


def _describe(model: nn.Module, probe_shape, seed: int, device) -> tuple[OracleSpec, Trace]:
    model.eval()
    trace = trace_model(model, make_input(probe_shape, Seeds(seed).structure_input, device), shapes_only=True)
    d = describe(trace, model)
    return OracleSpec(d.layers, d.output_sources, d.events, tuple(probe_shape), int(seed)), trace


class _Arena:
    """One block of CPU memory that oracles are carved from, one after another. Touching fresh
    memory costs as much as computing with it (a page fault per 4 KiB, dearer in a VM), and the
    oracles of a run are built in turn, each dropped once its answers are taken: the block is
    reused while none of the tensors carved from it is alive, and a fresh one is taken otherwise."""

    ALIGN = 16  # elements: every tensor starts on a 64-byte boundary

    def __init__(self) -> None:
        self.block: torch.Tensor | None = None
        self.users: weakref.WeakSet = weakref.WeakSet()

    def take(self, sizes: list[int]) -> list[torch.Tensor]:
        """Flat float32 CPU tensors of ``sizes`` elements."""
        offsets, total = [], 0
        for n in sizes:
            offsets.append(total)
            total += -(-n // self.ALIGN) * self.ALIGN
        if any(True for _ in self.users):  # an earlier oracle still uses the block
            block = torch.empty(total)
        else:
            if self.block is None or self.block.numel() < total:
                self.block = None
                self.block = torch.empty(total)
            block = self.block
        return [block[o:o + n] for o, n in zip(offsets, sizes)]


_ARENA = _Arena()


def _materialize(model: nn.Module, device) -> None:
    """``model.to_empty(device=device)``: real (uninitialised) memory for a model built on the
    meta device, its float32 tensors on the CPU carved from ``_ARENA``."""
    if torch.device(device).type != "cpu":
        model.to_empty(device=device)
        return
    slots = [(m, name, t, True) for m in model.modules() for name, t in m.named_parameters(recurse=False)]
    slots += [(m, name, t, False) for m in model.modules() for name, t in m.named_buffers(recurse=False)]
    unique = list({id(t): t for _, _, t, _ in slots}.values())
    floats = [t for t in unique if t.dtype == torch.float32]
    fresh = {id(t): flat.view(t.shape) for t, flat in zip(floats, _ARENA.take([t.numel() for t in floats]))}
    fresh.update({id(t): torch.empty_like(t, device="cpu") for t in unique if id(t) not in fresh})
    made: dict[int, torch.Tensor] = {}
    for module, name, t, is_parameter in slots:
        if id(t) not in made:  # a tensor shared by two modules stays shared
            made[id(t)] = nn.Parameter(fresh[id(t)], t.requires_grad) if is_parameter else fresh[id(t)]
            _ARENA.users.add(made[id(t)])
        if is_parameter:
            module.register_parameter(name, made[id(t)])
        else:
            module.register_buffer(name, made[id(t)])


def build_oracle(factory: Callable[[], nn.Module], *, seed: int, probe_shape, device,
                 values: dict[str, dict[str, torch.Tensor]] | None = None, calibration=None) -> Oracle:
    """Build ``factory()`` without initialising it, trace it on ``probe_shape``, give it seeded
    weights. ``values`` ({layer name: {role: tensor}}) replaces generated ones. With a
    ``calibration`` shape the BatchNorm running statistics come from a train-mode pass on a
    seeded batch of that shape (then jittered), so activations stay of order 1 in deep
    networks."""
    with SkipInit(), torch.device("meta"):
        model = factory()
    _materialize(model, device)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats:
            m.reset_running_stats()
    spec, trace = _describe(model, probe_shape, seed, device)
    for name, roles in (values or {}).items():
        spec.values[spec.layer(name).index] = {r: v.detach().cpu() for r, v in roles.items()}
    load_oracle_weights(trace, spec)
    if calibration is not None:
        _calibrate(model, trace, spec, device, calibration)
    return Oracle(model.eval(), spec)


def _calibrate(model: nn.Module, trace: Trace, spec: OracleSpec, device, shape) -> None:
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.momentum = 1.0
    model.train()
    with torch.no_grad(), precise_float32():
        model(make_input(shape, spec.seeds.calibration_input, device))
    model.eval()
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    gen = torch.Generator().manual_seed(spec.seeds.running_stat_jitter)
    for o, layer in zip(spec.layers, trace.layers):
        if o.kind != "bn":
            continue
        mean, var = layer.tensors["running_mean"], layer.tensors["running_var"]
        c = mean.numel()
        new_var = var.detach().cpu() * torch.empty(c).uniform_(0.8, 1.25, generator=gen)
        new_mean = mean.detach().cpu() + 0.1 * torch.randn(c, generator=gen) * var.detach().cpu().sqrt()
        with torch.no_grad():
            mean.copy_(new_mean.to(mean.device))
            var.copy_(new_var.to(var.device))
        spec.values.setdefault(o.index, {}).update({"running_mean": new_mean.clone(), "running_var": new_var.clone()})


class ExpectedDropout(NamedTuple):
    layer: str
    zero_fraction: float
    scale: float


def expected_dropout(spec: OracleSpec) -> list[ExpectedDropout]:
    """For each linear layer of the oracle, the dropout its forward applies to that layer's
    input, read off the oracle's traced ops (0 and 1 when none)."""
    names = iter(o.name for o in spec.layers if o.kind == "linear")
    expected, pending = [], 0.0
    for event in spec.events:
        if isinstance(event, Dropout):
            pending = 1 - (1 - pending) * (1 - event.p)
        elif isinstance(event, Linear):
            scale = 1.0 / (1.0 - pending) if pending < 1 else float("inf")
            expected.append(ExpectedDropout(next(names), pending, scale))
            pending = 0.0
        elif isinstance(event, (Conv, Norm)):
            pending = 0.0
    return expected


# -- asking the worker --------------------------------------------------------------------------

def model_timeout(student) -> float:
    """Seconds for one call that builds and runs a whole network: a few times the usual limit."""
    return 4 * student.call_timeout


def count_builds(student, builds: list[Build], *, keep: tuple[Build, ...] = ()) -> dict[str, dict]:
    """Every build's parameter count (or error), by label, in one request; ``keep``: the builds
    a later ``probe_student`` of this worker will use, built once for both."""
    entries = student.run(in_worker.count_models, [b.plain() for b in builds], keep=[b.label for b in keep],
                          timeout=model_timeout(student), describe=", ".join(b.label for b in builds[:3]) + " …")
    return {b.label: e for b, e in zip(builds, entries)}


def params_of(counts: dict[str, dict], build: Build) -> int:
    """The parameter count of one build, or that build's error as the student should see it."""
    entry = counts[build.label]
    if "error" in entry:
        raise_for_record(entry["error"], build.label)
    return entry["params"]


def probe_student(student, build: Build, oracle: OracleSpec, device: torch.device, evals: list = (), *,
                  dropout_on: int | None = None, grad: list | None = None) -> ProbeResult:
    """The student's ``build`` with ``oracle``'s weights: what ``Oracle.probe`` measures on the oracle."""
    value = student.run(in_worker.probe, build.plain(), oracle=oracle.plain(), device=str(device),
                        evals=list(evals), dropout_on=dropout_on, grad=grad, timeout=model_timeout(student),
                        describe=build.label)
    try:
        return ProbeResult.from_plain(value)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        raise outcomes.CheckFailed(f"{build.label}: 评分器无法读取运行你的代码的进程的回答",
                                   f"{build.label}: the worker's answer is malformed") from None


# -- reading the answers --------------------------------------------------------------------------

def require(result: ProbeResult, *stages: str, label: str) -> None:
    """Raise the failure of the first of ``stages`` that failed, as the student should see it."""
    for stage in stages:
        record = result.errors.get(stage)
        if record is None:
            continue
        if "transfer" in record:
            zh, en = (wire.text(t) for t in record["transfer"])
            fail(f"无法把 torchvision 的权重载入你的模型: {zh}", f"cannot load torchvision's weights into your model: {en}")
        raise_for_record(record, label)


def expect_output(result: ProbeResult, answers: ProbeResult, i: int, shape, label: str, what: str = "") -> None:
    """The student's eval output on input ``i`` (after the transfer) equals the oracle's."""
    require(result, STRUCTURE, TRANSFER, eval_stage(i), label=label)
    expected = answers.outputs[i]
    scale = max(1.0, float(expected.detach().abs().max()))
    expect(i < len(result.outputs), f"{label}: 缺少输出", f"{label}: an output is missing")
    expect_close(result.outputs[i], expected, f"{what or label}, 输入 / input {list(shape)} (torchvision 的权重, "
                 f"eval 模式 / torchvision's weights, eval mode)", atol=2e-4 * scale, rtol=1e-3)


def expect_dropout_like(result: ProbeResult, spec: OracleSpec, on: int, label: str) -> None:
    """Dropout as torchvision's forward applies it (its traced ops give each linear layer's p),
    measured on the student's model in train mode on eval input ``on``."""
    require(result, STRUCTURE, TRANSFER, eval_stage(on), DROPOUT, label=label)
    expected = expected_dropout(spec)
    expect(len(result.dropout) == len(expected), f"{label}: 缺少 dropout 的测量", f"{label}: dropout was not measured")
    for sample, want in zip(result.dropout, expected):
        got = dropout_stat(sample)
        zero_ok = abs(got.zero_fraction - want.zero_fraction) <= 0.06
        scale_ok = abs(got.scale - want.scale) <= 1e-3 * want.scale and got.scale_spread < 1e-3
        if not (zero_ok and scale_ok):
            fail(f"{label}: 训练模式下, torchvision 在 {want.layer} 之前的 dropout 把约 {want.zero_fraction:.0%} 的输入置 0 "
                 f"并把其余乘以 {want.scale:.3g}; 你的模型置 0 约 {got.zero_fraction:.0%}, 乘以 {got.scale:.3g} "
                 f"(dropout 的位置或 p 不对?)",
                 f"{label}: in train mode, torchvision's dropout before {want.layer} zeroes about "
                 f"{want.zero_fraction:.0%} of that layer's inputs and scales the rest by {want.scale:.3g}; "
                 f"yours zeroes {got.zero_fraction:.0%} and scales by {got.scale:.3g} "
                 f"(dropout in the wrong place, or the wrong p?)")


def expect_on_device(result: ProbeResult, label: str, device: torch.device) -> None:
    """The model ran on ``device`` (CUDA) without making tensors on the CPU."""
    made = result.cpu_made
    stages = [STRUCTURE, TRANSFER] + [eval_stage(i) for i in range(len(result.outputs))]
    for stage in stages:
        message = wire.text((result.errors.get(stage) or {}).get("message"))
        if "device" in message.lower() or "cpu" in message.lower():
            where = f"; {wire.text(made[0])}" if made else ""
            fail(f"{label}: forward 中混用了 CPU 与 {device.type} 张量{where}; 请用 device=x.device 创建张量\n{message}",
                 f"{label}: forward mixes CPU and {device.type} tensors{where}; create tensors with "
                 f"device=x.device\n{message}")
    if made:
        listing = wire.text("; ".join(made[:3]))
        fail(f"{label}: 输入在 {device.type} 上时, forward 在 CPU 上创建了张量: {listing}",
             f"{label}: with the input on {device.type}, forward creates tensors on the CPU: {listing}; "
             f"create them with device=x.device")
    require(result, *stages, label=label)
    for out in result.outputs:
        if not isinstance(out, torch.Tensor) or out.device.type != device.type:
            where = out.device if isinstance(out, torch.Tensor) else type(out).__name__
            fail(f"{label}: 输出应在 {device.type} 上, 你的在 {where}",
                 f"{label}: the output should be on {device.type}, yours is on {where}")
