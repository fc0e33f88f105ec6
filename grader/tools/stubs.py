"""Generate the student stubs in ``assignments/`` from ``solutions/``.

Each ``solutions/hwNN_*.py`` marks the student's part with nbgrader's markers::

    ### BEGIN SOLUTION
    ...reference code...
    ### END SOLUTION

In the stub every such region becomes a bilingual "your code here" comment and
``raise NotImplementedError``; everything else (signatures, docstrings, constants,
scaffolding) is kept verbatim.

    python -m grader.tools.stubs            # rewrite assignments/
    python -m grader.tools.stubs --check    # exit 1 if assignments/ has drifted
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
PLACEHOLDER = ("# 在这里写你的代码 / YOUR CODE HERE", "raise NotImplementedError")
ROOT = Path(__file__).resolve().parents[2]


class MarkerError(ValueError):
    pass


def make_stub(source: str, name: str = "<source>") -> str:
    out: list[str] = []
    indent = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if indent is not None:
                raise MarkerError(f"{name}:{number}: nested BEGIN SOLUTION")
            indent = begin.group(1)
            out.extend(f"{indent}{text}\n" for text in PLACEHOLDER)
        elif END.match(line):
            if indent is None:
                raise MarkerError(f"{name}:{number}: END SOLUTION without BEGIN")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise MarkerError(f"{name}: BEGIN SOLUTION is never closed")
    return "".join(out)


def solution_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "solutions").glob("hw[0-9][0-9]_*.py"))


def expected_stubs(root: Path = ROOT) -> dict[Path, str]:
    """assignments/ path -> the text it should have."""
    return {root / "assignments" / path.name: make_stub(path.read_text(encoding="utf-8"), str(path))
            for path in solution_files(root)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    args = parser.parse_args(argv)
    drift = 0
    for path, text in expected_stubs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        drift += 1
        if args.check:
            print(f"out of date / 需要重新生成: {path.relative_to(ROOT)}")
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if args.check and drift:
        print("run: python -m grader.tools.stubs")
    return 1 if args.check and drift else 0


if __name__ == "__main__":
    sys.exit(main())
