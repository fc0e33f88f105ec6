"""Correct but differently written submissions get full marks on their problem.

``tests/variants/<module>_<what>/`` holds one module, ``<module>.py``. All variants are
graded in one grader run, each only on its own problem's checks (public and hidden).
"""

from __future__ import annotations

from pathlib import Path

from grader.problems import BY_MODULE
from tests.harness import ROOT, grade


def problem_of(folder: Path) -> str | None:
    return next((m for m in BY_MODULE if folder.name.startswith(m + "_")), None)


VARIANTS = sorted(p for p in (ROOT / "tests" / "variants").iterdir() if p.is_dir() and problem_of(p))


def test_variants_get_full_marks(tmp_path):
    # -k keeps, for each variant, its own problem's checks (their modules are test_<module>*)
    select = " or ".join(f"({folder.name} and test_{problem_of(folder)})" for folder in VARIANTS)
    run = grade(VARIANTS, tmp_path / "out", extra=["-k", select])
    for folder in VARIANTS:
        problem = problem_of(folder)
        failed = [(t["name"], t["output"][:500]) for t in run.tests_of(folder.name, problem) if t["status"] != "passed"]
        assert run.tests_of(folder.name, problem), f"{folder.name}: not graded"
        assert run.problem_score(folder.name, problem) == 10, f"{folder.name}: {failed}"
