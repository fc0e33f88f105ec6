"""Every generic sentence a check says to a student, in Chinese and English.

Problem files pass values (``what``, ``expected``, ``got``); the sentences live
here, once. A claim only one problem makes (say, "He keeps the std within a small
factor") is written where it is checked, with ``checks.expect``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

TEMPLATES: dict[str, tuple[str, str]] = {
    "equal": ("{what}: 期望 {expected}, 你的结果是 {got}{why}",
              "{what}: expected {expected}, got {got}{why}"),
    "number": ("{what}: 应返回一个数, 你的结果是 {got}",
               "{what}: must return a number, got {got}"),
    "integer": ("{what}: 应返回一个整数, 你的结果是 {got}",
                "{what}: must return an integer, got {got}"),
    "close_number": ("{what}: 应约为 {expected}, 你的结果是 {got}{why}",
                     "{what}: expected about {expected}, got {got}{why}"),
    "type": ("{what}: 应为 {expected}, 你的结果是 {got}",
             "{what}: expected {expected}, got {got}"),
    "shape": ("{what}: 形状应为 {expected}, 你的是 {got}",
              "{what}: expected shape {expected}, got {got}"),
    "dtype": ("{what}: 数据类型应为 {expected}, 你的是 {got}",
              "{what}: expected dtype {expected}, got {got}"),
    "floating": ("{what}: 应为浮点张量, 你的是 {got}",
                 "{what}: expected a floating-point tensor, got {got}"),
    "device": ("{what}: 张量应在 {expected} 上, 你的在 {got} 上",
               "{what}: expected the tensor on {expected}, got it on {got}"),
    "length": ("{what}: 长度应为 {expected}, 你的是 {got}",
               "{what}: expected length {expected}, got {got}"),
    "keys": ("{what}: 应包含键 {expected}, 缺少 {got}",
             "{what}: must have the keys {expected}; missing {got}"),
    "range": ("{what}: 所有值应在 [{low}, {high}] 内, 你的最小 {got_low}, 最大 {got_high}",
              "{what}: every value must lie in [{low}, {high}]; yours span [{got_low}, {got_high}]"),
    "finite": ("{what}: 含有 inf 或 nan", "{what}: contains inf or nan"),
    "unchanged": ("{what}: 你的函数修改了它的输入 (应保持不变)",
                  "{what}: your function changed its input (it must leave it unchanged)"),
    "elements": ("{what}: {bad}/{n} 个元素不一致; 位置 {where} 期望 {expected}, 你的结果 {got}",
                 "{what}: {bad} of {n} elements differ; at {where} expected {expected}, got {got}"),
    "raises": ("{what}: 应抛出 {expected}, 实际抛出 {got}",
               "{what}: expected {expected}, got {got}"),
    "returns_instead": ("{what}: 应抛出 {expected}, 但返回了 {got}",
                        "{what}: expected {expected}, but it returned {got}"),
}


def say(key: str, **fields: Any) -> tuple[str, str]:
    """The (Chinese, English) sentence ``key`` with ``fields`` filled in."""
    fields.setdefault("why", "")
    zh, en = TEMPLATES[key]
    return zh.format(**fields), en.format(**fields)


def show(value: Any, limit: int = 200) -> str:
    """A short, safe description of a value for a message."""
    if isinstance(value, torch.Tensor):
        if value.numel() <= 8:
            return f"tensor({value.tolist()}, dtype={value.dtype})"
        return f"<tensor shape={tuple(value.shape)} dtype={value.dtype} device={value.device}>"
    if isinstance(value, np.ndarray):
        return f"<ndarray shape={value.shape} dtype={value.dtype}>"
    if isinstance(value, type):
        return value.__name__
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def type_name(value: Any) -> str:
    return type(value).__name__
