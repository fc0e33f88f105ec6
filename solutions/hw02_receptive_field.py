"""第二题 感受野 / Problem 2 (hw02_receptive_field): receptive field.

感受野 (receptive field) 是输出特征图上的一个像素在原始输入上"看到"的区域大小。
递推公式 (R_0 = J_0 = 1):

    R_l = R_{l-1} + (k_l - 1) · d_l · J_{l-1}
    J_l = J_{l-1} · s_l

其中 k 是卷积核 (或池化窗口) 大小, s 是步幅, d 是空洞率 (dilation), J 是
当前层相邻两个像素在输入上的间距 (jump)。

The receptive field of a unit is the region of the input it depends on. With
R_0 = J_0 = 1, each layer with kernel k, stride s and dilation d gives
R_l = R_{l-1} + (k - 1)·d·J_{l-1} and J_l = J_{l-1}·s.

作业 / Homework: 32×32 input, 3×3 conv (s1, p1) → 3×3 conv (s2, p0) → 2×2 pool (s2):
receptive_field == (7, 4), feature_map_sizes(32, ...) == [32, 15, 7].

``layers`` 可以是元组序列 ``(kernel, stride[, padding[, dilation]])``, 也可以是由
``nn.Conv2d`` / ``nn.MaxPool2d`` / ``nn.AvgPool2d`` 组成的 ``nn.Sequential``
(激活函数、BatchNorm、Dropout 等不改变尺寸的层跳过, 嵌套的 Sequential 也要遍历;
其他改变尺寸的层抛出 ValueError: 例如转置卷积、上采样、自适应池化、Linear、Flatten, 以及
残差块这类 forward 不是依次调用子模块的带子模块的模块)。

``layers`` is a sequence of tuples ``(kernel, stride[, padding[, dilation]])`` or an
``nn.Sequential`` of ``nn.Conv2d`` / ``nn.MaxPool2d`` / ``nn.AvgPool2d`` (layers that
keep the geometry, such as activations, batch norm and dropout, are skipped; nested
``nn.Sequential`` are walked; any other geometry-changing layer is a ValueError: transposed
convolutions, upsampling, adaptive pooling, Linear, Flatten, and modules with children whose
forward is not one child after the other, such as residual blocks).
"""

from __future__ import annotations

from torch import nn

# Layers that never change the spatial geometry of a feature map.
GEOMETRY_PRESERVING = (
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
    nn.Mish, nn.Sigmoid, nn.Tanh, nn.Hardtanh, nn.Hardswish, nn.Hardsigmoid, nn.Softplus,
    nn.BatchNorm2d, nn.GroupNorm, nn.InstanceNorm2d, nn.LocalResponseNorm,
    nn.Dropout, nn.Dropout2d, nn.Identity,
)


def _pair_to_int(value, what: str) -> int:
    """A square kernel/stride/dilation or symmetric padding given as int or (a, a)."""
    if isinstance(value, (tuple, list)):
        if len(set(value)) != 1:
            raise ValueError(f"only square {what} are supported, got {value}")
        value = value[0]
    if not isinstance(value, int):
        raise ValueError(f"{what} must be an int, got {value!r}")
    return value


def _layer_geometry(layer) -> tuple[int, int, int, int] | None:
    """(kernel, stride, padding, dilation) of one layer, or None for a pass-through layer."""
    ### BEGIN SOLUTION
    if isinstance(layer, (tuple, list)):
        if not 2 <= len(layer) <= 4:
            raise ValueError(f"a layer tuple is (kernel, stride[, padding[, dilation]]), got {layer}")
        kernel, stride, padding, dilation = tuple(layer) + (0, 1)[len(layer) - 2:]
        return int(kernel), int(stride), int(padding), int(dilation)
    if isinstance(layer, nn.Conv2d):
        kernel = _pair_to_int(layer.kernel_size, "kernels")
        dilation = _pair_to_int(layer.dilation, "dilations")
        padding = layer.padding
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if (dilation * (kernel - 1)) % 2:
                raise ValueError("padding='same' with an even span is asymmetric")
            padding = dilation * (kernel - 1) // 2
        return kernel, _pair_to_int(layer.stride, "strides"), _pair_to_int(padding, "paddings"), dilation
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        kernel = _pair_to_int(layer.kernel_size, "kernels")
        stride = _pair_to_int(layer.stride if layer.stride is not None else kernel, "strides")
        dilation = _pair_to_int(getattr(layer, "dilation", 1), "dilations")
        if layer.ceil_mode:
            raise ValueError("ceil_mode pooling is not supported")
        return kernel, stride, _pair_to_int(layer.padding, "paddings"), dilation
    if isinstance(layer, GEOMETRY_PRESERVING):
        return None
    raise ValueError(f"{type(layer).__name__} changes the geometry in a way this tool does not model")
    ### END SOLUTION


def _flatten(layers) -> list:
    """Walk nested nn.Sequential containers into a flat list of layers."""
    flat = []
    for layer in layers:
        if isinstance(layer, nn.Sequential):
            flat.extend(_flatten(layer))
        else:
            flat.append(layer)
    return flat


def _geometries(layers) -> list[tuple[int, int, int, int]]:
    geometries = [_layer_geometry(layer) for layer in _flatten(layers)]
    return [g for g in geometries if g is not None]


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> int:
    """输出尺寸 / Output size of a convolution or pooling along one axis.

    floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1;
    结果小于 1 时抛出 ValueError / a result below 1 is a ValueError.
    """
    ### BEGIN SOLUTION
    if kernel < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError(f"invalid geometry: kernel={kernel}, stride={stride}, "
                         f"padding={padding}, dilation={dilation}")
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"input of size {size} is too small for kernel {kernel} "
                         f"(dilation {dilation}, padding {padding})")
    return out
    ### END SOLUTION


def receptive_field(layers) -> tuple[int, int]:
    """感受野与跳距 / Receptive field R and jump J of the last layer, as ``(R, J)``.

    R_0 = J_0 = 1; R_l = R_{l−1} + (k_l − 1)·d_l·J_{l−1}; J_l = J_{l−1}·s_l.
    """
    ### BEGIN SOLUTION
    r, j = 1, 1
    for kernel, stride, _padding, dilation in _geometries(layers):
        r += (kernel - 1) * dilation * j
        j *= stride
    return r, j
    ### END SOLUTION


def feature_map_sizes(input_size: int, layers) -> list[int]:
    """每层之后的特征图边长 / Spatial size after each (geometry-changing) layer."""
    ### BEGIN SOLUTION
    sizes, size = [], input_size
    for kernel, stride, padding, dilation in _geometries(layers):
        size = conv_output_size(size, kernel, stride, padding, dilation)
        sizes.append(size)
    return sizes
    ### END SOLUTION


if __name__ == "__main__":
    homework = [(3, 1, 1), (3, 2, 0), (2, 2)]
    print("receptive field / 感受野:", receptive_field(homework))
    print("feature map sizes / 特征图尺寸:", feature_map_sizes(32, homework))
