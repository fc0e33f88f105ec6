"""What may cross between the judge and a worker (student code), and how.

Only plain values: None, bools, numbers, strings, bytes, lists, tuples, dicts
(plain keys), torch tensors and NumPy arrays (numeric dtypes). They travel in a
small tagged binary format that the judge parses as data: no pickle, nothing in
a message can name a class or a function to call, every length is checked
against what is left, and a message is refused beyond ``MAX_MESSAGE`` bytes or
``MAX_DEPTH`` levels. Text from a worker is shown through ``text()``, which
bounds it and strips what a terminal or a CI log would interpret.
"""

from __future__ import annotations

import math
import re
import struct
from typing import Any

import numpy as np
import torch

MAX_MESSAGE = 256 << 20
MAX_DEPTH = 64
MAX_TEXT = 4000

_NONE, _TRUE, _FALSE, _INT, _FLOAT, _STR, _BYTES = b"N", b"T", b"F", b"I", b"D", b"S", b"B"
_LIST, _TUPLE, _DICT, _TENSOR, _ARRAY = b"L", b"U", b"M", b"X", b"A"
_TORCH_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128,
    torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool)}


class WireError(TypeError):
    """A value that may not cross the process boundary, or a malformed message."""


# -- encoding -------------------------------------------------------------------------------

def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def _encode(value: Any, out: list[bytes], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None:
        out.append(_NONE)
    elif value is True or value is False:
        out.append(_TRUE if value else _FALSE)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        digits = str(int(value)).encode()
        out += [_INT, struct.pack("<I", len(digits)), digits]
    elif isinstance(value, (float, np.floating)):
        out += [_FLOAT, struct.pack("<d", float(value))]
    elif isinstance(value, np.bool_):
        out.append(_TRUE if bool(value) else _FALSE)
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        out += [_STR, struct.pack("<Q", len(data)), data]
    elif isinstance(value, (bytes, bytearray)):
        out += [_BYTES, struct.pack("<Q", len(value)), bytes(value)]
    elif isinstance(value, torch.Tensor):
        t = value.as_subclass(torch.Tensor)
        name = str(t.dtype).removeprefix("torch.")
        if name not in _TORCH_DTYPES or t.layout != torch.strided or t.is_quantized:
            raise WireError(f"cannot return a tensor of dtype {t.dtype} / layout {t.layout}")
        data = _tensor_bytes(t)
        header = f"{name}|{t.device.type}|{','.join(map(str, t.shape))}".encode()
        out += [_TENSOR, struct.pack("<I", len(header)), header, struct.pack("<Q", len(data)), data]
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            raise WireError(f"cannot return a NumPy array of dtype {value.dtype}")
        arr = np.ascontiguousarray(value)
        header = f"{arr.dtype.str}|{','.join(map(str, arr.shape))}".encode()
        data = arr.tobytes()
        out += [_ARRAY, struct.pack("<I", len(header)), header, struct.pack("<Q", len(data)), data]
    elif isinstance(value, (list, tuple, torch.Size)):
        out += [_TUPLE if isinstance(value, tuple) else _LIST, struct.pack("<Q", len(value))]
        for item in value:
            _encode(item, out, depth + 1)
    elif isinstance(value, dict):
        out += [_DICT, struct.pack("<Q", len(value))]
        for key, item in value.items():
            if not (key is None or isinstance(key, (str, int, bool, np.integer))):
                raise WireError(f"dict key of type {type(key).__name__}")
            _encode(key, out, depth + 1)
            _encode(item, out, depth + 1)
    elif isinstance(value, (torch.dtype, torch.device)):
        _encode(str(value), out, depth)
    else:
        raise WireError(f"cannot return a value of type {type(value).__name__}")


def encode(value: Any) -> bytes:
    out: list[bytes] = []
    _encode(value, out, 0)
    data = b"".join(out)
    if len(data) > MAX_MESSAGE:
        raise WireError(f"value too large ({len(data) >> 20} MB)")
    return data


# -- decoding (the judge: every byte is untrusted) -------------------------------------------

class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = memoryview(data), 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise WireError("truncated message")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> int | float:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]


