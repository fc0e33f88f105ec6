"""hw03_conv_cost, a correct variant: torch's ``_pair``, MACs from the weight count, a list out_shape.

Must get full marks.
"""

from torch.nn.modules.utils import _pair


def conv2d_params(c_in, c_out, kernel, bias=True, groups=1):
    k_h, k_w = _pair(kernel)
    return c_out * (c_in // groups * k_h * k_w + int(bias))


def conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups=1):
    return conv2d_params(c_in, c_out, kernel, bias=False, groups=groups) * out_h * out_w


def conv2d_flops(c_in, c_out, kernel, out_h, out_w, groups=1):
    return conv2d_macs(c_in, c_out, kernel, out_h, out_w, groups) * 2


def conv2d_cost(c_in, c_out, kernel, in_h, in_w, stride=1, padding=0, bias=True, groups=1):
    out = [(n + 2 * padding - k) // stride + 1 for n, k in zip((in_h, in_w), _pair(kernel))]
    macs = conv2d_macs(c_in, c_out, kernel, *out, groups=groups)
    return {"out_shape": [c_out, *out], "flops": 2 * macs, "macs": macs,
            "params": conv2d_params(c_in, c_out, kernel, bias, groups)}
