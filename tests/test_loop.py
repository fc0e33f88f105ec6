"""The student loop: ``watch`` regrades a problem when its file is saved and prints its table
last; ``status`` prints the last run's table again without grading."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from tests.harness import ROOT
from tests.mutants import Mutant

CONV = "hw03_conv_cost"


def _lines(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def test_watch_regrades_on_save_and_status_repeats_the_table(tmp_path):
    folder = tmp_path / "assignments"
    folder.mkdir()
    (folder / f"{CONV}.py").write_text((ROOT / "assignments" / f"{CONV}.py").read_text(encoding="utf-8"))
    broken = Mutant(CONV, "syntax", "def conv2d_params(", "def conv2d_params(:").source()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "grader", "watch", "--submission", str(folder)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, out), daemon=True).start()
    seen: list[str] = []
    regrading = None
    deadline = time.monotonic() + 480
    try:
        while time.monotonic() < deadline:
            if regrading is None:  # save until the watcher notices (it may start after the first save)
                (folder / f"{CONV}.py").write_text(broken, encoding="utf-8")
            try:
                line = out.get(timeout=2)
            except queue.Empty:
                continue
            assert line is not None, "watch ended:\n" + "\n".join(seen)
            seen.append(line)
            if "saved, regrading" in line and regrading is None:
                regrading = len(seen)
            if regrading is not None and any(s.startswith("总分 Total") for s in seen[regrading:]) \
                    and " in " in line and line.rstrip("= ").endswith("s"):
                break
        else:
            raise AssertionError("no regrading within the time limit:\n" + "\n".join(seen))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    graded = seen[regrading:]
    assert any(s.startswith("总分 Total") for s in graded[-4:]), graded
    row = next(s for s in graded if CONV in s and s.startswith("!"))
    assert "语法错误 / syntax error (line" in row
    assert not any("hw02" in s for s in graded), "only the saved problem is graded"

    status = subprocess.run([sys.executable, "-m", "grader", "status"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0
    table = [s for s in graded if s.startswith(("!", "总分 Total", "题目 Problem"))]
    assert len(table) == 3 and all(s in status.stdout.splitlines() for s in table), status.stdout


BLOCK_TORCH = '''
import sys
class _NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'", name="torch")
sys.meta_path.insert(0, _NoTorch())
'''


def test_without_torch_the_grader_says_so(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in ("import runpy; sys.argv = ['grader', '-k', 'hw03']; runpy.run_module('grader', run_name='__main__')",
                "import pytest; sys.exit(pytest.main(['grader', '-k', 'hw03', '-p', 'no:cacheprovider']))"):
        proc = subprocess.run([sys.executable, "-c", BLOCK_TORCH + run], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        text = proc.stdout + proc.stderr
        assert proc.returncode in (2, 4), text
        assert "PyTorch is not installed" in text and "pip install -e ." in text, text
        assert "usage error" not in text and "Traceback" not in text, text


def test_pytest_in_assignments_says_how_to_run():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-k", "hw03", "-p", "no:cacheprovider"],
                          cwd=ROOT / "assignments", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5
    assert "cd .. && pytest grader/ -k hw03" in proc.stdout
