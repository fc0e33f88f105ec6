"""What the grader remembers between runs, outside the checkout: the last run's results
(``python -m grader status``) and how many hints of each check a student has seen
(``python -m grader hint``).

The state lives under ``$XDG_STATE_HOME`` (default ``~/.local/state``), one folder per
checkout, so nothing of it is ever committed, released or graded. Failing to write it
never fails a grading.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from grader.problems.hints import Hint, HintError
from grader.problems.hints import load as load_hints
from grader.reports.scores import read_json

ROOT = Path(__file__).resolve().parents[2]
APP = "nn-homework-grader"


def state_dir(root: Path = ROOT) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    root = root.resolve()
    return Path(base) / APP / f"{root.name}-{hashlib.sha1(str(root).encode()).hexdigest()[:10]}"


def _write(path: Path, data: dict) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(path)
        return True
    except OSError:
        return False


# -- the last run ---------------------------------------------------------------------

def save_last_run(documents: dict[str, dict], figures: str = "", root: Path = ROOT) -> bool:
    """Keep this run's results.json documents (and where its figures went)."""
    return _write(state_dir(root) / "last-run.json",
                  {"saved": time.strftime("%Y-%m-%d %H:%M:%S"), "figures": figures, "documents": documents})


def last_run(root: Path = ROOT) -> dict | None:
    """``{"saved", "figures", "documents"}`` of the last run, or None."""
    data = read_json(state_dir(root) / "last-run.json")
    return data if data and isinstance(data.get("documents"), dict) else None


def own_document(run: dict | None) -> dict | None:
    """The document of the student's own submission in a run (the only one, or ``assignments``)."""
    documents = (run or {}).get("documents") or {}
    if len(documents) == 1:
        return next(iter(documents.values()))
    return documents.get("assignments")


# -- hints seen -------------------------------------------------------------------------

def _hints_path(root: Path) -> Path:
    return state_dir(root) / "hints.json"


def seen(module: str, root: Path = ROOT) -> dict[str, int]:
    """check -> how many of its hints have been shown."""
    levels = (read_json(_hints_path(root)) or {}).get(module) or {}
    return {k: v for k, v in levels.items() if isinstance(v, int)}


def record_seen(module: str, check: str, level: int, root: Path = ROOT) -> bool:
    data = read_json(_hints_path(root)) or {}
    data.setdefault(module, {})[check] = level
    return _write(_hints_path(root), data)


def forget(module: str | None, root: Path = ROOT) -> bool:
    """Start the hints of one problem (or of all) from the first again."""
    data = read_json(_hints_path(root)) or {}
    if module is None:
        data = {}
    else:
        data.pop(module, None)
    return _write(_hints_path(root), data)


@dataclass(frozen=True)
class Pointer:
    """The hint that ``python -m grader hint`` would show next for a problem."""
    module: str
    check: str
    level: int      # the hint it would show (1-based); == count when all were seen
    count: int
    all_seen: bool = False

    def text(self) -> str:
        command = f"python -m grader hint {self.module[:4]}"
        if self.all_seen:
            return f"提示已全部显示 / all {self.count} hints seen — {command}"
        return f"提示 hint {self.level} of {self.count} — {command}"


def failing_checks(document: dict | None, module: str) -> list[str] | None:
    """The checks of ``module`` that did not pass in a results.json, in order; None when
    that document did not grade the problem."""
    entry = ((document or {}).get("extra_data", {}).get("problems") or {}).get(module)
    return None if entry is None else list(entry.get("failing") or [])


def next_hint(module: str, hints: dict[str, tuple[Hint, ...]], levels: dict[str, int],
              document: dict | None = None) -> Pointer | None:
    """The first failing check of the last run (any check with hints, without a run) whose
    hints are not all seen; the first such check again when all are. None: nothing to hint."""
    failing = failing_checks(document, module)
    candidates = [c for c in (hints if failing is None else failing) if c in hints]
    if not candidates:
        return None
    for check in candidates:
        if levels.get(check, 0) < len(hints[check]):
            return Pointer(module, check, levels.get(check, 0) + 1, len(hints[check]))
    first = candidates[0]
    return Pointer(module, first, len(hints[first]), len(hints[first]), all_seen=True)


def hint_pointers(document: dict) -> dict[str, str]:
    """"hint 1 of 3 — python -m grader hint hw03" for each problem with a failed check."""
    pointers = {}
    for module in document.get("extra_data", {}).get("problems", {}):
        failed = any(t.get("extra_data", {}).get("outcome") == "failed" for t in document.get("tests", [])
                     if t["tags"] == [module])
        if not failed:
            continue
        try:
            hints = load_hints(module)
        except (HintError, OSError):
            continue  # a malformed hints file costs its pointer, never the grading
        pointer = next_hint(module, hints, seen(module), document)
        if pointer is not None:
            pointers[module] = pointer.text()
    return pointers
