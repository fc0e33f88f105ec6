"""The judge's session: the submissions, their private copies, the sandbox and the zygote.

All of it is set up in ``pytest_configure``, before collection: the zygote is
forked from this process while it has imported torch but computed nothing and
imported no check (hidden checks included), so workers inherit none of that.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import torch

from grader.plugin.submissions import Submission, unique_names
from grader.problems import PROBLEMS
from grader.sandbox import isolation
from grader.sandbox.copies import SubmissionTooLarge, copy_submission
from grader.sandbox.launcher import Launcher
from grader.sandbox.worker import preload_worker_side

RESULTS = pytest.StashKey[dict]()
SUBMISSIONS = pytest.StashKey[list]()
STARTED = pytest.StashKey[float]()
LAUNCHER = pytest.StashKey[Launcher]()
RESTORE = pytest.StashKey[list]()

os.environ.setdefault("MPLBACKEND", "Agg")

MARKERS = (
    "problem(module): the homework module a grader test checks",
    "points(n): weight of a check within its problem (each problem is worth 10)",
    "hidden: an instructor-only check, not shipped to students",
    "cuda: a check that needs CUDA (skipped without it)",
)


def output_root(config: pytest.Config) -> Path:
    option = config.getoption("output_dir")
    return Path(option).resolve() if option else config.rootpath / "grader-output"


def _limits(config: pytest.Config) -> isolation.Limits:
    return isolation.Limits(memory_mb=config.getoption("memory_limit"), cpu_s=config.getoption("cpu_limit"),
                            processes=config.getoption("process_limit"), file_mb=config.getoption("file_limit"))


def _hidden_folders(root: Path) -> list[Path]:
    return sorted(p for p in (root / "grader").rglob("hidden") if p.is_dir())


def _what_the_sandbox_must_not_read(config: pytest.Config, sources: list[Path], private: Path) -> list[Path]:
    """The checkout (solutions, hidden checks, self-tests, history), every output, every
    original submission folder, and the judge's own copies."""
    root = config.rootpath
    paths = [root, root / "solutions", root / "tests", root / ".git", *_hidden_folders(root),
             output_root(config), private / "submissions", *sources,
             *(Path(p).resolve() for p in config.getoption("protect"))]
    for option in ("grade_json", "gradebook"):
        value = config.getoption(option)
        if value:
            target = Path(value).resolve()
            paths.append(target if target.is_dir() or not target.suffix else target.parent)
    return paths


def _device(config: pytest.Config) -> str:
    choice = config.getoption("device")
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return choice


def start(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    if config.option.tbstyle == "auto":
        config.option.tbstyle = "short"
    config.stash[RESULTS] = {}
    config.stash[STARTED] = time.time()
    try:
        plan = isolation.plan(config.getoption("isolation"), _limits(config), config.getoption("sandbox_uid_base"),
                              namespaces=config.getoption("sandbox_namespaces") == "auto")
    except isolation.IsolationUnavailable as exc:
        raise pytest.UsageError(f"--isolation required: 无法隔离 / cannot isolate student code: {exc}") from None
    raw = config.getoption("submission") or [str(config.rootpath / "assignments")]
    sources = []
    for value in raw:
        path = Path(value).expanduser().resolve()
        if not path.is_dir():
            raise pytest.UsageError(f"--submission {value}: 不是文件夹 / not a folder")
        sources.append(path)
    protected = []
    launcher = Launcher(plan, hide=[], protected=[], device=_device(config))
    config.stash[LAUNCHER] = launcher
    submissions = []
    for name, source in zip(unique_names(sources), sources):
        copy, broken = launcher.private / "submissions" / name, ""
        try:
            copy_submission(source, copy)
        except SubmissionTooLarge as exc:
            broken = str(exc)
        submissions.append(Submission(name, source, copy, broken))
    (launcher.private / "submissions").chmod(0o700)
    config.stash[SUBMISSIONS] = submissions
    protected = _what_the_sandbox_must_not_read(config, sources, launcher.private)
    launcher.hide = [str(p) for p in protected if p.is_dir()]
    launcher.protected = [str(p) for p in protected if p != config.rootpath]
    config.stash[RESTORE] = isolation.protect([p for p in protected if p != config.rootpath], plan)
    # The zygote must be forked before this process starts an OpenMP pool (a forked pool
    # hangs): one thread while preloading, the machine's again once the zygote exists.
    # Workers compute with one thread: the same numbers on a laptop, a CI runner or a
    # 16-core GPU machine, and no oversubscription when judges run side by side.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    preload_worker_side()
    launcher.threads = 1
    launcher.start()
    torch.set_num_threads(threads)


def stop(config: pytest.Config) -> None:
    launcher = config.stash.get(LAUNCHER, None)
    if launcher is not None:
        launcher.close()
    isolation.restore(config.stash.get(RESTORE, []))


def problems_with_hidden_checks(root: Path) -> set[str]:
    return {p.parent.name for p in _hidden_folders(root) if any(p.glob("test_*.py"))} & {
        p.module for p in PROBLEMS}
