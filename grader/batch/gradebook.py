"""The class gradebook: one row per submission, made from the results files alone.

The first column is the submission's name; the columns whose names start with
``hw`` or ``total`` hold points only (empty when the submission could not be
graded); then ``max``, ``bonus``, and the batch's own columns: ``status``
(graded, grader failed, unreachable), ``commit`` (what was graded, for a
roster), ``seconds``, ``feedback`` (relative to the gradebook's folder) and
``note`` (why a submission was not graded, or how its commit was chosen).
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.batch import records
from grader.reports import scores as report
from grader.reports import tables

def rows(documents: dict[str, dict], book: Path | None, feedback: dict[str, Path]) -> list[dict]:
    """One row per submission; feedback paths relative to ``book``'s folder (or as they are)."""
    result = []
    for name, document in documents.items():
        (row,) = report.gradebook_rows({name: document})
        run = records.run_info(document)
        status = run.get("status", records.GRADED)
        if status != records.GRADED:
            row.update({k: "" for k in row if k != "submission"})
        path = feedback.get(name)
        row.update(status=status, commit=run.get("submission", {}).get("commit", ""),
                   seconds=f"{run['seconds']:.1f}" if isinstance(run.get("seconds"), (int, float)) else "",
                   feedback=_relative(path, book) if path else "",
                   note=run.get("note", ""))
        result.append(row)
    return result


def _relative(path: Path, book: Path | None) -> str:
    return Path(os.path.relpath(path, book.parent) if book is not None else path).as_posix()


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown(found: list[dict]) -> str:
    """The graded rows as a Markdown table, then the others with their status and reason."""
    graded = [r for r in found if r["status"] == records.GRADED]
    text = tables.gradebook_markdown(graded)
    others = [r for r in found if r["status"] != records.GRADED]
    if others:
        text += ("\n| 提交 Submission | 状态 Status | 说明 Note |\n|---|---|---|\n"
                 + "".join(f"| {_cell(r['submission'])} | {r['status']} | {_cell(r['note'])} |\n" for r in others))
    return text


def write(book: Path, documents: dict[str, dict], feedback: dict[str, Path]) -> list[dict]:
    """``book`` (CSV) and a Markdown copy beside it (.md); returns the rows."""
    found = rows(documents, book, feedback)
    book.parent.mkdir(parents=True, exist_ok=True)
    partial = book.with_name(f".{book.name}.partial")
    partial.write_text(report.gradebook_csv(found), encoding="utf-8")
    os.replace(partial, book)
    book.with_suffix(".md").write_text(markdown(found), encoding="utf-8")
    return found
