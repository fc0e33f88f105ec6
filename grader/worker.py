"""The worker process: the only place where student code is imported and run.

A worker serves one student module of one submission. It is forked from a fork
server that has already imported torch, so starting one is cheap. The judge
sends requests ``(function, args, kwargs, seed)``; ``function`` is a grader
function (imported here by name) that receives the student's module as its
first argument. Replies are plain values (see ``wire``) or an error record.

Everything here may be subverted by the student's code, which runs in this
process: the judge therefore trusts no verdict from here, only values, and it
compares them with its oracles in its own process.
"""

from __future__ import annotations

import builtins
import importlib
import math
import os
import random
import sys
import tempfile
import traceback
import types
from pathlib import Path
from typing import Any

import numpy as np
import torch

from grader import wire

MAX_OUTPUT_CHARS = 4000

# Namespaces whose callables a submission must leave alone. A replaced entry
# (say ``torch.allclose = lambda *a, **k: True``) fails every later check.
_GUARDED = {
    "builtins": lambda: builtins,
    "math": lambda: math,
    "numpy": lambda: np,
    "numpy.testing": lambda: np.testing,
    "torch": lambda: torch,
    "torch.testing": lambda: torch.testing,
    "torch.nn.functional": lambda: torch.nn.functional,
    "torch.nn.init": lambda: torch.nn.init,
    "torch.Tensor": lambda: torch.Tensor,
    "torch.nn.Module": lambda: torch.nn.Module,
    "torch.nn.Conv2d": lambda: torch.nn.Conv2d,
    "torch.nn.Linear": lambda: torch.nn.Linear,
}


class ForbiddenUse(RuntimeError):
    """Raised when a submission uses an oracle it must reimplement."""


def _snapshot() -> dict[tuple[str, str], Any]:
    snap = {}
    for ns_name, get in _GUARDED.items():
        for attr, obj in list(vars(get()).items()):
            if callable(obj) or isinstance(obj, (staticmethod, classmethod, property)):
                snap[(ns_name, attr)] = obj
    return snap


def _tampered(snap: dict[tuple[str, str], Any]) -> list[str]:
    changed = []
    for (ns_name, attr), obj in snap.items():
        if vars(_GUARDED[ns_name]()).get(attr, None) is not obj:
            changed.append(f"{ns_name}.{attr}")
    return changed


def _resolve(dotted: str) -> tuple[Any, str, Any]:
    """'torch.nn.LSTM' -> (owner object, 'LSTM', current value)."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise ImportError(dotted)


def _guard(dotted: str, original: Any) -> Any:
    message = (
        f"{dotted} 是评分用的参考实现, 不能直接使用, 请自己实现 / "
        f"{dotted} is what the grader compares against; implement it yourself"
    )
    if isinstance(original, type):
        def __init__(self, *args, **kwargs):  # noqa: N807
            raise ForbiddenUse(message)

        return type(original.__name__, (original,), {"__init__": __init__, "__module__": original.__module__})

    def guarded(*args, **kwargs):
        raise ForbiddenUse(message)

    guarded.__name__ = getattr(original, "__name__", dotted)
    return guarded


def install_guards(forbidden: list[str]) -> None:
    """Replace each forbidden callable everywhere it is bound in a loaded module."""
    originals = {}
    for dotted in forbidden:
        try:
            _, _, obj = _resolve(dotted)
        except (ImportError, AttributeError):
            continue
        originals[id(obj)] = (obj, _guard(dotted, obj))
    if not originals:
        return
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            hit = originals.get(id(value))
            if hit is not None and hit[0] is value:
                namespace[attr] = hit[1]
    # Ops reached through torch._VF, torch._C._VariableFunctions or torch.ops cannot
    # be swapped here (read-only bindings); a problem that must forbid them watches
    # calls at run time too (see the TorchFunctionMode in grader/test_hw10_lstm.py).


class _BlockSolutions:
    """An import hook: a submission may not import the reference solutions."""

    def find_spec(self, name, path=None, target=None):
        if name == "solutions" or name.startswith("solutions."):
            raise ImportError("importing the reference solutions is not allowed")
        return None


class _OutputCapture:
    """Route fd 1 and 2 to a file so student prints can be returned per call."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(mode="w+b")
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.file.fileno(), 1)
        os.dup2(self.file.fileno(), 2)
        self.mark = 0

    def take(self) -> str:
        sys.stdout.flush()
        sys.stderr.flush()
        self.file.seek(self.mark)
        data = self.file.read(MAX_OUTPUT_CHARS * 4)
        self.file.seek(0, os.SEEK_END)
        self.mark = self.file.tell()
        text = data.decode("utf-8", "replace")
        if len(text) > MAX_OUTPUT_CHARS:
            text = text[:MAX_OUTPUT_CHARS] + "\n… (output truncated)"
        return text