def _shape(text: str) -> tuple[int, ...]:
    if not text:
        return ()
    dims = tuple(int(d) for d in text.split(","))
    if any(d < 0 for d in dims) or len(dims) > 32:
        raise WireError("bad shape")
    return dims


def _decode(r: _Reader, depth: int, device_map: Any) -> Any:
    if depth > MAX_DEPTH:
        raise WireError("message nested too deeply")
    tag = bytes(r.take(1))
    if tag == _NONE:
        return None
    if tag in (_TRUE, _FALSE):
        return tag == _TRUE
    if tag == _INT:
        n = r.unpack("<I")
        if n > 4300:
            raise WireError("integer too long")
        return int(bytes(r.take(n)))
    if tag == _FLOAT:
        return r.unpack("<d")
    if tag == _STR:
        return bytes(r.take(r.unpack("<Q"))).decode("utf-8", "replace")
    if tag == _BYTES:
        return bytes(r.take(r.unpack("<Q")))
    if tag in (_LIST, _TUPLE):
        n = r.unpack("<Q")
        if n > len(r.data) - r.pos:
            raise WireError("bad length")
        items = [_decode(r, depth + 1, device_map) for _ in range(n)]
        return tuple(items) if tag == _TUPLE else items
    if tag == _DICT:
        n = r.unpack("<Q")
        if n > len(r.data) - r.pos:
            raise WireError("bad length")
        result = {}
        for _ in range(n):
            key = _decode(r, depth + 1, device_map)
            if not (key is None or isinstance(key, (str, int, bool))):
                raise WireError("bad dict key")
            result[key] = _decode(r, depth + 1, device_map)
        return result
    if tag in (_TENSOR, _ARRAY):
        text = bytes(r.take(r.unpack("<I"))).decode("ascii", "replace")
        header = text.rsplit("|", 1) if tag == _ARRAY else text.split("|")  # "|u1" is a NumPy dtype
        data = bytes(r.take(r.unpack("<Q")))
        if tag == _ARRAY:
            if len(header) != 2:
                raise WireError("bad array header")
            dtype = np.dtype(header[0])
            if dtype.hasobject or dtype.kind not in "biufc":
                raise WireError("bad array dtype")
            shape = _shape(header[1])
            if math.prod(shape) * dtype.itemsize != len(data):
                raise WireError("array size does not match its shape")
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        if len(header) != 3 or header[0] not in _TORCH_DTYPES:
            raise WireError("bad tensor header")
        dtype, shape = _TORCH_DTYPES[header[0]], _shape(header[2])
        carrier = torch.int16 if dtype == torch.bfloat16 else dtype
        if math.prod(shape) * torch.empty((), dtype=carrier).element_size() != len(data):
            raise WireError("tensor size does not match its shape")
        t = torch.frombuffer(bytearray(data), dtype=carrier) if data else torch.empty(0, dtype=carrier)
        t = t.reshape(shape).view(dtype) if carrier != dtype else t.reshape(shape)
        device = device_map(header[1]) if device_map else "cpu"
        return t.to(device) if device != "cpu" else t
    raise WireError(f"unknown tag {tag!r}")


def _device_map(kind: str) -> str:
    return "cuda" if kind == "cuda" and torch.cuda.is_available() else "cpu"


def decode(data: bytes) -> Any:
    if len(data) > MAX_MESSAGE:
        raise WireError("message too large")
    reader = _Reader(data)
    value = _decode(reader, 0, _device_map)
    if reader.pos != len(data):
        raise WireError("trailing bytes in message")
    return value


# -- text from a worker, fit to show ------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_WORKFLOW_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """Untrusted text made harmless to print: bounded, no terminal escapes or control
    characters, and no line a CI runner would read as a command (``::notice``…)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = repr(value)
    value = _CONTROL.sub("�", _ANSI.sub("", value.replace("\r\n", "\n")))
    value = _WORKFLOW_COMMAND.sub(r"\1: :", value)
    return value if len(value) <= limit else value[:limit] + "\n… (truncated)"


def is_finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
