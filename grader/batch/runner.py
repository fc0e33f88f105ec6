"""N judges at a time: start them from the pool, read their pipes, enforce deadlines, stop on Ctrl-C.

Tasks come from an iterator, pulled only when a slot is free (so staging a
submission, or finding that its earlier result can be reused, happens just in
time). Each finished judge is handed to ``on_done`` at once, so results are
written as they finish; ``on_done`` returns False to stop the batch (a usage
error that every judge would hit). Ctrl-C stops cleanly: no new judge starts,
running ones are ended, and the caller still gets everything that finished.
"""

from __future__ import annotations

import os
import selectors
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from grader.batch import judge
from grader.batch.pool import Pool

GRACE_S = 10.0  # after SIGTERM to a keeper, before its whole group is killed


@dataclass
class Task:
    name: str
    argv: list[str]
    tmp: Path                     # the judge's temporary folder (deleted by its keeper)
    timeout: float                # wall-clock seconds for the whole submission
    log: Path | None = None       # None: the judge writes to this process's stdout and stderr
    keeper: int = 0
    started: float = 0.0
    stopping_since: float = 0.0
    timed_out: bool = False
    buffer: bytearray = field(default_factory=bytearray)


@dataclass
class Finished:
    task: Task
    verdict: judge.Verdict
    seconds: float

    @property
    def failure(self) -> str:
        return self.verdict.failure(self.task.timeout if self.task.timed_out else None)


def _start(pool: Pool, task: Task, selector: selectors.BaseSelector) -> None:
    read_end, write_end = os.pipe()
    out = os.open(task.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if task.log else None
    try:
        task.started = time.monotonic()
        task.keeper = pool.spawn(task.argv, cwd=judge.ROOT, tmp=task.tmp, verdict_fd=write_end,
                                 out_fd=out if out is not None else 1, err_fd=None if out is not None else 2)
    finally:
        os.close(write_end)
        if out is not None:
            os.close(out)
    os.set_blocking(read_end, False)
    selector.register(read_end, selectors.EVENT_READ, task)


def _drain(fd: int, task: Task) -> bool:
    """Read what is there; True at end of file."""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return False
        if not chunk:
            return True
        if len(task.buffer) < judge.MAX_VERDICT:
            task.buffer += chunk


def _stop(task: Task, now: float) -> None:
    if not task.stopping_since:
        task.stopping_since = now
        Pool.terminate(task.keeper)
    elif now - task.stopping_since > GRACE_S:
        Pool.terminate(task.keeper, hard=True)


def run(pool: Pool, tasks: Iterator[Task], jobs: int, on_done: Callable[[Finished], bool]) -> bool:
    """Grade until ``tasks`` is exhausted; returns False when interrupted or stopped."""
    selector = selectors.DefaultSelector()
    running: dict[int, Task] = {}
    more, completed = True, True
    try:
        while True:
            while more and len(running) < jobs:
                task = next(tasks, None)
                if task is None:
                    more = False
                    break
                _start(pool, task, selector)
                running[task.keeper] = task
            if not running:
                break
            now = time.monotonic()
            waits = [t.started + t.timeout - now for t in running.values() if not t.timed_out]
            for key, _ in selector.select(timeout=max(0.05, min(waits + [1.0]))):
                task = key.data
                if _drain(key.fd, task):
                    selector.unregister(key.fd)
                    os.close(key.fd)
                    del running[task.keeper]
                    seconds = time.monotonic() - task.started
                    if not on_done(Finished(task, judge.parse(bytes(task.buffer)), seconds)):
                        more, completed = False, False
                        for other in running.values():
                            _stop(other, time.monotonic())
            now = time.monotonic()
            for task in running.values():
                if not task.timed_out and now > task.started + task.timeout:
                    task.timed_out = True
                if task.timed_out or task.stopping_since:
                    _stop(task, now)
    except KeyboardInterrupt:
        completed = False
        _abandon(selector, running)
    finally:
        selector.close()
    return completed


def _abandon(selector: selectors.BaseSelector, running: dict[int, Task]) -> None:
    """Ctrl-C: end every running judge and wait (briefly) for their keepers to clean up."""
    start = time.monotonic()
    for task in running.values():
        _stop(task, start)
    while running and time.monotonic() - start < 2 * GRACE_S:
        try:
            events = selector.select(timeout=0.5)
        except KeyboardInterrupt:
            continue
        for key, _ in events:
            if _drain(key.fd, key.data):
                selector.unregister(key.fd)
                os.close(key.fd)
                running.pop(key.data.keeper, None)
        for task in running.values():
            _stop(task, time.monotonic())
    for key in list(selector.get_map().values()):
        os.close(key.fd)