def _student_traceback(exc: BaseException, submission_dir: str) -> tuple[str, bool]:
    """Format only the frames that belong to the submission.

    Returns the text and whether the innermost frame is the student's own.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename.startswith(submission_dir)]
    innermost_is_student = bool(frames) and frames[-1].filename.startswith(submission_dir)
    lines = traceback.format_list(own) if own else []
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip(), innermost_is_student


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _error_record(exc: BaseException, submission_dir: str) -> dict:
    text, innermost = _student_traceback(exc, submission_dir)
    if isinstance(exc, NotImplementedError) and innermost:
        kind = "not_implemented"
    elif isinstance(exc, ForbiddenUse):
        kind = "forbidden"
    elif isinstance(exc, SystemExit):
        kind = "exit"
    else:
        kind = "error"
    return {"status": kind, "type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
            "message": str(exc)[:2000], "traceback": text}


def serve(conn, config: dict) -> None:
    """Entry point of a worker process (runs forever, until told to stop)."""
    os.setsid()  # own process group: the judge can kill whatever we spawn
    capture = _OutputCapture()
    submission_dir = str(Path(config["submission_dir"]).resolve()) + os.sep
    os.chdir(tempfile.mkdtemp(prefix="grader-worker-"))
    sys.path.insert(0, submission_dir.rstrip(os.sep))
    sys.meta_path.insert(0, _BlockSolutions())
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    os.environ.setdefault("MPLBACKEND", "Agg")

    install_guards(config.get("forbidden", []))
    snapshot = _snapshot()

    def reply(record: dict) -> None:
        record["output"] = capture.take()
        try:
            data = wire.encode(record)
        except Exception as exc:  # an unsupported return type
            data = wire.encode({"status": "error", "type": type(exc).__name__,
                                "message": str(exc), "traceback": "", "output": record["output"]})
        conn.send_bytes(data)

    try:
        _seed(0)
        module = importlib.import_module(config["module"])
        loaded_from = str(Path(module.__file__).resolve())
        if not loaded_from.startswith(submission_dir):
            raise ImportError(f"{config['module']} was loaded from {loaded_from}, not from the submission")
    except BaseException as exc:  # noqa: BLE001 - report anything, incl. SystemExit
        reply({"status": "import_error", **_error_record(exc, submission_dir)})
        return
    changed = _tampered(snapshot)
    reply({"status": "tampered", "names": changed} if changed else {"status": "ready"})

    while True:
        try:
            request = wire.decode(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if request.get("op") == "stop":
            return
        module_name, _, qualname = request["fn"].partition(":")
        fn: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            fn = getattr(fn, part)
        try:
            _seed(request["seed"])
            value = fn(module, *request["args"], **request["kwargs"])
            record = {"status": "ok", "value": value}
        except BaseException as exc:  # noqa: BLE001
            record = _error_record(exc, submission_dir)
        changed = _tampered(snapshot)
        if changed:
            record = {"status": "tampered", "names": changed}
        reply(record)


# ----------------------------------------------------------------------------
# Worker-side helpers that grader tests pass to ``Student.run``.

def call_attr(module: types.ModuleType, name: str, *args, **kwargs):
    """Call ``module.name(*args, **kwargs)``."""
    return getattr(module, name)(*args, **kwargs)


def get_attr(module: types.ModuleType, name: str):
    """Return ``module.name`` (a constant)."""
    return getattr(module, name)
