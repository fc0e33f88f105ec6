"""The student release: tracked student files only, refusals that name the files, a student
README, public hints; and the release grades, hints and keeps its table last."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.problems import hints
from grader.tools.release import (INSTRUCTOR_WORDS, STUDENT_README, ReleaseRefused, instructor_mentions,
                                  make_release, plan, public_hints, tracked_files)
from tests.harness import ROOT

CONV = "hw03_conv_cost"
HIDDEN_CHECK = "test_agrees_with_reference"  # grader/problems/hw03_conv_cost/hidden/
PUBLIC_CHECK = "test_homework_numbers"
HINTS = f'''# hints for the release test
[{PUBLIC_CHECK}]
hints = [
  {{ zh = "第一条提示", en = "first hint" }},
  {{ zh = "第二条提示", en = "second hint" }},
  {{ zh = "第三条提示", en = "third hint" }},
]

[{HIDDEN_CHECK}]
hints = [
  {{ zh = "隐藏检查的提示", en = "a hint of a hidden check" }},
  {{ zh = "隐藏检查的第二条", en = "its second hint" }},
]
'''
STRAYS = {  # what an instructor's checkout holds after grading a class
    "class/alice/hw03_conv_cost.py": "solutions/hw03_conv_cost.py",
    "class/ref/hw10_lstm.py": "solutions/hw10_lstm.py",
    "book.csv": None, "book.md": None, "grader-output/results.json": None,
    "hw03_conv_cost.py": "solutions/hw03_conv_cost.py",
    "grader/problems/hw03_conv_cost/hw03_conv_cost.py": "solutions/hw03_conv_cost.py",
}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def _checkout(base: Path) -> Path:
    """A committed copy of this checkout's tracked files (as they are now), with hw03 hints."""
    root = base / "checkout"
    for rel in tracked_files(ROOT):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    (root / "grader" / "problems" / CONV / "hints.toml").write_text(HINTS, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "checkout")
    for rel, source in STRAYS.items():  # untracked: must never go out
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text((ROOT / source).read_text(encoding="utf-8") if source else "a,b\n1,2\n")
    return root


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    root = _checkout(base)
    out = base / "student"
    return root, out, make_release(out, root)


# -- what goes out ----------------------------------------------------------------------

def test_plan_sorts_tracked_files():
    chosen = plan(["assignments/hw03_conv_cost.py", "grader/plugin/terminal.py", "pyproject.toml",
                   ".github/workflows/autograding.yml", f"grader/problems/{CONV}/hints.toml",
                   "solutions/hw03_conv_cost.py", "tests/mutants/hw03.py", ".ci/run", "grader/DEVELOPING.md",
                   f"grader/problems/{CONV}/hidden/test_{CONV}_hidden.py", ".github/workflows/ci.yml",
                   ".github/workflows/regrade.yml", "README.md", "SECURITY.md", "grader/gradescope/setup.sh",
                   "class/alice/hw03_conv_cost.py", "book.csv", "results/bob.json", "grades.md",
                   f"grader/problems/{CONV}/{CONV}.py", "assignments/notes.txt", "assignments/hidden/x.py"])
    assert chosen.released == ["assignments/hw03_conv_cost.py", "grader/plugin/terminal.py", "pyproject.toml",
                               ".github/workflows/autograding.yml", f"grader/problems/{CONV}/hints.toml"]
    assert len(chosen.left_out) == 10  # solutions, tests, .ci, DEVELOPING, hidden, ci, regrade, READMEs, gradescope
    refused = {line.split(": ")[0] for line in chosen.refused}
    assert refused == {"class/alice/hw03_conv_cost.py", "book.csv", "results/bob.json", "grades.md",
                       f"grader/problems/{CONV}/{CONV}.py", "assignments/notes.txt", "assignments/hidden/x.py"}


def test_release_holds_tracked_student_files_only(released):
    root, out, written = released
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == sorted(written)
    for stray in STRAYS:
        assert not (out / stray).exists(), stray
    assert not any(p.name in ("hidden", "solutions", "tests", ".ci", "gradescope") for p in out.rglob("*"))
    assert not (out / ".github" / "workflows" / "ci.yml").exists()
    assert (out / ".github" / "workflows" / "autograding.yml").is_file()
    assert not (out / "grader" / "DEVELOPING.md").exists()
    assert len([f for f in files if f.startswith("assignments/hw") and f.endswith(".py")]) \
        == len(list((ROOT / "solutions").glob("hw*.py")))


