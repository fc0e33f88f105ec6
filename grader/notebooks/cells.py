"""The cells of a homework notebook, read as plain JSON (no nbgrader or Jupyter import).

nbgrader marks its cells in ``metadata.nbgrader``:

- an *answer* cell (``solution: true``) is where the student writes; in the source
  notebook it holds the model answer (the whole cell, or the lines between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``), in the student's copy the stub;
- a *task* cell (``task: true``) is a read-only question graded as a whole (the two
  drawings, the figures of hw04 and hw05), answered in the ordinary cells that follow
  it; its model answer sits between ``### BEGIN MARK SCHEME`` and ``### END MARK SCHEME``.
"""

from __future__ import annotations

import json
from pathlib import Path

# What nbgrader puts in place of a model answer (nbgrader_config.py sets these).
TEXT_STUB = "在这里写你的答案 / YOUR ANSWER HERE"
CODE_STUB = "# 在这里写你的代码 / YOUR CODE HERE\nraise NotImplementedError"
# An answer still "empty": untouched stubs (ours and nbgrader's defaults) or nothing at all.
_UNTOUCHED = {"", TEXT_STUB, CODE_STUB, "YOUR ANSWER HERE", "# YOUR CODE HERE\nraise NotImplementedError()"}
_REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN MARK SCHEME", "END MARK SCHEME"))


def read(path: Path) -> dict:
    """The notebook at ``path`` as JSON (``ValueError`` when it is not a notebook)."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path}: not a Jupyter notebook")
    return notebook


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def marks(cell: dict) -> dict:
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    found = cell.get("metadata", {}).get("nbgrader", {})
    return found if isinstance(found, dict) else {}


def is_answer(cell: dict) -> bool:
    return bool(marks(cell).get("solution"))


def is_task(cell: dict) -> bool:
    return bool(marks(cell).get("task"))


def points(cell: dict) -> float:
    """What a graded cell (answer or task) is worth; 0 for the others."""
    mark = marks(cell)
    return float(mark.get("points", 0)) if mark.get("grade") or mark.get("task") else 0.0


def is_blank(cell: dict) -> bool:
    """Nothing written: the untouched stub, or an empty cell, with no attached image."""
    return source(cell).strip() in _UNTOUCHED and not cell.get("attachments")


def holds_answer(cell: dict) -> bool:
    """An ordinary cell that answers a task: written text, an image, or a code cell's saved output."""
    if cell.get("cell_type") == "code":
        return any(output.get("output_type") != "error" for output in cell.get("outputs", []))
    return not is_blank(cell)


def task_answers(notebook: dict) -> list[tuple[dict, list[dict]]]:
    """Each task cell with the ordinary cells after it (up to the next nbgrader cell)."""
    found: list[tuple[dict, list[dict]]] = []
    after: list[dict] | None = None
    for cell in notebook["cells"]:
        if is_task(cell):
            after = []
            found.append((cell, after))
        elif marks(cell):
            after = None
        elif after is not None:
            after.append(cell)
    return found


def empty_answers(notebook: dict) -> int:
    """Answer cells still blank, plus tasks with nothing answering them yet."""
    blank = sum(is_answer(cell) and is_blank(cell) for cell in notebook["cells"])
    return blank + sum(not any(holds_answer(c) for c in after) for _, after in task_answers(notebook))


def model_answers(notebook: dict) -> list[str]:
    """The instructor-only text of a source notebook: every solution and mark-scheme region
    (a whole answer cell when it has no delimited region)."""
    found = []
    for cell in notebook["cells"]:
        if is_answer(cell) or is_task(cell):
            regions = _regions(source(cell))
            found += regions if regions or not is_answer(cell) else [source(cell)]
    return [text for text in found if text.strip()]


def model_answer_lines(notebook: dict, shortest: int = 12) -> list[str]:
    """The model answers' lines long enough to be their own words: what a leak would show."""
    return [line for answer in model_answers(notebook) for line in map(str.strip, answer.splitlines())
            if len(line) >= shortest and not line.startswith("```")]


def _regions(text: str) -> list[str]:
    regions: list[list[str]] = []
    closing = None
    for line in text.splitlines():
        if closing is None:
            closing = next((end for start, end in _REGIONS if start in line), None)
            if closing:
                regions.append([])
        elif closing in line:
            closing = None
        else:
            regions[-1].append(line)
    return ["\n".join(lines) for lines in regions]
