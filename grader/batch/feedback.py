"""Feedback to hand back: one self-contained folder per submission.

``feedback/<name>/feedback.md`` holds the per-problem table, every failed public
check with its whole bilingual message, the number of failed hidden checks (never
their names), and the figures the submission drew, which the judge saved in the
same folder (so the folder can be zipped and returned as it is).
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.batch import records
from grader.reports import scores as report
from grader.reports import tables

FILE = "feedback.md"
FIGURES = ("*.png", "*.jpg", "*.jpeg", "*.svg", "*.gif")


def _fenced(text: str) -> str:
    """``text`` in a code block no backtick run inside it can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def markdown(name: str, document: dict, figures: list[str]) -> str:
    run = records.run_info(document)
    parts = [f"# 作业反馈 Feedback: {name}\n"]
    facts = []
    if run.get("submission", {}).get("commit"):
        facts.append(f"提交 Commit: `{run['submission']['commit']}`" +
                     (f" ({run['submission']['commit_from']})" if run["submission"].get("commit_from") else ""))
    if run.get("grader", {}).get("commit"):
        facts.append(f"评分程序 Grader: `{run['grader']['commit'][:12]}`")
    if facts:
        parts.append(" · ".join(facts) + "\n")
    if run.get("status", records.GRADED) != records.GRADED:
        parts.append(f"## ⚠️ 未能评分 / Not graded: {run['status']}\n\n{run.get('note', '')}\n\n"
                     "这不是你的分数, 请联系教师 / This is not a score: please contact the instructor.\n")
        return "\n".join(parts)
    got, possible = report.homework_score(document)
    parts.append(f"## 总分 Total: {got:g} / {possible:g}\n\n" + tables.problem_table_markdown(document))
    failed = [t for t in document.get("tests", []) if t["status"] != "passed"]
    public = [t for t in failed if t.get("visibility", "visible") == "visible"]
    hidden = len(failed) - len(public)
    if public:
        parts.append("## 未通过的检查 / Failed checks\n")
        for test in public:
            parts.append(f"### ✘ {test['name']}\n\n" + _fenced(test.get("output") or "(no message)"))
    if hidden:
        parts.append(f"隐藏检查未通过 {hidden} 项 (名称不公开) / {hidden} hidden checks failed (not named here).\n")
    if not failed:
        parts.append("全部检查通过 / Every check passed.\n")
    if figures:
        parts.append("## 图片 Figures\n\n" + "\n\n".join(f"![{f}]({f})" for f in figures) + "\n")
    return "\n".join(parts)


def write(folder: Path, name: str, document: dict) -> Path:
    """Write ``folder/feedback.md`` next to the figures already there; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    figures = sorted({p.name for pattern in FIGURES for p in folder.glob(pattern) if p.is_file()})
    path = folder / FILE
    path.write_text(markdown(name, document, figures), encoding="utf-8")
    return path
