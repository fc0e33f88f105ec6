"""``python -m grader merge DIR... --gradebook CSV``: join the results folders of a sharded class.

    python -m grader merge shard-1/ shard-2/ shard-3/ --gradebook class/gradebook.csv

Refuses (exit 2, saying which) folders of different classes, a slice twice or
missing, a submission twice or missing. The results and feedback folders are
copied beside the gradebook, so the merged folder looks like an unsharded run's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.batch import gradebook, shards


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader merge", description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", metavar="DIR", help="results folders (--grade-json) of the shards")
    parser.add_argument("--gradebook", required=True, metavar="CSV", help="the merged gradebook (a .md beside it)")
    args = parser.parse_args(argv)
    folders = [Path(f).expanduser() for f in args.folders]
    missing = [str(f) for f in folders if not f.is_dir()]
    book = Path(args.gradebook).expanduser().resolve()
    try:
        if missing:
            raise shards.MergeRefused(f"不是文件夹 / not folders: {', '.join(missing)}")
        where = shards.check(folders)
        documents = shards.gather(where, book.parent, "feedback")
    except shards.MergeRefused as exc:
        print(f"python -m grader merge: 拒绝合并 / refused: {exc}", file=sys.stderr, flush=True)
        return 2
    feedback = {name: book.parent / "feedback" / name / "feedback.md" for name in documents}
    gradebook.write(book, documents, {n: p for n, p in feedback.items() if p.is_file()})
    print(f"成绩册 Gradebook: {book} ({len(documents)} submissions from {len(folders)} folders)", flush=True)
    return 0
