"""Grading submissions: stage each, judge each in a judge of its own, record each as it finishes.

A submission is *staged* first: the folder holding its modules is copied
(regular files only, size-capped) into a private, root-only folder under its
name, and hashed. With a results folder, a result graded by the same grader
version, from the same files, with the same options is reused (``force``
regrades). Each judge's verdict, or the reason it gave none, becomes that
submission's results file, feedback folder and gradebook row at once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader.batch import feedback, judge, records, runner
from grader.batch.pool import Pool, PoolFailed
from grader.batch.progress import Progress
from grader.reports import scores as report
from grader.sandbox import isolation
from grader.sandbox.copies import SubmissionTooLarge, copy_submission

MODULE_GLOB = "hw[0-9][0-9]_*.py"
NOT_SUBMISSIONS = {"solutions", "grader", "tests", ".git", "__pycache__", "node_modules",
                   ".venv", "venv", "site-packages", "grader-output"}
TOO_LARGE = "too large"
LOG_TAIL = 3000


def locate_modules(folder: Path) -> Path:
    """The folder holding a submission's hwNN_*.py files: ``folder`` itself, its
    ``assignments/`` (a whole repository), or the sub-folder with the most of them."""
    if any(folder.glob(MODULE_GLOB)):
        return folder
    if any((folder / "assignments").glob(MODULE_GLOB)):
        return folder / "assignments"
    counts: dict[Path, int] = {}
    for path in folder.rglob(MODULE_GLOB):
        if not NOT_SUBMISSIONS.intersection(path.relative_to(folder).parts[:-1]):
            counts[path.parent] = counts.get(path.parent, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda p: counts[p])
    return folder


@dataclass
class Candidate:
    """A submission to grade: its name, its folder (None: there is none, see ``failure``)."""
    name: str
    source: Path | None
    info: dict = field(default_factory=dict)   # recorded with the result: repository, commit, ...
    failure: str = ""
    status: str = records.UNREACHABLE


@dataclass
class Options:
    settings: judge.Settings
    identity: dict
    timeout: float
    jobs: int = 1
    out: Path | None = None            # results folder (None: one submission, reported by the caller)
    figures: Path | None = None        # one submission: where its figures go
    force: bool = False
    keep_sources: bool = False         # remember module texts (for the similarity report)
    bar: bool | None = None


@dataclass
class Outcome:
    """What a run produced: a results document per submission, and why the run stopped, if it did."""
    results: dict[str, dict] = field(default_factory=dict)
    feedback: dict[str, Path] = field(default_factory=dict)
    error: str = ""
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    graded: int = 0
    reused: int = 0

    @property
    def failures(self) -> dict[str, str]:
        return {n: records.run_info(d).get("note", "") for n, d in self.results.items()
                if records.status_of(d) != records.GRADED}

    @property
    def exit_code(self) -> int:
        if self.error or self.failures:
            return 2
        full = all(report.homework_score(r)[0] >= report.homework_score(r)[1] for r in self.results.values())
        return 0 if full else 1

    @property
    def status(self) -> str:
        return {0: "complete", 1: "incomplete"}.get(self.exit_code, "error")


class Batch:
    def __init__(self, options: Options, work: Path) -> None:
        self.options = options
        self.work = work                      # this run's private temporary folder (0711)
        self.stage = work / "stage"
        self.stage.mkdir(mode=0o700)
        (work / "jobs").mkdir(mode=0o711)
        self.outcome = Outcome()
        self.candidates: dict[str, Candidate] = {}
        self.hashes: dict[str, str] = {}
        self.progress: Progress | None = None

    # -- paths ------------------------------------------------------------------------

    def result_path(self, name: str) -> Path:
        return self.options.out / f"{name}.json"

    def feedback_folder(self, name: str) -> Path:
        return self.options.out / "feedback" / name

    def figures_of(self, name: str) -> Path:
        return self.options.figures if self.options.out is None else self.feedback_folder(name)

    # -- staging ------------------------------------------------------------------------

    def _staged(self, candidate: Candidate) -> Path | None:
        target = self.stage / candidate.name
        try:
            copy_submission(locate_modules(candidate.source), target)
        except SubmissionTooLarge as exc:
            shutil.rmtree(target, ignore_errors=True)
            self._record(candidate.name, records.failure_document(candidate.name, TOO_LARGE, str(exc)), 0.0)
            return None
        if self.options.keep_sources:
            self.outcome.sources[candidate.name] = {
                p.stem: p.read_text(encoding="utf-8", errors="replace") for p in sorted(target.glob(MODULE_GLOB))}
        return target

    def _tasks(self, candidates: list[Candidate]) -> Iterator[runner.Task]:
        for candidate in candidates:
            name = candidate.name
            if candidate.source is None:
                self._record(name, records.failure_document(name, candidate.status, candidate.failure), 0.0)
                continue
            staged = self._staged(candidate)
            if staged is None:
                continue
            self.hashes[name] = records.tree_hash(staged)
            if self._reuse(candidate):
                shutil.rmtree(staged, ignore_errors=True)
                continue
            figures = self.figures_of(name)
            if self.options.out is not None:
                shutil.rmtree(figures, ignore_errors=True)  # nothing of an earlier grading stays
            figures.mkdir(parents=True, exist_ok=True)
            log = self.options.out / "logs" / f"{name}.log" if self.options.out is not None else None
            if log is not None:
                log.parent.mkdir(parents=True, exist_ok=True)
            yield runner.Task(name, self.options.settings.argv(staged, figures),
                              tmp=self.work / "jobs" / name, timeout=self.options.timeout, log=log)

    def _reuse(self, candidate: Candidate) -> bool:
        if self.options.out is None or self.options.force:
            return False
        document = records.read_json(self.result_path(candidate.name))
        if not records.reusable(document, self.options.identity, self.hashes[candidate.name],
                                self.options.settings.fingerprint()):
            return False
        if records.run_info(document).get("submission", {}).get("commit", "") != candidate.info.get("commit", ""):
            return False
        self.outcome.results[candidate.name] = document
        path = self.feedback_folder(candidate.name) / feedback.FILE
        if path.is_file():
            self.outcome.feedback[candidate.name] = path
        self.outcome.reused += 1
        if self.progress is not None:
            self.progress.done(candidate.name, "↺ " + _one_line(document) + " (已评过 / graded before)", quiet=True)
        return True

    # -- results ------------------------------------------------------------------------

    def _record(self, name: str, document: dict, seconds: float, note: str = "") -> None:
        candidate = self.candidates[name]
        document["extra_data"]["submission"] = name
        if candidate.source is not None:  # where the instructor finds it, not the private staged copy
            document["extra_data"]["source"] = str(candidate.source)
        run = records.run_info(document)
        records.annotate(document, status=run.get("status", records.GRADED), note=run.get("note", note),
                         seconds=round(seconds, 1), grader=self.options.identity,
                         submission={"hash": self.hashes.get(name, ""), **candidate.info},
                         options=self.options.settings.fingerprint())
        self.outcome.results[name] = document
        if self.options.out is not None:
            records.write_json(self.result_path(name), document)
            self.outcome.feedback[name] = feedback.write(self.feedback_folder(name), name, document)
        if self.progress is not None:
            self.progress.done(name, _one_line(document))

    def _finished(self, finished: runner.Finished) -> bool:
        if self.outcome.error:
            return False  # a fatal error already stopped the batch: the rest is noise
        task, verdict = finished.task, finished.verdict
        shutil.rmtree(self.stage / task.name, ignore_errors=True)
        if verdict.fatal:
            self.outcome.error = verdict.failure() + _log_tail(task.log)
            return False
        failure = finished.failure
        if failure:
            document = records.failure_document(task.name, records.GRADER_FAILED,
                                                f"评分程序自身出错 / the grader itself failed: {failure}")
        else:
            document = verdict.documents[0]
        self.outcome.graded += 1
        self._record(task.name, document, finished.seconds)
        return True

    def run(self, candidates: list[Candidate]) -> Outcome:
        self.candidates = {c.name: c for c in candidates}
        if self.options.out is not None:
            self.progress = Progress(len(candidates), bar=self.options.bar)
        finished = True
        try:
            tasks = self._tasks(candidates)
            first = next(tasks, None)
            if first is not None:  # no pool at all when every result could be reused
                env = {**judge.environment(), "TMPDIR": str(self.work)}  # torch's caches too are the batch's
                with Pool(env, judge.ROOT) as pool:
                    finished = runner.run(pool, itertools.chain([first], tasks), self.options.jobs, self._finished)
        except KeyboardInterrupt:
            finished = False
        except PoolFailed as exc:
            self.outcome.error = f"评分进程池失败 / the judges' pool failed: {exc}"
        finally:
            if self.progress is not None:
                self.progress.close()
        if not finished and not self.outcome.error:
            self.outcome.error = "评分被中断 / grading was interrupted (Ctrl-C): what finished is recorded"
        order = [c.name for c in candidates if c.name in self.outcome.results]
        self.outcome.results = {n: self.outcome.results[n] for n in order}
        return self.outcome


def _one_line(document: dict) -> str:
    status = records.status_of(document)
    if status != records.GRADED:
        return f"⚠ {status}: {records.run_info(document).get('note', '')}"
    got, possible = report.homework_score(document)
    seconds = records.run_info(document).get("seconds", 0)
    return f"{'✔' if got >= possible else '✘'} {got:g} / {possible:g} ({seconds:.0f} s)"


def _log_tail(log: Path | None) -> str:
    if log is None:
        return ""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return f"\n\n{text[-LOG_TAIL:]}"


def grade(candidates: list[Candidate], options: Options, protect: list[Path]) -> Outcome:
    """Grade ``candidates`` with a pool of judges; ``protect``: folders no sandbox may read meanwhile."""
    # The sandbox user must pass through to its jail: a TMPDIR others cannot enter will not do.
    base = "/tmp" if isolation.blocked_ancestor(tempfile.gettempdir()) else None
    with tempfile.TemporaryDirectory(prefix="grader-batch-", dir=base) as tmp:
        work = Path(tmp)
        os.chmod(work, 0o711)
        # Closed once for the whole run: judges running side by side must not each open and
        # close the same folders (one would reopen what another still needs closed).
        sandboxed = os.geteuid() == 0 and options.settings.isolation != "off"
        closed = isolation.protect(protect, isolation.Plan(mode="auto", active=True)) if sandboxed else []
        try:
            return Batch(options, work).run(candidates)
        finally:
            isolation.restore(closed)
