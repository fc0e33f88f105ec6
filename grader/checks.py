"""Judge-side comparisons with bilingual failure messages.

All comparisons happen in the judge process, on values returned by the worker,
so nothing a submission does to torch inside its own process can change them.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch

from grader.outcomes import CheckFailed, StudentError


def fail(zh: str, en: str, detail: str = "") -> None:
    raise CheckFailed(zh, en, detail)


def expect(condition: bool, zh: str, en: str, detail: str = "") -> None:
    if not condition:
        fail(zh, en, detail)


def _show(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        if value.numel() <= 8:
            return f"tensor({value.tolist()}, dtype={value.dtype})"
        return f"<tensor shape={tuple(value.shape)} dtype={value.dtype} device={value.device}>"
    if isinstance(value, np.ndarray):
        return f"<ndarray shape={value.shape} dtype={value.dtype}>"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


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


def expect_equal(got: Any, expected: Any, what: str, why: str = "") -> None:
    """Exact equality; numbers compare by value whatever their type (4640 == 4640.0)."""
    g, e = as_number(got), as_number(expected)
    same = (g == e) if (g is not None and e is not None) else _deep_equal(got, expected)
    if not same:
        note = f"  ({why})" if why else ""
        fail(f"{what}: 期望 {_show(expected)}, 你的结果是 {_show(got)}{note}",
             f"{what}: expected {_show(expected)}, got {_show(got)}")


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
    return a == b


def expect_close(got: Any, expected: torch.Tensor, what: str, *, atol: float = 1e-5,
                 rtol: float = 1e-4, check_device: bool = True) -> None:
    """Tensor closeness (shape first, then values), as torch.testing would judge it."""
    if not isinstance(got, torch.Tensor):
        fail(f"{what}: 应返回张量, 你的结果是 {_show(got)}",
             f"{what}: expected a tensor, got {_show(got)}")
    if tuple(got.shape) != tuple(expected.shape):
        fail(f"{what}: 形状应为 {tuple(expected.shape)}, 你的是 {tuple(got.shape)}",
             f"{what}: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}")
    if check_device and got.device != expected.device:
        fail(f"{what}: 张量应在 {expected.device} 上, 你的在 {got.device} 上",
             f"{what}: expected the tensor on {expected.device}, got it on {got.device}")
    if not (got.is_floating_point() or got.is_complex()) and expected.is_floating_point():
        fail(f"{what}: 应为浮点张量, 你的是 {got.dtype}",
             f"{what}: expected a floating-point tensor, got {got.dtype}")
    g = got.detach().to("cpu", torch.float64)
    e = expected.detach().to("cpu", torch.float64)
    if g.numel() == 0:
        return
    bad = ~torch.isclose(g, e, atol=atol, rtol=rtol, equal_nan=True)
    if bool(bad.any()):
        diff = (g - e).abs()
        diff[torch.isnan(diff)] = float("inf")
        idx = int(torch.argmax(diff.flatten()))
        where = np.unravel_index(idx, tuple(g.shape)) if g.dim() else ()
        fail(f"{what}: {int(bad.sum())}/{g.numel()} 个元素不一致; 位置 {tuple(map(int, where))} 期望 "
             f"{e.flatten()[idx].item():.6g}, 你的结果 {g.flatten()[idx].item():.6g}",
             f"{what}: {int(bad.sum())} of {g.numel()} elements differ; at {tuple(map(int, where))} "
             f"expected {e.flatten()[idx].item():.6g}, got {g.flatten()[idx].item():.6g}")


def expect_raises(student_call, exc_names: tuple[str, ...], what: str) -> str:
    """Run ``student_call()``; it must raise one of ``exc_names`` (by class name or a subclass
    of it, as reported by the worker). Returns the error message."""
    try:
        value = student_call()
    except StudentError as err:
        raised = err.exc_type
        if any(name in err.mro for name in exc_names):
            return err.message
        fail(f"{what}: 应抛出 {' / '.join(exc_names)}, 实际抛出 {raised}: {err.message}",
             f"{what}: expected {' / '.join(exc_names)}, got {raised}: {err.message}")
    fail(f"{what}: 应抛出 {' / '.join(exc_names)}, 但返回了 {_show(value)}",
         f"{what}: expected {' / '.join(exc_names)}, but it returned {_show(value)}")
    return ""
