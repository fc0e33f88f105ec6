"""The pool process: imports a judge's needs once, then forks one keeper per submission.

    python -m grader.batch.pool_process FD      (started by ``pool.Pool``, never by hand)

Importing torch, pytest, the plugin and the worker-side modules costs seconds;
here it is paid once per batch and every judge is a fork. The pool never
computes with torch (an OpenMP pool forked mid-flight hangs), never initialises
CUDA (a forked CUDA context is unusable), and never imports a hidden check or
the reference solutions, so no judge, zygote or worker inherits them.

A request (from the controller, on the socket ``FD``) carries the judge's
arguments and two or three descriptors: the verdict pipe and where the judge's
output goes. The pool forks a **keeper** and answers with its pid. The keeper
starts a new session, becomes a child subreaper, forks the **judge**
(``pytest.main`` in-process, one torch thread), waits for it, then kills
whatever is left under it (the judge's zygote, workers, anything they spawned:
orphans are re-parented to the keeper), deletes the judge's temporary folder,
and appends one line ``{"judge_exit": ...}`` to the verdict pipe. SIGTERM to the
keeper ends the judge early (a timeout, Ctrl-C).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import sys
import tempfile

import pytest
import torch

import grader.plugin.hooks  # noqa: F401 - the plugin, imported once for every judge
from grader.sandbox.worker import preload_worker_side

PR_SET_CHILD_SUBREAPER = 36
_MAX_REQUEST = 1 << 20


def _children() -> list[int]:
    """Live processes whose parent is this one."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me and fields[0] not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _end_descendants() -> None:
    """Kill everything under this subreaper; grandchildren come up as children die."""
    for _ in range(1000):
        found = _children()
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap()
    _reap()


def _judge(argv: list[str], verdict_fd: int, out_fd: int, err_fd: int, tmp: str) -> None:
    """In the judge: grade with pytest in this process, then leave."""
    code = 3
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        for fd in {devnull, out_fd, err_fd} - {0, 1, 2, verdict_fd}:
            os.close(fd)
        os.environ["TMPDIR"] = tmp
        tempfile.tempdir = None
        code = int(pytest.main([*argv, "--verdict-fd", str(verdict_fd)]))
    except BaseException:  # noqa: BLE001 - reported through the exit status
        code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _keeper(request: dict, fds: list[int]) -> None:
    """In the keeper: run one judge, end what it left, report how it ended."""
    verdict_fd, out_fd = fds[0], fds[1]
    err_fd = fds[2] if len(fds) > 2 else out_fd
    status, terminated = 0, False
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        tmp = request["tmp"]
        os.makedirs(tmp, mode=0o711, exist_ok=True)
        os.chmod(tmp, 0o711)  # sandboxed workers pass through to their jail; nobody lists it
        os.chdir(request["cwd"])
        judge = os.fork()
        if judge == 0:
            _judge(request["argv"], verdict_fd, out_fd, err_fd, tmp)

        def stop(signum, frame):  # noqa: ARG001
            nonlocal terminated
            terminated = True
            try:
                os.kill(judge, signal.SIGKILL)
            except ProcessLookupError:
                pass

        signal.signal(signal.SIGTERM, stop)
        for fd in {out_fd, err_fd}:
            os.close(fd)
        while True:
            try:
                _, status = os.waitpid(judge, 0)
                break
            except InterruptedError:
                continue
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _end_descendants()
        shutil.rmtree(tmp, ignore_errors=True)
        ending = {"code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                  "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                  "terminated": terminated}
        with os.fdopen(verdict_fd, "w", encoding="utf-8") as pipe:
            pipe.write(json.dumps({"judge_exit": ending}) + "\n")
    finally:
        os._exit(0)


def serve(sock: socket.socket) -> None:
    """Fork a keeper per request until the controller closes its end."""
    signal.signal(signal.SIGCHLD, lambda *_: _reap())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the controller handles Ctrl-C for everyone
    sock.sendall(json.dumps({"ready": True, "threads": torch.get_num_threads()}).encode())
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, _MAX_REQUEST, 3)
        except OSError:
            return
        if not data:
            return
        request = json.loads(data)
        pid = os.fork()
        if pid == 0:
            sock.close()
            _keeper(request, fds)
        for fd in fds:
            os.close(fd)
        sock.sendall(json.dumps({"pid": pid}).encode())


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    # The judge needs no plugin but its own (a conftest): third-party ones found by entry point
    # (hypothesis, anyio, ...) would be loaded, their modules assertion-rewritten, in every judge.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    # One thread: a judge forks its zygote and workers from here, and a forked OpenMP pool hangs.
    torch.set_num_threads(1)
    preload_worker_side()
    serve(sock)


if __name__ == "__main__":
    main()
