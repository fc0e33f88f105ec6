"""Check results -> scores -> results.json: the one document every report is made from.

Scoring: each problem is worth its manifest's ``points`` (10). A check's ``points``
are its weight within its problem; the problem's score is points × (weight passed)
/ (weight of the checks that ran). Skipped checks (CUDA-only ones on a CPU machine)
and checks not shipped (hidden ones, in a student's copy) drop out of the
denominator, so a student's local score and the official one measure the same
thing. Bonus problems are reported apart: ``extra_data.homework`` is the homework's
total (out of 100), ``extra_data.bonus`` the bonus problems'; the top-level
``score`` is their sum (Gradescope shows a score above ``max_score`` as extra credit).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from grader.problems import BY_MODULE, PROBLEMS


@dataclass
class CheckResult:
    submission: str
    problem: str
    name: str
    points: float
    outcome: str  # passed | failed | not implemented | broken | skipped | grader error
    message: str = ""
    duration: float = 0.0
    hidden: bool = False


@dataclass
class ProblemScore:
    problem: str
    score: float
    max_score: float
    passed: int
    ran: int
    not_implemented: int
    seconds: float
    bonus: bool = False
    checks: list[CheckResult] = field(default_factory=list)


def score_problems(results: list[CheckResult]) -> dict[str, ProblemScore]:
    """Per problem (in contract order) for one submission's results."""
    scores = {}
    for problem in PROBLEMS:
        checks = [r for r in results if r.problem == problem.module]
        ran = [r for r in checks if r.outcome != "skipped"]
        if not ran:
            continue
        weight = sum(r.points for r in ran)
        earned = sum(r.points for r in ran if r.outcome == "passed")
        scores[problem.module] = ProblemScore(
            problem=problem.module,
            score=round(problem.points * earned / weight, 2) if weight else 0.0,
            max_score=problem.points,
            passed=sum(r.outcome == "passed" for r in ran),
            ran=len(ran),
            not_implemented=sum(r.outcome in ("not implemented", "broken") for r in ran),
            seconds=sum(r.duration for r in checks),
            bonus=problem.bonus,
            checks=checks,
        )
    return scores


def total(scores: dict[str, ProblemScore], *, bonus: bool = False) -> tuple[float, float]:
    """(score, possible) of the homework problems, or of the bonus ones."""
    chosen = [s for s in scores.values() if s.bonus == bonus]
    return round(sum(s.score for s in chosen), 2), float(sum(s.max_score for s in chosen))


def results_json(submission: str, results: list[CheckResult]) -> dict:
    """Gradescope's results.json shape; extras go under ``extra_data``."""
    scores = score_problems(results)
    tests = []
    for ps in scores.values():
        weight = sum(r.points for r in ps.checks if r.outcome != "skipped")
        for r in ps.checks:
            if r.outcome == "skipped":
                continue
            max_score = round(ps.max_score * r.points / weight, 4)
            tests.append({
                "name": f"{r.problem}: {r.name}",
                "score": max_score if r.outcome == "passed" else 0.0,
                "max_score": max_score,
                "status": "passed" if r.outcome == "passed" else "failed",
                "output": r.message if r.outcome != "passed" else "",
                "tags": [r.problem],
                "visibility": "after_published" if r.hidden else "visible",
            })
    got, possible = total(scores)
    extra_got, extra_possible = total(scores, bonus=True)
    return {
        "score": round(got + extra_got, 2),
        "execution_time": round(sum(r.duration for r in results), 2),
        "tests": tests,
        "extra_data": {
            "submission": submission,
            "max_score": possible,
            "homework": {"score": got, "max_score": possible},
            "bonus": {"score": extra_got, "max_score": extra_possible},
            "grader_errors": sum(r.outcome == "grader error" for r in results),
            "problems": {p: {"score": s.score, "max_score": s.max_score, "passed": s.passed,
                             "ran": s.ran, "seconds": round(s.seconds, 2), "bonus": s.bonus}
                         for p, s in scores.items()},
        },
    }


def homework_score(document: dict) -> tuple[float, float]:
    """(score, possible) of the homework alone, from a results.json (older ones: the total)."""
    extra = document.get("extra_data", {})
    homework = extra.get("homework")
    if homework:
        return homework["score"], homework["max_score"]
    return document["score"], extra.get("max_score", 0.0)


def write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def gradebook_csv(rows: list[dict]) -> str:
    """The rows of :func:`gradebook_rows` as CSV."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def gradebook_rows(by_submission: dict[str, dict]) -> list[dict]:
    """One row per submission (each problem's score, the totals), from results.json contents."""
    rows = []
    for submission, result in by_submission.items():
        problems = result.get("extra_data", {}).get("problems", {})
        row = {"submission": submission}
        for problem in PROBLEMS:
            row[problem.number] = problems[problem.module]["score"] if problem.module in problems else ""
        row["total"], row["max"] = homework_score(result)
        row["bonus"] = result.get("extra_data", {}).get("bonus", {}).get("score", "")
        rows.append(row)
    return rows
