"""Tables for people: the terminal score table, Markdown tables, the gradebook as text.

All are made from check results or from results.json contents (``scores``).
Bonus problems come after the homework's, and the total lines come last.
"""

from __future__ import annotations

from grader.problems import BY_MODULE, PROBLEMS
from grader.reports.scores import gradebook_rows, homework_score


def display_width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def problem_note(entry: dict) -> str:
    """What the table says beside a problem that is not (fully) working, from its results.json entry."""
    if entry.get("broken"):
        return entry["broken"]
    if entry.get("not_implemented", 0) >= entry.get("ran", 0) > 0:
        return "尚未实现 / not implemented yet"
    names = entry.get("unimplemented") or []
    if names:
        return "尚未实现 / not implemented yet: " + ", ".join(names)
    return ""


def _mark(entry: dict) -> str:
    if entry["score"] >= entry["max_score"]:
        return "✔"
    if entry.get("broken"):
        return "!"
    return "…" if entry.get("not_implemented", 0) >= entry.get("ran", 0) else "✘"


def _written(entry: dict) -> str:
    """The written-answers column: empty answers left in the problem's notebook (no points here)."""
    if "written_empty" not in entry:
        return ""
    empty = entry["written_empty"]
    return f"{empty} 未写 / empty" if empty else "✔ 已写 / written"


def problem_table_text(document: dict, pointers: dict[str, str] | None = None) -> list[str]:
    """One submission's score table, from its results.json; ``pointers``: a note per problem
    (a hint pointer) shown unless the module could not be used at all."""
    extra = document.get("extra_data", {})
    problems = extra.get("problems", {})
    written = any("written_empty" in entry for entry in problems.values())
    rows = [("题目 Problem", "得分 Score", "通过 Passed", "用时 Time", "书面 Written" if written else "", "")]
    for bonus in (False, True):
        for p, entry in problems.items():
            if bool(entry.get("bonus")) != bonus:
                continue
            meta = BY_MODULE.get(p)
            note = entry.get("broken") or (pointers or {}).get(p) or problem_note(entry)
            title = f"{_mark(entry)} {p}  {meta.zh if meta else ''}".rstrip() + (" (附加 bonus)" if bonus else "")
            rows.append((title, f"{entry['score']:5.2f} / {entry['max_score']:g}",
                         f"{entry['passed']} / {entry['ran']}", f"{entry['seconds']:5.1f} s",
                         _written(entry), note))
    totals = []
    bonus = extra.get("bonus", {})
    if bonus.get("max_score"):
        totals.append(("附加题 Bonus", f"{bonus['score']:.2f} / {bonus['max_score']:g}", "", "", "", ""))
    got, possible = homework_score(document)
    totals.append(("总分 Total", f"{got:.2f} / {possible:g}", "", "", "", ""))
    rows += totals
    columns = 5 if written else 4
    widths = [max(display_width(r[i]) for r in rows) for i in range(columns)]
    rule = "-" * (sum(widths) + 2 * len(widths))
    lines = []
    for i, row in enumerate(rows):
        cells = [_pad(c, w) for c, w in zip(row, widths)]
        lines.append("  ".join(cells + [row[-1]]).rstrip())
        if i == 0 or i == len(rows) - len(totals) - 1:
            lines.append(rule)
    return lines


def problem_table_markdown(result: dict) -> str:
    """One submission's per-problem table, as Markdown, from its results.json."""
    extra = result.get("extra_data", {})
    problems = extra.get("problems", {})
    written = any("written_empty" in s for s in problems.values())
    extra_head, extra_rule, blank = (" 书面 Written |", "---|", " |") if written else ("", "", "")
    lines = [f"| 题目 Problem | 得分 Score | 通过 Passed | 用时 Time |{extra_head}", f"|---|---:|---:|---:|{extra_rule}"]
    for p, s in problems.items():
        meta = BY_MODULE.get(p)
        title = f"{meta.zh} / {meta.en}" if meta else ""
        if s.get("bonus"):
            title += " (附加 bonus)"
        cell = f" {_written(s)} |" if written else ""
        lines.append(f"| `{p}` {title} | {s['score']:g} / {s['max_score']:g} | {s['passed']} / {s['ran']} "
                     f"| {s['seconds']:.1f} s |{cell}")
    bonus = extra.get("bonus", {})
    if bonus.get("max_score"):
        lines.append(f"| 附加题 Bonus | {bonus['score']:g} / {bonus['max_score']:g} | | |{blank}")
    got, possible = homework_score(result)
    lines.append(f"| **总分 Total** | **{got:g} / {possible:g}** | | |{blank}")
    return "\n".join(lines) + "\n"


