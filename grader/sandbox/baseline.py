"""Worker side: what the policy engine compares a submission against, computed once
in the zygote before any submission runs (``Prepared.now``).

The grader's own code objects (by identity: a file name can be faked), where the
interpreter's libraries live, and a snapshot of the callables of torch, NumPy, math
and builtins, so a request that replaced one of them is found (``replaced``).
"""

from __future__ import annotations

import builtins
import math
import os
import site
import sys
import sysconfig
import types
from typing import Any

import numpy as np
import torch

from grader.sandbox.trampolines import functions_in_class

def library_roots() -> tuple[str, ...]:
    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(site.getsitepackages())
    roots.add(os.path.dirname(os.__file__))
    return tuple(sorted(os.path.realpath(r) + os.sep for r in roots if r))


def grader_codes() -> set[types.CodeType]:
    """Code objects of the grader's own modules (by identity: a file name can be faked)."""
    codes: set[types.CodeType] = set()

    def add(code: types.CodeType) -> None:
        if code not in codes:
            codes.add(code)
            for const in code.co_consts:
                if isinstance(const, types.CodeType):
                    add(const)

    for name, module in list(sys.modules.items()):
        if module is None or not (name == "grader" or name.startswith("grader.")):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, types.FunctionType):
                add(value.__code__)
            elif isinstance(value, type) and getattr(value, "__module__", "") == name:
                for fn in functions_in_class(value):
                    add(fn.__code__)
    return codes


# Namespaces whose callables a submission must leave alone.
NAMESPACES = {
    "builtins": lambda: builtins, "math": lambda: math, "numpy": lambda: np,
    "numpy.testing": lambda: np.testing, "torch": lambda: torch, "torch.testing": lambda: torch.testing,
    "torch.nn.functional": lambda: torch.nn.functional, "torch.nn.init": lambda: torch.nn.init,
    "torch.Tensor": lambda: torch.Tensor, "torch.nn.Module": lambda: torch.nn.Module,
    "torch.nn.Conv2d": lambda: torch.nn.Conv2d, "torch.nn.Linear": lambda: torch.nn.Linear,
}


def snapshot() -> dict[str, dict[str, Any]]:
    snap = {}
    for ns_name, get in NAMESPACES.items():
        snap[ns_name] = {attr: obj for attr, obj in list(vars(get()).items())
                         if callable(obj) or isinstance(obj, (staticmethod, classmethod, property))}
    return snap


def replaced(snap: dict[str, dict[str, Any]]) -> list[str]:
    """Names whose callable is no longer the one in the snapshot (a C-speed test first)."""
    changed = []
    for ns_name, items in snap.items():
        current = vars(NAMESPACES[ns_name]())
        try:
            if items.items() <= current.items():
                continue
        except Exception:  # noqa: BLE001 - an attribute with a strange __eq__: compare one by one
            pass
        changed += [f"{ns_name}.{attr}" for attr, obj in items.items() if current.get(attr) is not obj]
    return changed


class Prepared:
    """What every worker's engine needs and the zygote can compute once, before forking:
    the grader's own code objects and the snapshot of library callables."""

    codes: set[types.CodeType] = set()
    snapshot: dict[str, dict[str, Any]] = {}

    @classmethod
    def now(cls) -> None:
        cls.codes = grader_codes()
        cls.snapshot = snapshot()
