"""The judge's handle on one student module, living in a worker process.

    value = student.call("conv2d_params", 16, 32, 3)
    state = student.run(build_and_describe, 32, 64)   # a grader function, run in the worker

Every call has a time limit. A hang or a dead worker fails that call only: the
worker is killed (with everything it spawned) and a fresh one is forked for the
next call. A module that cannot be imported fails every call at once, with the
import's error, without paying the time limit again.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any, Callable

import torch

from grader import outcomes, wire, worker

IMPORT_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 30.0

_context = None


def _forkserver():
    """One fork server per judge, with torch already imported: workers are cheap."""
    global _context
    if _context is None:
        os.environ.setdefault("MPLBACKEND", "Agg")
        _context = multiprocessing.get_context("forkserver")
        # torchvision too: importing it swaps torch.manual_seed (torch._dynamo wraps it), which
        # the worker's tamper check would otherwise blame on a submission that imports it.
        _context.set_forkserver_preload(["grader.worker", "torch", "numpy", "matplotlib.pyplot",
                                         "torchvision"])
    return _context


def _describe(name: str, args: tuple, kwargs: dict) -> str:
    def short(v: Any) -> str:
        if isinstance(v, torch.Tensor):
            return f"<tensor {tuple(v.shape)} {str(v.dtype).replace('torch.', '')}>"
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


class Student:
    """One module (e.g. ``hw03_conv_cost``) of one submission folder."""

    def __init__(self, submission_dir: Path, module: str, forbidden: list[str] | None = None,
                 call_timeout: float = CALL_TIMEOUT_S, import_timeout: float = IMPORT_TIMEOUT_S) -> None:
        self.submission_dir = Path(submission_dir).resolve()
        self.module = module
        self.path = self.submission_dir / f"{module}.py"
        self.forbidden = list(forbidden or [])
        self.call_timeout = call_timeout
        self.import_timeout = import_timeout
        self._process = None
        self._conn = None
        self._broken: outcomes.SubmissionBroken | None = None

    # -- what tests use ---------------------------------------------------

    @property
    def source(self) -> str:
        """The module's source text (read by the judge, never executed here)."""
        if not self.path.is_file():
            raise self._missing()
        return self.path.read_text(encoding="utf-8", errors="replace")

    def call(self, name: str, *args, **kwargs) -> Any:
        """``module.name(*args, **kwargs)`` in the worker; returns the plain value."""
        return self._request(worker.call_attr, (name, *args), kwargs,
                             _describe(f"{self.module}.{name}", args, kwargs))

    def run(self, fn: Callable, *args, timeout: float | None = None, seed: int = 0,
            describe: str | None = None, **kwargs) -> Any:
        """Run the grader function ``fn(student_module, *args, **kwargs)`` in the worker."""
        label = describe or _describe(f"{self.module}: {fn.__name__}", args, kwargs)
        return self._request(fn, args, kwargs, label, timeout=timeout, seed=seed)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send_bytes(wire.encode({"op": "stop"}))
            except (OSError, ValueError):
                pass
        self._kill()

    # -- the worker -------------------------------------------------------

    def _missing(self) -> outcomes.SubmissionBroken:
        return outcomes.SubmissionBroken(
            f"找不到文件 / file not found: {self.path}")

    def _start(self) -> None:
        if self._broken is not None:
            raise self._broken
        if not self.path.is_file():
            self._broken = self._missing()
            raise self._broken
        ctx = _forkserver()
        parent, child = ctx.Pipe()
        config = {"submission_dir": str(self.submission_dir), "module": self.module,
                  "forbidden": self.forbidden}
        self._process = ctx.Process(target=worker.serve, args=(child, config), daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        try:
            reply = self._receive(self.import_timeout)
        except TimeoutError:
            self._broken = outcomes.SubmissionBroken(
                f"导入 {self.path.name} 超时 / importing {self.path} timed out "
                f"after {self.import_timeout:.0f} s")
        except EOFError:
            self._broken = outcomes.SubmissionBroken(
                f"导入 {self.path.name} 时进程退出 / the process exited while importing {self.path} "
                f"(exit code {self._exitcode()})")
        else:
            if reply["status"] == "ready":
                return
            if reply["status"] == "tampered":
                self._broken = outcomes.Tampered(f"import {self.module}", ", ".join(reply["names"]))
            else:
                self._broken = outcomes.SubmissionBroken(
                    f"无法导入 / cannot import {self.path}:",
                    reply.get("message", ""), reply.get("traceback", ""), reply.get("output", ""))
        self._kill()
        raise self._broken

    def _receive(self, timeout: float) -> dict:
        if not self._conn.poll(timeout):
            raise TimeoutError
        return wire.decode(self._conn.recv_bytes())

    def _exitcode(self):
        if self._process is None:
            return None
        self._process.join(timeout=5)
        return self._process.exitcode

    def _kill(self) -> None:
        if self._process is not None and self._process.pid is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def _request(self, fn: Callable, args: tuple, kwargs: dict, label: str, *,
                 timeout: float | None = None, seed: int = 0) -> Any:
        if self._conn is None:
            self._start()
        request = {"op": "run", "fn": f"{fn.__module__}:{fn.__qualname__}",
                   "args": list(args), "kwargs": dict(kwargs), "seed": int(seed)}
        limit = timeout or self.call_timeout
        try:
            self._conn.send_bytes(wire.encode(request))
            reply = self._receive(limit)
        except TimeoutError:
            self._kill()
            raise outcomes.StudentTimeout(label, f"{limit:.0f}") from None
        except (EOFError, OSError):
            code = self._exitcode()
            self._kill()
            raise outcomes.WorkerDied(label, str(code)) from None
        return self._unwrap(reply, label)

    @staticmethod
    def _unwrap(reply: dict, label: str) -> Any:
        status = reply["status"]
        if status == "ok":
            return reply["value"]
        if status == "tampered":
            raise outcomes.Tampered(label, ", ".join(reply["names"]))
        kind = {"not_implemented": outcomes.NotImplementedYet, "forbidden": outcomes.ForbiddenOracle,
                "exit": outcomes.StudentExited}.get(status, outcomes.StudentError)
        raise kind(label, reply.get("message", ""), reply.get("traceback", ""), reply.get("output", ""),
                   reply.get("type", ""), reply.get("mro", ()))
