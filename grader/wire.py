"""What may cross from a worker (student code) back to the judge.

Only plain values: None, bools, numbers, strings, bytes, lists, tuples, dicts,
torch tensors and NumPy arrays. The worker encodes them with ``torch.save``; the
judge decodes with ``torch.load(weights_only=True)``, whose unpickler refuses
arbitrary globals, so a student object with a malicious ``__reduce__`` cannot run
code in the judge. NumPy arrays travel as tagged raw bytes for the same reason.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import torch

_NDARRAY = "__ndarray__"
_TUPLE = "__tuple__"


class WireError(TypeError):
    """A value that may not cross the process boundary."""


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Turn a worker-side value into something ``decode`` accepts."""
    if _depth > 50:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, str, bytes)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):
        return to_plain(value.item(), _depth + 1)
    if isinstance(value, torch.Tensor):
        # A fresh plain tensor: drops autograd history and Tensor subclasses.
        return value.detach().clone().as_subclass(torch.Tensor)
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise WireError("NumPy array of Python objects")
        arr = np.ascontiguousarray(value)
        return {_NDARRAY: arr.tobytes(), "dtype": arr.dtype.str, "shape": list(arr.shape)}
    if isinstance(value, (torch.Size,)):
        return {_TUPLE: [int(v) for v in value]}
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if isinstance(value, tuple):
        return {_TUPLE: [to_plain(v, _depth + 1) for v in value]}
    if isinstance(value, list):
        return [to_plain(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {_plain_key(k): to_plain(v, _depth + 1) for k, v in value.items()}
    raise WireError(f"cannot return a value of type {type(value).__name__}")


def _plain_key(key: Any) -> Any:
    if isinstance(key, (str, int, bool)) or key is None:
        return key
    if isinstance(key, np.generic):
        return key.item()
    raise WireError(f"dict key of type {type(key).__name__}")


def from_plain(value: Any) -> Any:
    """Inverse of ``to_plain`` (judge side)."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if isinstance(value, dict):
        if _NDARRAY in value:
            dtype = np.dtype(value["dtype"])
            if dtype.hasobject:
                raise WireError("NumPy array of Python objects")
            return np.frombuffer(value[_NDARRAY], dtype=dtype).reshape(value["shape"]).copy()
        if _TUPLE in value and len(value) == 1:
            return tuple(from_plain(v) for v in value[_TUPLE])
        return {k: from_plain(v) for k, v in value.items()}
    return value


def encode(value: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(to_plain(value), buffer)
    return buffer.getvalue()


def decode(data: bytes, map_location: Any = None) -> Any:
    value = torch.load(io.BytesIO(data), weights_only=True, map_location=map_location)
    return from_plain(value)


def is_finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
