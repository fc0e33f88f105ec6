"""The fixtures checks use: ``submission``, ``student``, ``reference``, ``device``, ``output_dir``."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from grader.judging import outcomes
from grader.plugin.session import LAUNCHER, SUBMISSIONS, output_root
from grader.plugin.submissions import Submission
from grader.problems import BY_MODULE
from grader.sandbox.student import Student


def started(handle: Student) -> Student:
    """The handle with its worker started and the module imported, during the fixture's setup,
    so that a check's time (the table's) is its own. A request that calls nothing does it; a
    module that cannot be imported fails the checks that use it, with the import's error."""
    try:
        handle.call_each("__name__", [])
    except outcomes.GradingOutcome:
        pass
    return handle


def problem_of(request: pytest.FixtureRequest):
    return BY_MODULE[request.node.get_closest_marker("problem").args[0]]


def submission_of(item: pytest.Item) -> Submission:
    """The submission a check grades (the parameter when grading several)."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "submission" in callspec.params:
        return callspec.params["submission"]
    return item.config.stash[SUBMISSIONS][0]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A check of a module the submission lacks fails here, before its other fixtures compute
    oracles and data (a folder holding one module would otherwise wait about 50 s). A plain
    hook: after the skip markers are honoured (tryfirst), before pytest's own fixture setup."""
    if "student" not in item.fixturenames:
        return
    submission, module = submission_of(item), item.get_closest_marker("problem").args[0]
    if not submission.broken and not (submission.path / f"{module}.py").is_file():
        raise outcomes.SubmissionBroken.missing(module)


@pytest.fixture(scope="module")
def submission(request: pytest.FixtureRequest) -> Submission:
    return getattr(request, "param", None) or request.config.stash[SUBMISSIONS][0]


@pytest.fixture(scope="module")
def student(request: pytest.FixtureRequest, submission: Submission):
    """The submission's module for this test file's problem, in a sandboxed worker."""
    if submission.broken:
        raise outcomes.SubmissionBroken(submission.broken)
    handle = Student(submission.path, problem_of(request), request.config.stash[LAUNCHER],
                     call_timeout=request.config.getoption("call_timeout"),
                     import_timeout=request.config.getoption("import_timeout"))
    yield started(handle)
    handle.close()


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest):
    """The reference solution of this problem (instructor's copy only), in a worker of its own
    (trusted code, outside the students' sandbox)."""
    solutions = request.config.rootpath / "solutions"
    problem = problem_of(request)
    if not (solutions / f"{problem.module}.py").is_file():
        pytest.skip("solutions/ 不存在 / no reference solutions here")
    handle = Student(solutions, problem, request.config.stash[LAUNCHER], trusted=True)
    yield started(handle)
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


@pytest.fixture(scope="module")
def output_dir(request: pytest.FixtureRequest, submission: Submission):
    """Where this submission's figures go (one sub-folder each when grading several)."""
    root = output_root(request.config)
    path = root / submission.name if len(request.config.stash[SUBMISSIONS]) > 1 else root
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def data_dir(request: pytest.FixtureRequest) -> Path:
    """A folder for the data a check generates (images, a tiny CIFAR-10) that the student's code
    reads: inside the judge's private area, readable by the sandbox, by nobody else."""
    return request.config.stash[LAUNCHER].data_folder(request.module.__name__.rsplit(".", 1)[-1])
