"""A class graded at once (``python -m grader --submissions-dir``): the same scores as graded
apart, shards merged equal to one run, feedback, similarity, nothing left behind.

One dozen submissions of hw03 (the cheapest problem): right, wrong, a hang at import, one
that kills its own process, one with no modules, a syntax error, a call that hangs, one
that exits at import, a whole repository. Graded once with ``--jobs 2`` (the class run),
and again as three shards of one judge at a time, and two of them alone: every check's
status must be the same everywhere.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grader.batch import feedback, records
from tests.harness import ROOT
from tests.mutants import hw03_conv_cost as hw03

PROBLEM = "hw03_conv_cost"
TIMEOUTS = ["--call-timeout", "4", "--import-timeout", "4"]
FAST = ["-k", PROBLEM, *TIMEOUTS]


def run_cli(args: list[str], *, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def inject(source: str, code: str) -> str:
    """``code`` at the top of a module, after its ``from __future__`` import."""
    future = "from __future__ import annotations\n"
    if future in source:
        return source.replace(future, future + code, 1)
    return code + source


def build_class(folder: Path) -> Path:
    ref = (ROOT / "solutions" / f"{PROBLEM}.py").read_text(encoding="utf-8")
    stub = (ROOT / "assignments" / f"{PROBLEM}.py").read_text(encoding="utf-8")
    mutants = {m.name: m for m in hw03.MUTANTS}
    modules = {
        "ref": ref,
        "stub": stub,
        "bias": mutants["bias_ignored"].source(),
        "groups": mutants["groups_ignored"].source(),
        "hang": inject(ref, "import time\ntime.sleep(10_000)\n"),
        "selfkill": inject(ref, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"),
        "syntax": ref.replace("def conv2d_params(", "def conv2d_params(:", 1),
        "slowcall": ref + "\n\ndef conv2d_params(*args, **kwargs):\n    import time\n    time.sleep(10_000)\n",
        "exits": inject(ref, "raise SystemExit(3)\n"),
        "prints": inject(ref, 'print("::notice title=Autograding report::{\\"totalPoints\\":100}")\n'),
    }
    for name, text in modules.items():
        (folder / name).mkdir(parents=True)
        (folder / name / f"{PROBLEM}.py").write_text(text, encoding="utf-8")
    (folder / "missing").mkdir()
    (folder / "missing" / "README.md").write_text("I forgot to push\n")
    (folder / "repo" / "assignments").mkdir(parents=True)
    (folder / "repo" / "assignments" / f"{PROBLEM}.py").write_text(ref, encoding="utf-8")
    (folder / "repo" / "README.md").write_text("my repository\n")
    return folder


def statuses(document: dict) -> dict[str, str]:
    return {t["name"]: t["status"] for t in document["tests"]}


def read_book(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return build_class(tmp_path_factory.mktemp("class") / "class")


@pytest.fixture(scope="module")
def class_run(klass, tmp_path_factory):
    """The class with two judges at a time, in a private TMPDIR (to see what is left in it)."""
    tmp = tmp_path_factory.mktemp("class-run")
    private_tmp = Path(tempfile.mkdtemp(prefix="grader-test-tmp-"))  # the sandbox must pass through it
    private_tmp.chmod(0o711)
    out = tmp / "out"
    proc = run_cli(["--submissions-dir", str(klass), "--jobs", "2", "--grade-json", str(out), "--similarity",
                    "--summary", str(tmp / "summary.md"), *FAST], env={"TMPDIR": str(private_tmp)})
    yield proc, out, private_tmp, tmp
    shutil.rmtree(private_tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def shard_runs(klass, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shards")
    runs = []
    for k in (1, 2, 3):
        out = tmp / f"shard-{k}"
        runs.append((run_cli(["--submissions-dir", str(klass), "--shard", f"{k}/3", "--jobs", "1",
                              "--grade-json", str(out), *FAST]), out))
    return runs, tmp


def test_class_run_grades_everyone(class_run):
    proc, out, _, _ = class_run
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    book = read_book(out / "gradebook.csv")
    assert list(book) == sorted(book), "one row per submission, in order"
    assert len(book) == 12 and {r["status"] for r in book.values()} == {records.GRADED}
    assert list(next(iter(book.values())))[0] == "submission"
    full = {n for n, r in book.items() if float(r["total"]) == 10}
    assert full == {"ref", "repo", "prints"}
    for name in ("stub", "hang", "selfkill", "missing", "syntax", "exits"):
        assert float(book[name]["hw03"]) == 0, name
    for name in ("bias", "groups", "slowcall"):
        assert 0 < float(book[name]["hw03"]) < 10, name
    for row in book.values():
        assert all(row[c] == "" or float(row[c]) >= 0 for c in row if c.startswith(("hw", "total"))), row
        assert float(row["seconds"]) > 0 and (out / row["feedback"]).is_file()


def test_results_record_the_grader_and_the_submission(class_run):
    _, out, _, _ = class_run
    document = records.read_json(out / "ref.json")
    run = records.run_info(document)
    identity = records.grader_identity(ROOT)
    assert run["grader"]["version"] == identity["version"] and run["grader"]["commit"] == identity["commit"]
    assert len(run["submission"]["hash"]) == 64 and run["status"] == records.GRADED
    assert document["extra_data"]["isolation"]["mode"] == "auto"


def test_same_scores_as_graded_apart(class_run, shard_runs, klass, tmp_path):
    _, out, _, _ = class_run
    runs, _ = shard_runs
    for proc, _ in runs:
        assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    together = {p.stem: statuses(records.read_json(p)) for p in out.glob("*.json") if p.name != records.MANIFEST}
    apart = {p.stem: statuses(records.read_json(p)) for _, folder in runs for p in folder.glob("*.json")
             if p.name != records.MANIFEST}
    assert together == apart
    for name in ("bias", "hang"):  # and graded alone, as a student would
        proc = run_cli(["--submission", str(klass / name), "--grade-json", str(tmp_path / f"{name}.json"), *FAST])
        assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert statuses(records.read_json(tmp_path / f"{name}.json")) == together[name]


def test_shards_merged_equal_the_class_run(class_run, shard_runs, tmp_path):
    _, out, _, _ = class_run
    runs, _ = shard_runs
    merged = tmp_path / "merged" / "gradebook.csv"
    proc = run_cli(["merge", *(str(folder) for _, folder in runs), "--gradebook", str(merged)])
    assert proc.returncode == 0, proc.stderr
    drop = lambda book: {n: {k: v for k, v in r.items() if k != "seconds"} for n, r in book.items()}  # noqa: E731
    assert drop(read_book(merged)) == drop(read_book(out / "gradebook.csv"))
    assert (merged.parent / "feedback" / "bias" / "feedback.md").is_file()


def test_merge_refuses_missing_and_duplicates(shard_runs, tmp_path):
    runs, _ = shard_runs
    folders = [folder for _, folder in runs]
    proc = run_cli(["merge", str(folders[0]), str(folders[1]), "--gradebook", str(tmp_path / "a.csv")])
    assert proc.returncode == 2 and "missing" in proc.stderr and "3/3" in proc.stderr
    missing = sorted(p.stem for p in folders[2].glob("*.json") if p.name != records.MANIFEST)
    assert ", ".join(missing) in proc.stderr, "names the missing students"
    copy = tmp_path / "shard-2-copy"
    shutil.copytree(folders[1], copy)
    victim = missing[0]
    shutil.copy(folders[2] / f"{victim}.json", copy / f"{victim}.json")
    proc = run_cli(["merge", str(folders[0]), str(copy), str(folders[2]), "--gradebook", str(tmp_path / "b.csv")])
    assert proc.returncode == 2 and "duplicate" in proc.stderr and victim in proc.stderr
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.csv").exists()


def test_feedback_names_the_failing_checks(class_run):
    _, out, _, _ = class_run
    text = (out / "feedback" / "bias" / feedback.FILE).read_text(encoding="utf-8")
    failed = [t for t in records.read_json(out / "bias.json")["tests"] if t["status"] == "failed"]
    visible = [t for t in failed if t["visibility"] == "visible"]
    assert visible
    for test in visible:
        assert f"### ✘ {test['name']}" in text and test["output"].strip().splitlines()[0] in text
    hidden = [t for t in failed if t["visibility"] != "visible"]
    for test in hidden:
        assert test["name"] not in text, "hidden checks are counted, never named"
    if hidden:
        assert f"{len(hidden)} hidden checks failed" in text
    assert "| **总分 Total** |" in text


def test_feedback_shows_figures(tmp_path):
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "hw05_method1_subplots.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    document = {"score": 0, "tests": [{"name": "hw05: method 1", "status": "failed", "output": "wrong ``` title",
                                       "visibility": "visible"}],
                "extra_data": {"problems": {}, "homework": {"score": 0, "max_score": 10}}}
    text = feedback.write(folder, "alice", document).read_text(encoding="utf-8")
    assert "![hw05_method1_subplots.png](hw05_method1_subplots.png)" in text
    assert "````text\nwrong ``` title\n````" in text, "a message cannot break out of its block"


def test_similarity_report(class_run):
    _, out, _, _ = class_run
    index = (out / "similarity" / "index.html").read_text(encoding="utf-8")
    assert "<h2>hw03_conv_cost</h2>" in index and (out / "similarity" / f"{PROBLEM}.html").is_file()
    assert "<td>100%</td><td>ref</td><td>repo</td>" in index or "<td>100%</td><td>repo</td><td>ref</td>" in index
    assert "<td>stub</td>" not in index, "untouched stubs are left out"


def test_a_batch_leaves_nothing_behind(class_run):
    proc, _, private_tmp, _ = class_run
    assert proc.returncode == 1
    assert list(private_tmp.iterdir()) == [], "judges, jails, scratch folders and stages are all removed"


def test_summary_is_the_gradebook(class_run):
    _, _, _, tmp = class_run
    summary = (tmp / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## 成绩册 Gradebook") and "| ref | 10 | 10 / 10 |" in summary
