"""Student code in the sandbox reaches neither the verdict, nor the answers, nor other students.

One grading run (isolation required) grades every attack in ``tests/attacks.py``
beside an honest classmate, ``bob``; the assertions below all read that run. A
second run does the same where namespaces are refused (as in a container): the uid
layer alone must hold.
"""

from __future__ import annotations

import os
import shutil
import site
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from grader.sandbox import isolation, zygote
from grader.sandbox.isolation import DEFAULT_UID_BASE, SLOTS
from tests.attacks import ATTACKS, BY_NAME, PROBLEM
from tests.harness import ROOT, grade

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="isolation needs root (CI here runs as root)")

CANARY = "CANARY-4f1c2e"


class LoopbackListener:
    """Counts connections to a loopback port (the network attack's target)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


def _write_class(base: Path, listener: LoopbackListener, names: list[str]) -> tuple[list[Path], dict]:
    drop = base / "drop"
    drop.mkdir()
    drop.chmod(0o1777)  # world-writable on purpose: a surviving daemon would leave a mark here
    bob = base / "class" / "bob"
    bob.mkdir(parents=True)
    for module in (PROBLEM, "hw06_depthwise_separable"):
        shutil.copy(ROOT / "solutions" / f"{module}.py", bob / f"{module}.py")
    fields = dict(drop=str(drop), results_glob=str(base / "out" / "**" / "*.json"),
                  solution=str(ROOT / "solutions" / f"{PROBLEM}.py"),
                  hidden=str(ROOT / "grader" / "problems" / PROBLEM / "hidden" / f"test_{PROBLEM}_hidden.py"),
                  variant=str(next((ROOT / "tests" / "variants").rglob("*.py"))),
                  victim=str(bob / f"{PROBLEM}.py"), port=str(listener.port))
    folders = []
    for name in names:
        folder = base / "class" / name
        folder.mkdir()
        (folder / f"{PROBLEM}.py").write_text(BY_NAME[name].source(**fields), encoding="utf-8")
        folders.append(folder)
    return [*folders, bob], {"drop": drop, "bob": bob}


def _grade_class(base: Path, names: list[str], extra: list[str], env: dict | None = None,
                 wrapper: list[str] | None = None):
    listener = LoopbackListener()
    try:
        folders, where = _write_class(base, listener, names)
        bob_before = (where["bob"] / f"{PROBLEM}.py").read_bytes()
        run = grade(folders, base / "out", problem=f"{PROBLEM} or hw06_depthwise_separable",
                    extra=["--isolation", "required", "--call-timeout", "5", "--import-timeout", "6",
                           "--memory-limit", "1024", *extra], env=env, wrapper=wrapper)
        ended = time.time()
        time.sleep(2.0)  # a daemon that survived would act now
    finally:
        listener.close()
    return run, dict(where, bob_before=bob_before, connections=listener.connections, ended=ended)


def _outlived(where: dict) -> bool:
    """Did the daemon attack write anything after the grading ended?"""
    marks = where["drop"] / "daemon-alive"
    if not marks.exists():
        return False
    return max(float(x) for x in marks.read_text().split()) > where["ended"]


def _open_folder() -> Path:
    """A class folder others could read, as an instructor's checkout is (pytest's tmp is private)."""
    base = Path(tempfile.mkdtemp(prefix="grader-attack-test-"))
    base.chmod(0o755)
    return base


@pytest.fixture(scope="module")
def attacked():
    base = _open_folder()
    try:
        yield _grade_class(base, [a.name for a in ATTACKS], [], env={"GRADER_TEST_CANARY": CANARY})
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _score(run, name: str, problem: str = PROBLEM) -> float:
    return run.problem_score(name, problem)


def test_the_run_ends_with_a_report_for_everyone(attacked):
    run, _ = attacked
    assert set(run.results) == {a.name for a in ATTACKS} | {"bob"}
    assert "isolation" in run.results["bob"]["extra_data"]
    assert "uid" in run.results["bob"]["extra_data"]["isolation"]["layers"]


def test_no_attack_gains_points_and_fair_code_loses_none(attacked):
    run, _ = attacked
    for attack in ATTACKS:
        score = _score(run, attack.name)
        if attack.expect == "full":
            assert score == 10, f"{attack.name} ({attack.why}) lost points to the sandbox"
        elif attack.expect == "less":
            assert score < 10, f"{attack.name} ({attack.why}): it cost nothing"
        else:
            assert score == 0, f"{attack.name} ({attack.why}) scored {score} on an untouched stub"


def test_the_honest_classmate_keeps_score_and_files(attacked):
    run, where = attacked
    assert _score(run, "bob") == 10
    assert _score(run, "bob", "hw06_depthwise_separable") == 10
    assert (where["bob"] / f"{PROBLEM}.py").read_bytes() == where["bob_before"]


def test_nothing_outlives_its_worker(attacked):
    _, where = attacked
    assert not _outlived(where), "a daemon survived the worker"
    for uid in range(DEFAULT_UID_BASE, DEFAULT_UID_BASE + SLOTS):
        assert not zygote.live_processes(uid), f"processes of sandbox uid {uid} are still running"


def test_no_pth_file_was_planted(attacked):
    for folder in [*site.getsitepackages(), site.getusersitepackages()]:
        assert not (Path(folder) / "zz_grader_attack.pth").exists(), folder


def test_no_secret_and_no_connection_leaves(attacked):
    run, where = attacked
    text = str(run.results["proc_snoop"])
    assert CANARY not in text and "GRADER_TEST_CANARY" not in text
    assert where["connections"] == 0


def test_no_hidden_check_is_in_the_workers_memory(attacked):
    run, _ = attacked
    outputs = [t["output"] for t in run.tests_of("memory_snoop", PROBLEM) if "loaded:" in t["output"]]
    assert outputs and all("hidden" not in o.split("loaded:", 1)[1] for o in outputs), outputs[:1]


def test_limits_are_named(attacked):
    run, _ = attacked
    memory = " ".join(t["output"] for t in run.tests_of("memory_bomb", PROBLEM))
    assert "memory" in memory and "1024 MB" in memory, memory[:500]
    forks = " ".join(t["output"] for t in run.tests_of("fork_bomb", PROBLEM))
    assert "timed out" in forks or "process" in forks, forks[:500]


def test_untrusted_text_is_bounded_and_inert(attacked):
    run, _ = attacked
    for test in run.tests_of("escape_text", PROBLEM):
        out = test["output"]
        assert len(out) < 20_000
        assert "\x1b" not in out and "\x00" not in out
        assert not any(line.lstrip().startswith("::") for line in out.splitlines())
    assert "Traceback" not in run.stdout


def test_forged_replies_fail_only_their_call(attacked):
    run, _ = attacked
    outputs = [t["output"] for t in run.tests_of("garbage_reply", PROBLEM) if "conv2d_params" in t["output"]]
    assert outputs and all("died" in o or "malformed" in o or "timed out" in o for o in outputs), outputs[:2]


def test_tampering_is_named(attacked):
    run, _ = attacked
    outputs = " ".join(t["output"] for t in run.tests_of("guard_tamper", PROBLEM))
    assert "gc.get_objects" in outputs or "sys.settrace" in outputs, outputs[:500]


# -- where namespaces are refused (a container), the uid layer holds alone ----------------------

CONTAINER = r"""
set -e
# Play a container whose Python is readable by every user (as in Gradescope's image): make the
# folders that close the interpreter to others traversable, in a mount namespace of this test only.
stage=$(mktemp -d)
for closed in $CLOSED; do
  mkdir -p "$stage$closed"
  mount --bind "$closed" "$stage$closed"
  mount -t tmpfs -o mode=0755 tmpfs "$closed"
