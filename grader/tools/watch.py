"""``python -m grader watch [hwNN]``: regrade a problem each time its file is saved.

Watches ``assignments/`` (``watchfiles``: the operating system's change events, not
a polling loop) and, when ``hwNN_*.py`` changes, grades that problem alone and prints
only its failures and its table. Without ``hwNN`` it regrades whichever problem's
file was saved. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from watchfiles import watch

from grader.problems import BY_MODULE
from grader.tools.hint import find_problem

ROOT = Path(__file__).resolve().parents[2]


def grade_command(module: str, folder: Path) -> list[str]:
    """pytest on one problem, quietly: its failures (FAILURES section) and the table."""
    return [sys.executable, "-m", "pytest", str(ROOT / "grader"), "-q", "--no-header", "-p", "no:cacheprovider",
            "--rootdir", str(ROOT), "-k", module, "--submission", str(folder)]


def saved_problems(changes, folder: Path, only: str | None) -> list[str]:
    """The problems whose files are among ``changes`` (watchfiles' set of (change, path))."""
    found = []
    for _, path in sorted(changes, key=lambda c: c[1]):
        path = Path(path)
        module = path.stem
        if path.parent.resolve() == folder.resolve() and path.suffix == ".py" and module in BY_MODULE \
                and module not in found and (only is None or module == only):
            found.append(module)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader watch",
                                     description="保存文件时自动重新评分 / regrade a problem whenever its file is saved")
    parser.add_argument("problem", nargs="?", help="hw03, 3 or hw03_conv_cost (default: whichever file is saved)")
    parser.add_argument("--submission", type=Path, default=ROOT / "assignments", metavar="DIR",
                        help="the folder to watch (default: assignments/)")
    args = parser.parse_args(argv)
    only = None
    if args.problem:
        problem = find_problem(args.problem)
        if problem is None:
            print(f"没有这道题 / no such problem: {args.problem}", file=sys.stderr)
            return 2
        only = problem.module
    folder = args.submission.resolve()
    if not folder.is_dir():
        print(f"不是文件夹 / not a folder: {folder}", file=sys.stderr)
        return 2
    what = f"{only}.py" if only else "hwNN_*.py"
    print(f"正在监视 / watching {folder / what} — 保存文件即重新评分 / save to regrade; Ctrl-C 退出 / to stop",
          flush=True)
    if only:
        subprocess.run(grade_command(only, folder), cwd=ROOT)
    try:
        for changes in watch(folder, recursive=False):
            for module in saved_problems(changes, folder, only):
                print(f"\n—— {module}.py 已保存, 重新评分 / saved, regrading ——", flush=True)
                subprocess.run(grade_command(module, folder), cwd=ROOT)
                print("—— 等待下一次保存 / waiting for the next save (Ctrl-C 退出 / to stop) ——", flush=True)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
