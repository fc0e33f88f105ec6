"""One gradebook: code points (the grader's CSV) + written points (nbgrader's export).

    python -m grader --submissions-dir CLASS --grade-json results/     # the code: results/gradebook.csv
    (in the course folder) nbgrader export --to written.csv            # the written answers
    python -m grader join results/gradebook.csv written.csv --out grades.csv

Refuses (exit 2, naming them) when a student is on one side only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.notebooks.gradebook import JoinError, join, read_csv, write_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader join",
                                     description="合并代码成绩与书面成绩 / join the code and written gradebooks")
    parser.add_argument("code", type=Path, help="the code gradebook (python -m grader --gradebook)")
    parser.add_argument("written", type=Path, help="nbgrader's export (nbgrader export --to FILE)")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="the joined CSV (default grades.csv)")
    args = parser.parse_args(argv)
    try:
        rows = join(read_csv(args.code), read_csv(args.written))
    except (JoinError, OSError, KeyError) as error:
        print(f"未合并 / not joined: {error}", file=sys.stderr)
        return 2
    write_csv(args.out, rows)
    print(f"wrote {args.out}: {len(rows)} students / 名学生")
    return 0


if __name__ == "__main__":
    sys.exit(main())
