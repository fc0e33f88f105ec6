"""Check results -> scores -> results.json: the one document every report is made from.

Scoring: each problem is worth its manifest's ``points`` (10). A check's ``points``
are its weight within its problem; each check that ran is worth its weight's share
of the problem's points, in hundredths apportioned by largest remainder (so the
shares add up to exactly 10.00), and the problem's score is the sum of the shares
of its passed checks: points × (weight passed) / (weight of the checks that ran),
to the hundredth, and exactly what the per-check scores add up to. Skipped checks
(CUDA-only ones on a CPU machine)
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

from grader.problems import PROBLEMS


@dataclass
class CheckResult:
    submission: str
    problem: str
    name: str                # what people read: the check's docstring line (and parameters)
    points: float
    outcome: str  # passed | failed | not implemented | broken | skipped | grader error
    message: str = ""
    duration: float = 0.0    # the check's own time: worker start-up and fixtures excluded
    hidden: bool = False
    check: str = ""          # the test function's name: what hints are keyed by
    note: str = ""           # not implemented: the student's function; broken: why, in a few words


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
    shares: list[float] = field(default_factory=list)  # what each check that ran is worth
    broken: str = ""         # why the module could not be used at all, when it could not

    @property
    def ran_checks(self) -> list[CheckResult]:
        return [r for r in self.checks if r.outcome != "skipped"]


def apportion(total: float, weights: list[float]) -> list[float]:
    """``total`` split in proportion to ``weights``, in hundredths that add up to it exactly
    (largest remainder; ties go to the earlier check, so the split is deterministic)."""
    cents, whole = round(total * 100), sum(weights)
    if not weights or whole <= 0:
        return [0.0] * len(weights)
    exact = [cents * w / whole for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:cents - sum(floors)]:
        floors[i] += 1
    return [c / 100 for c in floors]


def score_problems(results: list[CheckResult]) -> dict[str, ProblemScore]:
    """Per problem (in contract order) for one submission's results."""
    scores = {}
    for problem in PROBLEMS:
        checks = [r for r in results if r.problem == problem.module]
        ran = [r for r in checks if r.outcome != "skipped"]
        if not ran:
            continue
        shares = apportion(problem.points, [r.points for r in ran])
        cents = sum(round(s * 100) for s, r in zip(shares, ran) if r.outcome == "passed")
        broken = [r.note for r in ran if r.outcome == "broken"]
        scores[problem.module] = ProblemScore(
            problem=problem.module,
            score=cents / 100,
            max_score=problem.points,
            passed=sum(r.outcome == "passed" for r in ran),
            ran=len(ran),
            not_implemented=sum(r.outcome in ("not implemented", "broken") for r in ran),
            seconds=sum(r.duration for r in checks),
            bonus=problem.bonus,
            checks=checks,
            shares=shares,
            broken=broken[0] if len(broken) == len(ran) else "",
        )
    return scores


def total(scores: dict[str, ProblemScore], *, bonus: bool = False) -> tuple[float, float]:
    """(score, possible) of the homework problems, or of the bonus ones."""
    chosen = [s for s in scores.values() if s.bonus == bonus]
    return sum(round(s.score * 100) for s in chosen) / 100, float(sum(s.max_score for s in chosen))


def _problem_entry(s: ProblemScore) -> dict:
    ran = s.ran_checks
    unimplemented = [r.note for r in ran if r.outcome == "not implemented" and r.note]
    return {"score": s.score, "max_score": s.max_score, "passed": s.passed, "ran": s.ran,
            "seconds": round(s.seconds, 2), "bonus": s.bonus,
            "not_implemented": sum(r.outcome == "not implemented" for r in ran),
            "broken": s.broken,
            "unimplemented": list(dict.fromkeys(unimplemented)),
            "failing": list(dict.fromkeys(r.check for r in ran if r.outcome != "passed" and r.check))}


def results_json(submission: str, results: list[CheckResult], source: str = "") -> dict:
    """Gradescope's results.json shape; extras go under ``extra_data``."""
    scores = score_problems(results)
    tests = []
    for ps in scores.values():
        for r, share in zip(ps.ran_checks, ps.shares):
            tests.append({
                "name": f"{r.problem}: {r.name}",
                "score": share if r.outcome == "passed" else 0.0,
                "max_score": share,
                "status": "passed" if r.outcome == "passed" else "failed",
                "output": r.message if r.outcome != "passed" else "",
                "tags": [r.problem],
                "visibility": "after_published" if r.hidden else "visible",
                "extra_data": {"check": r.check, "outcome": r.outcome},
            })
    got, possible = total(scores)
    extra_got, extra_possible = total(scores, bonus=True)
    return {
        "score": (round(got * 100) + round(extra_got * 100)) / 100,
        "execution_time": round(sum(r.duration for r in results), 2),
        "tests": tests,
        "extra_data": {
            "submission": submission,
            "source": source,
            "max_score": possible,
            "homework": {"score": got, "max_score": possible},
            "bonus": {"score": extra_got, "max_score": extra_possible},
            "grader_errors": sum(r.outcome == "grader error" for r in results),
            "problems": {p: _problem_entry(s) for p, s in scores.items()},
        },
    }


def homework_score(document: dict) -> tuple[float, float]:
    """(score, possible) of the homework alone, from a results.json (older ones: the total)."""
    extra = document.get("extra_data", {})
    homework = extra.get("homework")
    if homework:
        return homework["score"], homework["max_score"]
    return document["score"], extra.get("max_score", 0.0)


def read_json(path: Path) -> dict | None:
    """A JSON object from ``path``; None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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
        row["folder"] = result.get("extra_data", {}).get("source", "")
        rows.append(row)
    return rows
