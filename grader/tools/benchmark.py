"""Measure what grading costs: time per problem, a class's throughput, memory, isolation's price.

    python -m grader.benchmark [--submission solutions] [--device cpu] [-k EXPR]   # one submission
    python -m grader.benchmark --batch 100 [--jobs 2] [-k EXPR]                  # a class
    python -m grader.benchmark --isolation-cost [-k EXPR]                         # off vs auto

Everything runs ``python -m grader`` in a subprocess, as an instructor would, and
prints Markdown. ``--batch N`` builds N submissions (the reference, the stubs, and
references with half their modules left as stubs) and grades them with ``--jobs``:
submissions per minute, seconds per submission (wall and CPU), the checks' own
time (the floor if the infrastructure cost nothing) against the goal (100 in 3
minutes on 2 cores), peak RSS of the largest process and peak PSS summed over
every process (RSS counts the shared torch libraries once per process; PSS
splits them). Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from grader.reports.scores import homework_score

ROOT = Path(__file__).resolve().parents[2]
GOAL_SUBMISSIONS, GOAL_SECONDS, GOAL_CORES = 100, 180.0, 2


def run_grader(args: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """``python -m grader ARGS``: the process, its wall seconds, the CPU seconds of it and all it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, wall, cpu


class PssSampler(threading.Thread):
    """Peak of the summed PSS of this process's descendants, sampled twice a second."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mib, self.stop = 0.0, threading.Event()

    @staticmethod
    def _descendants() -> list[int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", "rb") as f:
                        parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        found, frontier = [], [os.getpid()]
        while frontier:
            children = [p for p, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found

    def run(self) -> None:
        while not self.stop.wait(0.5):
            total_kib = 0
            for pid in self._descendants():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        total_kib += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
                except (OSError, StopIteration, ValueError):
                    continue
            self.peak_mib = max(self.peak_mib, total_kib / 1024)


def build_class(folder: Path, n: int) -> None:
    """``n`` submissions: the reference, the stubs, and references with every other module a stub."""
    modules = sorted(p.name for p in (ROOT / "solutions").glob("hw[0-9][0-9]_*.py"))
    for i in range(n):
        target = folder / f"s{i:03d}"
        target.mkdir(parents=True)
        for index, module in enumerate(modules):
            kind = i % 4
            stub = kind == 1 or (kind == 2 and index % 2) or (kind == 3 and not index % 2)
            shutil.copy(ROOT / ("assignments" if stub else "solutions") / module, target / module)


def batch(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="grader-benchmark-") as tmp:
        klass, out = Path(tmp) / "class", Path(tmp) / "out"
        build_class(klass, args.batch)
        sampler = PssSampler()
        sampler.start()
        cmd = ["--submissions-dir", str(klass), "--jobs", str(args.jobs), "--grade-json", str(out),
               "--device", args.device, "--isolation", args.isolation]
        proc, wall, cpu = run_grader(cmd + (["-k", args.keyword] if args.keyword else []))
        sampler.stop.set()
        sampler.join()
        documents = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("s*.json")]
    if len(documents) != args.batch:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        return 2
    n = args.batch
    checks = sum(d["execution_time"] for d in documents)
    judged = sum(d["extra_data"]["run"]["seconds"] for d in documents)
    peak_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    goal = GOAL_SECONDS * GOAL_CORES / GOAL_SUBMISSIONS
    print(f"| {n} submissions, --jobs {args.jobs} | value |\n|---|---:|")
    print(f"| submissions per minute | {60 * n / wall:.1f} |")
    print(f"| wall seconds per submission | {wall / n:.2f} |")
    print(f"| CPU seconds per submission (everything) | {cpu / n:.2f} |")
    print(f"| judge seconds per submission (fork to verdict, wall) | {judged / n:.2f} |")
    print(f"| checks' own seconds per submission (the floor) | {checks / n:.2f} |")
    print(f"| goal: CPU seconds per submission ({GOAL_SUBMISSIONS} in {GOAL_SECONDS:.0f} s on {GOAL_CORES} cores) "
          f"| {goal:.2f} |")
    print(f"| peak RSS of the largest process (MiB) | {peak_rss:.0f} |")
    print(f"| peak PSS summed over all processes (MiB) | {sampler.peak_mib:.0f} |")
    print(f"\nwall {wall:.1f} s in all; the rest of a judge's time beyond its checks is pytest's start, "
          f"collection, the zygote, workers' imports and the sandbox.")
    return 0


def isolation_cost(args: argparse.Namespace) -> int:
    times = {}
    with tempfile.TemporaryDirectory(prefix="grader-benchmark-") as tmp:
        for mode in ("off", "auto", "off", "auto"):  # interleaved: a noisy machine hits both alike
            cmd = ["--submission", str(ROOT / "solutions"), "--isolation", mode, "--device", args.device,
                   "--grade-json", str(Path(tmp) / f"{mode}.json"), "--output-dir", str(Path(tmp) / "figures")]
            proc, wall, _ = run_grader(cmd + (["-k", args.keyword] if args.keyword else []))
            if proc.returncode not in (0, 1):
                print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
                return 2
            document = json.loads((Path(tmp) / f"{mode}.json").read_text(encoding="utf-8"))
            times.setdefault(mode, []).append((wall, document["execution_time"]))
    print("| isolation | wall s (best of 2) | checks s (best of 2) |\n|---|---:|---:|")
    for mode, found in times.items():
        print(f"| {mode} | {min(w for w, _ in found):.1f} | {min(c for _, c in found):.1f} |")
    off, on = (min(c for _, c in times[m]) for m in ("off", "auto"))
    print(f"\nisolation costs {100 * (on / off - 1):+.0f} % of the checks' time (issue 9: at most +15 %)")
    return 0


def single(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        cmd = ["--submission", args.submission, "--device", args.device, "--isolation", args.isolation,
               "--grade-json", str(out), "--output-dir", str(Path(tmp) / "figures")]
        proc, wall, cpu = run_grader(cmd + (["-k", args.keyword] if args.keyword else []))
        if not out.exists():
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
            return 2
        result = json.loads(out.read_text(encoding="utf-8"))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| problem | score | seconds |\n|---|---:|---:|")
    for problem, data in result["extra_data"]["problems"].items():
        print(f"| {problem} | {data['score']:g} / {data['max_score']:g} | {data['seconds']:.1f} |")
    got, possible = homework_score(result)
    bonus = result["extra_data"].get("bonus") or {}
    extra = f" (+ {bonus['score']:g} / {bonus['max_score']:g} bonus)" if bonus.get("max_score") else ""
    print(f"| **total** | {got:g} / {possible:g}{extra} | {result['execution_time']:.1f} |")
    print(f"\nwall time (incl. start-up): {wall:.1f} s, CPU {cpu:.1f} s; "
          f"peak RSS of the largest process: {peak_mib:.0f} MiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--submission", default=str(ROOT / "solutions"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("-k", dest="keyword", default=None)
    parser.add_argument("--batch", type=int, metavar="N", help="grade a class of N built submissions")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--isolation-cost", action="store_true", help="the reference with isolation off and on")
    args = parser.parse_args(argv)
    if args.batch:
        return batch(args)
    if args.isolation_cost:
        return isolation_cost(args)
    return single(args)


if __name__ == "__main__":
    sys.exit(main())
