"""``python -m grader``: grade submissions and report for people and platforms.

    python -m grader                                    # grade assignments/
    python -m grader --submission solutions -k hw03     # one folder, one problem
    python -m grader --github --grade-json grader-output/results.json   # in GitHub Actions
    python -m grader --gradescope --submission /autograder/submission \\
                     --grade-json /autograder/results/results.json       # on Gradescope
    python -m grader --submissions-dir class/ --jobs 2   # a class: results, feedback, gradebook
    python -m grader --roster roster.csv --snapshot snapshot.csv --shard 1/3 --grade-json shard1/

Every submission is graded by a judge of its own (``pytest grader/`` forked from a
preloaded pool, see ``grader/batch/``) whose results come back through a pipe; a
judge that dies or hangs costs only its submission. For one submission, the
judge's output (pytest's score table) goes straight to the terminal; for a class,
each judge's log goes to ``DIR/logs/`` and a progress bar (or one line per
submission) shows how far it is.

Exit status: 0 every point earned, 1 points missing (a successful grading),
2 the grader itself failed (for any submission), or a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from grader.batch import feedback, gradebook, judge, records, roster, shards, similarity
from grader.batch.grading import Candidate, Options, Outcome, grade
from grader.plugin.submissions import unique_names
from grader.reports import tables
from grader.sandbox.isolation import MODES
from grader.tools import summaries

ROOT = judge.ROOT
DEFAULT_TIMEOUT_S = 1800.0


class UsageError(Exception):
    pass


# -- command line -----------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m grader",
        description="评分并报告 / grade submissions and report the scores. Unknown options go to pytest.",
        epilog="exit status: 0 full marks, 1 points missing, 2 the grader itself failed",
    )
    src = p.add_argument_group("what to grade / 评分对象")
    src.add_argument("--submission", action="append", default=[], metavar="DIR",
                     help="folder of hwNN_*.py files (repeatable; default: assignments/)")
    src.add_argument("--submissions-dir", metavar="DIR",
                     help="grade every sub-folder of DIR as one submission (a class); "
                          "each may hold the hwNN_*.py files or a whole repository")
    src.add_argument("--roster", metavar="CSV",
                     help="a class of git repositories: columns student, repository, [commit], [deadline]")
    src.add_argument("--snapshot", metavar="CSV",
                     help="with --roster: grade the commits `python -m grader snapshot` recorded")
    src.add_argument("--deadline", metavar="ISO",
                     help="with --roster, where no commit is pinned: the last commit dated before it (a fallback)")
    src.add_argument("--only", metavar="NAME", help="regrade this one submission of the class")
    src.add_argument("--shard", metavar="K/N", help="grade the K-th of N slices of the class (for many runners)")
    src.add_argument("-k", dest="keyword", metavar="EXPR", help="only checks matching EXPR (as pytest -k)")
    out = p.add_argument_group("reports / 报告")
    out.add_argument("--grade-json", metavar="PATH",
                     help="results.json; a folder (DIR/<name>.json, feedback, logs) for a class")
    out.add_argument("--gradebook", metavar="PATH.csv",
                     help="one row per submission (default for a class: DIR/gradebook.csv); a .md copy beside it")
    out.add_argument("--summary", metavar="PATH.md", help="write the Markdown summary here")
    out.add_argument("--output-dir", metavar="DIR",
                     help="figures of one submission (default grader-output/); a class's go in its feedback folders")
    out.add_argument("--similarity", action="store_true",
                     help="a class: write DIR/similarity/index.html, the most similar pairs per problem (no score)")
    run = p.add_argument_group("grading / 评分")
    run.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    run.add_argument("--call-timeout", type=float, metavar="SECONDS")
    run.add_argument("--isolation", choices=MODES, default="auto",
                     help="sandbox student code: off, auto (whenever the machine allows), required (or exit 2)")
    run.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), metavar="N",
                     help="submissions graded at once (default: the cores this process may use)")
    run.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                     help=f"for one whole submission (default {DEFAULT_TIMEOUT_S:g})")
    run.add_argument("--force", action="store_true", help="a class: regrade even what an earlier run graded")
    plat = p.add_argument_group("platforms / 平台")
    plat.add_argument("--github", action="store_true",
                      help="GitHub Actions: job summary, step outputs, Classroom's notice lines")
    plat.add_argument("--grader-from", default="repository", metavar="WHERE",
                      help="where grader/ came from, for the summary: repository (default), instructor "
                           "or gradescope")
    plat.add_argument("--gradescope", action="store_true",
                      help="Gradescope: find the modules in any layout, mark up results.json for it")
    return p


# -- what to grade ------------------------------------------------------------------

def is_batch(args: argparse.Namespace) -> bool:
    return bool(args.submissions_dir or args.roster or len(args.submission) > 1)


def _folder(raw: str, option: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise UsageError(f"{option} {raw}: 不是文件夹 / not a folder")
    return path.resolve()


def folder_candidates(args: argparse.Namespace) -> list[Candidate]:
    if args.gradescope and (len(args.submission) != 1 or args.submissions_dir or args.roster):
        raise UsageError("--gradescope: 只评一份提交 / grades exactly one --submission")
    paths = [_folder(raw, "--submission") for raw in args.submission]
    if args.submissions_dir:
        root = _folder(args.submissions_dir, "--submissions-dir")
        subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        if not subs:
            raise UsageError(f"--submissions-dir {args.submissions_dir}: 没有子文件夹 / no sub-folders")
        paths += subs
    if not paths and not args.roster:
        paths = [ROOT / "assignments"]
    names = ["submission"] if args.gradescope else unique_names(paths)
    return [Candidate(name, path, {"source": str(path)}) for name, path in zip(names, paths)]


def roster_candidates(args: argparse.Namespace, clones: Path) -> list[Candidate]:
    entries = roster.read(Path(args.roster))
    taken = roster.read_snapshot(Path(args.snapshot)) if args.snapshot else {}
    if args.deadline:
        roster.parse_time(args.deadline)
    found = []
    for entry in entries:  # one at a time: a student's server is not hammered, a token not overused
        got = roster.checkout(entry, clones, taken.get(entry.student), args.deadline or "")
        info = {"repository": entry.repository, "commit": got.commit, "commit_from": got.commit_from}
        found.append(Candidate(entry.student, got.tree, info, got.failure, records.UNREACHABLE))
    return found


def select(args: argparse.Namespace, candidates: list[Candidate]) -> tuple[list[Candidate], tuple[int, int]]:
    shard = (1, 1)
    if args.shard:
        try:
            shard = shards.parse(args.shard)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    mine = set(shards.select([c.name for c in candidates], shard))
    chosen = [c for c in candidates if c.name in mine]
    if args.only:
        chosen = [c for c in chosen if c.name == args.only]
        if not chosen:
            raise UsageError(f"--only {args.only}: 没有这份提交 / no such submission"
                             + (" in this shard" if args.shard else ""))
    return chosen, shard


# -- running --------------------------------------------------------------------------

def protected_folders(args: argparse.Namespace, out: Path | None, clones: Path) -> list[Path]:
    """What no sandbox may read while this run grades: the instructor's folders, every result,
    every other submission."""
    paths = [ROOT / "solutions", ROOT / "tests", ROOT / ".git", ROOT / "grader-output", clones,
             *(p for p in (ROOT / "grader").rglob("hidden") if p.is_dir())]
    if out is not None:
        paths.append(out)
    if args.submissions_dir:
        paths.append(Path(args.submissions_dir).expanduser().resolve())
    return [p for p in paths if p.is_dir()]


def results_folder(args: argparse.Namespace) -> Path:
    target = Path(args.grade_json).expanduser() if args.grade_json else ROOT / "grader-output" / "results"
    target.mkdir(parents=True, exist_ok=True)
    return target.resolve()


def grade_class(args: argparse.Namespace, extra: list[str], clones: Path) -> tuple[Outcome, Path]:
    candidates = roster_candidates(args, clones) if args.roster else folder_candidates(args)
    chosen, shard = select(args, candidates)
    out = results_folder(args)
    protect = protected_folders(args, out, clones)
    options = Options(settings(args, extra, protect), records.grader_identity(ROOT), args.timeout,
                      jobs=max(1, args.jobs), out=out, force=args.force or bool(args.only),
                      keep_sources=args.similarity)
    records.write_manifest(out, everyone=sorted(c.name for c in candidates),
                           mine=sorted(c.name for c in chosen), shard=shard, identity=options.identity)
    outcome = grade(chosen, options, protect)
    if args.only:  # the rest of this shard as it was
        mine = [c.name for c in candidates if c.name in shards.select([x.name for x in candidates], shard)]
        for name in mine:
            document = records.read_json(out / f"{name}.json")
            if name not in outcome.results and document is not None:
                outcome.results[name] = document
                outcome.feedback[name] = out / "feedback" / name / feedback.FILE
        outcome.results = {n: outcome.results[n] for n in mine if n in outcome.results}
    if args.similarity and outcome.sources:
        try:
            index = similarity.report(outcome.sources, ROOT / "assignments", out / "similarity")
            print(f"相似度报告 Similarity: {index}", flush=True)
        except similarity.SimilarityUnavailable as exc:  # the grades stand; only the report is missing
            print(f"相似度报告未生成 / no similarity report: {exc}", file=sys.stderr, flush=True)
    return outcome, out


def grade_one(args: argparse.Namespace, extra: list[str], clones: Path) -> Outcome:
    (candidate,) = folder_candidates(args)
    figures = Path(args.output_dir).expanduser().resolve() if args.output_dir else ROOT / "grader-output"
    protect = protected_folders(args, None, clones)
    options = Options(settings(args, extra, protect), records.grader_identity(ROOT), args.timeout,
                      figures=figures)
    outcome = grade([candidate], options, protect)
    if outcome.failures:  # one submission: a failure is the run's, and no score is reported
        outcome.error = outcome.failures[candidate.name]
        outcome.results = {}
    return outcome


def settings(args: argparse.Namespace, extra: list[str], protect: list[Path]) -> judge.Settings:
    return judge.Settings(device=args.device, isolation=args.isolation, keyword=args.keyword,
                          call_timeout=args.call_timeout, extra=tuple(extra),
                          protect=tuple(str(p) for p in protect))


def main(argv: list[str] | None = None) -> int:
    args, extra = build_parser().parse_known_args(argv)
    batch = is_batch(args)
    out = None
    token = summaries.fence_start() if args.github else ""
    try:
        with tempfile.TemporaryDirectory(prefix="grader-clones-") as clones:
            try:
                if batch:
                    outcome, out = grade_class(args, extra, Path(clones))
                else:
                    outcome = grade_one(args, extra, Path(clones))
            except (UsageError, roster.RosterError) as exc:
                print(f"python -m grader: {exc}", file=sys.stderr, flush=True)
                outcome = Outcome(error=str(exc))
    finally:
        summaries.fence_end(token)
    write_reports(args, outcome, out, batch)
    return outcome.exit_code


# -- reports ------------------------------------------------------------------------

def write_reports(args: argparse.Namespace, outcome: Outcome, out: Path | None, batch: bool) -> None:
    summary = summaries.summary_markdown(outcome, args.grader_from, batch=batch)
    if args.summary:
        Path(args.summary).parent.mkdir(parents=True, exist_ok=True)
        Path(args.summary).write_text(summary, encoding="utf-8")
    if batch and out is not None and outcome.results:
        book = Path(args.gradebook).expanduser().resolve() if args.gradebook else out / "gradebook.csv"
        found = gradebook.write(book, outcome.results, outcome.feedback)
        graded = [r for r in found if r["status"] == records.GRADED]
        for line in tables.gradebook_text(graded) if graded else []:
            print(line, flush=True)
        for name, note in outcome.failures.items():
            print(f"⚠ {name}: {note}", flush=True)
        print(f"成绩册 Gradebook: {book} , {book.with_suffix('.md')}\n"
              f"结果与反馈 Results and feedback: {out}", flush=True)
    elif args.grade_json and outcome.results:
        write_single_json(args, outcome, summary)
    if args.gradescope and args.grade_json and outcome.error:
        Path(args.grade_json).unlink(missing_ok=True)  # Gradescope shows a missing results.json as a failure
    if args.github:
        summaries.github_report(outcome, summary)
    elif outcome.error:
        print(f"评分程序自身出错 / the grader itself failed: {outcome.error}", file=sys.stderr, flush=True)


def write_single_json(args: argparse.Namespace, outcome: Outcome, summary: str) -> None:
    ((name, document),) = outcome.results.items()
    target = Path(args.grade_json).expanduser()
    if target.is_dir() or not target.suffix:
        target = target / f"{name}.json"
    if args.gradescope:
        document = summaries.gradescope_results(document, summary)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"结果 Results: {target}", flush=True)