def _numbers(rows: list[dict]) -> list[str]:
    return [p.number for p in PROBLEMS if any(r.get(p.number, "") != "" for r in rows)]


def gradebook_text(rows: list[dict]) -> list[str]:
    """The gradebook as aligned terminal lines."""
    numbers = _numbers(rows)
    table = [["submission", *numbers, "total"]]
    table += [[r["submission"], *(f"{r[n]:g}" if r[n] != "" else "-" for n in numbers),
               f"{r['total']:g}/{r['max']:g}"] for r in rows]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(table[0]))]
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


def sources_markdown(rows: list[dict]) -> str:
    """Which folder each submission name stands for (names are de-duplicated: ``a``, ``a-2``)."""
    lines = ["| 提交 Submission | 文件夹 Folder |", "|---|---|"]
    lines += [f"| {r['submission']} | `{r.get('folder', '')}` |" for r in rows]
    return "\n".join(lines) + "\n"


# -- the score area: what the grader prints after pytest's own sections ------------------

Rule = tuple[str, str]  # (character, title): a separator line across the terminal


def _broken_details(documents: dict[str, dict]) -> list[str]:
    """The message of each module that could not be used, once (not once per check)."""
    lines = []
    for name, document in documents.items():
        for p, entry in document.get("extra_data", {}).get("problems", {}).items():
            if not entry.get("broken"):
                continue
            test = next((t for t in document.get("tests", []) if t["tags"] == [p] and t["output"]), None)
            where = f"{name}: {p}" if len(documents) > 1 else p
            output = test["output"].splitlines() if test else []
            lines += [f"{where}: {entry['broken']}", *(output if len(output) > 1 else []), ""]
    return lines


def _notes(documents: dict[str, dict], figures: str) -> list[str]:
    first = next(iter(documents.values()))
    notes = []
    isolation = first.get("extra_data", {}).get("isolation", {}).get("note")
    if isolation:
        notes.append(isolation)
    if figures:
        notes.append(f"图片 Figures: {figures}")
    if len(documents) == 1:
        problems = first.get("extra_data", {}).get("problems", {})
        stubs = [p for p, e in problems.items() if e.get("not_implemented")]
        if stubs and homework_score(first)[0] == 0:
            notes += [f"第一次运行得 0 分是正常的: 题目都还是模板。一次做一道: pytest grader/ -k {stubs[0][:4]}",
                      "A first run scoring 0 is normal: the problems are stubs. Do one at a time: "
                      f"pytest grader/ -k {stubs[0][:4]}"]
        if stubs:
            notes += ["提示: 打开 assignments/ 中的文件, 把 raise NotImplementedError 换成你的代码",
                      "Hint: open the file in assignments/ and replace raise NotImplementedError with your code"]
    return notes


def score_area(documents: dict[str, dict], *, pointers: dict[str, str] | None = None,
               figures: str = "") -> list[str | Rule]:
    """Lines and rules, ending with the table's Total: notes come first, so that the
    table is the last thing a student reads (above pytest's one-line count)."""
    if not documents:
        return []
    items: list[str | Rule] = []
    broken = _broken_details(documents)
    if broken:
        items += [("=", "无法使用的文件 Modules that could not be used"), *broken[:-1]]
    if len(documents) > 3:  # a class: one line per submission
        items += [("=", "成绩册 Gradebook"), *_notes(documents, figures)]
        return items + gradebook_text(gradebook_rows(documents))
    items += [("=", "成绩 Score"), *_notes(documents, figures)]
    for name, document in documents.items():
        if len(documents) > 1:
            items.append(("-", name))
        items += problem_table_text(document, pointers if len(documents) == 1 else None)
    return items


def rule(char: str, title: str, width: int) -> str:
    """A separator across ``width`` columns, as pytest draws them (CJK titles measured right)."""
    fill = max(2, width - display_width(title) - 2)
    return f"{char * (fill // 2)} {title} {char * (fill - fill // 2)}"


def plain_lines(items: list[str | Rule], width: int = 80) -> list[str]:
    """The score area for a plain terminal (``status``)."""
    return [rule(*item, width) if isinstance(item, tuple) else item for item in items]
