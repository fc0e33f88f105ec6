"""nbgrader for real, on one temporary course shared by the module: generate, autograde, grade by
hand (nbgrader's API, as formgrader does), feedback, export, join with a code gradebook.

The student notebooks are made by the real ``nbgrader`` command, run by full path with the
environment's bin/ off PATH (alembic); the rest runs nbgrader in this process (its command
line costs seconds per start).
"""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
from html import escape as html_escape
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytest.importorskip("nbgrader", reason="nbgrader needs Python 3.11+")

from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.plugins import CsvExportPlugin  # noqa: E402

from grader.notebooks import cells, course  # noqa: E402
from grader.notebooks.gradebook import JoinError, join, read_csv  # noqa: E402
from grader.notebooks.untrusted import disarm  # noqa: E402
from grader.problems import PROBLEMS  # noqa: E402
from grader.reports.scores import gradebook_csv  # noqa: E402
from grader.tools import notebooks as notebooks_tool  # noqa: E402
from tests.harness import ROOT  # noqa: E402

STUDENTS = ("alice", "bob", "carol")  # answers everything · hands in untouched notebooks · code only
CODE_TOTALS = {"alice": 87.5, "bob": 41.0, "carol": 12.25}
# A cell alice slips in first: it would leave a mark if nbgrader ran her notebook.
ATTACK = "import pathlib\npathlib.Path({marker!r}).write_text('nbgrader ran student code')"
HOSTILE_HTML = '<script>alert("x")</script><img src="nothing" onerror="alert(1)">'


