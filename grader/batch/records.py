"""One results file per submission, and what decides whether it can be reused.

Each submission's results.json (``DIR/<name>.json``) carries ``extra_data.run``:
the grader's commit and version (a hash of ``grader/``, ``solutions/`` and the
torch version), the submission's content hash (and commit, for a roster), the
options it was graded with, its status and its seconds. An interrupted batch
resumes by reusing exactly the results whose version, hash and options still
match; everything else is graded again. A grading that failed is never reused.

``manifest.json`` beside them names the class (every submission) and the part
of it this folder holds (``--shard K/N``), which ``merge`` checks.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
from pathlib import Path

from grader.reports import scores as report
from grader.reports.scores import read_json  # noqa: F401 - records.read_json for the batch

GRADED, GRADER_FAILED, UNREACHABLE = "graded", "grader failed", "unreachable"
MANIFEST = "manifest.json"
_VERSIONED = ("grader", "solutions")
_SKIP_PARTS = {"__pycache__", ".git"}


def tree_hash(folder: Path) -> str:
    """sha256 over the relative names and contents of the regular files under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if _SKIP_PARTS.intersection(path.relative_to(folder).parts) or path.suffix == ".pyc":
            continue
        if path.is_file() and not path.is_symlink():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def grader_identity(root: Path) -> dict:
    """The grader's commit (what a person looks up) and version (what resuming compares)."""
    digest = hashlib.sha256()
    for name in _VERSIONED:
        if (root / name).is_dir():
            digest.update(name.encode() + b"\0" + tree_hash(root / name).encode())
    try:
        digest.update(importlib.metadata.version("torch").encode())
    except importlib.metadata.PackageNotFoundError:
        pass
    commit, dirty = "", False
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=30).stdout.strip()
        if commit:
            dirty = bool(subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", *_VERSIONED],
                                        capture_output=True, text=True, timeout=30).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return {"commit": commit, "dirty": dirty, "version": digest.hexdigest()[:16]}


def run_info(document: dict) -> dict:
    return document.get("extra_data", {}).get("run", {})


def status_of(document: dict) -> str:
    return run_info(document).get("status", GRADED)


def failure_document(name: str, status: str, note: str) -> dict:
    """The results of a submission that could not be graded: no checks, no points, a reason."""
    document = report.results_json(name, [])
    document["output"] = note
    document["extra_data"]["run"] = {"status": status, "note": note}
    return document


def annotate(document: dict, **run: object) -> dict:
    document.setdefault("extra_data", {}).setdefault("run", {}).update(run)
    return document


def reusable(document: dict | None, identity: dict, content_hash: str, options: dict) -> bool:
    if document is None:
        return False
    run = run_info(document)
    return (run.get("status") == GRADED and run.get("grader", {}).get("version") == identity["version"]
            and run.get("submission", {}).get("hash") == content_hash and run.get("options") == options)


def write_json(path: Path, data: dict) -> None:
    """Whole or not at all: an interrupted write never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, path)


def write_manifest(folder: Path, *, everyone: list[str], mine: list[str], shard: tuple[int, int],
                   identity: dict) -> None:
    write_json(folder / MANIFEST, {"shard": list(shard), "submissions": everyone, "graded_here": mine,
                                   "grader": identity})
