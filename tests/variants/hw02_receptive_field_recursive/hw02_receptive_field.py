"""hw02_receptive_field, a correct variant: a recursive walk that keeps (R, J, size) together.

Different names, a different structure (one generator of (k, s, p, d), torch's own
``_ConvNd`` check with ``transposed``), a white-list of layers that keep the geometry.
Must get full marks.
"""

from __future__ import annotations

from torch import nn

KEEP = (nn.ReLU, nn.LeakyReLU, nn.GELU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.BatchNorm2d, nn.Dropout,
        nn.Dropout2d, nn.Identity)


def _single(value, what):
    if isinstance(value, (tuple, list)):
        if any(v != value[0] for v in value):
            raise ValueError(f"non-square {what}: {value}")
        value = value[0]
    return int(value)


def _windows(layers):
    """Yield (k, s, p, d) for every layer that changes the geometry, in order."""
    for layer in layers:
        if isinstance(layer, nn.Sequential):
            yield from _windows(layer)
        elif isinstance(layer, (tuple, list)):
            if len(layer) not in (2, 3, 4):
                raise ValueError(f"bad layer tuple {layer}")
            k, s, p, d = (list(layer) + [0, 1][len(layer) - 2:])
            yield int(k), int(s), int(p), int(d)
        elif isinstance(layer, nn.modules.conv._ConvNd) and not layer.transposed and isinstance(layer, nn.Conv2d):
            if isinstance(layer.padding, str):
                raise ValueError("string padding")
            yield (_single(layer.kernel_size, "kernel"), _single(layer.stride, "stride"),
                   _single(layer.padding, "padding"), _single(layer.dilation, "dilation"))
        elif type(layer) in (nn.MaxPool2d, nn.AvgPool2d):
            if layer.ceil_mode:
                raise ValueError("ceil_mode")
            k = _single(layer.kernel_size, "kernel")
            yield (k, _single(layer.stride or k, "stride"), _single(layer.padding, "padding"),
                   _single(getattr(layer, "dilation", 1), "dilation"))
        elif isinstance(layer, KEEP):
            continue
        else:
            raise ValueError(f"cannot follow {type(layer).__name__}")


def conv_output_size(size, kernel, stride=1, padding=0, dilation=1):
    span = dilation * (kernel - 1) + 1
    if size + 2 * padding < span:
        raise ValueError("the window does not fit")
    return (size + 2 * padding - span) // stride + 1


def receptive_field(layers):
    field = jump = 1
    for k, s, _, d in _windows(layers):
        field, jump = field + (k - 1) * d * jump, jump * s
    return field, jump


def feature_map_sizes(input_size, layers):
    out, size = [], input_size
    for k, s, p, d in _windows(layers):
        size = conv_output_size(size, k, s, p, d)
        out.append(size)
    return out
