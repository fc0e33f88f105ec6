"""Judge side: starting a worker in its jail, and leaving nothing of it behind.

Each worker gets a jail folder of its own inside the judge's private folder:
``submission/`` (a fresh copy of the submission's private copy, readable by the
slot's group only, writable by nobody but root) and ``scratch/`` (the one place
the sandbox may write; figures land there and the judge copies them out). When
the worker ends, the launcher kills its process group, kills every process of
the slot's uid, deletes what that uid left in the shared temporary folders and
removes the jail.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import stat
import tempfile
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from grader.judging import static
from grader.problems import Problem
from grader.sandbox.isolation import Plan, blocked_ancestor
from grader.sandbox.zygote import ExitStatus, Zygote

SHARED_TEMP = ("/tmp", "/var/tmp", "/dev/shm")
MAX_SCRATCH_FILE = 32 << 20


@dataclass
class Worker:
    """The judge's record of one running worker."""
    pid: int
    channel: Connection
    jail: Path
    scratch: Path
    uid: int | None


def _chown_tree(root: Path, uid: int, gid: int, dir_mode: int, file_mode: int) -> None:
    for folder, dirs, files in os.walk(root):
        os.chown(folder, uid, gid)
        os.chmod(folder, dir_mode)
        for name in files:
            path = os.path.join(folder, name)
            os.chown(path, uid, gid, follow_symlinks=False)
            os.chmod(path, file_mode)


def _minimal(paths: list[str]) -> list[str]:
    """Drop paths inside others of the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


class Launcher:
    """Forks workers from the judge's zygote into jails described by an isolation ``Plan``."""

    def __init__(self, plan: Plan, *, hide: list[Path], protected: list[Path], device: str = "cpu") -> None:
        self.plan = plan
        self.device = device
        self.private = Path(tempfile.mkdtemp(prefix="grader-judge-"))
        os.chmod(self.private, 0o711)  # workers may enter their own jail, list nothing
        self.protected = [str(p) for p in protected]
        self.hide = [str(p) for p in hide]
        self.shared = self.private / "shared"  # data the judge writes for workers to read
        self.shared.mkdir(mode=0o750)
        if plan.active:
            os.chown(self.shared, 0, plan.uid)
        self.zygote = Zygote()
        self.threads = 1  # torch threads per worker
        self._count = itertools.count(1)

    def start(self) -> None:
        self.zygote.start()

    def data_folder(self, name: str) -> Path:
        """A new folder the judge fills (fixtures: images, a tiny CIFAR-10) and workers may read."""
        folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.shared))
        os.chmod(folder, 0o755)
        return folder

    # -- one worker --------------------------------------------------------------------

    def _jail_description(self, jail: Path) -> dict | None:
        plan = self.plan
        if not plan.active:
            return None
        hide = list(self.hide)
        keep: list[str] = []
        for path in plan.needed:  # the interpreter: bound back where a hidden or closed folder hides it
            blocked = blocked_ancestor(path)
            covering = [h for h in hide if path == h or path.startswith(h.rstrip("/") + "/")]
            if blocked:
                hide.append(blocked)
            if blocked or covering:
                keep.append(path)
        stage = jail / "stage"
        stage.mkdir(mode=0o700)
        return {"uid": plan.uid, "namespaces": list(plan.namespaces), "hide": _minimal(hide),
                "keep": _minimal(keep), "stage": str(stage),
                "limits": {"memory_mb": plan.limits.memory_mb, "cpu_s": plan.limits.cpu_s,
                           "processes": plan.limits.processes, "file_mb": plan.limits.file_mb}}

    def launch(self, submission: Path, problem: Problem, *, trusted: bool = False) -> Worker:
        """Start a worker for ``problem``'s module of ``submission`` (a private copy, never the original).
        ``trusted`` (the reference solutions) runs outside the sandbox, out of the students' reach."""
        jail = self.private / f"jail-{next(self._count)}"
        jail.mkdir(mode=0o700)
        copy, scratch = jail / "submission", jail / "scratch"
        shutil.copytree(submission, copy, symlinks=True)
        scratch.mkdir()
        source_path = copy / f"{problem.module}.py"
        source = source_path.read_text(encoding="utf-8", errors="replace") if source_path.is_file() else ""
        config = {
            "submission_dir": str(copy), "module": problem.module, "problem": problem.module,
            "scratch": str(scratch), "device": self.device, "protected": self.protected, "threads": self.threads,
            "static_findings": static.policy_findings(source, problem),
            "isolation": None if trusted else self._jail_description(jail),
        }
        uid = None
        if config["isolation"]:
            uid = self.plan.uid
            os.chown(jail, 0, uid)
            os.chmod(jail, 0o710)
            _chown_tree(copy, 0, uid, 0o750, 0o640)
            os.chown(scratch, uid, uid)
            os.chmod(scratch, 0o700)
        pid, channel = self.zygote.spawn(config)
        return Worker(pid, channel, jail, scratch, uid)

    def read_scratch(self, worker: Worker, name: str, limit: int = MAX_SCRATCH_FILE) -> bytes | None:
        """A plain file the worker wrote in its scratch folder, read without following links."""
        if "/" in name or name in ("", ".", ".."):
            return None
        try:
            folder = os.open(worker.scratch, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError:
            return None
        finally:
            os.close(folder)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            if worker.uid is not None and info.st_uid != worker.uid:
                return None
            return os.read(fd, limit)
        finally:
            os.close(fd)

    def finish(self, worker: Worker) -> ExitStatus | None:
        """End the worker and everything it started; returns how it ended."""
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        worker.channel.close()
        status = self.zygote.exit_status(worker.pid, timeout=5.0)
        if worker.uid is not None:
            self.zygote.sweep(worker.uid)
            self._remove_files_of(worker.uid)
        shutil.rmtree(worker.jail, ignore_errors=True)
        return status

    def exit_status(self, worker: Worker, timeout: float = 0.0) -> ExitStatus | None:
        return self.zygote.exit_status(worker.pid, timeout)

    @staticmethod
    def _remove_files_of(uid: int) -> None:
        """What the sandbox left in the shared temporary folders (another submission must not find it)."""
        for base in SHARED_TEMP:
            try:
                entries = list(os.scandir(base))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)
                except OSError:
                    continue

    def close(self) -> None:
        self.zygote.stop()
        shutil.rmtree(self.private, ignore_errors=True)
        self.plan.release()
