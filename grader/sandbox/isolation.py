"""Judge side: what isolation this machine allows, and the judge's part of it.

``plan()`` decides once per judge which layers a worker will enter (see
``jail.py`` for the worker's part): a sandbox uid per judge (a *slot*, locked so
that parallel judges never share one), resource limits, ``PR_SET_NO_NEW_PRIVS``,
and PID, mount, network and IPC namespaces where the kernel grants them. The
namespaces are extra layers, never preconditions: with the uid layer alone,
``required`` still holds, because the grader itself makes what must stay secret
unreadable (``protect``).

Modes: ``off`` (run as today), ``auto`` (isolate whenever the machine allows;
say once why not), ``required`` (refuse to grade, exit 2, saying what is missing).
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import pwd
import stat
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("off", "auto", "required")
DEFAULT_UID_BASE = 61000
SLOTS = 256
_NAMESPACES = {"mount": 0x00020000, "net": 0x40000000, "ipc": 0x08000000, "pid": 0x20000000}


class IsolationUnavailable(Exception):
    """``--isolation required`` on a machine that cannot provide it."""


@dataclass(frozen=True)
class Limits:
    """What one worker may use; hitting one is named in the failure message."""
    memory_mb: int = 4096      # address space above the zygote's own size
    cpu_s: int = 300           # CPU seconds of one worker (one problem of one submission)
    processes: int = 256       # processes and threads of the sandbox uid
    file_mb: int = 256         # the largest file it may write

    def describe(self) -> str:
        return (f"memory {self.memory_mb} MB, CPU {self.cpu_s} s, {self.processes} processes, "
                f"files {self.file_mb} MB")


@dataclass
class Plan:
    mode: str
    active: bool = False
    reason: str = ""                                  # why isolation is off (auto) or refused
    uid: int | None = None                            # the slot's uid (= gid)
    namespaces: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    needed: tuple[str, ...] = ()                      # what the sandbox must read (the interpreter)
    _lock_fd: int | None = None

    @property
    def layers(self) -> list[str]:
        if not self.active:
            return []
        return ["uid", "limits", "no-new-privs", *(f"{n}-ns" for n in self.namespaces)]

    def describe(self) -> str:
        if self.active:
            return (f"隔离 Isolation: {', '.join(self.layers)} (uid {self.uid}; {self.limits.describe()})")
        if self.mode == "off":
            return "隔离 Isolation: off (--isolation off)"
        return f"隔离 Isolation: off — {self.reason}"

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def probe_namespaces() -> tuple[str, ...]:
    """The namespaces a child of this process may create (tried for real, in a throwaway child)."""
    libc = ctypes.CDLL(None, use_errno=True)
    granted = []
    for name, flag in _NAMESPACES.items():
        pid = os.fork()
        if pid == 0:
            os._exit(0 if libc.unshare(flag) == 0 else 1)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            granted.append(name)
    return tuple(granted)


def interpreter_paths() -> tuple[str, ...]:
    """What any Python program here reads: the interpreter, its standard library, site-packages."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(p for p in sysconfig.get_paths().values() if p)
    paths.update(p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p)
    return tuple(sorted(os.path.realpath(p) for p in paths if os.path.exists(p)))


def blocked_ancestor(path: str) -> str | None:
    """The outermost folder on ``path`` that others may not enter (``/root`` in a home install)."""
    current = Path(path)
    for folder in reversed([current, *current.parents]):
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            return str(folder)
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return str(folder)
    return None


def _slot_directory() -> Path:
    base = Path("/run/grader-sandbox") if os.path.isdir("/run") else Path("/tmp/grader-sandbox-slots")
    base.mkdir(mode=0o700, exist_ok=True)
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise IsolationUnavailable(f"{base} 不安全 / is not a root-only folder")
    return base


def _free_uid(uid: int) -> bool:
    """A uid that belongs to nobody (or to a sandbox account made for the grader)."""
    try:
        return pwd.getpwuid(uid).pw_name.startswith("grader-sb")
    except KeyError:
        return True


def claim_slot(uid_base: int) -> tuple[int, int]:
    """Lock a slot no other judge holds: returns (uid, lock fd)."""
    folder = _slot_directory()
    for index in range(SLOTS):
        uid = uid_base + index
        if not _free_uid(uid):
            continue
        fd = os.open(folder / f"slot-{uid}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return uid, fd
    raise IsolationUnavailable("没有空闲的沙箱 uid / no free sandbox uid")


def plan(mode: str, limits: Limits | None = None, uid_base: int = DEFAULT_UID_BASE,
         namespaces: bool = True) -> Plan:
    """Decide the layers; ``required`` raises ``IsolationUnavailable`` saying what is missing.
    ``namespaces=False`` uses none even where the kernel grants them (as a container that
    refuses them would: the uid layer must hold alone)."""
    result = Plan(mode=mode, limits=limits or Limits())
    if mode == "off":
        return result
    missing = ""
    if os.geteuid() != 0:
        missing = ("评分进程不是 root, 无法切换到沙箱用户 / the judge is not root, so it cannot run student "
                   "code as a sandbox user (run it under sudo, or in a container as root)")
    granted = probe_namespaces() if not missing and namespaces else ()
    needed = interpreter_paths()
    if not missing and "mount" not in granted:
        blocked = sorted({b for p in needed if (b := blocked_ancestor(p))})
        if blocked:
            missing = (f"沙箱用户读不到 Python ({', '.join(blocked)} 不可进入), 且内核不允许挂载命名空间 / the "
                       f"sandbox user cannot read Python ({', '.join(blocked)} is closed to others) and mount "
                       f"namespaces are refused: install Python where others can read it")
    if missing:
        if mode == "required":
            raise IsolationUnavailable(missing)
        result.reason = missing
        return result
    result.uid, result._lock_fd = claim_slot(uid_base)
    result.active, result.namespaces, result.needed = True, granted, needed
    return result


# -- what the sandbox must not read --------------------------------------------------------

def protect(paths: list[Path], plan_: Plan) -> list[tuple[Path, int]]:
    """Without a mount namespace, take "other" access away from ``paths`` (the sandbox user is
    "other" to everything but its own jail). Returns what to restore. With one, the worker
    covers them with empty mounts instead and nothing here changes."""
    if not plan_.active or "mount" in plan_.namespaces:
        return []
    changed = []
    for path in paths:
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_mode & 0o007:
            os.chmod(path, info.st_mode & ~0o007)
            changed.append((path, stat.S_IMODE(info.st_mode)))
    return changed


def restore(changed: list[tuple[Path, int]]) -> None:
    for path, mode in changed:
        try:
            os.chmod(path, mode)
        except OSError:
            pass
