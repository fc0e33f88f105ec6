"""What a student reads: bilingual expected/got lines, only their own traceback frames, a table
that names what is wrong (a syntax error is not "not implemented") and ends the output."""

from __future__ import annotations

import csv
import shutil

import pytest

from tests.harness import ROOT, grade
from tests.mutants import Mutant

CONV = "hw03_conv_cost"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("messages")
    wrong = Mutant(CONV, "wrong", "+ (c_out if bias else 0)", "").write(base / "wrong")
    crash = Mutant(CONV, "crash", "    return 2 * conv2d_macs(", "    return 2 // 0 * conv2d_macs(").write(base / "crash")
    syntax = Mutant(CONV, "syntax", "def conv2d_params(", "def conv2d_params(:").write(base / "syntax")
    imports = Mutant(CONV, "imports", "from __future__ import annotations",
                     "from __future__ import annotations\nimport no_such_module_anywhere").write(base / "imports")
    missing = base / "missing"
    missing.mkdir()
    shutil.copy(ROOT / "assignments" / "hw02_receptive_field.py", missing)
    return grade([wrong, crash, syntax, imports, missing], base / "out", problem=CONV,
                 extra=["--gradebook", str(base / "book.csv")]), base


def test_wrong_value_says_expected_and_got_in_both_languages(run):
    run, _ = run
    outputs = [t["output"] for t in run.tests_of("wrong", CONV) if t["status"] == "failed"]
    assert outputs
    assert all("期望" in out and "expected" in out and "got" in out for out in outputs), outputs
    assert any("conv2d_params(" in out for out in outputs)


def test_exception_shows_the_students_frames_only(run):
    run, _ = run
    outputs = [t["output"] for t in run.tests_of("crash", CONV) if t["status"] == "failed"]
    assert outputs
    for out in outputs:
        assert "ZeroDivisionError" in out and "raised an exception" in out
        assert "hw03_conv_cost.py" in out
        assert "worker.py" not in out and "student.py" not in out and "site-packages" not in out


@pytest.mark.parametrize("name, note", [
    ("syntax", "语法错误 / syntax error (line "),
    ("imports", "导入出错 / import error: ModuleNotFoundError"),
    ("missing", "找不到文件 / file missing: hw03_conv_cost.py"),
])
def test_unusable_modules_are_named_for_what_they_are(run, name, note):
    run, _ = run
    entry = run.results[name]["extra_data"]["problems"][CONV]
    assert entry["broken"].startswith(note), entry
    assert entry["not_implemented"] == 0 and entry["score"] == 0
    assert note in run.stdout


def test_terminal_ends_with_the_gradebook_and_no_noise(run):
    run, _ = run
    assert "成绩册 Gradebook" in run.stdout and "Traceback" not in run.stdout
    tail = run.stdout.rstrip().splitlines()
    assert "failed" in tail[-1] and "broken" in tail[-1], tail[-1]
    assert "short test summary" not in run.stdout and "ERROR at setup" not in run.stdout
    assert "raise NotImplementedError" not in run.stdout, "no stub hint when grading several submissions"
    assert "SyntaxError" in run.stdout, "the syntax error is shown once, above the gradebook"


def test_pytest_batch_writes_markdown_and_the_folders(run):
    run, base = run
    rows = {r["submission"]: r for r in csv.DictReader((base / "book.csv").open(encoding="utf-8"))}
    assert set(rows) == {"wrong", "crash", "syntax", "imports", "missing"}
    assert rows["syntax"]["folder"] == str(base / "syntax")
    md = (base / "book.md").read_text(encoding="utf-8")
    assert "| 提交 Submission | hw03 | 总分 Total |" in md and f"| missing | `{base / 'missing'}` |" in md
