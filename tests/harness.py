"""Run the grader as a student or instructor would, in a subprocess, and read its JSON.

One grader run may grade several submission folders at once (``--submission`` is
repeatable), so a problem's reference, stubs and mutants share one pytest start,
one torch import and one fork server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class GradeRun:
    returncode: int
    stdout: str
    results: dict[str, dict]  # submission folder name -> results.json content

    def problem_score(self, submission: str, problem: str) -> float:
        return self.results[submission]["extra_data"]["problems"][problem]["score"]

    def tests_of(self, submission: str, problem: str) -> list[dict]:
        return [t for t in self.results[submission]["tests"] if t["tags"] == [problem]]


def grade(submissions: list[Path], out: Path, *, problem: str | None = None,
          extra: list[str] = (), timeout: float = 1500, env: dict | None = None,
          wrapper: list[str] | None = None) -> GradeRun:
    """Grade ``submissions`` (folders; their names must be distinct) and return the results.
    ``problem``: problem modules separated by " or " (their folders are collected, nothing else:
    a ``-k`` would also select every check of a submission whose name contains the module's).
    ``env`` adds to the judge's environment; ``wrapper`` is a command the judge runs under."""
    out.mkdir(parents=True, exist_ok=True)
    json_target = out / "results" if len(submissions) > 1 else out / "results.json"
    targets = [str(ROOT / "grader" / "problems" / name.strip()) for name in problem.split(" or ")] if problem \
        else [str(ROOT / "grader")]
    cmd = [sys.executable, "-m", "pytest", *targets, "-q", "-p", "no:cacheprovider",
           "--grade-json", str(json_target), "--output-dir", str(out / "figures"), *extra]
    for folder in submissions:
        cmd += ["--submission", str(folder)]
    # No third-party pytest plugins in the grading (as in the CLI's judges): seconds per run.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})}
    proc = subprocess.run([*(wrapper or []), *cmd], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=env)
    if proc.returncode not in (0, 1):
        raise AssertionError(f"the grader itself failed (exit {proc.returncode}):\n"
                             f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    if len(submissions) > 1:
        results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in json_target.glob("*.json")}
    else:
        results = {submissions[0].name: json.loads(json_target.read_text(encoding="utf-8"))}
    return GradeRun(proc.returncode, proc.stdout, results)
