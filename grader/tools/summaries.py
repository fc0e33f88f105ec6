"""What ``python -m grader`` tells people and platforms: the Markdown summary, GitHub
Actions' job summary, step outputs and notice lines, Gradescope's results.json.

All of it is made from results documents (``grader/reports/scores.py``) that came
through the judges' verdict pipes, never from a file a judge or a sandbox wrote.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import sys

from grader.batch import gradebook
from grader.batch.grading import Outcome
from grader.reports import scores as report
from grader.reports import tables


def fmt(x: float) -> str:
    return f"{x:g}"


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def notice_lines(result: dict) -> list[str]:
    """The two notice lines GitHub Classroom's reporter emits (its grade is read from them)."""
    got, possible = report.homework_score(result)
    payload = json.dumps({"totalPoints": _number(got), "maxPoints": _number(possible)},
                         separators=(",", ":"))
    return [f"::notice title=Autograding complete::Points {fmt(got)}/{fmt(possible)}",
            f"::notice title=Autograding report::{payload}"]


def _origin_line(grader_from: str, hidden: int) -> str:
    if grader_from == "instructor":
        return (f"评分程序: 教师仓库中的 grader/ (官方评分, 含 {hidden} 项隐藏检查) / "
                f"Graded with grader/ from the instructor's repository "
                f"(official run, {hidden} hidden checks).")
    if grader_from == "gradescope":
        return (f"评分程序: 教师上传的 grader/ (含 {hidden} 项隐藏检查, 成绩发布后可见) / "
                f"Graded with the instructor's grader ({hidden} hidden checks, "
                f"shown once grades are published).")
    if grader_from == "repository":
        tail = (f"; {hidden} hidden checks ran" if hidden else
                "; no hidden checks: the official score may differ")
        return ("评分程序: 本仓库中的 grader/ 副本" + ("" if hidden else " (未运行隐藏检查)") +
                f" / Graded with the copy of grader/ in this repository{tail}.")
    return f"评分程序 / Grader: {grader_from}" + (f" ({hidden} hidden checks)" if hidden else "")


def _failed_checks(result: dict, limit: int = 30) -> list[str]:
    lines = []
    for t in result.get("tests", []):
        if t["status"] == "passed" or t.get("visibility", "visible") != "visible":
            continue
        message = (t.get("output") or "").strip().splitlines()
        first = message[0][:200] if message else ""
        text = t["name"] + (f": {first}" if first else "")
        lines.append("- ✘ " + html.escape(text, quote=False))  # "<class 'int'>" must show
    if len(lines) > limit:
        lines = lines[:limit] + [f"- … ({len(lines) - limit} more / 另有 {len(lines) - limit} 项)"]
    return lines


def summary_markdown(outcome: Outcome, grader_from: str = "repository", *, batch: bool = False) -> str:
    parts = []
    if outcome.error:
        parts.append("## ⚠️ 评分程序自身出错 / The grader itself failed\n\n"
                     f"{outcome.error}\n\n"
                     "这不是你的分数; 查看日志 / This is not a score: see the job's log. "
                     "No points were reported.\n")
    if batch or len(outcome.results) > 1:  # a class: the gradebook; each student's details are in feedback/
        rows = gradebook.rows(outcome.results, None, outcome.feedback)
        parts.append("## 成绩册 Gradebook\n\n" + gradebook.markdown(rows))
        return "\n".join(parts)
    for name, result in outcome.results.items():
        got, possible = report.homework_score(result)
        hidden = sum(t.get("visibility") == "after_published" for t in result.get("tests", []))
        mark = "✅" if got >= possible else "❌"
        parts.append(f"## {mark} 自动评分 Autograding: {fmt(got)} / {fmt(possible)}\n\n"
                     + tables.problem_table_markdown(result) + "\n"
                     + _origin_line(grader_from, hidden) + "\n")
        failed = _failed_checks(result)
        if failed:
            parts.append("<details><summary>未通过的检查 / Failed checks</summary>\n\n"
                         + "\n".join(failed) + "\n\n</details>\n")
        hidden_failed = sum(t.get("visibility") == "after_published" and t["status"] != "passed"
                            for t in result.get("tests", []))
        if hidden_failed:
            parts.append(f"隐藏检查未通过 {hidden_failed} 项 (名称不公开) / "
                         f"{hidden_failed} hidden checks failed (not named here).\n")
    return "\n".join(parts)


def _command_data(text: str) -> str:
    """Escape the message of a workflow command (``::error::MESSAGE``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)


def github_report(outcome: Outcome, summary: str) -> None:
    _append(os.environ.get("GITHUB_STEP_SUMMARY"), summary + "\n")
    outputs = {"status": outcome.status, "exit-code": str(outcome.exit_code)}
    single = next(iter(outcome.results.values())) if len(outcome.results) == 1 else None
    if single is not None and not outcome.error:
        got, possible = report.homework_score(single)
        outputs["points"], outputs["max-points"] = fmt(got), fmt(possible)
    _append(os.environ.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))

    if outcome.error:
        print("::error title=评分程序自身出错 / Grader failed::"
              + _command_data(f"{outcome.error} (not a score; no points reported)"), flush=True)
        return
    for name, note in outcome.failures.items():
        print("::error title=未能评分 / Not graded::" + _command_data(f"{name}: {note}"), flush=True)
    if single is not None:
        for line in notice_lines(single):
            print(line, flush=True)
    graded = {n: r for n, r in outcome.results.items() if n not in outcome.failures}
    if any(report.homework_score(r)[0] < report.homework_score(r)[1] for r in graded.values()):
        scores = "; ".join(f"{n}: {fmt(report.homework_score(r)[0])}/{fmt(report.homework_score(r)[1])}"
                           for n, r in graded.items())
        print("::error title=未得满分 / Points missing::" + _command_data(scores), flush=True)


def gradescope_results(result: dict, summary: str) -> dict:
    """results.json for Gradescope: the grader's, plus a Markdown overview. The log
    (stdout) is kept from students, since it names hidden checks."""
    marked = dict(result)
    marked["output"] = summary
    marked["output_format"] = "md"
    marked["stdout_visibility"] = "hidden"
    return marked


def fence_start() -> str:
    """From here on, what graded code prints cannot become a workflow command (a fake score)."""
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}", flush=True)
    return token


def fence_end(token: str) -> None:
    sys.stdout.flush()
    if token:
        print(f"::{token}::", flush=True)
