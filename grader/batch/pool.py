"""The controller's handle on the pool process (``pool_process.py``).

    with Pool(env) as pool:
        keeper = pool.spawn(argv, cwd=ROOT, tmp=folder, verdict_fd=w, out_fd=log)

The pool is a fresh interpreter started with the judges' minimal environment, in
a session of its own (Ctrl-C reaches the controller only, which then stops every
judge itself). ``spawn`` returns the keeper's pid: SIGTERM to it ends that judge.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

_MAX_ANSWER = 1 << 16


class PoolFailed(Exception):
    """The pool process could not start (its imports failed, say)."""


class Pool:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "grader.batch.pool_process", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                start_new_session=True)
        finally:
            theirs.close()
        self.sock = mine
        hello = self.sock.recv(_MAX_ANSWER)
        if not hello:
            self.process.wait()
            raise PoolFailed(f"the pool process exited with status {self.process.returncode}")
        self.threads = json.loads(hello).get("threads")

    def spawn(self, argv: list[str], *, cwd: Path, tmp: Path, verdict_fd: int, out_fd: int,
              err_fd: int | None = None) -> int:
        """Start one judge; returns its keeper's pid."""
        fds = [verdict_fd, out_fd] + ([err_fd] if err_fd is not None else [])
        request = {"argv": argv, "cwd": str(cwd), "tmp": str(tmp)}
        socket.send_fds(self.sock, [json.dumps(request).encode()], fds)
        answer = self.sock.recv(_MAX_ANSWER)
        if not answer:
            raise PoolFailed("the pool process is gone")
        return int(json.loads(answer)["pid"])

    @staticmethod
    def terminate(keeper: int, *, hard: bool = False) -> None:
        """Ask a keeper to end its judge (``hard``: kill the keeper's whole group at once)."""
        try:
            if hard:
                os.killpg(keeper, signal.SIGKILL)
            else:
                os.kill(keeper, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        self.sock.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
