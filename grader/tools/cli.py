"""``python -m grader [VERB] ...``: one entry point, one module per verb.

    python -m grader [options]          grade (the default verb): see grader/tools/grade.py
    python -m grader stubs [--check]    regenerate assignments/ from solutions/
    python -m grader release OUT        make the student release
    python -m grader benchmark          measure grading time and memory
    python -m grader snapshot ...       record each student repository's HEAD (at the deadline)
    python -m grader merge DIR...       join the results folders of a sharded class
    python -m grader notebooks VERB     the written half: generate, course, collect, pending
    python -m grader join CODE WRITTEN  one gradebook: code points + nbgrader's written points
    python -m grader hint [hwNN]        one more hint for a failing check, each time
    python -m grader status             the score table of the last run, without grading
    python -m grader watch [hwNN]       regrade a problem each time its file is saved

Each verb's module has ``main(argv) -> int``; adding a verb is one line here.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

VERBS = {
    "grade": "grader.tools.grade",
    "stubs": "grader.tools.stubs",
    "release": "grader.tools.release",
    "benchmark": "grader.tools.benchmark",
    "snapshot": "grader.tools.snapshot",
    "merge": "grader.tools.merge",
    "notebooks": "grader.tools.notebooks",
    "join": "grader.tools.join",
    "hint": "grader.tools.hint",
    "status": "grader.tools.status",
    "watch": "grader.tools.watch",
}


NEEDS_TORCH = ("grade", "watch", "benchmark")
NO_TORCH = ("PyTorch 未安装 / PyTorch is not installed. 激活虚拟环境并安装 / activate the virtual environment "
            "and install: pip install -e .  (README: 安装 / Set-up)")


def torch_installed() -> bool:
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verb = argv.pop(0) if argv and argv[0] in VERBS else "grade"
    if verb in NEEDS_TORCH and not torch_installed():
        print(NO_TORCH, file=sys.stderr)
        return 2
    # Loaded on demand: a verb's dependencies (a file watcher, nbgrader) cost only its users.
    return int(importlib.import_module(VERBS[verb]).main(argv) or 0)
