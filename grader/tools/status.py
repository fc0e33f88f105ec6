"""``python -m grader status``: the score table of the last run, without grading again.

The plugin keeps the last run's results (``grader/reports/progress.py``); this prints
them as the run printed them, hint pointers as they stand now.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from grader.reports import progress, tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader status",
                                     description="上次评分的成绩表 / the score table of the last run")
    parser.parse_args(argv)
    run = progress.last_run()
    if run is None:
        print("还没有评过分 / nothing graded yet: pytest grader/  (或 or: python -m grader)")
        return 0
    print(f"上次评分 Last run: {run.get('saved', '?')}")
    documents = run["documents"]
    pointers = progress.hint_pointers(next(iter(documents.values()))) if len(documents) == 1 else {}
    items = tables.score_area(documents, pointers=pointers, figures=run.get("figures", ""))
    for line in tables.plain_lines(items, shutil.get_terminal_size().columns):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
