"""The judge's handle on one student module, living in a worker process.

    value = student.call("conv2d_params", 16, 32, 3)
    values = student.call_each("conv2d_params", [((16, 32, 3), {}), ((8, 8, 1), {"bias": False})])
    state = student.run(in_worker.build_and_describe, 32, 64)   # a worker-side grader function

Every call has a time limit. A hang or a dead worker fails that call only: the
worker is ended (with everything it spawned) and a fresh one is forked for the
next call. A module that cannot be imported fails every call at once, with the
import's error, without paying the time limit again.

What comes back is untrusted: messages are bounded (``wire.MAX_MESSAGE``) and
decoded as data (``wire``), and a reply that does not have the expected shape is
a failure of that call.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any, Callable

import torch

from grader.judging import outcomes
from grader.problems import Problem
from grader.sandbox import wire, worker
from grader.sandbox.launcher import Launcher, Worker
from grader.sandbox.zygote import ExitStatus

IMPORT_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 30.0
_LIMIT_SIGNALS = {signal.SIGXCPU: "CPU 时间 / CPU time", signal.SIGXFSZ: "文件大小 / file size"}


def describe_call(name: str, args: tuple, kwargs: dict) -> str:
    """``name(arg, ..., key=value)`` with tensors shown by shape and long values cut."""
    def short(v: Any) -> str:
        if isinstance(v, torch.Tensor):
            return f"<tensor {tuple(v.shape)} {str(v.dtype).replace('torch.', '')}>"
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _how_it_died(status: ExitStatus | None, limits: str) -> str:
    if status is None:
        return "?"
    if status.signal in _LIMIT_SIGNALS:
        return f"{status.describe()}: 超出{_LIMIT_SIGNALS[status.signal]}限制 / limit reached ({limits})"
    return status.describe()


class Student:
    """One module (e.g. ``hw03_conv_cost``) of one submission folder (a private copy)."""

    def __init__(self, submission_dir: Path, problem: Problem, launcher: Launcher, *,
                 call_timeout: float = CALL_TIMEOUT_S, import_timeout: float = IMPORT_TIMEOUT_S,
                 trusted: bool = False) -> None:
        self.submission_dir = Path(submission_dir)
        self.problem = problem
        self.module = problem.module
        self.path = self.submission_dir / f"{self.module}.py"
        self.launcher = launcher
        self.call_timeout = call_timeout
        self.import_timeout = import_timeout
        self.trusted = trusted
        self.layers: list[str] = []         # isolation layers the worker entered
        self.last_records: dict[str, int] = {}  # policy ``record`` counts of the last request
        self._worker: Worker | None = None
        self._broken: outcomes.SubmissionBroken | None = None

    # -- what checks use ------------------------------------------------------------

    @property
    def source(self) -> str:
        """The module's source text (read by the judge, never executed here)."""
        if not self.path.is_file():
            raise self._missing()
        return self.path.read_text(encoding="utf-8", errors="replace")

    def call(self, name: str, *args, **kwargs) -> Any:
        """``module.name(*args, **kwargs)`` in the worker; returns the plain value."""
        return self._request(worker.call_attr, (name, *args), kwargs,
                             describe_call(f"{self.module}.{name}", args, kwargs))

    def call_each(self, name: str, calls: list[tuple[tuple, dict]]) -> list:
        """Many calls of ``module.name`` in one round trip: ``[(args, kwargs), ...]`` -> values.

        A failure is reported for the call that failed, as ``call`` would report it."""
        calls = [(tuple(args), dict(kwargs)) for args, kwargs in calls]

        def label(reply: dict) -> str:
            index = reply.get("index")
            if isinstance(index, int) and 0 <= index < len(calls):
                return describe_call(f"{self.module}.{name}", *calls[index])
            return f"{self.module}.{name} ({len(calls)} calls)"

        return self._request(worker.call_each, (name, [list(c) for c in calls]), {}, label)

    def run(self, fn: Callable, *args, timeout: float | None = None, seed: int = 0,
            describe: str | None = None, **kwargs) -> Any:
        """Run the worker-side grader function ``fn(student_module, *args, **kwargs)``."""
        if not worker.is_worker_side(fn.__module__):
            raise TypeError(f"{fn.__module__}.{fn.__qualname__} is not in a worker-side module (in_worker.py)")
        label = describe or describe_call(f"{self.module}: {fn.__name__}", args, kwargs)
        return self._request(fn, args, kwargs, label, timeout=timeout, seed=seed)

    def fetch(self, name: str) -> bytes | None:
        """A file the student's code wrote in its working folder (e.g. a figure), or None."""
        if self._worker is None:
            return None
        return self.launcher.read_scratch(self._worker, name)

    def close(self) -> None:
        if self._worker is not None:
            try:
                self._worker.channel.send_bytes(wire.encode({"op": "stop"}))
            except (OSError, ValueError):
                pass
        self._end()

    # -- the worker -------------------------------------------------------------------

    def _missing(self) -> outcomes.SubmissionBroken:
        return outcomes.SubmissionBroken.missing(self.module)

    def _end(self) -> ExitStatus | None:
        status = None
        if self._worker is not None:
            status = self.launcher.finish(self._worker)
            self._worker = None
        return status

    def _start(self) -> None:
        if self._broken is not None:
            raise self._broken
        if not self.path.is_file():
            self._broken = self._missing()
            raise self._broken
        self._worker = self.launcher.launch(self.submission_dir, self.problem, trusted=self.trusted)
        name = f"{self.module}.py"
        try:
            reply = self._receive(self.import_timeout)
        except TimeoutError:
            self._broken = outcomes.SubmissionBroken(
                f"导入 {name} 超时 / importing {name} timed out after {self.import_timeout:.0f} s")
        except (EOFError, OSError, wire.WireError):
            status = self._end()
            self._broken = outcomes.SubmissionBroken(
                f"导入 {name} 时进程退出 / the process exited while importing {name} "
                f"({_how_it_died(status, self.launcher.plan.limits.describe())})")
        else:
            status = reply.get("status")
            if status == "ready":
                self.layers = [str(x) for x in reply.get("layers", [])]
                return
            if status == "internal":
                self._end()
                raise outcomes.GraderFault(f"starting the worker for {self.module}", wire.text(reply.get("message")))
            if status == "tampered":
                self._broken = outcomes.Tampered(f"import {self.module}", wire.text(reply.get("message")))
            elif status == "forbidden":
                self._broken = outcomes.ForbiddenOracle(f"import {self.module}", wire.text(reply.get("message")))
            else:
                note = self._limit_note(reply)
                self._broken = outcomes.SubmissionBroken(
                    f"无法导入 / cannot import {name}:" + (f" ({note})" if note else ""), wire.text(reply.get("message")),
                    wire.text(reply.get("traceback")), wire.text(reply.get("output")),
                    wire.text(reply.get("type")), tuple(reply.get("mro") or ()))
        self._end()
        raise self._broken

    def _receive(self, timeout: float) -> dict:
        channel = self._worker.channel
        if not channel.poll(timeout):
            raise TimeoutError
        reply = wire.decode(channel.recv_bytes(wire.MAX_MESSAGE))
        if not isinstance(reply, dict) or not isinstance(reply.get("status"), str):
            raise wire.WireError("malformed reply")
        return reply

    def _request(self, fn: Callable, args: tuple, kwargs: dict, label: str | Callable[[dict], str], *,
                 timeout: float | None = None, seed: int = 0) -> Any:
        if self._worker is None:
            self._start()
        request = {"op": "run", "fn": f"{fn.__module__}:{fn.__qualname__}",
                   "args": list(args), "kwargs": dict(kwargs), "seed": int(seed)}
        limit = timeout or self.call_timeout
        name = label({}) if callable(label) else label
        try:
            self._worker.channel.send_bytes(wire.encode(request))
            reply = self._receive(limit)
        except TimeoutError:
            self._end()
            raise outcomes.StudentTimeout(name, f"{limit:.0f}") from None
        except (EOFError, OSError, wire.WireError) as exc:
            status = self._end()
            how = _how_it_died(status, self.launcher.plan.limits.describe())
            if isinstance(exc, wire.WireError):
                how = f"{how}; {exc}"
            raise outcomes.WorkerDied(name, how) from None
        self.last_records = {str(k): int(v) for k, v in (reply.get("records") or {}).items()
                             if isinstance(v, int)}
        return self._unwrap(reply, label(reply) if callable(label) else label)

    def _limit_note(self, reply: dict) -> str:
        """Name the sandbox limit an error shows was reached (memory, processes, file size)."""
        plan = self.launcher.plan
        if not plan.active or self.trusted:
            return ""
        kind, message = wire.text(reply.get("type")), wire.text(reply.get("message"))
        limits = plan.limits
        if kind == "MemoryError":
            return f"内存超出沙箱限制 / the sandbox's memory limit ({limits.memory_mb} MB) was reached"
        if kind == "BlockingIOError" or "Resource temporarily unavailable" in message:
            return f"进程数超出沙箱限制 / the sandbox's process limit ({limits.processes}) was reached"
        if "File too large" in message:
            return f"文件大小超出沙箱限制 / the sandbox's file size limit ({limits.file_mb} MB) was reached"
        return ""

    def _unwrap(self, reply: dict, label: str) -> Any:
        if reply["status"] == "ok":
            return reply.get("value")
        note = self._limit_note(reply)
        if note:
            reply = {**reply, "message": f"{wire.text(reply.get('message'))} ({note})"}
        raise_for_record(reply, label)


def raise_for_record(record: dict, label: str) -> None:
    """Raise the ``outcomes`` exception an error record from the worker stands for."""
    status, text = record.get("status"), wire.text
    if status == "tampered":
        raise outcomes.Tampered(label, text(record.get("message")))
    kind = {"not_implemented": outcomes.NotImplementedYet, "forbidden": outcomes.ForbiddenOracle,
            "exit": outcomes.StudentExited}.get(status, outcomes.StudentError)
    raise kind(label, text(record.get("message")), text(record.get("traceback")), text(record.get("output")),
               text(record.get("type")), tuple(text(m) for m in (record.get("mro") or ()))[:50])
