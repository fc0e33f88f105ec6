"""The grader's command-line options (``pytest grader/ --help``, group "homework grader")."""

from __future__ import annotations

import pytest

from grader.sandbox.isolation import DEFAULT_UID_BASE, MODES, Limits

_LIMITS = Limits()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "homework grader / 作业评分")
    add = group.addoption
    add("--submission", action="append", default=[], metavar="DIR",
        help="folder of hwNN_*.py files to grade (repeatable; default: assignments/)")
    add("--grade-json", metavar="PATH",
        help="write Gradescope-style results.json (DIR/NAME.json when grading several submissions)")
    add("--gradebook", metavar="PATH.csv", help="write one CSV row of scores per submission")
    add("--device", choices=("auto", "cpu", "cuda"), default="auto",
        help="device for model and tensor checks (default: cuda when available)")
    add("--output-dir", metavar="DIR", default=None,
        help="where figures drawn by the submission are saved (default: grader-output/)")
    add("--call-timeout", type=float, default=30.0,
        help="seconds allowed for one call into student code (default 30)")
    add("--import-timeout", type=float, default=60.0,
        help="seconds allowed for importing a student module (default 60)")
    add("--isolation", choices=MODES, default="auto",
        help="run student code as a sandbox user with limits and namespaces: off, auto (whenever the "
             "machine allows: root), required (refuse to grade without it) (default auto)")
    add("--memory-limit", type=int, default=_LIMITS.memory_mb, metavar="MB",
        help=f"sandbox: address space per worker beyond the interpreter's (default {_LIMITS.memory_mb})")
    add("--cpu-limit", type=int, default=_LIMITS.cpu_s, metavar="SECONDS",
        help=f"sandbox: CPU seconds per worker (default {_LIMITS.cpu_s})")
    add("--process-limit", type=int, default=_LIMITS.processes, metavar="N",
        help=f"sandbox: processes and threads (default {_LIMITS.processes})")
    add("--file-limit", type=int, default=_LIMITS.file_mb, metavar="MB",
        help=f"sandbox: largest file written (default {_LIMITS.file_mb})")
    add("--sandbox-uid-base", type=int, default=DEFAULT_UID_BASE, metavar="UID",
        help=f"sandbox: first uid of the slots (default {DEFAULT_UID_BASE})")
    add("--sandbox-namespaces", choices=("auto", "none"), default="auto",
        help="sandbox: use the namespaces the kernel grants (auto), or none, as in a container that refuses "
             "them (the uid layer alone must hold)")
    add("--protect", action="append", default=[], metavar="DIR",
        help="(for python -m grader) a folder the sandbox may not read (other submissions, results)")
    add("--verdict-fd", type=int, default=None, help="(for python -m grader) write results to this pipe")
