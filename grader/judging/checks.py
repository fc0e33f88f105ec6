"""The judging vocabulary: judge-side comparisons with bilingual failure messages.

All comparisons happen in the judge process, on values returned by the worker,
so nothing a submission does to torch inside its own process can change them.
Each ``expect_*`` passes silently or raises ``CheckFailed`` with the sentence
from ``grader.judging.wording``; problem files pass values, not sentences.

    n = expect_number(got, "conv2d_params(16, 32, 3)", integer=True)
    t = expect_tensor(got, "denormalize(x)", shape=x.shape, floating=True, device=x.device)
    expect_in_range(t, 0.0, 1.0, "denormalize(x)")
    expect_unchanged(before, after, "denormalize(x)")
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch

from grader.judging.outcomes import CheckFailed, StudentError
from grader.judging.wording import say, show, type_name

__all__ = [
    "as_number", "expect", "expect_array", "expect_close", "expect_close_number", "expect_dtype",
    "expect_equal", "expect_finite", "expect_in_range", "expect_keys", "expect_len", "expect_number",
    "expect_raises", "expect_shape", "expect_tensor", "expect_type", "expect_unchanged", "fail",
]


def fail(zh: str, en: str, detail: str = "") -> None:
    raise CheckFailed(zh, en, detail)


def expect(condition: bool, zh: str, en: str, detail: str = "") -> None:
    """A claim only this check makes, in its own words."""
    if not condition:
        fail(zh, en, detail)


def _fail_with(key: str, **fields: Any) -> None:
    zh, en = say(key, **fields)
    fail(zh, en)


# -- numbers -------------------------------------------------------------------------

def as_number(value: Any) -> float | int | None:
    """A plain Python number, from an int/float, a NumPy scalar or a 0-d tensor."""
    if isinstance(value, bool):
        return None
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return None


def expect_number(got: Any, what: str, *, integer: bool = False) -> float | int:
    """``got`` as a plain number; an integral float (4640.0) counts as an integer."""
    n = as_number(got)
    if n is None:
        _fail_with("number", what=what, got=show(got, 120))
    if integer and not float(n).is_integer():
        _fail_with("integer", what=what, got=show(got, 120))
    return int(n) if integer else n


def expect_close_number(got: Any, expected: float, what: str, *, rel: float = 1e-9,
                        abs_tol: float = 0.0, why: str = "") -> float:
    n = expect_number(got, what)
    if not math.isclose(n, expected, rel_tol=rel, abs_tol=abs_tol):
        _fail_with("close_number", what=what, expected=f"{expected:.6g}", got=f"{n:.6g}",
                   why=f"  ({why})" if why else "")
    return n


# -- equality ------------------------------------------------------------------------

def expect_equal(got: Any, expected: Any, what: str, why: str = "") -> None:
    """Exact equality; numbers compare by value whatever their type (4640 == 4640.0)."""
    g, e = as_number(got), as_number(expected)
    same = (g == e) if (g is not None and e is not None) else _deep_equal(got, expected)
    if not same:
        _fail_with("equal", what=what, expected=show(expected), got=show(got), why=f"  ({why})" if why else "")


def _deep_equal(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k]) for k in a)
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None:
        return na == nb
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
                and a.shape == b.shape and bool(torch.equal(a.cpu(), b.cpu())))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and bool(np.array_equal(a, b)))
    return a == b


# -- types and containers ------------------------------------------------------------

def expect_type(got: Any, kinds: type | tuple[type, ...], what: str, *, named: str = "") -> Any:
    """``got`` must be an instance of ``kinds`` (``named`` says it in words, e.g. "nn.Conv2d")."""
    if not isinstance(got, kinds):
        expected = named or " / ".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
        _fail_with("type", what=what, expected=expected, got=type_name(got))
    return got


def expect_len(got: Any, n: int, what: str) -> Any:
    expect_type(got, (list, tuple), what, named="list / tuple")
    if len(got) != n:
        _fail_with("length", what=what, expected=n, got=len(got))
    return got


def expect_keys(got: Any, keys: Iterable[str], what: str) -> dict:
    expect_type(got, dict, what, named="dict")
    wanted = list(keys)
    missing = [k for k in wanted if k not in got]
    if missing:
        _fail_with("keys", what=what, expected=wanted, got=missing)
    return got


# -- tensors and arrays ---------------------------------------------------------------

def expect_shape(got: Any, shape: Sequence[int], what: str) -> None:
    if tuple(getattr(got, "shape", ())) != tuple(shape):
        _fail_with("shape", what=what, expected=tuple(shape), got=tuple(getattr(got, "shape", ())))


def expect_dtype(got: Any, dtype: Any, what: str) -> None:
    if got.dtype != dtype:
        _fail_with("dtype", what=what, expected=dtype, got=got.dtype)


def expect_tensor(got: Any, what: str, *, shape: Sequence[int] | None = None, dtype: torch.dtype | None = None,
                  floating: bool = False, device: torch.device | str | None = None) -> torch.Tensor:
    """``got`` is a tensor with the given shape, dtype, floating-point-ness and device."""
    expect_type(got, torch.Tensor, what, named="torch.Tensor")
    if shape is not None:
        expect_shape(got, shape, what)
    if dtype is not None:
        expect_dtype(got, dtype, what)
    if floating and not (got.is_floating_point() or got.is_complex()):
        _fail_with("floating", what=what, got=got.dtype)
    if device is not None and got.device != torch.device(device):
        _fail_with("device", what=what, expected=torch.device(device), got=got.device)
    return got


def expect_array(got: Any, what: str, *, shape: Sequence[int] | None = None, kind: str = "") -> np.ndarray:
    """``got`` is a NumPy array (``kind``: NumPy dtype kinds allowed, e.g. "fiu")."""
    expect_type(got, np.ndarray, what, named="numpy.ndarray")
    if shape is not None:
        expect_shape(got, shape, what)
    if kind and got.dtype.kind not in kind:
        _fail_with("dtype", what=what, expected=f"kind in {kind!r}", got=got.dtype)
    return got


def _as_float64(value: Any) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.asarray(value, dtype=np.float64))
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    return torch.tensor(value, dtype=torch.float64)


def expect_close(got: Any, expected: torch.Tensor | np.ndarray, what: str, *, atol: float = 1e-5,
                 rtol: float = 1e-4, check_device: bool = True) -> None:
    """Closeness (type and shape first, then values), as torch.testing would judge it."""
    if isinstance(expected, np.ndarray):
        expect_array(got, what, shape=expected.shape)
    else:
        expect_tensor(got, what, shape=expected.shape, device=expected.device if check_device else None,
                      floating=expected.is_floating_point())
    g, e = _as_float64(got), _as_float64(expected)
    if g.numel() == 0:
        return
    bad = ~torch.isclose(g, e, atol=atol, rtol=rtol, equal_nan=True)
    if bool(bad.any()):
        diff = (g - e).abs()
        diff[torch.isnan(diff)] = float("inf")
        idx = int(torch.argmax(diff.flatten()))
        where = tuple(map(int, np.unravel_index(idx, tuple(g.shape)))) if g.dim() else ()
        _fail_with("elements", what=what, bad=int(bad.sum()), n=g.numel(), where=where,
                   expected=f"{e.flatten()[idx].item():.6g}", got=f"{g.flatten()[idx].item():.6g}")


def expect_finite(got: Any, what: str) -> None:
    if not bool(torch.isfinite(_as_float64(got)).all()):
        _fail_with("finite", what=what)


def expect_in_range(got: Any, low: float, high: float, what: str) -> None:
    """Every value of a number, tensor or array lies in [low, high] (nan fails)."""
    values = _as_float64(got)
    if values.numel() == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    if not (low <= lo and hi <= high) or bool(torch.isnan(values).any()):
        _fail_with("range", what=what, low=low, high=high, got_low=f"{lo:.4g}", got_high=f"{hi:.4g}")


def expect_unchanged(before: Any, after: Any, what: str) -> None:
    """The input a student function received is bit-for-bit what it was before the call."""
    if not _deep_equal(before, after):
        _fail_with("unchanged", what=what)


# -- errors ----------------------------------------------------------------------------

def expect_raises(student_call: Callable[[], Any], exc_names: tuple[str, ...], what: str) -> str:
    """Run ``student_call()``; it must raise one of ``exc_names`` (by class name or a subclass
    of it, as reported by the worker). Returns the error message."""
    expected = " / ".join(exc_names)
    try:
        value = student_call()
    except StudentError as err:
        if any(name in err.mro for name in exc_names):
            return err.message
        _fail_with("raises", what=what, expected=expected, got=f"{err.exc_type}: {err.message}")
    _fail_with("returns_instead", what=what, expected=expected, got=show(value))
    return ""
