"""The score table at the end of a run."""

from __future__ import annotations

import pytest

from grader.plugin.scoring import results_by_submission
from grader.plugin.session import LAUNCHER, STARTED, output_root
from grader.reports import scores as report
from grader.reports import tables


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    grouped = results_by_submission(config)
    if not grouped:
        return
    write = terminalreporter.write_line
    if len(grouped) > 3:  # a class: one line per submission
        terminalreporter.write_sep("=", "成绩册 Gradebook")
        rows = report.gradebook_rows({n: report.results_json(n, r) for n, r in grouped.items()})
        for line in tables.gradebook_text(rows):
            write(line)
    else:
        for name, results in grouped.items():
            terminalreporter.write_sep("=", "成绩 Score" + (f": {name}" if len(grouped) > 1 else ""))
            for line in tables.problem_table_text(results):
                write(line)
    write(config.stash[LAUNCHER].plan.describe())
    figures = output_root(config)
    if figures.is_dir() and any(p.stat().st_mtime >= config.stash[STARTED] for p in figures.rglob("*.png")):
        write(f"图片 Figures: {figures}")
    if any(r.outcome == "not implemented" for rs in grouped.values() for r in rs):
        write("提示 Hint: 打开 assignments/ 中对应的文件, 把 raise NotImplementedError 换成你的代码 / "
              "open the file in assignments/ and replace raise NotImplementedError with your code")
