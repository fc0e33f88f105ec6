"""Tables for people: the terminal score table, Markdown tables, the gradebook as text.

All are made from check results or from results.json contents (``scores``).
Bonus problems come after the homework's, and the total lines come last.
"""

from __future__ import annotations

from grader.problems import BY_MODULE, PROBLEMS
from grader.reports.scores import CheckResult, homework_score, score_problems, total


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def problem_table_text(results: list[CheckResult]) -> list[str]:
    scores = score_problems(results)
    rows = [("题目 Problem", "得分 Score", "通过 Passed", "用时 Time", "")]
    for bonus in (False, True):
        for p, s in scores.items():
            if s.bonus != bonus:
                continue
            meta = BY_MODULE[p]
            mark = "✔" if s.score == s.max_score else ("…" if s.not_implemented == s.ran else "✘")
            note = "尚未实现 / not implemented yet" if s.not_implemented == s.ran else ""
            title = f"{mark} {p}  {meta.zh}" + (" (附加 bonus)" if bonus else "")
            rows.append((title, f"{s.score:5.2f} / {s.max_score:g}", f"{s.passed} / {s.ran}",
                         f"{s.seconds:5.1f} s", note))
    totals = []
    extra, extra_possible = total(scores, bonus=True)
    if extra_possible:
        totals.append(("附加题 Bonus", f"{extra:.2f} / {extra_possible:g}", "", "", ""))
    got, possible = total(scores)
    totals.append(("总分 Total", f"{got:.2f} / {possible:g}", "", "", ""))
    rows += totals
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [_pad(c, w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + [row[4]]).rstrip())
        if i == 0 or i == len(rows) - len(totals) - 1:
            lines.append("-" * (sum(widths) + 2 * len(widths)))
    return lines


def problem_table_markdown(result: dict) -> str:
    """One submission's per-problem table, as Markdown, from its results.json."""
    extra = result.get("extra_data", {})
    lines = ["| 题目 Problem | 得分 Score | 通过 Passed | 用时 Time |", "|---|---:|---:|---:|"]
    for p, s in extra.get("problems", {}).items():
        meta = BY_MODULE.get(p)
        title = f"{meta.zh} / {meta.en}" if meta else ""
        if s.get("bonus"):
            title += " (附加 bonus)"
        lines.append(f"| `{p}` {title} | {s['score']:g} / {s['max_score']:g} | {s['passed']} / {s['ran']} "
                     f"| {s['seconds']:.1f} s |")
    bonus = extra.get("bonus", {})
    if bonus.get("max_score"):
        lines.append(f"| 附加题 Bonus | {bonus['score']:g} / {bonus['max_score']:g} | | |")
    got, possible = homework_score(result)
    lines.append(f"| **总分 Total** | **{got:g} / {possible:g}** | | |")
    return "\n".join(lines) + "\n"


def _numbers(rows: list[dict]) -> list[str]:
    return [p.number for p in PROBLEMS if any(r.get(p.number, "") != "" for r in rows)]


def gradebook_text(rows: list[dict]) -> list[str]:
    """The gradebook as aligned terminal lines."""
    numbers = _numbers(rows)
    table = [["submission", *numbers, "total"]]
    table += [[r["submission"], *(f"{r[n]:g}" if r[n] != "" else "-" for n in numbers),
               f"{r['total']:g}/{r['max']:g}"] for r in rows]
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    return ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in table]


def gradebook_markdown(rows: list[dict]) -> str:
    """A Markdown gradebook: one row per submission, the problems any submission had."""
    if not rows:
        return ""
    numbers = _numbers(rows)
    lines = ["| 提交 Submission | " + " | ".join(numbers) + " | 总分 Total |",
             "|---|" + "---:|" * len(numbers) + "---:|"]
    for r in rows:
        cells = [f"{r[n]:g}" if r.get(n, "") != "" else "" for n in numbers]
        lines.append(f"| {r['submission']} | " + " | ".join(cells) + f" | {r['total']:g} / {r['max']:g} |")
    return "\n".join(lines) + "\n"
