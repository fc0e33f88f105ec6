"""``python -m grader snapshot --roster roster.csv``: record each repository's HEAD, now.

    python -m grader snapshot --roster roster.csv --snapshot snapshot.csv [--deadline ISO]

Commit dates are set by students, so a deadline is enforced by looking at the
repositories when it passes: a scheduled instructor workflow runs this at the
deadline (and after, for extensions). A student is recorded once, at the first
run after their deadline (the roster's ``deadline`` column, else ``--deadline``,
else now); later runs keep that commit. Grading with ``--snapshot`` uses it.
Repositories that cannot be read are listed and retried by the next run (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from grader.batch import roster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader snapshot", description=__doc__.splitlines()[0])
    parser.add_argument("--roster", required=True, metavar="CSV")
    parser.add_argument("--snapshot", default="snapshot.csv", metavar="CSV",
                        help="the snapshot file, created or extended (default snapshot.csv)")
    parser.add_argument("--deadline", metavar="ISO", help="for students without a deadline of their own")
    args = parser.parse_args(argv)
    try:
        entries = roster.read(Path(args.roster))
        default = roster.parse_time(args.deadline) if args.deadline else None
        path = Path(args.snapshot)
        taken = roster.read_snapshot(path)
        now = datetime.now(timezone.utc)
        recorded, waiting, failed = 0, 0, []
        for entry in entries:
            if entry.student in taken:
                continue
            deadline = roster.parse_time(entry.deadline) if entry.deadline else default
            if deadline is not None and deadline > now:
                waiting += 1
                continue
            try:
                commit = roster.remote_head(entry.repository)
            except roster.GitFailed as exc:
                failed.append(f"{entry.student}: {exc}")
                continue
            taken[entry.student] = {"student": entry.student, "repository": entry.repository,
                                    "commit": commit, "taken_at": roster.now_utc()}
            recorded += 1
        roster.write_snapshot(path, taken)
    except roster.RosterError as exc:
        print(f"python -m grader snapshot: {exc}", file=sys.stderr, flush=True)
        return 2
    print(f"快照 Snapshot: {path}: {recorded} recorded now, {len(taken)} in all, "
          f"{waiting} before their deadline", flush=True)
    for line in failed:
        print(f"⚠ 无法读取 / unreachable: {line}", flush=True)
    return 1 if failed else 0
