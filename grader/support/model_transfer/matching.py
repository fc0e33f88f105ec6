"""Model transfer, both sides: match the oracle's layers to the student's by kind, shape
and data flow, and say in both languages which layer did not match and why (used by
hw08_alexnet_vgg and hw09_resnet; the worker matches, the self-tests call it directly)."""

from __future__ import annotations

from typing import Iterable

from grader.support.model_transfer.shared import INPUT, LayerInfo, OracleSpec, TransferError
from grader.support.model_transfer.tracing import Description


def label(layer: LayerInfo) -> str:
    """``Conv2d 3→64 7×7 s2 p3 (no bias)``: what a layer is, in a message."""
    roles = layer.roles
    if layer.kind == "conv":
        w = roles.get("weight", (0, 0, 0, 0))
        g = layer.geometry
        text = (f"Conv2d {w[1] * g.groups}→{w[0]} {'×'.join(map(str, w[2:]))} "
                f"s{'×'.join(map(str, sorted(set(g.stride))))} p{'×'.join(map(str, sorted(set(g.padding))))}")
        if g.groups != 1:
            text += f" groups={g.groups}"
        if tuple(g.dilation) != (1, 1):
            text += f" dilation={g.dilation[0]}"
        return text + ("" if "bias" in roles else " (no bias)")
    if layer.kind == "linear":
        w = roles.get("weight", (0, 0))
        return f"Linear {w[1]}→{w[0]}" + ("" if "bias" in roles else " (no bias)")
    return f"BatchNorm2d {layer.channels}"


def _named(layer: LayerInfo) -> str:
    return f"{label(layer)} ({layer.name})"


def _source_text(sources: Iterable[int], layers: list[LayerInfo]) -> tuple[str, str]:
    """(English, Chinese) names of the layers ``sources`` lists."""
    by_index = {layer.index: layer for layer in layers}
    names = [by_index[s].name for s in sorted(sources) if s != INPUT]
    if INPUT in set(sources):
        return " + ".join(["the input", *names]), " + ".join(["输入", *names])
    if not names:
        return "nothing (a constant)", "无 (常量)"
    return " + ".join(names), " + ".join(names)


def _same_shapes(o: LayerInfo, s: LayerInfo) -> bool:
    if o.kind == "bn":
        return (o.roles.get("weight") or o.roles.get("running_mean")) == (
            s.roles.get("weight") or s.roles.get("running_mean"))
    return o.roles.get("weight") == s.roles.get("weight")


def match(oracle: OracleSpec | Description, student: Description,
          weight_storage: dict[int, int | None] | None = None) -> dict[int, int]:
    """oracle layer index -> student layer index, or ``TransferError``. ``weight_storage``
    (student layer index -> where its weight lives) refuses one layer matched twice."""
    o_layers, s_layers = oracle.layers, student.layers
    mapping = {INPUT: INPUT}
    used: set[int] = set()
    for o in o_layers:
        want = frozenset(mapping[p] for p in o.sources)
        free = [s for s in s_layers if s.index not in used]
        fed = [s for s in free if frozenset(s.sources) == want]
        exact = [s for s in fed if s.kind == o.kind and _same_shapes(o, s)]
        if not exact:
            raise _no_match(o, want, fed, free, o_layers, s_layers)
        _check_geometry(o, exact[0])
        mapping[o.index] = exact[0].index
        used.add(exact[0].index)

    want_out = frozenset(mapping[p] for p in oracle.output_sources)
    if frozenset(student.output_sources) != want_out:
        o_en, o_zh = _source_text(oracle.output_sources, o_layers)
        s_en, s_zh = _source_text(student.output_sources, s_layers)
        m_en, m_zh = _source_text(want_out, s_layers)
        raise TransferError(
            f"输出的来源不对: torchvision 的输出来自 {o_zh} (在你的模型中对应 {m_zh}), 你的输出来自 {s_zh}",
            f"the output is computed from the wrong layers: torchvision's comes from {o_en} "
            f"(in your model: {m_en}); yours comes from {s_en}")
    extra = [s for s in s_layers if s.index not in used]
    if extra:
        listing = ", ".join(_named(s) for s in extra[:4]) + (" …" if len(extra) > 4 else "")
        raise TransferError(f"你的模型多出了 torchvision 没有的层: {listing}",
                            f"your model has layers torchvision's does not: {listing}")
    _refuse_shared(mapping, {s.index: s for s in s_layers}, weight_storage or {})
    return {k: v for k, v in mapping.items() if k != INPUT}


