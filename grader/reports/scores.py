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
from dataclasses import dataclass, field
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


# -- summaries of results.json contents (the one shape every report is made from) --------

def problem_table_markdown(result: dict) -> str:
    """One submission's per-problem table, as Markdown, from its results.json."""
    extra = result.get("extra_data", {})
    lines = ["| 题目 Problem | 得分 Score | 通过 Passed | 用时 Time |", "|---|---:|---:|---:|"]
    for p, s in extra.get("problems", {}).items():
        meta = BY_MODULE.get(p)
        title = f"{meta.zh} / {meta.en}" if meta else ""
        lines.append(f"| `{p}` {title} | {s['score']:g} / {s['max_score']:g} | {s['passed']} / {s['ran']} "
                     f"| {s['seconds']:.1f} s |")
    lines.append(f"| **总分 Total** | **{result['score']:g} / {extra.get('max_score', 0):g}** | | |")
    return "\n".join(lines) + "\n"


def gradebook_rows(by_submission: dict[str, dict]) -> list[dict]:
    """One row per submission (each problem's score, the total), from results.json contents."""
    rows = []
    for submission, result in by_submission.items():
        problems = result.get("extra_data", {}).get("problems", {})
        row = {"submission": submission}
        for problem in PROBLEMS:
            row[problem.number] = problems[problem.module]["score"] if problem.module in problems else ""
        row["total"] = result["score"]
        row["max"] = result.get("extra_data", {}).get("max_score", 0.0)
        rows.append(row)
    return rows


def gradebook_text(rows: list[dict]) -> list[str]:
    """The gradebook as aligned terminal lines."""
    numbers = [p.number for p in PROBLEMS if any(r.get(p.number, "") != "" for r in rows)]
    table = [["submission", *numbers, "total"]]
    table += [[r["submission"], *(f"{r[n]:g}" if r[n] != "" else "-" for n in numbers),
               f"{r['total']:g}/{r['max']:g}"] for r in rows]
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    return ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in table]


def gradebook_markdown(rows: list[dict]) -> str:
    """A Markdown gradebook: one row per submission, the problems any submission had."""
    if not rows:
        return ""
    numbers = [p.number for p in PROBLEMS if any(r.get(p.number, "") != "" for r in rows)]
    lines = ["| 提交 Submission | " + " | ".join(numbers) + " | 总分 Total |",
             "|---|" + "---:|" * len(numbers) + "---:|"]
    for r in rows:
        cells = [f"{r[n]:g}" if r.get(n, "") != "" else "" for n in numbers]
        lines.append(f"| {r['submission']} | " + " | ".join(cells) + f" | {r['total']:g} / {r['max']:g} |")
    return "\n".join(lines) + "\n"
