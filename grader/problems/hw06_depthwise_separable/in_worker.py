"""hw06_depthwise_separable, worker side: build the student's ``DepthwiseSeparableConv`` and
report plain values (its two convolutions' settings and weights, its output)."""

from __future__ import annotations

from torch import nn


def describe_conv(conv) -> dict:
    """An attribute of the student's module, as plain values ("kind" says what it is)."""
    if not isinstance(conv, nn.Conv2d):
        return {"kind": type(conv).__name__}
    return {"kind": "nn.Conv2d", "in": conv.in_channels, "out": conv.out_channels,
            "kernel": tuple(conv.kernel_size), "stride": tuple(conv.stride),
            "padding": conv.padding if isinstance(conv.padding, str) else tuple(conv.padding),
            "groups": conv.groups, "bias": conv.bias is not None,
            "weight": conv.weight, "bias_value": conv.bias}


def build_and_run(module, configs: list[tuple], xs: list, standard_weight: bool = False) -> list[dict]:
    """For each configuration ``(c_in, c_out, k, stride, padding, bias)``: the module's parts,
    its parameter count and its output on x (with ``standard_weight``, also
    ``separable_to_standard_weight(module)``)."""
    results = []
    for (c_in, c_out, k, stride, padding, bias), x in zip(configs, xs):
        try:
            conv = module.DepthwiseSeparableConv(c_in, c_out, k, stride=stride, padding=padding, bias=bias)
            conv = conv.to(x.device)
            result = {"params": sum(p.numel() for p in conv.parameters()),
                      "depthwise": describe_conv(getattr(conv, "depthwise", None)),
                      "pointwise": describe_conv(getattr(conv, "pointwise", None)),
                      "out": conv(x)}
            if standard_weight:
                result["standard_weight"] = module.separable_to_standard_weight(conv)
        except Exception as exc:  # noqa: BLE001 - re-raised, naming the configuration (notes: Python ≥ 3.11)
            if hasattr(exc, "add_note"):
                exc.add_note(f"(DepthwiseSeparableConv({c_in}, {c_out}, {k}, stride={stride}, padding={padding}, "
                             f"bias={bias}))")
            raise
        results.append(result)
    return results
