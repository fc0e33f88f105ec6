"""Measure what grading costs: wall time per problem and peak memory.

    python -m grader.tools.benchmark [--submission solutions] [--device cpu] [-k EXPR]

Runs the grader once in a subprocess and prints a Markdown table: seconds per
problem (from results.json), the whole run's wall time, and the peak resident
memory of the judge and of the largest worker. Timings are measured here, never
asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submission", default=str(ROOT / "solutions"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("-k", dest="keyword", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        cmd = [sys.executable, "-m", "pytest", str(ROOT / "grader"), "-q", "-p", "no:cacheprovider",
               "--submission", args.submission, "--device", args.device, "--grade-json", str(out),
               "--output-dir", str(Path(tmp) / "figures")]
        if args.keyword:
            cmd += ["-k", args.keyword]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if not out.exists():
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
            return 2
        result = json.loads(out.read_text(encoding="utf-8"))
    # Peak RSS over every finished descendant: the judge, the fork server, the workers.
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("| problem | score | seconds |\n|---|---:|---:|")
    for problem, data in result["extra_data"]["problems"].items():
        print(f"| {problem} | {data['score']:g} / {data['max_score']:g} | {data['seconds']:.1f} |")
    print(f"| **total** | {result['score']:g} / {result['extra_data']['max_score']:g} "
          f"| {result['execution_time']:.1f} |")
    print(f"\nwall time (incl. start-up): {wall:.1f} s; peak RSS of the largest process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
