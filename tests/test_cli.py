"""``python -m grader``: exit statuses, GitHub Actions reporting, the pieces of a batch.

The grading runs use ``-k hw03`` to stay fast; GitHub's runner is simulated with
GITHUB_STEP_SUMMARY / GITHUB_OUTPUT pointing to temporary files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.batch import gradebook, judge, records
from grader.batch.grading import Outcome, locate_modules
from grader.reports import tables
from grader.tools import summaries
from tests.harness import ROOT

PROBLEM = "hw03_conv_cost"
NOTICE_RE = re.compile(r"^::notice title=Autograding complete::Points (\S+)/(\S+)$", re.M)
REPORT_RE = re.compile(r"^::notice title=Autograding report::(\{.*\})$", re.M)


def run_cli(args: list[str], tmp: Path, *, github: bool = True, timeout: float = 600):
    """Run ``python -m grader`` as the workflow does; returns (proc, summary, outputs)."""
    summary, outputs = tmp / "step_summary.md", tmp / "github_output.txt"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if github:
        env.update(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs))
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    read = lambda p: p.read_text(encoding="utf-8") if p.exists() else ""  # noqa: E731
    outs = dict(line.split("=", 1) for line in read(outputs).splitlines() if "=" in line)
    return proc, read(summary), outs


def _resumed_part(stdout: str) -> str:
    """stdout after the grader's output was fenced off with ::stop-commands::TOKEN / ::TOKEN::."""
    start = re.search(r"^::stop-commands::(\w+)$", stdout, re.M)
    assert start, "the graded output is fenced off from workflow commands"
    end = stdout.index(f"::{start.group(1)}::", start.end())
    return stdout[:start.start()] + stdout[end:]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-reference")
    proc, summary, outputs = run_cli(
        ["--github", "--submission", "solutions", "-k", PROBLEM,
         "--grade-json", str(tmp / "out" / "results.json"), "--output-dir", str(tmp / "out" / "figures")],
        tmp)
    return tmp, proc, summary, outputs


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-stubs")
    proc, summary, outputs = run_cli(
        ["--github", "--submission", "assignments", "-k", PROBLEM,
         "--grade-json", str(tmp / "results.json"), "--output-dir", str(tmp / "figures")], tmp)
    return tmp, proc, summary, outputs


# -- GitHub Actions: reference and stubs ---------------------------------------------

def test_reference_full_marks_exit_0(reference):
    tmp, proc, summary, outputs = reference
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == pytest.approx(10.0)
    assert outputs == {"status": "complete", "exit-code": "0", "points": "10", "max-points": "10"}


def test_reference_notice_lines(reference):
    _, proc, _, _ = reference
    visible = _resumed_part(proc.stdout)
    assert NOTICE_RE.findall(visible) == [("10", "10")]
    assert [json.loads(m) for m in REPORT_RE.findall(visible)] == [{"totalPoints": 10, "maxPoints": 10}]
    assert "::notice title=Autograding report::{\"totalPoints\":10,\"maxPoints\":10}" in visible
    assert "::error" not in visible


def test_reference_job_summary(reference):
    _, proc, summary, _ = reference
    assert summary.startswith("## ✅ 自动评分 Autograding: 10 / 10")
    assert "| 题目 Problem | 得分 Score | 通过 Passed | 用时 Time |" in summary
    row = next(line for line in summary.splitlines() if line.startswith(f"| `{PROBLEM}`"))
    assert "| 10 / 10 |" in row
    assert "| **总分 Total** | **10 / 10** | | |" in summary
    assert "Graded with the copy of grader/ in this repository" in summary
    assert "成绩 Score" in proc.stdout, "pytest's score table still reaches the log"


def test_stubs_points_missing_exit_1(stubs):
    _, proc, summary, outputs = stubs
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    visible = _resumed_part(proc.stdout)
    assert NOTICE_RE.findall(visible) == [("0", "10")]
    assert [json.loads(m) for m in REPORT_RE.findall(visible)] == [{"totalPoints": 0, "maxPoints": 10}]
    assert "::error title=未得满分 / Points missing::" in visible
    assert "Grader failed" not in visible
    assert outputs == {"status": "incomplete", "exit-code": "1", "points": "0", "max-points": "10"}
    assert summary.startswith("## ❌ 自动评分 Autograding: 0 / 10")
    assert "| **总分 Total** | **0 / 10** | | |" in summary
    assert "尚未实现 / not implemented yet" in summary, "failed checks are listed with their reason"


# -- the grader itself failing ---------------------------------------------------------