def test_release_readme_is_the_students(released):
    _, out, _ = released
    text = (out / "README.md").read_text(encoding="utf-8")
    assert text == (ROOT / STUDENT_README).read_text(encoding="utf-8")
    assert instructor_mentions(text) == []
    for word in ("solutions/", "tests/", ".ci/run", "pytest tests", "hidden", "GRADER_HIDDEN_TOKEN", "zip"):
        assert word not in text, word
    for needed in ("venv", "download.pytorch.org/whl/cpu", "PIP_INDEX_URL", "WSL", "python -m grader hint",
                   "python -m grader status", "python -m grader watch", "grader/assets/first_run.png"):
        assert needed in text, needed
    assert (out / "grader" / "assets" / "first_run.png").is_file()
    assert {"solutions/", "hidden", "secret"} <= set(INSTRUCTOR_WORDS)


def test_released_hints_leave_out_hidden_checks(released):
    _, out, _ = released
    shipped = hints.load(CONV, out / "grader" / "problems")
    assert list(shipped) == [PUBLIC_CHECK]
    text = (out / "grader" / "problems" / CONV / "hints.toml").read_text(encoding="utf-8")
    assert HIDDEN_CHECK not in text and text.startswith("# hints for the release test")
    assert public_hints(HINTS, {PUBLIC_CHECK, HIDDEN_CHECK}) == HINTS


def test_tracked_strays_are_refused_by_name(released, tmp_path):
    root, _, _ = released
    _git(root, "add", "-f", *STRAYS)
    _git(root, "commit", "-qm", "oops")
    try:
        with pytest.raises(ReleaseRefused) as refused:
            make_release(tmp_path / "out", root)
        for stray in STRAYS:
            assert stray in str(refused.value), stray
        assert not (tmp_path / "out").exists()
    finally:
        _git(root, "reset", "-q", "--soft", "HEAD~1")
        _git(root, "reset", "-q")


def test_uncommitted_changes_are_refused(released, tmp_path):
    root, _, _ = released
    target = root / "grader" / "plugin" / "terminal.py"
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "# edited\n", encoding="utf-8")
    try:
        with pytest.raises(ReleaseRefused, match="grader/plugin/terminal.py"):
            make_release(tmp_path / "out", root)
    finally:
        target.write_text(original, encoding="utf-8")


# -- the release works -----------------------------------------------------------------

@pytest.fixture(scope="module")
def release_graded(released, tmp_path_factory):
    _, out, _ = released
    state = tmp_path_factory.mktemp("student-state")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "XDG_STATE_HOME": str(state)}
    result = out / "r.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "grader", "-p", "no:cacheprovider", "-k", CONV,
                           "--grade-json", str(result)], cwd=out, env=env, capture_output=True, text=True,
                          timeout=600)
    return out, env, proc, json.loads(result.read_text(encoding="utf-8"))


def test_release_grades_stubs_without_hidden_checks(release_graded):
    _, _, proc, report = release_graded
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert report["score"] == 0
    assert report["tests"] and all(t["visibility"] == "visible" for t in report["tests"])
    assert report["extra_data"]["problems"][CONV]["max_score"] == 10


def test_first_run_ends_with_the_table(release_graded):
    _, _, proc, _ = release_graded
    last = proc.stdout.rstrip().splitlines()[-4:]
    assert any(line.startswith("总分 Total") for line in last), last
    assert "not implemented" in last[-1] and "failed" not in last[-1]
    assert "short test summary" not in proc.stdout and "ERROR at setup" not in proc.stdout
    assert "FAILURES" not in proc.stdout, "unwritten functions are the table's to say, once"
    assert "0 分是正常的" in proc.stdout and "A first run scoring 0 is normal" in proc.stdout


def _cli(out: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=out, env=env, capture_output=True,
                          text=True, timeout=120)


def test_hint_reveals_one_more_each_time(release_graded):
    out, env, _, _ = release_graded
    shown = []
    for _ in range(4):
        proc = _cli(out, env, "hint", "hw03")
        assert proc.returncode == 0, proc.stderr
        shown.append(proc.stdout)
    for level, text in enumerate(shown[:3], start=1):
        assert f"Hint {level} of 3" in text and f"Hint {level + 1} of 3" not in text
        assert PUBLIC_CHECK in text
    assert "third hint" in shown[3] and "last hint" in shown[3]
    assert "隐藏检查" not in "".join(shown)


def test_hint_in_a_fresh_clone_exits_0(released, tmp_path):
    _, out, _ = released
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    proc = _cli(out, env, "hint", "hw03")
    assert proc.returncode == 0 and "Hint 1 of 3" in proc.stdout, proc.stdout + proc.stderr
    proc = _cli(out, env, "hint", "hw12")  # a bonus problem's hints are released too
    assert proc.returncode == 0 and "Hint 1 of" in proc.stdout, proc.stdout + proc.stderr


def test_status_prints_the_last_runs_table(release_graded):
    out, env, proc, _ = release_graded
    status = _cli(out, env, "status")
    assert status.returncode == 0
    table = [line for line in proc.stdout.splitlines() if line.startswith(("… hw03", "总分 Total", "题目 Problem"))]
    assert len(table) == 3 and all(line in status.stdout.splitlines() for line in table), status.stdout
