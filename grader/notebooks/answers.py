"""How many written answers of each problem a submission still leaves empty (information, no points).

Read straight from the notebooks' JSON, without nbgrader or Jupyter: the judge calls
this for its score table on every run.
"""

from __future__ import annotations

from pathlib import Path

from grader.notebooks import cells
from grader.problems import PROBLEMS

MAX_BYTES = 64 * 2**20  # a notebook larger than this is not read (its figures are a few MB at most)


def pending_answers(folder: Path) -> dict[str, int]:
    """Problem module -> empty answer cells and unanswered tasks of ``folder/<module>.ipynb``.

    Problems without a notebook in ``folder`` are absent; so is a notebook that is not
    valid JSON (nbgrader could not read it either) or larger than ``MAX_BYTES``.
    """
    found = {}
    for problem in PROBLEMS:
        path = Path(folder) / f"{problem.module}.ipynb"
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        try:
            found[problem.module] = cells.empty_answers(cells.read(path))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return found