def test_no_checks_collected_is_a_grader_failure(tmp_path):
    proc, summary, outputs = run_cli(["--github", "-k", "no_such_check_anywhere",
                                      "--grade-json", str(tmp_path / "r.json")], tmp_path)
    assert proc.returncode == 2
    assert "::error title=评分程序自身出错 / Grader failed::" in proc.stdout
    assert "Autograding report" not in proc.stdout and "Points " not in proc.stdout
    assert outputs == {"status": "error", "exit-code": "2"}
    assert "The grader itself failed" in summary and "no checks were collected" in summary


def test_bad_submission_folder_is_a_grader_failure(tmp_path):
    proc, summary, outputs = run_cli(["--github", "--submission", str(tmp_path / "missing")], tmp_path)
    assert proc.returncode == 2
    assert "not a folder" in proc.stderr
    assert outputs["status"] == "error"
    assert "Autograding report" not in proc.stdout


# -- graded code cannot fake the report ------------------------------------------------

SPOOF = '''\
import os as _os
print('::notice title=Autograding report::{"totalPoints":100,"maxPoints":100}', flush=True)
for _k in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
    if _os.environ.get(_k):
        with open(_os.environ[_k], "a") as _f:
            _f.write("points=100\\n")
'''


def test_graded_code_cannot_spoof_the_score(tmp_path):
    sub = tmp_path / "sneaky"
    sub.mkdir()
    source = (ROOT / "assignments" / f"{PROBLEM}.py").read_text(encoding="utf-8")
    (sub / f"{PROBLEM}.py").write_text(SPOOF + source, encoding="utf-8")
    proc, summary, outputs = run_cli(["--github", "--submission", str(sub), "-k", PROBLEM,
                                      "--grade-json", str(tmp_path / "r.json"),
                                      "--output-dir", str(tmp_path / "fig")], tmp_path)
    assert proc.returncode == 1
    visible = _resumed_part(proc.stdout)
    assert [json.loads(m) for m in REPORT_RE.findall(visible)] == [{"totalPoints": 0, "maxPoints": 10}]
    assert outputs["points"] == "0" and "points=100" not in summary


# -- pieces, without grading -----------------------------------------------------------

def test_notice_lines_format():
    result = {"score": 7.5, "extra_data": {"max_score": 100.0}}
    assert summaries.notice_lines(result) == [
        "::notice title=Autograding complete::Points 7.5/100",
        '::notice title=Autograding report::{"totalPoints":7.5,"maxPoints":100}',
    ]


def test_exit_codes():
    full = {"score": 20.0, "extra_data": {"max_score": 20.0}}
    part = {"score": 12.5, "extra_data": {"max_score": 20.0}}
    failed = records.failure_document("c", records.GRADER_FAILED, "the judge was killed")
    assert Outcome({"a": full}).exit_code == 0
    assert Outcome({"a": full, "b": part}).exit_code == 1
    assert Outcome({"a": full}, error="boom").exit_code == 2
    assert Outcome({"a": full, "c": failed}).exit_code == 2, "one submission not graded: the run says so"
    assert Outcome({"a": part}).status == "incomplete"


def test_locate_modules(tmp_path):
    flat, repo, deep, empty = (tmp_path / n for n in ("flat", "repo", "deep", "empty"))
    (flat / "x").mkdir(parents=True)
    (flat / "hw01_initialization.py").write_text("")
    (repo / "assignments").mkdir(parents=True)
    (repo / "assignments" / "hw01_initialization.py").write_text("")
    (repo / "solutions").mkdir()
    (repo / "solutions" / "hw02_receptive_field.py").write_text("")
    (deep / "course-main" / "solutions").mkdir(parents=True)
    (deep / "course-main" / "solutions" / "hw01_initialization.py").write_text("")
    (deep / "course-main" / "work").mkdir()
    (deep / "course-main" / "work" / "hw01_initialization.py").write_text("")
    empty.mkdir()
    assert locate_modules(flat) == flat
    assert locate_modules(repo) == repo / "assignments"
    assert locate_modules(deep) == deep / "course-main" / "work"
    assert locate_modules(empty) == empty