def _refuse_shared(mapping: dict[int, int], s_by_index: dict[int, LayerInfo],
                   weight_storage: dict[int, int | None]) -> None:
    seen: set[int] = set()
    for s_index in mapping.values():
        ptr = weight_storage.get(s_index)
        if ptr is None:
            continue
        if ptr in seen:
            name = s_by_index[s_index].name
            raise TransferError(f"你的层 {name} 被用了两次 (共享权重)", f"your layer {name} is used twice (shared weights)")
        seen.add(ptr)


def _no_match(o: LayerInfo, want: frozenset, fed: list[LayerInfo], free: list[LayerInfo],
              o_layers: list[LayerInfo], s_layers: list[LayerInfo]) -> TransferError:
    src_en, src_zh = _source_text(o.sources, o_layers)
    mine_en, mine_zh = _source_text(want, s_layers)
    head_en = (f"layer {o.name} did not match: torchvision has {label(o)} here, fed by {src_en} "
               f"(in your model: {mine_en})")
    head_zh = f"层 {o.name} 不匹配: torchvision 在这里是 {label(o)}, 输入来自 {src_zh} (在你的模型中对应 {mine_zh})"
    here = [s for s in fed if s.kind == o.kind] or fed
    if here:
        got = "; ".join(_named(s) for s in here[:3])
        return TransferError(f"{head_zh}; 你的模型在这里是 {got}", f"{head_en}; got {got}")
    users = [s for s in free if set(s.sources) & set(want)]
    if users:
        got = "; ".join(f"{_named(s)} fed by {_source_text(s.sources, s_layers)[0]}" for s in users[:3])
        got_zh = "; ".join(f"{_named(s)} (输入来自 {_source_text(s.sources, s_layers)[1]})" for s in users[:3])
        return TransferError(f"{head_zh}; 你的模型中没有这样的层 (使用这个输出的是: {got_zh})",
                             f"{head_en}; your model has no such layer (what uses that output: {got})")
    twins = [s for s in free if s.kind == o.kind and _same_shapes(o, s)]
    if twins:
        s_en, s_zh = _source_text(twins[0].sources, s_layers)
        return TransferError(f"{head_zh}; 你的 {_named(twins[0])} 的输入却来自 {s_zh}",
                             f"{head_en}; your {_named(twins[0])} is fed by {s_en} instead")
    return TransferError(f"{head_zh}; 你的模型中没有这样的层", f"{head_en}; your model has no such layer")


def _check_geometry(o: LayerInfo, s: LayerInfo) -> None:
    problems = []
    if o.kind == "conv":
        problems += [key for key in ("stride", "padding", "dilation", "groups")
                     if getattr(o.geometry, key) != getattr(s.geometry, key)]
    if o.kind in ("conv", "linear") and "bias" in o.roles and "bias" not in s.roles:
        problems.append("bias")
    if o.kind == "bn":
        if not s.roles.get("running_mean") or s.training:
            raise TransferError(
                f"层 {o.name} 不匹配: 你的 {_named(s)} 在 eval 模式下没有使用滑动平均统计量 "
                f"(track_running_stats=False?)",
                f"layer {o.name} did not match: your {_named(s)} does not use running statistics in "
                f"eval mode (track_running_stats=False?)")
        if "weight" in o.roles and ("weight" not in s.roles or "bias" not in s.roles):
            problems.append("affine")
    if problems:
        raise TransferError(
            f"层 {o.name} 不匹配: 应为 {label(o)}, 你的是 {_named(s)} (不同: {', '.join(problems)})",
            f"layer {o.name} did not match: expected {label(o)}, got {_named(s)} "
            f"(differs in {', '.join(problems)})")
