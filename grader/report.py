"""Turn check results into scores, tables and files (results.json, CSV, Markdown).

Scoring: each problem is worth 10. A check's ``points`` are its weight within
its problem; the problem's score is 10 × (points passed) / (points of the checks
that ran). Skipped checks (e.g. CUDA-only ones on a CPU machine) and checks not
shipped (hidden ones, in a student's copy) drop out of the denominator, so a
student's local score and the official one measure the same thing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.problems import BY_MODULE, PROBLEMS

PROBLEM_POINTS = 10.0


@dataclass
class CheckResult:
    submission: str
    problem: str
    name: str
    points: float
    outcome: str  # passed | failed | not implemented | broken | skipped
    message: str = ""
    duration: float = 0.0
    hidden: bool = False


@dataclass
class ProblemScore:
    problem: str
    score: float
    passed: int
    ran: int
    not_implemented: int
    seconds: float
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return PROBLEM_POINTS


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
            score=round(PROBLEM_POINTS * earned / weight, 2) if weight else 0.0,
            passed=sum(r.outcome == "passed" for r in ran),
            ran=len(ran),
            not_implemented=sum(r.outcome in ("not implemented", "broken") for r in ran),
            seconds=sum(r.duration for r in checks),
            checks=checks,
        )
    return scores


def total(scores: dict[str, ProblemScore]) -> tuple[float, float]:
    return (round(sum(s.score for s in scores.values()), 2),
            PROBLEM_POINTS * len(scores))


def results_json(submission: str, results: list[CheckResult]) -> dict:
    """Gradescope's results.json shape; extras go under ``extra_data``."""
    scores = score_problems(results)
    tests = []
    for ps in scores.values():
        weight = sum(r.points for r in ps.checks if r.outcome != "skipped")
        for r in ps.checks:
            if r.outcome == "skipped":
                continue
            max_score = round(PROBLEM_POINTS * r.points / weight, 4)
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
    return {
        "score": got,
        "execution_time": round(sum(r.duration for r in results), 2),
        "tests": tests,
        "extra_data": {
            "submission": submission,
            "max_score": possible,
            "problems": {p: {"score": s.score, "max_score": s.max_score, "passed": s.passed,
                             "ran": s.ran, "seconds": round(s.seconds, 2)}
                         for p, s in scores.items()},
        },
    }


def write_json(path: Path, submission: str, results: list[CheckResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results_json(submission, results), ensure_ascii=False, indent=2),
                    encoding="utf-8")


def gradebook_rows(by_submission: dict[str, list[CheckResult]]) -> list[dict]:
    """One row per submission: each problem's score and the total."""
    rows = []
    for submission, results in by_submission.items():
        scores = score_problems(results)
        row = {"submission": submission}
        for problem in PROBLEMS:
            row[problem.number] = scores[problem.module].score if problem.module in scores else ""
        row["total"], row["max"] = total(scores)
        rows.append(row)
    return rows


def gradebook_csv(by_submission: dict[str, list[CheckResult]]) -> str:
    rows = gradebook_rows(by_submission)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def problem_table_markdown(results: list[CheckResult]) -> str:
    scores = score_problems(results)
    lines = ["| 题目 Problem | 得分 Score | 通过 Passed | 用时 Time |", "|---|---:|---:|---:|"]
    for p, s in scores.items():
        meta = BY_MODULE[p]
        lines.append(f"| `{p}` {meta.zh} / {meta.en} | {s.score:g} / 10 | {s.passed} / {s.ran} "
                     f"| {s.seconds:.1f} s |")
    got, possible = total(scores)
    lines.append(f"| **总分 Total** | **{got:g} / {possible:g}** | | |")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def problem_table_text(results: list[CheckResult]) -> list[str]:
    scores = score_problems(results)
    rows = [("题目 Problem", "得分 Score", "通过 Passed", "用时 Time", "")]
    for p, s in scores.items():
        meta = BY_MODULE[p]
        mark = "✔" if s.score == PROBLEM_POINTS else ("…" if s.not_implemented == s.ran else "✘")
        note = "尚未实现 / not implemented yet" if s.not_implemented == s.ran else ""
        rows.append((f"{mark} {p}  {meta.zh}", f"{s.score:5.2f} / 10", f"{s.passed} / {s.ran}",
                     f"{s.seconds:5.1f} s", note))
    got, possible = total(scores)
    rows.append(("总分 Total", f"{got:.2f} / {possible:g}", "", "", ""))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [_pad(c, w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + [row[4]]).rstrip())
        if i == 0 or i == len(rows) - 2:
            lines.append("-" * (sum(widths) + 2 * len(widths)))
    return lines


def as_dicts(results: list[CheckResult]) -> list[dict]:
    return [asdict(r) for r in results]
