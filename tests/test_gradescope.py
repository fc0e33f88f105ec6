"""The Gradescope pair (grader/gradescope/run_autograder, setup.sh) on a fake
/autograder tree: source (the instructor's copy, with a hidden check added),
submission, results. Graded with -k hw03 to stay fast."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import ROOT

GRADESCOPE = ROOT / "grader" / "gradescope"
RUN_AUTOGRADER = GRADESCOPE / "run_autograder"
SETUP = GRADESCOPE / "setup.sh"
PROBLEM = "hw03_conv_cost"
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}

PROBE = f'''\
"""A hidden check added to the fake instructor copy by tests/test_gradescope.py."""
import pytest

pytestmark = [pytest.mark.problem("{PROBLEM}"), pytest.mark.hidden]


@pytest.mark.points(1)
def test_probe(student):
    """gradescope probe: a 5x5 conv's parameters"""
    assert student.call("conv2d_params", 3, 8, 5) == 3 * 8 * 25 + 8
'''


def make_autograder(tmp: Path) -> Path:
    """/autograder as Gradescope lays it out, with the repository in source/."""
    root = tmp / "autograder"
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("grader", "solutions"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copy(RUN_AUTOGRADER, root / "run_autograder")  # where Gradescope puts it
    # The probe takes the place of the problem's hidden checks (its points keep the total at 10).
    hidden = source / "grader" / "problems" / PROBLEM / "hidden"
    for old in hidden.glob("test_*.py"):
        old.unlink()
    (hidden / f"test_{PROBLEM}_zz_probe_hidden.py").write_text(PROBE, encoding="utf-8")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    return root


def run_autograder(root: Path, *extra: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
           "GRADER_SOURCE_DIR": str(root / "source"), "GRADER_SUBMISSION_DIR": str(root / "submission"),
           "GRADER_RESULTS_DIR": str(root / "results"), "GRADER_OUTPUT_DIR": str(root / "outputs"),
           "GRADER_PYTHON": sys.executable, **env_overrides}
    for k in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        env.pop(k, None)
    return subprocess.run(["bash", str(root / "run_autograder"), *extra], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def validate_results(data: dict) -> None:
    """Gradescope's results.json rules, and this grader's scoring."""
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["execution_time"], (int, float))
    tests = data["tests"]
    assert tests, "one entry per check"
    names = [t["name"] for t in tests]
    assert len(set(names)) == len(names), "check names are unique"
    for t in tests:
        assert isinstance(t["name"], str) and t["name"].startswith(f"{t['tags'][0]}: ") and len(t["name"]) > 20
        assert 0 <= t["score"] <= t["max_score"]
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in VISIBILITIES
        assert (t["score"] == t["max_score"]) == (t["status"] == "passed")
    assert sum(t["score"] for t in tests) == pytest.approx(data["score"], abs=0.01)
    assert sum(t["max_score"] for t in tests) == pytest.approx(data["extra_data"]["max_score"], abs=0.01)
    assert data["output_format"] == "md" and data["output"].lstrip().startswith("##")
    assert data["stdout_visibility"] == "hidden", "the log names hidden checks"


@pytest.fixture(scope="module")
def reference_graded(tmp_path_factory):
    """A whole repository submitted (as from GitHub): the modules are in assignments/."""
    root = make_autograder(tmp_path_factory.mktemp("gs-reference"))
    (root / "submission" / "assignments").mkdir()
    shutil.copy(ROOT / "solutions" / f"{PROBLEM}.py", root / "submission" / "assignments")
    (root / "submission" / "README.md").write_text("my homework\n")
    proc = run_autograder(root, "-k", PROBLEM)
    return root, proc


def test_reference_results_json(reference_graded):
    root, proc = reference_graded
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate_results(data)
    assert data["score"] == pytest.approx(10.0) and data["extra_data"]["max_score"] == pytest.approx(10.0)
    assert all(t["status"] == "passed" for t in data["tests"])
    assert {t["tags"][0] for t in data["tests"]} == {PROBLEM}
    assert "Graded with the instructor's grader" in data["output"]


def test_hidden_checks_after_published(reference_graded):
    root, _ = reference_graded
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    by_name = {t["name"]: t for t in data["tests"]}
    probe = by_name[f"{PROBLEM}: gradescope probe: a 5x5 conv's parameters"]
    assert probe["visibility"] == "after_published"
    public = {p.stem for p in (ROOT / "grader").rglob(f"test_{PROBLEM}.py")}
    assert public, "the public checks of the problem exist"
    visible = [t for t in data["tests"] if t["visibility"] == "visible"]
    assert visible and len(visible) < len(data["tests"])
    assert "gradescope probe" not in data["output"], "the overview does not name hidden checks"


def test_stubs_uploaded_flat_score_zero(tmp_path):
    root = make_autograder(tmp_path)
    shutil.copy(ROOT / "assignments" / f"{PROBLEM}.py", root / "submission")
    proc = run_autograder(root, "-k", PROBLEM)
    assert proc.returncode == 0, "missing points are a grading, not an autograder failure"
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate_results(data)
    assert data["score"] == 0
    assert all(t["status"] == "failed" for t in data["tests"])
    assert all(t["output"].startswith("尚未实现 / not implemented yet") for t in data["tests"]
               if t["visibility"] == "visible")


def test_grader_failure_leaves_no_results(tmp_path):
    """A crash must not be recorded as a score: no results.json, a non-zero exit."""
    root = make_autograder(tmp_path)
    (root / "results" / "results.json").write_text('{"score": 100}')  # stale
    proc = run_autograder(root, GRADER_SUBMISSION_DIR=str(root / "no-such-folder"))
    assert proc.returncode == 2
    assert not (root / "results" / "results.json").exists()
    assert "the grader itself failed" in proc.stderr


def test_scripts_are_executable_bash():
    for script in (RUN_AUTOGRADER, SETUP):
        assert os.access(script, os.X_OK), f"{script.name} must be executable"
        assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        pytest.skip("shellcheck not installed (apt-get install shellcheck)")
    proc = subprocess.run([shellcheck, str(RUN_AUTOGRADER), str(SETUP)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_setup_installs_the_repository():
    text = SETUP.read_text(encoding="utf-8")
    assert 'pip install -e "$SOURCE"' in text
    assert "GRADER_VENV" in text and "/autograder/venv" in RUN_AUTOGRADER.read_text(encoding="utf-8")
