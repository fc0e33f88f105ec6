"""The student release carries no solutions, hidden checks or self-tests, and still grades."""

from __future__ import annotations

import json
import subprocess
import sys

from grader.tools.release import is_instructor_only, make_release
from grader.tools.stubs import BEGIN
from tests.harness import ROOT


def test_instructor_paths_are_recognised():
    for path in ("solutions/hw03_conv_cost.py", "tests/mutants/hw03.py",
                 "grader/problems/hw03_conv_cost/hidden/test_hw03_conv_cost_hidden.py", ".github/workflows/ci.yml"):
        assert is_instructor_only(path), path
    for path in ("assignments/hw03_conv_cost.py", "grader/problems/hw03_conv_cost/test_hw03_conv_cost.py", "README.md",
                 "grader/conftest.py", "pyproject.toml"):
        assert not is_instructor_only(path), path


def test_release_grades_stubs_without_hidden_checks(tmp_path):
    out = tmp_path / "release"
    copied = make_release(out, ROOT)
    assert "assignments/hw03_conv_cost.py" in copied and "grader/conftest.py" in copied
    assert not (out / "solutions").exists() and not (out / "tests").exists()
    assert not list(out.rglob("hidden"))
    for path in out.rglob("hw[0-9][0-9]_*.py"):
        assert not any(BEGIN.match(line) for line in path.read_text(encoding="utf-8").splitlines()), path
    result = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "grader", "-q", "-p", "no:cacheprovider",
                           "-k", "hw03", "--grade-json", str(result)],
                          cwd=out, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(result.read_text(encoding="utf-8"))
    assert report["score"] == 0
    assert report["tests"] and all(t["visibility"] == "visible" for t in report["tests"])
    assert report["extra_data"]["problems"]["hw03_conv_cost"]["max_score"] == 10
