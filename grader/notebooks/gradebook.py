"""One gradebook: the code grader's CSV joined with nbgrader's export of the written points.

The code gradebook (``python -m grader --submissions-dir ... --gradebook``) has a row per
student folder (``submission``), a column per problem (``hw01`` …) and the homework's
``total`` (bonus problems apart, in ``bonus``); other columns may come and go, so
columns are read by name: ``hw…`` are the problems' points, ``total`` the homework's,
``max``, ``bonus`` and ``status`` (graded, grader failed, unreachable: a row whose code was
not graded has empty points) are carried over, the rest (commit, seconds, …) is left out. nbgrader's export (``nbgrader export``) has a row per assignment and student
(``assignment``, ``student_id``, ``score``, ``max_score``); each problem is one assignment.

The joined row: ``student``, ``hwNN_code`` per problem, ``hwNN_written`` per problem,
``code_total``, ``written_total``, ``total`` (= code_total + written_total), ``max``
and, when the code gradebook has them, ``bonus`` and ``status``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

CODE_KEY, WRITTEN_KEY = "submission", "student_id"


class JoinError(ValueError):
    pass


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["student"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _number(value: str | None) -> float:
    return float(value) if value not in (None, "") else 0.0


def _short(assignment: str) -> str:
    """``hw09_resnet`` -> ``hw09`` (the code gradebook's column); other names stay whole."""
    match = re.match(r"(hw\d\d)_", assignment)
    return match.group(1) if match else assignment


def _by_student(rows: list[dict], key: str, what: str) -> dict[str, list[dict]]:
    if rows and key not in rows[0]:
        raise JoinError(f"{what}: 没有 {key} 列 / has no {key} column")
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _same_students(code: dict, written: dict) -> None:
    only_code, only_written = sorted(set(code) - set(written)), sorted(set(written) - set(code))
    if only_code or only_written:
        raise JoinError(
            "两边的学生不一致, 未合并 / the two gradebooks list different students, nothing joined:\n"
            f"  只在代码成绩中 / only in the code gradebook: {', '.join(only_code) or '-'}\n"
            f"  只在 nbgrader 导出中 / only in nbgrader's export: {', '.join(only_written) or '-'}")


def join(code_rows: list[dict], written_rows: list[dict]) -> list[dict]:
    """The joined gradebook, one row per student (sorted); ``JoinError`` when the students differ."""
    code = _by_student(code_rows, CODE_KEY, "code gradebook")
    written = _by_student(written_rows, WRITTEN_KEY, "nbgrader export")
    twice = sorted(student for student, rows in code.items() if len(rows) > 1)
    if twice:
        raise JoinError(f"代码成绩中重复的学生 / students twice in the code gradebook: {', '.join(twice)}")
    if code_rows and "total" not in code_rows[0]:
        raise JoinError("代码成绩没有 total 列 / the code gradebook has no total column")
    _same_students(code, written)
    points = [column for column in (code_rows[0] if code_rows else {}) if column.startswith("hw")]
    assignments = sorted({row["assignment"] for row in written_rows})
    written_max = {row["assignment"]: _number(row["max_score"]) for row in written_rows}
    joined = []
    for student in sorted(code):
        row = code[student][0]
        scores = {r["assignment"]: _number(r["score"]) for r in written[student]}
        out = {"student": student}
        out.update({f"{column}_code": row[column] for column in points})
        out.update({f"{_short(a)}_written": round(scores.get(a, 0.0), 2) for a in assignments})
        out["code_total"] = round(_number(row["total"]), 2)
        out["written_total"] = round(sum(scores.values()), 2)
        out["total"] = round(out["code_total"] + out["written_total"], 2)
        if "max" in row:
            out["max"] = round(_number(row["max"]) + sum(written_max.values()), 2)
        for column in ("bonus", "status"):
            if column in row:
                out[column] = row[column]
        joined.append(out)
    return joined
