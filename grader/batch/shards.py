"""Slices of a class for many runners, and joining their folders again.

``--shard K/N`` grades the K-th of N slices of the sorted names (round robin, so
slices are even and the same on every runner). Each shard's results folder holds
one results file per submission, its feedback folders and ``manifest.json``
(the whole class and this slice). ``python -m grader merge DIR...`` checks that
the folders are one class, every slice once, every submission exactly once, and
joins them into one folder like an unsharded run's, with one gradebook.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.batch import records

SHARD = re.compile(r"^(\d+)/(\d+)$")


class MergeRefused(Exception):
    pass


def parse(text: str) -> tuple[int, int]:
    match = SHARD.match(text.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"--shard {text}: 应为 K/N, 1 ≤ K ≤ N / expected K/N with 1 ≤ K ≤ N")
    return int(match.group(1)), int(match.group(2))


def select(names: list[str], shard: tuple[int, int]) -> list[str]:
    k, n = shard
    return sorted(names)[k - 1::n]


@dataclass
class Part:
    folder: Path
    shard: tuple[int, int]
    everyone: list[str]
    mine: list[str]


def _parts(folders: list[Path]) -> list[Part]:
    parts = []
    for folder in folders:
        manifest = records.read_json(folder / records.MANIFEST)
        if manifest is None:
            raise MergeRefused(f"{folder}: 没有 {records.MANIFEST} / no {records.MANIFEST} (not a results folder)")
        parts.append(Part(folder, tuple(manifest["shard"]), list(manifest["submissions"]),
                          list(manifest["graded_here"])))
    return parts


def check(folders: list[Path]) -> dict[str, Path]:
    """Which folder holds each submission's result; refuses, saying what is wrong."""
    parts = _parts(folders)
    everyone = sorted(parts[0].everyone)
    if any(sorted(p.everyone) != everyone for p in parts):
        raise MergeRefused("这些文件夹不属于同一个班级 / the folders are not of one class (their manifests differ)")
    counts = {p.shard[1] for p in parts}
    if len(counts) != 1:
        raise MergeRefused(f"分片数不一致 / shard counts differ: {sorted(counts)}")
    n = counts.pop()
    seen: dict[int, Path] = {}
    for p in parts:
        if p.shard[0] in seen:
            raise MergeRefused(f"分片 {p.shard[0]}/{n} 出现两次 / shard {p.shard[0]}/{n} twice: "
                               f"{seen[p.shard[0]]} and {p.folder}")
        seen[p.shard[0]] = p.folder
    where: dict[str, Path] = {}
    duplicates = set()
    for p in parts:
        for path in sorted(p.folder.glob("*.json")):
            name = path.stem
            if path.name == records.MANIFEST:
                continue
            if name in where:
                duplicates.add(name)
            where[name] = p.folder
    if duplicates:
        raise MergeRefused(f"重复的提交 / duplicate submissions: {', '.join(sorted(duplicates))}")
    missing = [name for name in everyone if name not in where]
    absent = sorted(set(range(1, n + 1)) - set(seen))
    if missing or absent:
        text = f"缺少的提交 / missing submissions: {', '.join(missing)}" if missing else ""
        if absent:
            text += ("; " if text else "") + f"缺少的分片 / missing shards: {', '.join(f'{k}/{n}' for k in absent)}"
        raise MergeRefused(text)
    strangers = sorted(set(where) - set(everyone))
    if strangers:
        raise MergeRefused(f"不在名单中的提交 / submissions not in the class: {', '.join(strangers)}")
    return {name: where[name] for name in everyone}


def gather(where: dict[str, Path], target: Path, feedback_dir: str) -> dict[str, dict]:
    """Copy each submission's results and feedback folder into ``target``; returns the documents."""
    target.mkdir(parents=True, exist_ok=True)
    documents = {}
    for name, folder in where.items():
        document = records.read_json(folder / f"{name}.json")
        if document is None:
            raise MergeRefused(f"{folder / (name + '.json')}: 无法读取 / unreadable")
        if folder.resolve() != target.resolve():
            records.write_json(target / f"{name}.json", document)
            source = folder / feedback_dir / name
            if source.is_dir():
                shutil.copytree(source, target / feedback_dir / name, dirs_exist_ok=True)
        documents[name] = document
    return documents
