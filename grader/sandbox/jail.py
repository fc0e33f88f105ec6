"""Worker side: entering the sandbox, as root, before any student code runs.

The judge's launcher describes the jail in ``config["isolation"]`` (absent when
isolation is off). In order:

1. a new session, so the judge can kill the worker's whole process group;
2. namespaces the judge found allowed: network (no connection leaves), IPC,
   mount, and PID, where this process forks an init that forks the worker (a
   daemon that escapes the process group still dies with the namespace);
3. in the mount namespace: every hidden folder (the checkout, outputs, other
   submissions) covered by an empty read-only tmpfs, the interpreter bound back
   where a closed ancestor (``/root``) hid it, a fresh ``/proc`` and ``/dev/shm``;
4. resource limits (address space, CPU seconds, processes, file size, no core);
5. a clean environment, ``umask 077``, the scratch folder as working directory;
6. the slot's uid and gid (no supplementary groups) and ``PR_SET_NO_NEW_PRIVS``.

Without isolation the worker still gets its own session, scratch folder and
clean environment.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal

import torch

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE = {"mount": 0x00020000, "net": 0x40000000, "ipc": 0x08000000, "pid": 0x20000000}
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: s.encode() if s is not None else None)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _umount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def _unshare(names: list[str]) -> list[str]:
    entered = []
    for name in names:
        if _libc.unshare(_CLONE[name]) == 0:
            entered.append(name)
    return entered


def _relay(pid: int) -> None:
    """Wait for ``pid`` and leave the way it left (exit code or signal)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def _into_pid_namespace() -> None:
    """After ``unshare(CLONE_NEWPID)``: fork the namespace's init, which forks the worker."""
    init = os.fork()
    if init:
        _relay(init)  # the process the zygote knows waits for the namespace to end
    worker = os.fork()
    if worker:
        _relay(worker)  # pid 1: when it exits, the kernel kills everything left in the namespace


def _private_mounts(jail: dict, in_pid_namespace: bool) -> None:
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    stage = jail["stage"]
    binds = []
    for index, keep in enumerate(jail["keep"]):  # set aside what must stay readable under a hidden folder
        spot = os.path.join(stage, str(index))
        os.makedirs(spot, exist_ok=True)
        _mount(keep, spot, None, MS_BIND | MS_REC)
        binds.append((spot, keep))
    for folder in jail["hide"]:
        if os.path.isdir(folder):
            _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
    for spot, keep in binds:
        os.makedirs(keep, exist_ok=True)
        _mount(spot, keep, None, MS_BIND | MS_REC)
        _mount(None, keep, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
        _umount(spot)
    for folder in jail["hide"]:
        if os.path.isdir(folder):
            _mount(None, folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    if in_pid_namespace:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=256m")


def _limits(limits: dict, address_space: int) -> None:
    mb = 1 << 20
    settings = {
        resource.RLIMIT_CPU: (limits["cpu_s"], limits["cpu_s"] + 5),
        resource.RLIMIT_NPROC: (limits["processes"],) * 2,
        resource.RLIMIT_FSIZE: (limits["file_mb"] * mb,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if address_space:
        settings[resource.RLIMIT_AS] = (address_space,) * 2
    for which, value in settings.items():
        resource.setrlimit(which, value)


def _address_space(limits: dict, device: str) -> int:
    """The zygote's own size plus the allowance (CUDA reserves address space: not limited there)."""
    if device.startswith("cuda"):
        return 0
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + limits["memory_mb"] * (1 << 20)


def clean_environment(scratch: str) -> None:
    """Nothing of the judge's environment (tokens, CI files) reaches student code."""
    keep = {k: os.environ[k] for k in ("LANG", "LC_ALL", "TZ") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep, PATH=SAFE_PATH, HOME=scratch, TMPDIR=scratch, MPLBACKEND="Agg",
                      MPLCONFIGDIR=os.path.join(scratch, ".matplotlib"), PYTHONDONTWRITEBYTECODE="1")


def enter(config: dict) -> list[str]:
    """Enter the jail ``config`` describes; returns the layers now in force."""
    os.setsid()
    torch.set_num_threads(int(config.get("threads", 1)))  # the zygote never started a pool: a fresh one
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    jail = config.get("isolation")
    scratch = config["scratch"]
    if not jail:
        os.chdir(scratch)
        clean_environment(scratch)
        return []
    entered = _unshare([n for n in jail["namespaces"] if n != "pid"])
    if "pid" in jail["namespaces"] and _libc.unshare(_CLONE["pid"]) == 0:
        _into_pid_namespace()
        entered.append("pid")
    if "mount" in entered:
        _private_mounts(jail, "pid" in entered)
    _limits(jail["limits"], _address_space(jail["limits"], config.get("device", "cpu")))
    os.chdir(scratch)
    clean_environment(scratch)
    os.umask(0o077)
    uid = jail["uid"]
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    if os.getuid() != uid or os.geteuid() != uid:
        raise PermissionError("the worker did not become the sandbox user")
    return ["uid", "limits", "no-new-privs", *(f"{n}-ns" for n in entered)]
