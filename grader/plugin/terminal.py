"""The end of a run: the score table is the last thing printed.

pytest prints its sections (FAILURES, warnings), then this plugin's score area, then
its one-line count. pytest's short test summary would follow the table and scroll
it away, so it is off unless asked for (``-r``): the table lists every problem, and
FAILURES every failed check. What else the grader has to say goes above the table.
"""

from __future__ import annotations

import pytest

from grader.plugin.scoring import DOCUMENTS, FIGURES
from grader.reports import progress, tables


def quiet_short_summary(config: pytest.Config) -> None:
    """No short test summary unless ``-r`` was given."""
    if not any(arg.startswith("-r") or arg.startswith("--report-chars")
               for arg in config.invocation_params.args):
        config.option.reportchars = ""


def write_score_area(terminalreporter, config: pytest.Config, items: list) -> None:
    width = config.get_terminal_writer().fullwidth
    for item in items:
        if isinstance(item, tuple):  # pytest's write_sep counts a CJK character as one column
            terminalreporter.write_line(tables.rule(*item, width))
        else:
            terminalreporter.write_line(item)


@pytest.hookimpl(trylast=True)  # after every other section (--durations, say): the table ends the output
def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    documents = config.stash.get(DOCUMENTS, {})
    if not documents:
        return
    pointers = progress.hint_pointers(next(iter(documents.values()))) if len(documents) == 1 else {}
    write_score_area(terminalreporter, config, tables.score_area(documents, pointers=pointers,
                                                         figures=config.stash.get(FIGURES, "")))