done
for keep in $KEEP; do
  mkdir -p "$keep"
  mount --bind "$stage$keep" "$keep"
done
exec "$@"
"""


def test_uid_layer_alone_holds():
    tmp_path = _open_folder()
    needed = isolation.interpreter_paths()
    blocked_ancestor = isolation.blocked_ancestor
    closed = sorted({b for p in needed if (b := blocked_ancestor(p))})
    keep = sorted({p for p in needed if blocked_ancestor(p)})
    names = ["read_answers", "sibling", "kill_judge", "proc_snoop", "daemon"]
    tmp_path.chmod(0o755)
    script = tmp_path / "container.sh"
    script.write_text(CONTAINER)
    wrapper = ["unshare", "--mount", "--propagation", "private", "env", f"CLOSED={' '.join(closed)}",
               f"KEEP={' '.join(keep)}", "sh", str(script)]
    run, where = _grade_class(tmp_path, names, ["--sandbox-namespaces", "none"],
                              env={"GRADER_TEST_CANARY": CANARY}, wrapper=wrapper)
    layers = run.results["bob"]["extra_data"]["isolation"]["layers"]
    assert "uid" in layers and not any(layer.endswith("-ns") for layer in layers)
    for name in names:
        assert _score(run, name) == 0, name
    assert _score(run, "bob") == 10 and _score(run, "bob", "hw06_depthwise_separable") == 10
    assert (where["bob"] / f"{PROBLEM}.py").read_bytes() == where["bob_before"]
    assert not _outlived(where)
    assert CANARY not in str(run.results["proc_snoop"])
    assert (ROOT / "solutions").stat().st_mode & 0o007 == (ROOT / "tests").stat().st_mode & 0o007, \
        "the modes the grader took away were given back"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_required_refuses_without_root_and_says_why(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(isolation.IsolationUnavailable, match="root"):
        isolation.plan("required")
    assert "root" in isolation.plan("auto").describe()
