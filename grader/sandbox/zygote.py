"""Judge side and zygote side of the process that forks workers.

The judge forks its zygote once, early (``pytest_configure``), before it has
computed anything with torch and before any check or hidden module is imported:
the zygote is a clean copy of an interpreter that has imported torch, NumPy,
matplotlib, torchvision and the worker-side grader modules, and forking a worker
from it costs milliseconds. (Forking the judge itself later would copy OpenMP
thread pools, oracles and hidden checks into the student's process.)

The judge talks to the zygote over a private socket pair; a worker closes its
copy before any student code runs, so nothing a student controls can ask the
zygote (which keeps the judge's rights) for anything. Requests are tiny JSON
documents; a spawn request carries the worker's end of its channel as a file
descriptor.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from grader.sandbox import worker

_MAX_MESSAGE = 1 << 20
_HEADER = struct.Struct("!I")


def _send(sock: socket.socket, message: dict, fds: list[int] = ()) -> None:
    payload = json.dumps(message).encode()
    socket.send_fds(sock, [_HEADER.pack(len(payload)) + payload], list(fds))


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _recv(sock: socket.socket, max_fds: int = 0) -> tuple[dict, list[int]]:
    """One framed message (a stream socket: portable, macOS has no SOCK_SEQPACKET)."""
    head, fds, _, _ = socket.recv_fds(sock, _HEADER.size, max_fds) if max_fds else (sock.recv(_HEADER.size), [], 0, 0)
    if not head:
        raise EOFError
    head += _recv_exactly(sock, _HEADER.size - len(head))
    (size,) = _HEADER.unpack(head)
    if size > _MAX_MESSAGE:
        raise EOFError
    return json.loads(_recv_exactly(sock, size)), list(fds)


@dataclass(frozen=True)
class ExitStatus:
    code: int | None    # exit code, when the process exited
    signal: int | None  # the signal that killed it, when one did

    def describe(self) -> str:
        if self.signal is not None:
            try:
                return signal.Signals(self.signal).name
            except ValueError:
                return f"signal {self.signal}"
        return f"exit code {self.code}"


def _close_fds_except(keep: set[int]) -> None:
    """Close every inherited descriptor but ``keep`` and the standard three."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def live_processes(uid: int) -> list[int]:
    """Processes (not zombies) whose real uid is ``uid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", "rb") as f:
                fields = dict(line.split(b":", 1) for line in f.read().splitlines() if b":" in line)
        except OSError:
            continue
        if int(fields.get(b"Uid", b"-1").split()[0]) == uid and fields.get(b"State", b"").strip()[:1] not in b"ZX":
            found.append(int(entry))
    return found


def _sweep_uid(uid: int) -> None:
    """Kill every process of ``uid``: a child that becomes ``uid`` and signals all it may."""
    if uid <= 0:
        return
    for _ in range(100):  # a fork bomb is bounded by RLIMIT_NPROC; each round kills what exists
        if not live_processes(uid):
            return
        pid = os.fork()
        if pid == 0:
            try:
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)  # every process this uid may signal, except ourselves
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.002)


class _ZygoteServer:
    """Runs in the zygote: forks workers on the judge's request and reports their exits."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.exits: dict[int, ExitStatus] = {}
        self.children: set[int] = set()

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self.exits[pid] = ExitStatus(
                os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                os.WTERMSIG(status) if os.WIFSIGNALED(status) else None)

    def spawn(self, config: dict, channel_fd: int) -> int:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                self.sock.close()
                _close_fds_except({channel_fd})
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                worker.serve(Connection(channel_fd), config)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001 - a worker never returns into the zygote's loop
                code = 1
            finally:
                os._exit(code)
        os.close(channel_fd)
        self.children.add(pid)
        return pid

    def status(self, pid: int, timeout: float) -> ExitStatus | None:
        deadline = time.monotonic() + timeout
        while True:
            self.reap()
            if pid in self.exits:
                return self.exits.pop(pid)
            if pid not in self.children or time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    def serve(self) -> None:
        while True:
            try:
                request, fds = _recv(self.sock, max_fds=2)
            except InterruptedError:
                continue
            except (OSError, EOFError, ValueError):
                return
            op = request.get("op")
            if op == "spawn" and fds:
                answer: dict[str, Any] = {"pid": self.spawn(request["config"], fds[0])}
            elif op == "status":
                found = self.status(int(request["pid"]), float(request.get("timeout", 0)))
                answer = {"exited": found is not None, "code": found and found.code,
                          "signal": found and found.signal}
            elif op == "sweep":
                _sweep_uid(int(request["uid"]))
                answer = {"ok": True}
            else:
                return
            for fd in fds[1:]:
                os.close(fd)
            _send(self.sock, answer)
            self.reap()


class Zygote:
    """The judge's handle on its zygote."""

    def __init__(self) -> None:
        self._sock: socket.socket | None = None
        self.pid: int | None = None

    def start(self) -> None:
        judge_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                judge_end.close()
                os.setsid()  # the judge's Ctrl-C is the judge's to handle
                _close_fds_except({zygote_end.fileno()})
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                _ZygoteServer(zygote_end).serve()
            finally:
                os._exit(0)
        zygote_end.close()
        self._sock, self.pid = judge_end, pid

    def _ask(self, request: dict, fds: list[int] = ()) -> dict:
        if self._sock is None:
            raise RuntimeError("the zygote is not running")
        _send(self._sock, request, fds)
        return _recv(self._sock)[0]

    def spawn(self, config: dict) -> tuple[int, Connection]:
        """Fork a worker serving ``config``; returns its pid and the judge's end of its channel."""
        judge_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = self._ask({"op": "spawn", "config": config}, [worker_end.fileno()])["pid"]
        finally:
            worker_end.close()
        return pid, Connection(judge_end.detach())

    def exit_status(self, pid: int, timeout: float = 0.0) -> ExitStatus | None:
        answer = self._ask({"op": "status", "pid": pid, "timeout": timeout})
        return ExitStatus(answer["code"], answer["signal"]) if answer["exited"] else None

    def sweep(self, uid: int) -> None:
        """Kill every process of a sandbox uid (nothing a worker started outlives it)."""
        self._ask({"op": "sweep", "uid": uid})

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
