"""A class run that is interrupted resumes without regrading what is done; a judge that is
killed or hangs costs its own submission only, and the gradebook is written even then."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from grader.batch import records
from tests.harness import ROOT
from tests.test_batch import FAST, PROBLEM, inject, read_book, run_cli

REF = (ROOT / "solutions" / f"{PROBLEM}.py").read_text(encoding="utf-8")

# With isolation off (nothing then stops it), a module that SIGKILLs its judge at import:
# worker -> zygote -> judge.
JUDGE_KILLER = """\
import os, signal
_zygote = os.getppid()
with open(f"/proc/{_zygote}/stat") as _f:
    _judge = int(_f.read().rsplit(")", 1)[1].split()[1])
os.kill(_judge, signal.SIGKILL)
"""


def put(folder: Path, name: str, text: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / f"{PROBLEM}.py").write_text(text, encoding="utf-8")


def test_interrupted_batch_resumes(tmp_path):
    klass, out = tmp_path / "class", tmp_path / "out"
    put(klass, "a-first", REF)
    put(klass, "b-slow", REF + "\n\ndef conv2d_params(*args, **kwargs):\n    import time\n    time.sleep(10_000)\n")
    put(klass, "c-last", REF)
    args = ["--submissions-dir", str(klass), "--jobs", "1", "--grade-json", str(out), "-k", PROBLEM,
            "--call-timeout", "60"]
    proc = subprocess.Popen([sys.executable, "-m", "grader", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    deadline = time.monotonic() + 600
    while not (out / "a-first.json").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # b-slow is being graded now: its first call hangs for a minute
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stdout[-3000:] + stderr[-3000:]
    assert "interrupted" in stderr
    assert list(read_book(out / "gradebook.csv")) == ["a-first"], "a valid gradebook of what was graded"
    assert not (out / "b-slow.json").exists()
    first = (out / "a-first.json").read_bytes()

    (klass / "b-slow" / f"{PROBLEM}.py").write_text(REF, encoding="utf-8")  # fixed meanwhile
    proc = run_cli(args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "1 reused" in proc.stdout
    assert (out / "a-first.json").read_bytes() == first, "what was done is not graded again"
    book = read_book(out / "gradebook.csv")
    assert list(book) == ["a-first", "b-slow", "c-last"] and {r["total"] for r in book.values()} == {"10.0"}

    (klass / "c-last" / f"{PROBLEM}.py").write_text(REF + "\n# changed\n", encoding="utf-8")
    proc = run_cli([*args, "--only", "a-first"])
    assert proc.returncode == 0
    run = records.run_info(records.read_json(out / "a-first.json"))
    assert (out / "a-first.json").read_bytes() != first and run["status"] == records.GRADED, "--only regrades"
    assert list(read_book(out / "gradebook.csv")) == ["a-first", "b-slow", "c-last"], "the rest as it was"


def test_a_dead_or_hung_judge_costs_only_its_submission(tmp_path):
    klass, out = tmp_path / "class", tmp_path / "out"
    put(klass, "good", REF)
    put(klass, "killer", inject(REF, JUDGE_KILLER))
    put(klass, "sleeper", REF + "\n\ndef conv2d_params(*args, **kwargs):\n    import time\n    time.sleep(10_000)\n")
    proc = run_cli(["--submissions-dir", str(klass), "--jobs", "2", "--grade-json", str(out), "--isolation", "off",
                    "--timeout", "25", "-k", PROBLEM, "--call-timeout", "60"])
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
    book = read_book(out / "gradebook.csv")
    assert float(book["good"]["total"]) == 10 and book["good"]["status"] == records.GRADED
    for name, why in (("killer", "killed by signal 9"), ("sleeper", "timed out after 25 s")):
        assert book[name]["status"] == records.GRADER_FAILED, book[name]
        assert "the grader itself failed" in book[name]["note"] and why in book[name]["note"]
        assert book[name]["total"] == "" and book[name]["hw03"] == "", "no points for what was not graded"
        feedback = (out / book[name]["feedback"]).read_text(encoding="utf-8")
        assert "Not graded" in feedback and why in feedback
    assert "killer" in proc.stdout and "sleeper" in proc.stdout


def test_fatal_usage_error_stops_the_batch(tmp_path):
    klass = tmp_path / "class"
    for name in ("a", "b", "c"):
        put(klass, name, REF)
    proc = run_cli(["--submissions-dir", str(klass), "--grade-json", str(tmp_path / "out"),
                    "-k", "no_such_check_anywhere"])
    assert proc.returncode == 2
    assert "no checks were collected" in proc.stderr
    assert not list((tmp_path / "out").glob("?.json")), "nothing recorded as a score"


def test_usage_errors(tmp_path):
    (tmp_path / "x").mkdir()
    proc = run_cli(["--submissions-dir", str(tmp_path), "--shard", "4/3"])
    assert proc.returncode == 2 and "K/N" in proc.stderr
    proc = run_cli(["--submissions-dir", str(tmp_path), "--only", "nobody", *FAST])
    assert proc.returncode == 2 and "nobody" in proc.stderr