def png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), (200, 30, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def answered(notebook: dict, marker: Path, *, attach: bool) -> dict:
    """alice's copy: every answer written, a drawing attached (hw09), a text diagram (hw10),
    the figures saved as outputs (hw04, hw05), and a cell nbgrader must never run."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        if cells.is_answer(cell):
            cell["source"] = f"alice: {cells.marks(cell)['grade_id']} {HOSTILE_HTML}"
    for _, after in cells.task_answers(notebook):
        area = next((c for c in after if c["cell_type"] == "markdown"), None)
        if area is not None and attach:
            area["source"] = "![block](attachment:block.png)"
            area["attachments"] = {"block.png": {"image/png": png()}}
        elif area is not None:
            area["source"] = "```\nx --> [sigma] --> (alice text diagram) --> h\n```"
        for code in (c for c in after if c["cell_type"] == "code"):
            code["outputs"] = [{"output_type": "display_data", "metadata": {},
                                "data": {"image/png": png(), "text/html": HOSTILE_HTML}}]
    notebook["cells"].insert(0, {"cell_type": "code", "id": "alice-extra", "metadata": {}, "outputs": [],
                                 "execution_count": None, "source": ATTACK.format(marker=str(marker))})
    return notebook


def without_alembic_on_path() -> dict:
    """The environment of a virtual environment's tools run by full path, not activated."""
    return {**os.environ, "PYTHONPATH": str(ROOT),  # the config imports this checkout's grader
            "PATH": os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "alembic").exists())}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A course laid out from solutions/, and the real ``nbgrader generate_assignment "*"`` run in it
    by full path with the environment's bin/ off PATH (it creates gradebook.db: alembic)."""
    folder = tmp_path_factory.mktemp("nbgrader") / "course"
    course.lay_out(folder, ROOT)
    nbgrader = Path(sys.executable).parent / "nbgrader"
    if not nbgrader.exists():
        pytest.skip(f"no nbgrader command beside {sys.executable}")
    env = without_alembic_on_path()
    assert shutil.which("alembic", path=env["PATH"]) is None
    proc = subprocess.run([str(nbgrader), "generate_assignment", "*"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return folder, course.released(folder)


@pytest.fixture(scope="module")
def graded(generated, tmp_path_factory):
    """The class collected and autograded; alice's answers graded by hand as in formgrader."""
    folder, release = generated
    klass = tmp_path_factory.mktemp("class")
    marker = klass / "PWNED"
    for student in STUDENTS:
        (klass / student / "assignments").mkdir(parents=True)
        (klass / student / "assignments" / "hw01_initialization.py").write_text("# code\n", encoding="utf-8")
    for name, path in release.items():
        notebook = cells.read(path)
        (klass / "alice" / "assignments" / path.name).write_text(
            json.dumps(answered(notebook, marker, attach=name == "hw09_resnet"), ensure_ascii=False), encoding="utf-8")
        shutil.copyfile(path, klass / "bob" / "assignments" / path.name)
    collected = course.collect(course.class_folders(klass), folder)
    api = course.api(folder)
    course.run(api.autograde("*", "*"), "autograde")
    manual = {}
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", course.COURSE_ID) as gb:
        for assignment in release:
            submission = gb.find_submission_notebook(assignment, assignment, "alice")
            for grade in submission.grades:  # formgrader's PUT /api/grade/<id>: a manual score, then commit
                found = gb.find_grade_by_id(grade.id)
                found.manual_score = round(grade.max_score * 0.75, 2)
                found.needs_manual_grade = False
                manual[assignment] = manual.get(assignment, 0.0) + found.manual_score
            comment = next(c for c in submission.comments if c.name.startswith("a"))
            gb.find_comment_by_id(comment.id).manual_comment = "alice: well argued"
        gb.db.commit()
    course.run(api.generate_feedback("*"), "generate_feedback")
    export = folder / "written.csv"
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", course.COURSE_ID) as gb:
        CsvExportPlugin(to=str(export)).export(gb)
    return folder, collected, manual, read_csv(export), marker


def source_points(module: str) -> float:
    notebook = cells.read(ROOT / "solutions" / f"{module}.ipynb")
    return sum(cells.points(cell) for cell in notebook["cells"])


def test_student_notebooks_are_nbgraders_own_output(generated):
    """assignments/*.ipynb is exactly what generate_assignment makes from solutions/ (drift fails)."""
    folder, release = generated
    assert (folder / "gradebook.db").exists()
    sources = {path.stem for path in course.source_notebooks(ROOT)}
    assert sources == {p.module for p in PROBLEMS if not p.bonus}, "a notebook for every problem hw01-hw10"
    assert set(release) == sources
    for name, path in release.items():
        kept = ROOT / "assignments" / path.name
        assert kept.exists(), f"missing {kept.name}: run python -m grader notebooks generate"
        assert kept.read_bytes() == path.read_bytes(), f"{kept.name} drifted: run python -m grader notebooks generate"
    stray = {p.stem for p in (ROOT / "assignments").glob(course.NOTEBOOK_GLOB)} - sources
    assert not stray, f"assignments/ notebooks without a source in solutions/: {stray}"


def test_student_notebooks_hold_no_model_answer(generated):
    _, release = generated
    for name, path in release.items():
        text = path.read_text(encoding="utf-8")
        for line in cells.model_answer_lines(cells.read(ROOT / "solutions" / path.name)):
            assert json.dumps(line, ensure_ascii=False)[1:-1] not in text, (name, line)


def test_collect_takes_every_student_folder(graded):
    _, collected, _, rows, _ = graded
    assert set(collected) == set(STUDENTS)
    assert collected["carol"] == [] and len(collected["alice"]) == len(collected["bob"]) == 10
    assert {row["student_id"] for row in rows} == set(STUDENTS), "carol is exported with 0, not missing"


def test_autograde_never_runs_student_code_and_keeps_her_figures(graded):
    folder, _, _, _, marker = graded
    assert not marker.exists(), "nbgrader executed a student notebook"
    figures = cells.read(folder / "autograded" / "alice" / "hw04_catdog_dataset" / "hw04_catdog_dataset.ipynb")
    outputs = [o for c in figures["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs and all(set(o["data"]) == {"image/png"} for o in outputs), "her figure is kept, its HTML is not"


def test_autograde_gives_untouched_answers_zero(graded):
    """bob's untouched answer cells score 0 automatically; alice's wait for a grader; tasks always do."""
    folder, _, _, _, _ = graded
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", course.COURSE_ID) as gb:
        for problem in [p for p in PROBLEMS if not p.bonus]:
            source = cells.read(ROOT / "solutions" / f"{problem.module}.ipynb")["cells"]
            tasks = {cells.marks(c)["grade_id"] for c in source if cells.is_task(c)}
            assert source_points(problem.module) > 0
            assert gb.find_assignment(problem.module).max_score == pytest.approx(source_points(problem.module))
            for who, untouched in (("bob", True), ("alice", False)):
                for grade in gb.find_submission_notebook(problem.module, problem.module, who).grades:
                    if grade.name in tasks or not untouched:
                        assert grade.auto_score is None, (who, problem.module, grade.name)
                    else:
                        assert grade.auto_score == 0 and not grade.needs_manual_grade, (problem.module, grade.name)
            assert gb.find_submission(problem.module, "bob").score == 0
            with pytest.raises(MissingEntry):
                gb.find_submission(problem.module, "carol")


def test_feedback_shows_answers_and_grades_but_no_model_answer(graded):
    folder, _, _, _, _ = graded
    feedback = {p.parent.name: p.read_text(encoding="utf-8")
                for p in (folder / "feedback" / "alice").glob("*/*.html")}
    assert len(feedback) == 10 and len(list((folder / "feedback" / "bob").glob("*/*.html"))) == 10
    assert "data:image/png;base64" in feedback["hw09_resnet"], "the attached drawing is shown"
    assert "x --&gt; [sigma] --&gt; (alice text diagram)" in feedback["hw10_lstm"], "arrows stay arrows"
    assert "alice: well argued" in feedback["hw01_initialization"]
    for name, html in feedback.items():
        source = cells.read(ROOT / "solutions" / f"{name}.ipynb")
        assert not re.search(r"<script>alert|<img[^>]*onerror", html), f"{name}: student HTML left live"
        if any(cells.is_answer(cell) for cell in source["cells"]):
            assert "alice: a &lt;script&gt;alert" in html, f"{name}: her answer, its HTML shown as text"
        for line in cells.model_answer_lines(source):
            assert html_escape(line, quote=False) not in html and line not in html, f"{name}: model answer: {line}"


def test_export_and_join_add_up(graded):
    _, _, manual, rows, _ = graded
    written = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    for assignment, points in manual.items():
        assert written["alice", assignment] == pytest.approx(points)
        assert written["bob", assignment] == written["carol", assignment] == 0
    code_rows = [{"submission": s, "hw01": 5, "hw02": "", "status": "graded", "total": CODE_TOTALS[s], "max": 100,
                  "bonus": 3, "commit": "abc"} for s in STUDENTS]
    book = join(list(csv.DictReader(io.StringIO(gradebook_csv(code_rows)))), rows)
    by_student = {row["student"]: row for row in book}
    written_max = sum(source_points(p.module) for p in PROBLEMS if not p.bonus)
    alice = by_student["alice"]
    assert alice["written_total"] == pytest.approx(sum(manual.values()))
    assert alice["total"] == pytest.approx(CODE_TOTALS["alice"] + sum(manual.values()))
    assert alice["hw09_written"] == pytest.approx(manual["hw09_resnet"]) and alice["hw01_code"] == "5"
    assert by_student["bob"]["total"] == by_student["bob"]["code_total"] == CODE_TOTALS["bob"]
    assert by_student["carol"]["max"] == pytest.approx(100 + written_max)
    assert alice["status"] == "graded" and "commit" not in alice and "commit_code" not in alice
    with pytest.raises(JoinError, match="dave"):
        join([*code_rows, {**code_rows[0], "submission": "dave"}], rows)
    with pytest.raises(JoinError, match="bob"):
        join([r for r in code_rows if r["submission"] != "bob"], rows)


def test_without_the_fix_alembic_is_not_found(tmp_path, monkeypatch):
    """What the course's config fixes (the ``generated`` fixture runs nbgrader this way):
    nbgrader's database creation fails when PATH has no alembic."""
    monkeypatch.setenv("PATH", without_alembic_on_path()["PATH"])
    with pytest.raises(FileNotFoundError):
        Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")


def test_disarm_keeps_text_and_arrows():
    assert disarm("a --> b <- c <= d, x<3") == "a --> b <- c <= d, x<3"
    assert disarm('<script>x</script><img onerror=y><!-- z -->') == \
        "&lt;script>x&lt;/script>&lt;img onerror=y>&lt;!-- z -->"


def test_notebooks_are_found_where_the_student_keeps_them(tmp_path):
    layouts = {"repo": "assignments/hw01_initialization.ipynb", "flat": "hw02_receptive_field.ipynb",
               "nested": "work/hw/hw03_conv_cost.ipynb"}
    for student, notebook in layouts.items():
        (tmp_path / student / notebook).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / student / notebook).write_text("{}", encoding="utf-8")
    (tmp_path / "nested" / "work" / "hw" / "hw03_conv_cost.py").write_text("", encoding="utf-8")  # beside the code
    for student, notebook in layouts.items():
        assert course.notebooks_of(tmp_path / student) == [tmp_path / student / notebook]


def test_pending_command(capsys):
    assert notebooks_tool.main(["pending"]) == 0
    lines = capsys.readouterr().out.splitlines()
    empty = cells.empty_answers(cells.read(ROOT / "assignments" / "hw01_initialization.ipynb"))
    assert len(lines) == 10 and lines[0].startswith(f"hw01_initialization: {empty} ")


def test_a_roster_is_collected_at_the_commit_the_code_is_graded_at(tmp_path):
    repo = tmp_path / "alice-repo"
    (repo / "assignments").mkdir(parents=True)
    (repo / "assignments" / "hw02_receptive_field.ipynb").write_text('{"cells": []}', encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.com"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "answers"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    (repo / "assignments" / "hw03_conv_cost.ipynb").write_text("{}", encoding="utf-8")  # never committed
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student,repository\nalice,{repo}\nbob,{tmp_path / 'no-such-repository'}\n", encoding="utf-8")
    folders, failures = course.roster_folders(roster, None, "", tmp_path / "clones")
    assert [p.name for p in course.notebooks_of(folders["alice"])] == ["hw02_receptive_field.ipynb"]
    assert folders["bob"] is None and "bob" in failures and "alice" not in failures
