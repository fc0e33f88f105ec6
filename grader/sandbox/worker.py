"""The worker process: the only place where student code is imported and run.

A worker serves one student module of one submission. It is forked from the
judge's zygote, which has already imported torch, so starting one costs a fork.
Before any student code runs it enters the sandbox (``jail``: its own uid,
limits and namespaces, when isolation is on) and installs the problem's policy
(``policy``). The judge then sends requests ``(function, args, kwargs, seed)``;
``function`` is a grader function from a worker-side module (``in_worker.py``),
which receives the student's module as its first argument. Replies are plain
values (see ``wire``) or an error record.

Everything here may be subverted by the student's code, which runs in this
process: the judge trusts no verdict from here, only values, and compares them
with its oracles in its own process.
"""

from __future__ import annotations

import importlib
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

from grader.problems import BY_MODULE
from grader.sandbox import jail, wire
from grader.sandbox.policy import Engine, ForbiddenUse, Prepared

MAX_OUTPUT_CHARS = 4000
# Modules whose functions the judge may run here: the worker side of each problem
# (``grader.problems.<module>.in_worker``), of shared support, and this module.
WORKER_SIDE = ("in_worker",)


def is_worker_side(module_name: str) -> bool:
    parts = module_name.split(".")
    if module_name == __name__:
        return True
    return parts[0] == "grader" and parts[-1] in WORKER_SIDE and "hidden" not in parts


class OutputCapture:
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


def student_traceback(exc: BaseException, submission_dir: str) -> tuple[str, bool]:
    """Format only the frames that belong to the submission.

    Returns the text and whether the innermost frame is the student's own.
    """
    # lookup_lines=False: only the student's own lines are read (a library's source may be one
    # the policy keeps unread, and reading it is not the student's doing)
    frames = traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__), lookup_lines=False)
    own = [f for f in frames if f.filename.startswith(submission_dir)]
    innermost_is_student = bool(frames) and frames[-1].filename.startswith(submission_dir)
    for frame in own:  # "hw03_conv_cost.py", not the jail's path: the same text every run
        frame.filename = frame.filename[len(submission_dir):]
    lines = traceback.format_list(own) if own else []
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip(), innermost_is_student


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def error_record(exc: BaseException, submission_dir: str) -> dict:
    """What the judge learns of an exception raised in student code."""
    text, innermost = student_traceback(exc, submission_dir)
    if isinstance(exc, NotImplementedError) and innermost:
        kind = "not_implemented"
    elif isinstance(exc, ForbiddenUse):
        kind = "forbidden"
    elif isinstance(exc, SystemExit):
        kind = "exit"
    else:
        kind = "error"
    record = {"status": kind, "type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
              "message": str(exc)[:2000], "traceback": text}
    index = getattr(exc, "__grader_call_index__", None)
    if isinstance(index, int):
        record["index"] = index
    return record


def _with_policy(record: dict, report) -> dict:
    """A request that used a forbidden oracle or tampered fails, whatever it returned."""
    for kind in ("forbidden", "tampered"):
        found = [text for k, text in report.violations if k == kind]
        if found:
            return {"status": kind, "names": found, "message": "; ".join(found)[:2000],
                    "traceback": record.get("traceback", "") if record["status"] == kind else ""}
    return record


def _load_function(dotted: str):
    module_name, _, qualname = dotted.partition(":")
    if not is_worker_side(module_name):
        raise ImportError(f"{module_name} is not a worker-side module")
    fn: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    return fn


def preload_worker_side() -> None:
    """Import every worker-side module now (in the zygote), so a sandboxed worker reads no grader file."""
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("in_worker.py")):
        if "hidden" in path.relative_to(root).parts:
            continue  # never: hidden checks keep no code in the worker
        importlib.import_module(".".join(("grader", *path.relative_to(root).with_suffix("").parts)))
    Prepared.now()


def serve(channel, config: dict) -> None:
    """Entry point of a worker process: serve requests until told to stop."""
    capture = OutputCapture()
    submission_dir = str(Path(config["submission_dir"]).resolve()) + os.sep

    def reply(record: dict) -> None:
        record["output"] = capture.take()
        try:
            data = wire.encode(record)
        except wire.WireError as exc:  # an unsupported return type
            data = wire.encode({"status": "error", "type": type(exc).__name__,
                                "message": str(exc), "traceback": "", "output": record["output"]})
        channel.send_bytes(data)

    try:
        layers = jail.enter(config)  # may drop privileges: nothing of the judge's is needed after this
        sys.path.insert(0, submission_dir.rstrip(os.sep))
        problem = BY_MODULE[config["problem"]]
        engine = Engine(problem.policy, submission_dir=submission_dir,
                        protected=tuple(config.get("protected", ())), static_findings=config.get("static_findings"))
        engine.install()
    except BaseException:  # noqa: BLE001 - before any student code: the grader's own failure
        reply({"status": "internal", "message": traceback.format_exc()[-3000:]})
        return

    module: types.ModuleType | None = None
    with engine.request(importing=True) as report:
        try:
            seed_everything(0)
            module = importlib.import_module(config["module"])
            loaded_from = str(Path(module.__file__).resolve())
            if not loaded_from.startswith(submission_dir):
                raise ImportError(f"{config['module']} was loaded from {loaded_from}, not from the submission")
            engine.after_import(module)
            record = {"status": "ready", "layers": layers}
        except BaseException as exc:  # noqa: BLE001 - report anything, incl. SystemExit
            record = {"status": "import_error", **error_record(exc, submission_dir)}
    record = _with_policy(record, report)
    reply(record)
    if record["status"] != "ready":
        return

    while True:
        try:
            request = wire.decode(channel.recv_bytes())
        except (EOFError, OSError, wire.WireError):
            return
        if not isinstance(request, dict) or request.get("op") != "run":
            return
        with engine.request() as report:
            try:
                fn = _load_function(str(request["fn"]))
                seed_everything(int(request["seed"]))
                record = {"status": "ok", "value": fn(module, *request["args"], **request["kwargs"])}
            except BaseException as exc:  # noqa: BLE001
                record = error_record(exc, submission_dir)
        record = _with_policy(record, report)
        if report.records:
            record["records"] = dict(report.records)
        reply(record)


# ----------------------------------------------------------------------------
# Worker-side helpers that the judge's ``Student`` uses for plain calls.

def call_attr(module: types.ModuleType, name: str, *args, **kwargs):
    """Call ``module.name(*args, **kwargs)``."""
    return getattr(module, name)(*args, **kwargs)


def call_each(module: types.ModuleType, name: str, calls: list):
    """``[module.name(*args, **kwargs) for args, kwargs in calls]``; a failure names its call."""
    fn = getattr(module, name)
    values = []
    for index, (args, kwargs) in enumerate(calls):
        try:
            values.append(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - re-raised, labelled with the call
            exc.__grader_call_index__ = index
            raise
    return values


def get_attr(module: types.ModuleType, name: str):
    """Return ``module.name`` (a constant)."""
    return getattr(module, name)
