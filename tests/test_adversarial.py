"""Submissions that hang, exit, crash or tamper: the run finishes, every other
problem is still graded, and none of them scores more than its honest work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.harness import ROOT, grade
from tests.mutants import Mutant

PROBLEM = "hw03_conv_cost"
PARAMS_BODY = "    k_h, k_w = _kernel_hw(kernel)\n    return k_h * k_w * (c_in // groups) * c_out + (c_out if bias else 0)"
HEADER = "from __future__ import annotations\n"


def _edit(name: str, old: str, new: str) -> Mutant:
    return Mutant(PROBLEM, name, old, new)


HOSTILE = {
    # conv2d_params never returns; the other three functions are right.
    "hangs": _edit("hangs", PARAMS_BODY, "    while True:\n        pass"),
    "exits_at_import": _edit("exits_at_import", HEADER, HEADER + "import os\nos._exit(0)\n"),
    "syntax_error": _edit("syntax_error", HEADER, HEADER + "def broken(:\n"),
    "crashes_at_import": _edit("crashes_at_import", HEADER, HEADER + "raise RuntimeError('boom')\n"),
    "hangs_at_import": _edit("hangs_at_import", HEADER, HEADER + "while True:\n    pass\n"),
    "sys_exit_in_call": _edit("sys_exit_in_call", PARAMS_BODY, "    import sys\n    sys.exit(0)"),
    "os_exit_in_call": _edit("os_exit_in_call", PARAMS_BODY, "    import os\n    os._exit(3)"),
    # A wrong answer (bias forgotten) that disables the comparisons it expects.
    "patches_allclose": _edit("patches_allclose", HEADER, HEADER + (
        "import torch\n"
        "torch.allclose = lambda *a, **k: True\n"
        "torch.testing.assert_close = lambda *a, **k: None\n"
        "torch.equal = lambda *a, **k: True\n")),
    # Returns an int whose pickling would run code in whoever unpickles it.
    "evil_pickle": _edit("evil_pickle", PARAMS_BODY, PARAMS_BODY.replace(
        "    return ", "    import os\n\n    class Evil(int):\n        def __reduce__(self):\n"
                      "            return (os.system, ('touch ' + os.environ['EVIL_MARKER'],))\n\n"
                      "    return Evil(") + ")"),
}
# The honest part of each: what it would score with the trick removed.
HONEST_AT_MOST = {"hangs": 10, "exits_at_import": 0, "syntax_error": 0, "crashes_at_import": 0,
                  "hangs_at_import": 0, "sys_exit_in_call": 10, "os_exit_in_call": 10,
                  "patches_allclose": 10, "evil_pickle": 10}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folders = []
    for name, mutant in HOSTILE.items():
        folder = mutant.write(base / name)
        # Every hostile folder also holds a correct hw06: it must still be graded.
        (folder / "hw06_depthwise_separable.py").write_text(
            (ROOT / "solutions" / "hw06_depthwise_separable.py").read_text(encoding="utf-8"), encoding="utf-8")
        folders.append(folder)
    marker = base / "pwned"
    os.environ["EVIL_MARKER"] = str(marker)
    run = grade(folders, base / "out", problem="hw03_conv_cost or hw06_depthwise_separable",
                extra=["--call-timeout", "3", "--import-timeout", "8"])
    return run, marker


def _outputs(run, name):
    return [t["output"] for t in run.tests_of(name, PROBLEM)]


def test_run_finishes_and_grades_everything(hostile_run):
    run, _ = hostile_run
    assert set(run.results) == set(HOSTILE)
    for name in HOSTILE:
        assert run.problem_score(name, "hw06_depthwise_separable") == 10, name


def test_no_submission_scores_more_than_its_honest_work(hostile_run):
    run, _ = hostile_run
    for name in HOSTILE:
        assert run.problem_score(name, PROBLEM) <= HONEST_AT_MOST[name], name
        if name != "evil_pickle":  # harmless here: the int crosses as a plain int
            assert run.problem_score(name, PROBLEM) < 10, f"{name}: its trick cost nothing"


def test_messages_say_what_happened(hostile_run):
    run, _ = hostile_run
    expect = {
        "hangs": "timed out", "exits_at_import": "exited while importing",
        "syntax_error": "SyntaxError", "crashes_at_import": "RuntimeError: boom",
        "hangs_at_import": "timed out", "sys_exit_in_call": "sys.exit",
        "os_exit_in_call": "process running your code died", "patches_allclose": "torch.allclose",
    }
    for name, text in expect.items():
        outputs = _outputs(run, name)
        assert any(text in out for out in outputs), (name, outputs)
    for name in ("exits_at_import", "syntax_error", "crashes_at_import"):
        assert all("hw03_conv_cost.py" in out for out in _outputs(run, name)), name


def test_judge_never_unpickles_student_objects(hostile_run):
    run, marker = hostile_run
    assert not Path(marker).exists()
    assert run.problem_score("evil_pickle", PROBLEM) == 10  # an int subclass is still the right number
