"""Turning pytest's reports into check results, and writing them out.

The verdict leaves the judge through a pipe (``--verdict-fd``, what ``python -m
grader`` uses) or through files the judge writes (``--grade-json``,
``--gradebook``); never through anything a sandboxed worker can write.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
import torch

from grader.judging import outcomes
from grader.plugin.session import (LAUNCHER, RESULTS, STARTED, SUBMISSIONS, output_root,
                                   problems_with_hidden_checks)
from grader.plugin.fixtures import submission_of
from grader.notebooks.answers import pending_answers
from grader.problems import BY_MODULE
from grader.reports import progress, tables
from grader.reports import scores as report


DOCUMENTS = pytest.StashKey[dict]()  # submission name -> results.json, once the session ends
FIGURES = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    for item in items:
        problem = item.get_closest_marker("problem")
        if problem is None or problem.args[0] not in BY_MODULE:
            raise pytest.UsageError(f"{item.nodeid}: grader tests need pytest.mark.problem(<module>)")
        points = item.get_closest_marker("points")
        if points is None:
            raise pytest.UsageError(f"{item.nodeid}: grader tests need pytest.mark.points(n)")
        check = re.sub(r"\[.*\]$", "", item.nodeid) + _params_id(item)
        weights[problem.args[0]][check] = float(points.args[0])
        if item.get_closest_marker("cuda") and not torch.cuda.is_available():
            item.add_marker(pytest.mark.skip(reason="需要 CUDA / needs CUDA"))
    complete = problems_with_hidden_checks(config.rootpath)
    for module, checks in weights.items():
        total, expected = sum(checks.values()), BY_MODULE[module].points
        if module in complete and abs(total - expected) > 1e-9:
            raise pytest.UsageError(f"{module}: the checks' points add up to {total:g}, not {expected:g}")


def _params_id(item: pytest.Item) -> str:
    params = {k: v for k, v in getattr(getattr(item, "callspec", None), "params", {}).items() if k != "submission"}
    return f"[{sorted(params.items())!r}]" if params else ""


def _check_name(item: pytest.Item) -> str:
    doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
    name = doc[0].strip() if doc else item.originalname.removeprefix("test_").replace("_", " ")
    params = {k: v for k, v in getattr(getattr(item, "callspec", None), "params", {}).items()
              if k != "submission"}
    if params:
        ident = item.callspec.id
        for sub in item.config.stash[SUBMISSIONS]:
            ident = re.sub(rf"(^|-){re.escape(sub.name)}($|-)", r"\1\2", ident).strip("-")
        name += f" [{ident}]"
    return name


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    rep: pytest.TestReport = outcome.get_result()
    category, note = None, ""
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, outcomes.GradingOutcome):
        rep.longrepr = error.report()
        category = error.category
        note = _note(error, item)
    elif error is not None and call.when == "call" and not call.excinfo.errisinstance(
            (AssertionError, pytest.skip.Exception)):
        # The judge choked on a value the submission returned (a wrong shape, say):
        # a failed check, told in one line, not a traceback through the grader.
        rep.longrepr = outcomes.JudgeCouldNotCompare(error).report()
        category = "failed"
    if rep.failed and category:
        rep.grading_category = category  # read by pytest_report_teststatus

    results = item.config.stash[RESULTS]
    entry = results.get(item.nodeid)
    if entry is None:
        entry = results[item.nodeid] = report.CheckResult(
            submission=submission_of(item).name,
            problem=item.get_closest_marker("problem").args[0],
            name=_check_name(item),
            points=float(item.get_closest_marker("points").args[0]),
            outcome="passed",
            hidden=item.get_closest_marker("hidden") is not None,
            check=item.originalname,
        )
    if rep.when == "call":  # the check's own time: fixtures (and the worker's start-up) excluded
        entry.duration += rep.duration
    if entry.outcome != "passed":
        return  # keep the first reason (a setup failure, say)
    if rep.skipped:
        entry.outcome = "skipped"
    elif rep.failed:
        entry.outcome = category or "failed"
        entry.message = str(rep.longrepr) if category else _short_failure(rep)
        entry.note = note


# The final line counts these apart ("3 passed, 2 failed, 88 not implemented") and pytest's
# FAILURES section leaves them out: the table says what they are, once per problem.
_STATUS = {
    "not implemented": ("not implemented", "n", ("NOT IMPLEMENTED", {"yellow": True})),
    "broken": ("broken", "B", ("BROKEN", {"red": True})),
    "failed": ("failed", "F", ("FAILED", {"red": True})),  # a failure in a fixture: not "ERROR at setup"
}


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    category = getattr(report, "grading_category", None)
    if report.failed and category in _STATUS:
        return _STATUS[category]
    return None


_FRAME = re.compile(r'File "[^"]*", line \d+, in (\w+)')
_LINE = re.compile(r"\bline (\d+)")


def _note(error: outcomes.GradingOutcome, item: pytest.Item) -> str:
    """A few words for the table: the unwritten function, or why a module cannot be used."""
    if isinstance(error, outcomes.NotImplementedYet):
        frames = _FRAME.findall(error.traceback)
        return frames[-1] if frames else ""
    if not isinstance(error, outcomes.SubmissionBroken):
        return ""
    submission = submission_of(item)
    module = item.get_closest_marker("problem").args[0]
    if submission.broken:
        return "无法评分 / cannot be graded: " + submission.broken.splitlines()[0][:80]
    if not (submission.path / f"{module}.py").is_file():
        return f"找不到文件 / file missing: {module}.py"
    if "SyntaxError" in error.mro:  # IndentationError and TabError too
        line = _LINE.search(error.message)
        return "语法错误 / syntax error" + (f" (line {line.group(1)})" if line else "")
    if error.exc_type:
        return f"导入出错 / import error: {error.exc_type}"
    return error.call.splitlines()[0][:100]  # an import that timed out or crashed


def _short_failure(rep: pytest.TestReport) -> str:
    crash = getattr(rep.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(rep.longrepr)[-2000:]


def results_by_submission(config: pytest.Config) -> dict[str, list[report.CheckResult]]:
    grouped: dict[str, list[report.CheckResult]] = {s.name: [] for s in config.stash[SUBMISSIONS]}
    for result in config.stash[RESULTS].values():
        grouped[result.submission].append(result)
    return {k: v for k, v in grouped.items() if v}


def documents(config: pytest.Config) -> dict[str, dict]:
    """results.json of each submission graded in this session."""
    plan = config.stash[LAUNCHER].plan
    found = {}
    submissions = {s.name: s for s in config.stash[SUBMISSIONS]}
    for name, results in results_by_submission(config).items():
        submission = submissions[name]
        document = report.results_json(name, results, str(submission.source))
        document["extra_data"]["isolation"] = {"mode": plan.mode, "layers": plan.layers,
                                               "note": plan.describe()}
        # The written half (notebooks): how many answers are still empty; information, no points.
        for module, empty in pending_answers(submission.path).items():
            entry = document["extra_data"]["problems"].get(module)
            if entry is not None:
                entry["written_empty"] = empty
        found[name] = document
    return found


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if SUBMISSIONS not in config.stash:
        return
    docs = documents(config)
    verdict_fd = config.getoption("verdict_fd")
    if verdict_fd is not None:
        with os.fdopen(verdict_fd, "w", encoding="utf-8") as pipe:
            for document in docs.values():
                pipe.write(json.dumps(document, ensure_ascii=False) + "\n")
    json_opt, book_opt = config.getoption("grade_json"), config.getoption("gradebook")
    if json_opt and docs:
        several = len(config.stash[SUBMISSIONS]) > 1 or Path(json_opt).is_dir()
        for name, document in docs.items():
            report.write_json(Path(json_opt) / f"{name}.json" if several else Path(json_opt), document)
    if book_opt and docs:
        book, rows = Path(book_opt), report.gradebook_rows(docs)
        book.parent.mkdir(parents=True, exist_ok=True)
        book.write_text(report.gradebook_csv(rows), encoding="utf-8")
        book.with_suffix(".md").write_text(tables.gradebook_markdown(rows) + "\n" + tables.sources_markdown(rows),
                                           encoding="utf-8")
    config.stash[DOCUMENTS] = docs
    config.stash[FIGURES] = _new_figures(config)
    if docs:
        progress.save_last_run(docs, config.stash[FIGURES])


def _new_figures(config: pytest.Config) -> str:
    """The figures folder, when this run saved a figure there."""
    root = output_root(config)
    if root.is_dir() and any(p.stat().st_mtime >= config.stash[STARTED] for p in root.rglob("*.png")):
        return str(root)
    return ""