def test_summary_hides_hidden_check_names():
    result = {"score": 5.0, "extra_data": {"max_score": 10.0, "problems": {PROBLEM: {
        "score": 5.0, "max_score": 10.0, "passed": 1, "ran": 2, "seconds": 1.0}}},
        "tests": [
            {"name": f"{PROBLEM}: public one", "score": 5.0, "max_score": 5.0, "status": "passed",
             "output": "", "visibility": "visible"},
            {"name": f"{PROBLEM}: secret edge case", "score": 0.0, "max_score": 5.0, "status": "failed",
             "output": "expected 7", "visibility": "after_published"},
        ]}
    text = summaries.summary_markdown(Outcome({"me": result}), "instructor")
    assert "secret edge case" not in text and "expected 7" not in text
    assert "1 hidden checks failed" in text
    assert "instructor's repository (official run, 1 hidden checks)" in text
    assert tables.problem_table_markdown(result) in text


def test_gradebook_rows_points_only_where_graded(tmp_path):
    result = {"score": 4.0, "extra_data": {"max_score": 10.0, "problems": {PROBLEM: {
        "score": 4.0, "max_score": 10.0, "passed": 1, "ran": 3, "seconds": 0.5}},
        "run": {"status": "graded", "seconds": 3.25, "submission": {"commit": "abc"}}}}
    failed = records.failure_document("s2", records.GRADER_FAILED, "killed | by signal 9")
    book = tmp_path / "book" / "gradebook.csv"
    rows = gradebook.write(book, {"s1": result, "s2": failed}, {"s1": tmp_path / "feedback" / "s1" / "feedback.md"})
    assert list(rows[0])[0] == "submission"
    assert rows[0]["hw03"] == 4.0 and rows[0]["total"] == 4.0 and rows[0]["status"] == "graded"
    assert rows[0]["commit"] == "abc" and rows[0]["seconds"] == "3.2" and rows[0]["feedback"] == "../feedback/s1/feedback.md"
    assert all(v == "" for k, v in rows[1].items() if k.startswith(("hw", "total"))), "points only, none if not graded"
    assert rows[1]["status"] == "grader failed"
    md = book.with_suffix(".md").read_text(encoding="utf-8").splitlines()
    assert md[2] == "| s1 | 4 | 4 / 10 |"
    assert "| s2 | grader failed | killed \\| by signal 9 |" in md
    assert tables.gradebook_markdown([rows[0]]).splitlines()[2] == md[2]


def test_judges_get_a_minimal_environment():
    env = judge.environment({"PATH": "/bin", "HOME": "/root", "GITHUB_OUTPUT": "/x", "GITHUB_TOKEN": "t",
                             "GRADER_GIT_TOKEN": "secret", "AWS_SECRET_ACCESS_KEY": "k", "LC_ALL": "C",
                             "PYTHONPATH": "/p", "CUDA_VISIBLE_DEVICES": "0", "TORCH_HOME": "/t"})
    assert set(env) == {"PATH", "HOME", "LC_ALL", "PYTHONPATH", "CUDA_VISIBLE_DEVICES", "TORCH_HOME",
                        *judge.ENV_FIXED}


def test_judge_command_has_no_result_files():
    argv = judge.Settings(isolation="required", keyword="hw03").argv(Path("/s/alice"), Path("/o/alice"))
    assert "--grade-json" not in argv and "--gradebook" not in argv, "results only through the pipe"
    assert argv[argv.index("--isolation") + 1] == "required" and argv[argv.index("-k") + 1] == "hw03"


def test_verdict_parsing():
    doc = {"score": 1, "tests": [], "extra_data": {}}
    good = judge.parse((json.dumps(doc) + "\n" + json.dumps({"judge_exit": {"code": 1, "signal": None}}) + "\n").encode())
    assert good.failure() == "" and good.documents == [doc]
    killed = judge.parse(b'{"score": 1, "tes' + b"\n" + json.dumps({"judge_exit": {"code": None, "signal": 9}}).encode())
    assert "signal 9" in killed.failure()
    assert "vanished" in judge.parse(b"").failure()
    assert "timed out after 5 s" in good.failure(timed_out=5)
    assert judge.parse(json.dumps({"judge_exit": {"code": 4}}).encode()).fatal


def test_help_exits_0():
    proc = subprocess.run([sys.executable, "-m", "grader", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for option in ("--submission", "--submissions-dir", "--grade-json", "--gradebook", "--github",
                   "--gradescope", "--device", "--output-dir", "--roster", "--snapshot", "--shard", "--jobs",
                   "--only", "--force", "--isolation", "--similarity"):
        assert option in proc.stdout


def test_the_cli_needs_no_instructor_extra():
    """copydetect is the instructors' extra (--similarity): a student's ``python -m grader`` starts
    without it."""
    code = ("import runpy, sys; sys.modules['copydetect'] = None; sys.argv = ['grader', '--help']; "
            "runpy.run_module('grader', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
