"""``python -m grader hint [hwNN [CHECK]]``: one more hint each time it is run.

Which check: the given one; else the first check of the problem that failed in the
last run and still has hints not shown; without a run, the problem's first such
check. Without ``hwNN``: the first problem that failed in the last run. How far a
student has gone is kept outside the checkout (``grader/reports/progress.py``);
``--reset`` starts a problem's hints over.
"""

from __future__ import annotations

import argparse
import sys

from grader.problems import BY_MODULE, PROBLEMS, Problem
from grader.problems.hints import HintError
from grader.problems.hints import load as load_hints
from grader.reports import progress


def find_problem(text: str) -> Problem | None:
    """``hw03``, ``3``, ``03`` or ``hw03_conv_cost``."""
    text = text.strip().lower()
    if text.isdigit():
        text = f"hw{int(text):02d}"
    return BY_MODULE.get(text) or next((p for p in PROBLEMS if p.number == text), None)


def _first_failing(document: dict | None) -> Problem | None:
    problems = (document or {}).get("extra_data", {}).get("problems", {})
    return next((BY_MODULE[m] for m, e in problems.items() if e.get("failing") and m in BY_MODULE), None)


def _check_title(document: dict | None, module: str, check: str) -> str:
    for test in (document or {}).get("tests", []):
        if test.get("extra_data", {}).get("check") == check and test["tags"] == [module]:
            return test["name"].split(": ", 1)[-1]
    return check.removeprefix("test_").replace("_", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader hint",
                                     description="显示下一条提示 / show the next hint")
    parser.add_argument("problem", nargs="?", help="hw03, 3 or hw03_conv_cost (default: the first failing one)")
    parser.add_argument("check", nargs="?", help="a check's name, e.g. test_homework_numbers")
    parser.add_argument("--reset", action="store_true", help="从第一条重新开始 / start this problem's hints over")
    args = parser.parse_args(argv)

    document = progress.own_document(progress.last_run())
    problem = find_problem(args.problem) if args.problem else _first_failing(document)
    if problem is None:
        if args.problem:
            print(f"没有这道题 / no such problem: {args.problem} "
                  f"({', '.join(p.number for p in PROBLEMS)})", file=sys.stderr)
            return 2
        print("上次运行没有未通过的检查 / nothing failed in the last run. "
              "用法 usage: python -m grader hint hw03")
        return 0
    module = problem.module
    if args.reset:
        progress.forget(module)
        print(f"{module}: 提示从第一条重新开始 / hints start over")
        return 0
    try:
        hints = load_hints(module)
    except HintError as exc:
        print(f"提示文件有误 / the hints file is malformed: {exc}", file=sys.stderr)
        return 2
    if not hints:
        print(f"{module}: 这道题还没有提示 / this problem has no hints yet")
        return 0
    levels = progress.seen(module)
    if args.check:
        check = args.check if args.check.startswith("test_") else f"test_{args.check}"
        if check not in hints:
            print(f"{module}: 没有 {check} 的提示 / no hints for {check}; "
                  f"有 / there are: {', '.join(hints)}", file=sys.stderr)
            return 2
        seen = levels.get(check, 0)
        pointer = progress.Pointer(module, check, min(seen + 1, len(hints[check])), len(hints[check]),
                                   all_seen=seen >= len(hints[check]))
    else:
        pointer = progress.next_hint(module, hints, levels, document)
    if pointer is None:
        print(f"{module}: 上次运行全部通过 / every check passed in the last run")
        return 0
    progress.record_seen(module, pointer.check, pointer.level)

    print(f"{module} {problem.zh} / {problem.en}")
    print(f"检查 Check: {_check_title(document, module, pointer.check)}  ({pointer.check})")
    for number, hint in enumerate(hints[pointer.check][:pointer.level], start=1):
        print(f"\n提示 {number}/{pointer.count} · Hint {number} of {pointer.count}")
        print(f"  {hint.zh}\n  {hint.en}")
    print()
    if pointer.level < pointer.count:
        print(f"再运行一次看下一条 / run it again for the next one: python -m grader hint {problem.number}")
    else:
        print("这是最后一条提示; 还可以重读讲义的相应一节 / that was the last hint; the course notes' section may help")
    others = [c for c in (progress.failing_checks(document, module) or []) if c in hints and c != pointer.check]
    if others:
        print(f"其他未通过的检查 / other failing checks: {', '.join(others)} "
              f"(python -m grader hint {problem.number} CHECK)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
