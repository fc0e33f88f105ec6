"""The controller's side of one judge: its command line, its environment, its verdict.

A judge grades exactly one submission. Its results reach the controller only
through the verdict pipe (``--verdict-fd``): one results.json document per line,
then the keeper's ``{"judge_exit": ...}`` line. The controller never passes
``--grade-json`` or ``--gradebook`` and never reads a file a judge wrote; every
report is written by the controller from what came through the pipe.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRADER_DIR = ROOT / "grader"

# What of the controller's environment a judge (and so the sandbox) may see: no GITHUB_*
# files, no tokens, nothing a platform puts there that the grading does not need.
ENV_ALLOWED = re.compile(
    r"^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_\w+|TZ|TERM|TMPDIR|PYTHON\w*|MPLBACKEND|VIRTUAL_ENV"
    r"|LD_LIBRARY_PATH|CUDA_\w+|NVIDIA_\w+|TORCH_\w+|PYTORCH_\w+|OMP_NUM_THREADS|MKL_NUM_THREADS)$")
ENV_FIXED = {
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",   # the judge needs no third-party pytest plugin
    "PYTORCH_NVML_BASED_CUDA_CHECK": "1",    # asking "is CUDA there?" must not initialise it before forks
    "MPLBACKEND": "Agg",
}
PYTEST_EXIT = {
    2: "评分被中断 / grading was interrupted",
    3: "pytest 内部错误 / pytest internal error",
    4: "用法错误 / usage error",
    5: "没有收集到任何检查 / no checks were collected",
}
FATAL_EXITS = (4, 5)  # the same for every submission: stop the batch
MAX_VERDICT = 64 << 20


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The minimal environment of the pool and of every judge."""
    base = os.environ if base is None else base
    env = {k: v for k, v in base.items() if ENV_ALLOWED.match(k)}
    env.update(ENV_FIXED)
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    return env


@dataclass(frozen=True)
class Settings:
    """How every judge of a run grades (also what a resumed result must have been graded with)."""
    device: str = "auto"
    isolation: str = "auto"
    keyword: str | None = None
    call_timeout: float | None = None
    extra: tuple[str, ...] = ()               # unknown options, passed on to pytest
    protect: tuple[str, ...] = field(default=(), compare=False)  # folders the sandbox may not read

    def fingerprint(self) -> dict:
        return {"device": self.device, "isolation": self.isolation, "keyword": self.keyword,
                "call_timeout": self.call_timeout, "extra": list(self.extra)}

    def argv(self, submission: Path, figures: Path) -> list[str]:
        # no:unraisableexception: its clean-up runs gc.collect five times, seconds per judge.
        cmd = [str(GRADER_DIR), "-p", "no:cacheprovider", "-p", "no:unraisableexception",
               "--rootdir", str(ROOT), "--confcutdir", str(GRADER_DIR),
               "--submission", str(submission), "--output-dir", str(figures),
               "--device", self.device, "--isolation", self.isolation]
        for path in self.protect:
            cmd += ["--protect", path]
        if self.keyword:
            cmd += ["-k", self.keyword]
        if self.call_timeout is not None:
            cmd += ["--call-timeout", str(self.call_timeout)]
        return cmd + list(self.extra)


@dataclass
class Verdict:
    """What came through one judge's pipe."""
    documents: list[dict]
    exit: dict | None          # the keeper's report: code, signal, terminated
    garbled: bool = False      # a line that was not JSON (a judge killed mid-write)

    def failure(self, timed_out: float | None = None) -> str:
        """Why this judge gave no verdict ("" when it did)."""
        if timed_out:
            return (f"评分超时 ({timed_out:g} 秒) / the grading of this submission timed out after "
                    f"{timed_out:g} s")
        if self.exit is None:
            return "评分进程失踪 / the judge vanished without a word"
        if self.exit.get("terminated"):
            return "评分被中止 / the judge was stopped"
        if self.exit.get("signal") is not None:
            return f"评分进程被信号 {self.exit['signal']} 终止 / the judge was killed by signal {self.exit['signal']}"
        code = self.exit.get("code")
        if code not in (0, 1):
            return PYTEST_EXIT.get(code, f"pytest 以状态 {code} 退出 / pytest exited with status {code}")
        if self.garbled or len(self.documents) != 1:
            return "评分结果不完整 / the judge's results were incomplete"
        return ""

    @property
    def fatal(self) -> bool:
        return bool(self.exit) and self.exit.get("code") in FATAL_EXITS


def parse(data: bytes) -> Verdict:
    documents, ending, garbled = [], None, False
    for line in data.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            garbled = True
            continue
        if isinstance(item, dict) and set(item) == {"judge_exit"} and isinstance(item["judge_exit"], dict):
            ending = item["judge_exit"]
        elif isinstance(item, dict) and isinstance(item.get("extra_data"), dict):
            documents.append(item)
        else:
            garbled = True
    return Verdict(documents, ending, garbled)
