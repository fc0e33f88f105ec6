"""pytest plugin of the grader: options, fixtures, scoring and the score table.

    pytest grader/                                  # grade assignments/
    pytest grader/ -k hw03                          # one problem
    pytest grader/ --submission DIR [--submission DIR2 ...] --grade-json out.json

Tests declare ``pytestmark = pytest.mark.problem("hwNN_name")`` and
``@pytest.mark.points(n)``; they talk to the submission through the ``student``
fixture (see ``grader/student.py``).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from grader import outcomes, report
from grader.problems import BY_MODULE
from grader.student import Student

os.environ.setdefault("MPLBACKEND", "Agg")
RESULTS = pytest.StashKey[dict]()
SUBMISSIONS = pytest.StashKey[list]()
STARTED = pytest.StashKey[float]()


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "homework grader / 作业评分")
    group.addoption("--submission", action="append", default=[], metavar="DIR",
                    help="folder of hwNN_*.py files to grade (repeatable; default: assignments/)")
    group.addoption("--grade-json", metavar="PATH",
                    help="write Gradescope-style results.json (a folder when grading several submissions)")
    group.addoption("--gradebook", metavar="PATH.csv", help="write one CSV row of scores per submission")
    group.addoption("--device", choices=("auto", "cpu", "cuda"), default="auto",
                    help="device for model and tensor checks (default: cuda when available)")
    group.addoption("--output-dir", metavar="DIR", default=None,
                    help="where figures drawn by the submission are saved (default: grader-output/)")
    group.addoption("--call-timeout", type=float, default=30.0,
                    help="seconds allowed for one call into student code (default 30)")
    group.addoption("--import-timeout", type=float, default=60.0,
                    help="seconds allowed for importing a student module (default 60)")


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "problem(module): the homework module a grader test checks",
        "points(n): weight of a check within its problem (each problem is worth 10)",
        "hidden: an instructor-only check, not shipped to students",
        "cuda: a check that needs CUDA (skipped without it)",
    ):
        config.addinivalue_line("markers", line)
    if config.option.tbstyle == "auto":
        config.option.tbstyle = "short"
    config.stash[RESULTS] = {}
    config.stash[STARTED] = time.time()
    config.stash[SUBMISSIONS] = _resolve_submissions(config)


def _resolve_submissions(config: pytest.Config) -> list[Submission]:
    paths = config.getoption("submission") or [str(config.rootpath / "assignments")]
    submissions, names = [], set()
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if not path.is_dir():
            raise pytest.UsageError(f"--submission {raw}: 不是文件夹 / not a folder")
        name, n = path.name, 2
        while name in names:
            name, n = f"{path.name}-{n}", n + 1
        names.add(name)
        submissions.append(Submission(name, path))
    return submissions


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    subs = metafunc.config.stash[SUBMISSIONS]
    if "submission" in metafunc.fixturenames and len(subs) > 1:
        metafunc.parametrize("submission", subs, ids=[s.name for s in subs],
                             indirect=True, scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        problem = item.get_closest_marker("problem")
        if problem is None or problem.args[0] not in BY_MODULE:
            raise pytest.UsageError(f"{item.nodeid}: grader tests need pytest.mark.problem(<module>)")
        if item.get_closest_marker("points") is None:
            raise pytest.UsageError(f"{item.nodeid}: grader tests need pytest.mark.points(n)")
        if item.get_closest_marker("cuda") and not torch.cuda.is_available():
            item.add_marker(pytest.mark.skip(reason="需要 CUDA / needs CUDA"))


# -- fixtures -----------------------------------------------------------------

@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Submission:
    return getattr(request, "param", None) or request.config.stash[SUBMISSIONS][0]


def _problem_of(request: pytest.FixtureRequest) -> str:
    return request.node.get_closest_marker("problem").args[0]


@pytest.fixture(scope="module")
def student(request: pytest.FixtureRequest, submission: Submission):
    """The submission's module for this test file's problem, in a worker process."""
    problem = BY_MODULE[_problem_of(request)]
    handle = Student(submission.path, problem.module, forbidden=list(problem.forbidden),
                     call_timeout=request.config.getoption("call_timeout"),
                     import_timeout=request.config.getoption("import_timeout"))
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest):
    """The reference solution of this problem (instructor's copy only), in a worker."""
    solutions = request.config.rootpath / "solutions"
    problem = BY_MODULE[_problem_of(request)]
    if not (solutions / f"{problem.module}.py").is_file():
        pytest.skip("solutions/ 不存在 / no reference solutions here")
    handle = Student(solutions, problem.module)
    yield handle
    handle.close()


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> torch.device:
    choice = request.config.getoption("device")
    if choice == "cuda" and not torch.cuda.is_available():
        raise pytest.UsageError("--device cuda: CUDA 不可用 / CUDA is not available")
    if choice == "auto":
        choice = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    return torch.device(choice)


def _output_root(config: pytest.Config) -> Path:
    option = config.getoption("output_dir")
    return Path(option).resolve() if option else config.rootpath / "grader-output"


@pytest.fixture(scope="module")
def output_dir(request: pytest.FixtureRequest, submission: Submission) -> Path:
    """Where this submission's figures go (one sub-folder each when grading several)."""
    root = _output_root(request.config)
    path = root / submission.name if len(request.config.stash[SUBMISSIONS]) > 1 else root
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- results --------------------------------------------------------------------

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


def _submission_of(item: pytest.Item) -> Submission:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "submission" in callspec.params:
        return callspec.params["submission"]
    return item.config.stash[SUBMISSIONS][0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    rep: pytest.TestReport = outcome.get_result()
    category = None
    if call.excinfo is not None and isinstance(call.excinfo.value, outcomes.GradingOutcome):
        rep.longrepr = call.excinfo.value.report()
        category = call.excinfo.value.category
    elif call.excinfo is not None and call.when == "call" and not call.excinfo.errisinstance(
            (AssertionError, pytest.skip.Exception)):
        # The judge choked on a value the submission returned (a wrong shape, say):
        # a failed check, told in one line, not a traceback through the grader.
        rep.longrepr = outcomes.JudgeCouldNotCompare(call.excinfo.value).report()
        category = "failed"

    results = item.config.stash[RESULTS]
    entry = results.get(item.nodeid)
    if entry is None:
        entry = results[item.nodeid] = report.CheckResult(
            submission=_submission_of(item).name,
            problem=item.get_closest_marker("problem").args[0],
            name=_check_name(item),
            points=float(item.get_closest_marker("points").args[0]),
            outcome="passed",
            hidden=item.get_closest_marker("hidden") is not None,
        )
    entry.duration += rep.duration
    if entry.outcome != "passed":
        return  # keep the first reason (a setup failure, say)
    if rep.skipped:
        entry.outcome = "skipped"
    elif rep.failed:
        entry.outcome = category or "failed"
        entry.message = str(rep.longrepr) if category else _short_failure(rep)


def _short_failure(rep: pytest.TestReport) -> str:
    crash = getattr(rep.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(rep.longrepr)[-2000:]


def results_by_submission(config: pytest.Config) -> dict[str, list[report.CheckResult]]:
    grouped: dict[str, list[report.CheckResult]] = {s.name: [] for s in config.stash[SUBMISSIONS]}
    for result in config.stash[RESULTS].values():
        grouped[result.submission].append(result)
    return {k: v for k, v in grouped.items() if v}


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    grouped = results_by_submission(config)
    if not grouped:
        return
    documents = {name: report.results_json(name, results) for name, results in grouped.items()}
    json_opt, book_opt = config.getoption("grade_json"), config.getoption("gradebook")
    if json_opt:
        several = len(config.stash[SUBMISSIONS]) > 1
        for name, document in documents.items():
            report.write_json(Path(json_opt) / f"{name}.json" if several else Path(json_opt), document)
    if book_opt:
        Path(book_opt).parent.mkdir(parents=True, exist_ok=True)
        Path(book_opt).write_text(report.gradebook_csv(report.gradebook_rows(documents)), encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    grouped = results_by_submission(config)
    if not grouped:
        return
    write = terminalreporter.write_line
    if len(grouped) > 3:  # a class: one line per submission
        terminalreporter.write_sep("=", "成绩册 Gradebook")
        rows = report.gradebook_rows({n: report.results_json(n, r) for n, r in grouped.items()})
        for line in report.gradebook_text(rows):
            write(line)
    else:
        for name, results in grouped.items():
            terminalreporter.write_sep("=", "成绩 Score" + (f": {name}" if len(grouped) > 1 else ""))
            for line in report.problem_table_text(results):
                write(line)
    figures = _output_root(config)
    if figures.is_dir() and any(p.stat().st_mtime >= config.stash[STARTED] for p in figures.rglob("*.png")):
        write(f"图片 Figures: {figures}")
    if any(r.outcome == "not implemented" for rs in grouped.values() for r in rs):
        write("提示 Hint: 打开 assignments/ 中对应的文件, 把 raise NotImplementedError 换成你的代码 / "
              "open the file in assignments/ and replace raise NotImplementedError with your code")
