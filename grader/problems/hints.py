"""Progressive hints, kept as data: ``grader/problems/<module>/hints.toml``.

One table per check, keyed by the test function's name (public and hidden checks),
each with 2–3 hints in both languages, revealed one at a time by ``python -m grader
hint hwNN`` (``grader/tools/hint.py``)::

    [test_homework_numbers]
    hints = [
      { zh = "回顾讲义「…」一节: …", en = "Re-read the notes' section on …" },
      { zh = "…", en = "…" },
    ]

The first hint names the concept and the section of the course notes; later ones
come closer; none gives code or the answer.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROBLEMS_DIR = Path(__file__).resolve().parent
FILE_NAME = "hints.toml"
MIN_HINTS, MAX_HINTS = 2, 3
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Hint:
    zh: str
    en: str


class HintError(ValueError):
    """A hints.toml that cannot be read as hints."""


def hints_file(module: str, problems_dir: Path = PROBLEMS_DIR) -> Path:
    return problems_dir / module / FILE_NAME


def check_functions(module: str, problems_dir: Path = PROBLEMS_DIR) -> list[str]:
    """The problem's checks (test functions), public ones first, then hidden ones, in file order."""
    folder = problems_dir / module
    names: list[str] = []
    for path in [*sorted(folder.glob("test_*.py")), *sorted((folder / "hidden").glob("test_*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names += [node.name for node in tree.body
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")]
    return list(dict.fromkeys(names))


def _entry(check: str, number: int, raw: object) -> Hint:
    where = f"[{check}] hint {number}"
    if not isinstance(raw, dict) or set(raw) != {"zh", "en"}:
        raise HintError(f"{where}: needs exactly the keys zh and en")
    zh, en = raw["zh"], raw["en"]
    if not (isinstance(zh, str) and _CJK.search(zh)):
        raise HintError(f"{where}: zh must be Chinese text")
    if not (isinstance(en, str) and _LATIN.search(en)):
        raise HintError(f"{where}: en must be English text")
    return Hint(zh.strip(), en.strip())


def parse(text: str, name: str = FILE_NAME) -> dict[str, tuple[Hint, ...]]:
    """The hints of one file, check by check, in file order; ``HintError`` says what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HintError(f"{name}: not valid TOML: {exc}") from None
    found = {}
    for check, table in data.items():
        if not isinstance(table, dict) or set(table) != {"hints"} or not isinstance(table["hints"], list):
            raise HintError(f"{name}: [{check}] must hold one key, hints = [...]")
        hints = tuple(_entry(check, i, raw) for i, raw in enumerate(table["hints"], start=1))
        if not MIN_HINTS <= len(hints) <= MAX_HINTS:
            raise HintError(f"{name}: [{check}] has {len(hints)} hints; each check needs {MIN_HINTS}–{MAX_HINTS}")
        found[check] = hints
    return found


def load(module: str, problems_dir: Path = PROBLEMS_DIR) -> dict[str, tuple[Hint, ...]]:
    """A problem's hints (empty when it has no hints file)."""
    path = hints_file(module, problems_dir)
    if not path.is_file():
        return {}
    return parse(path.read_text(encoding="utf-8"), str(path.relative_to(problems_dir.parent.parent)))


def problems_with(module: str, problems_dir: Path = PROBLEMS_DIR) -> list[str]:
    """What is wrong with a problem's hints: a malformed file, checks without hints, hints
    for checks that do not exist. Empty when every check has 2–3 hints in both languages."""
    try:
        hints = load(module, problems_dir)
    except HintError as exc:
        return [str(exc)]
    checks = check_functions(module, problems_dir)
    where = "" if hints_file(module, problems_dir).is_file() else f" (no {module}/{FILE_NAME})"
    found = [f"{module}: no hints for {check}{where}" for check in checks if check not in hints]
    found += [f"{module}: hints for {check}, which is not a check of the problem"
              for check in hints if check not in checks]
    return found
