"""What a student reads: bilingual expected/got lines and only their own traceback frames."""

from __future__ import annotations

import pytest

from tests.harness import grade
from tests.mutants import Mutant

CONV = "hw03_conv_cost"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("messages")
    wrong = Mutant(CONV, "wrong", "+ (c_out if bias else 0)", "").write(base / "wrong")
    crash = Mutant(CONV, "crash", "    return 2 * conv2d_macs(", "    return 2 // 0 * conv2d_macs(").write(base / "crash")
    return grade([wrong, crash], base / "out", problem=CONV)


def test_wrong_value_says_expected_and_got_in_both_languages(run):
    outputs = [t["output"] for t in run.tests_of("wrong", CONV) if t["status"] == "failed"]
    assert outputs
    assert all("期望" in out and "expected" in out and "got" in out for out in outputs), outputs
    assert any("conv2d_params(" in out for out in outputs)


def test_exception_shows_the_students_frames_only(run):
    outputs = [t["output"] for t in run.tests_of("crash", CONV) if t["status"] == "failed"]
    assert outputs
    for out in outputs:
        assert "ZeroDivisionError" in out and "raised an exception" in out
        assert "hw03_conv_cost.py" in out
        assert "worker.py" not in out and "student.py" not in out and "site-packages" not in out


def test_terminal_shows_the_table(run):
    assert "成绩 Score" in run.stdout and "hw03_conv_cost" in run.stdout
    assert "Traceback" not in run.stdout
