"""Worker side: finding a forbidden thing's Python code, and replacing that code.

``functions_of`` lists every function whose code belongs to a module, class or
function; ``trampoline`` gives a code object that keeps a function's name and
closure shape but calls a handler instead, so whoever holds the function (an
alias, a subclass, ``gc``) runs the handler. ``copy_function`` keeps the original
callable for a guard that lets some callers through.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
import warnings
from typing import Any, Callable, Iterator


_HANDLER = "__grader_policy_handler__"
_TEMPLATES: dict[int, types.CodeType] = {}


def _template(nfree: int) -> types.CodeType:
    """``def stub(*args, **kwargs): return HANDLER(*args, **kwargs)`` with ``nfree`` free variables
    (a function's new code must have as many as its closure has cells)."""
    if nfree not in _TEMPLATES:
        names = [f"_v{i}" for i in range(nfree)]
        cells = "".join(f"    {n} = None\n" for n in names)
        uses = f"        ({', '.join(names)},)\n" if names else ""
        source = (f"def _outer():\n{cells}    def stub(*args, **kwargs):\n{uses}"
                  f"        return {_HANDLER!r}(*args, **kwargs)\n    return stub\n")
        namespace: dict = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "'str' object is not callable": the const is replaced
            exec(compile(source, __file__, "exec"), namespace)  # noqa: S102 - our own fixed text
        _TEMPLATES[nfree] = namespace["_outer"]().__code__
    return _TEMPLATES[nfree]


def trampoline(original: types.CodeType, handler: Callable) -> types.CodeType:
    code = _template(len(original.co_freevars))
    consts = tuple(handler if c == _HANDLER else c for c in code.co_consts)
    return code.replace(co_consts=consts, co_name=original.co_name, co_qualname=original.co_qualname)


def copy_function(fn: types.FunctionType) -> types.FunctionType:
    clone = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    clone.__kwdefaults__ = fn.__kwdefaults__
    clone.__qualname__ = fn.__qualname__
    return clone


def functions_in_class(cls: type) -> Iterator[types.FunctionType]:
    for value in vars(cls).values():
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property):
            yield from (f for f in (value.fget, value.fset, value.fdel) if isinstance(f, types.FunctionType))
        elif isinstance(value, types.FunctionType):
            yield value


def resolve(dotted: str) -> Any:
    """A loaded module, class or function by its dotted name."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def functions_of(dotted: str) -> list[types.FunctionType]:
    """Every Python function whose code belongs to ``dotted`` (a package: all its loaded modules)."""
    target = resolve(dotted)
    found: dict[int, types.FunctionType] = {}
    if isinstance(target, types.ModuleType):
        prefix = target.__name__
        modules = [m for name, m in list(sys.modules.items())
                   if m is not None and (name == prefix or name.startswith(prefix + "."))]
        for module in modules:
            for value in list(vars(module).values()):
                owner = getattr(value, "__module__", "") or ""
                if not (owner == prefix or owner.startswith(prefix + ".")):
                    continue
                if isinstance(value, types.FunctionType):
                    found[id(value)] = value
                elif isinstance(value, type):
                    found.update((id(f), f) for f in functions_in_class(value))
    elif isinstance(target, type):
        found.update((id(f), f) for f in functions_in_class(target))
    elif isinstance(target, types.FunctionType):
        found[id(target)] = target
    for fn in list(found.values()):  # what decorators wrap runs too (torchvision's builders)
        inner = getattr(fn, "__wrapped__", None)
        if isinstance(inner, types.FunctionType):
            found[id(inner)] = inner
    return list(found.values())


def source_paths(dotted: str) -> list[str]:
    """Files and folders holding the source of ``dotted`` (their contents must stay unread)."""
    target = resolve(dotted)
    module = target if isinstance(target, types.ModuleType) else sys.modules.get(getattr(target, "__module__", ""))
    path = getattr(module, "__file__", None)
    if not path:
        return []
    path = os.path.realpath(path)
    if os.path.basename(path) == "__init__.py":
        return [os.path.dirname(path) + os.sep]
    cached = importlib.util.cache_from_source(path)
    return [path, os.path.realpath(cached)]
