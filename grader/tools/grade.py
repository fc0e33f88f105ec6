"""``python -m grader``: grade submissions and report for people and platforms.

    python -m grader                                    # grade assignments/
    python -m grader --submission solutions -k hw03     # one folder, one problem
    python -m grader --github --grade-json grader-output/results.json   # in GitHub Actions
    python -m grader --gradescope --submission /autograder/submission \
                     --grade-json /autograder/results/results.json       # on Gradescope
    python -m grader --submissions-dir submissions/ --gradebook book.csv # a whole class

pytest does the grading (in a child process, so a crash of the grader cannot
take the report down with it); its output, the score table included, goes
straight to the terminal. This module then reads the results.json files it
wrote and reports: a Markdown summary, the gradebook, and in GitHub Actions the
job summary, step outputs and the notice lines GitHub Classroom's reporter emits.

Exit status: 0 every point earned, 1 points missing (a successful grading),
2 the grader itself failed (crash, usage error, no checks collected, no results).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.reports import scores as report
from grader.reports import tables

ROOT = Path(__file__).resolve().parents[2]
GRADER_DIR = ROOT / "grader"

EXIT_FULL, EXIT_POINTS_MISSING, EXIT_GRADER_FAILED = 0, 1, 2

_PYTEST_FAILURES = {
    2: "评分被中断 / grading was interrupted",
    3: "pytest 内部错误 / pytest internal error",
    4: "用法错误 / usage error (see the message above)",
    5: "没有收集到任何检查 / no checks were collected",
}
# Files of GitHub's runner the graded code must not write to (a spoofed score, say).
_GITHUB_FILES = ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE")
_MODULE_GLOB = "hw[0-9][0-9]_*.py"
_NOT_SUBMISSIONS = {"solutions", "grader", "tests", ".git", "__pycache__", "node_modules",
                    ".venv", "venv", "site-packages", "grader-output"}


@dataclass
class Outcome:
    """What one grading run produced."""
    results: dict[str, dict] = field(default_factory=dict)  # submission name -> results.json
    error: str = ""                                        # why the grader failed, if it did

    @property
    def exit_code(self) -> int:
        if self.error:
            return EXIT_GRADER_FAILED
        full = all(report.homework_score(r)[0] >= report.homework_score(r)[1] for r in self.results.values())
        return EXIT_FULL if full else EXIT_POINTS_MISSING

    @property
    def status(self) -> str:
        return {EXIT_FULL: "complete", EXIT_POINTS_MISSING: "incomplete"}.get(self.exit_code, "error")


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
    src.add_argument("-k", dest="keyword", metavar="EXPR", help="only checks matching EXPR (as pytest -k)")
    out = p.add_argument_group("reports / 报告")
    out.add_argument("--grade-json", metavar="PATH",
                     help="results.json (a folder of NAME.json when grading several submissions)")
    out.add_argument("--gradebook", metavar="PATH.csv",
                     help="one row of scores per submission; a Markdown copy goes beside it (.md)")
    out.add_argument("--summary", metavar="PATH.md", help="write the Markdown summary here")
    out.add_argument("--output-dir", metavar="DIR", help="figures drawn by submissions (default: grader-output/)")
    run = p.add_argument_group("grading / 评分")
    run.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    run.add_argument("--call-timeout", type=float, metavar="SECONDS")
    plat = p.add_argument_group("platforms / 平台")
    plat.add_argument("--github", action="store_true",
                      help="GitHub Actions: job summary, step outputs, Classroom's notice lines")
    plat.add_argument("--grader-from", default="repository", metavar="WHERE",
                      help="where grader/ came from, for the summary: repository (default), instructor "
                           "or gradescope")
    plat.add_argument("--gradescope", action="store_true",
                      help="Gradescope: find the modules in any layout, mark up results.json for it")
    return p


def main(argv: list[str] | None = None) -> int:
    args, pytest_extra = build_parser().parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="grader-") as tmp:
        try:
            submissions = resolve_submissions(args, Path(tmp))
        except UsageError as exc:
            print(f"python -m grader: {exc}", file=sys.stderr, flush=True)
            outcome = Outcome(error=str(exc))
            submissions = []
        else:
            outcome = grade(args, submissions, pytest_extra, Path(tmp))
        write_reports(args, submissions, outcome)
    return outcome.exit_code


class UsageError(Exception):
    pass


# -- submissions --------------------------------------------------------------------

def locate_modules(folder: Path) -> Path:
    """The folder holding a submission's hwNN_*.py files: ``folder`` itself, its
    ``assignments/`` (a whole repository), or the sub-folder with the most of them."""
    if any(folder.glob(_MODULE_GLOB)):
        return folder
    if any((folder / "assignments").glob(_MODULE_GLOB)):
        return folder / "assignments"
    counts: dict[Path, int] = {}
    for path in folder.rglob(_MODULE_GLOB):
        if not _NOT_SUBMISSIONS.intersection(path.relative_to(folder).parts[:-1]):
            counts[path.parent] = counts.get(path.parent, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda p: counts[p])
    return folder


def _staged(folder: Path, name: str, stage: Path) -> Path:
    """``folder`` itself when the grader will call it ``name``, else a copy so named."""
    found = locate_modules(folder)
    if found.resolve().name == name:
        return found.resolve()
    target = stage / name
    shutil.copytree(found, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
    return target


def resolve_submissions(args: argparse.Namespace, tmp: Path) -> list[Path]:
    stage = tmp / "submissions"
    stage.mkdir()
    paths: list[Path] = []
    if args.gradescope and (len(args.submission) != 1 or args.submissions_dir):
        raise UsageError("--gradescope: 只评一份提交 / grades exactly one --submission")
    for raw in args.submission:
        path = Path(raw).expanduser()
        if not path.is_dir():
            raise UsageError(f"--submission {raw}: 不是文件夹 / not a folder")
        paths.append(_staged(path, "submission", stage) if args.gradescope else path.resolve())
    if args.submissions_dir:
        root = Path(args.submissions_dir).expanduser()
        if not root.is_dir():
            raise UsageError(f"--submissions-dir {args.submissions_dir}: 不是文件夹 / not a folder")
        subs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        if not subs:
            raise UsageError(f"--submissions-dir {args.submissions_dir}: 没有子文件夹 / no sub-folders")
        paths += [_staged(p, p.name, stage) for p in subs]
    return paths or [ROOT / "assignments"]


def submission_names(paths: list[Path]) -> list[str]:
    """The names the grader's conftest gives these folders (it de-duplicates the same way)."""
    names: list[str] = []
    for path in paths:
        base = path.resolve().name
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


# -- grading ------------------------------------------------------------------------

def _json_targets(args: argparse.Namespace, names: list[str], tmp: Path) -> tuple[Path, dict[str, Path]]:
    """The --grade-json value for pytest and where each submission's results land."""
    several = len(names) > 1
    if args.grade_json:
        target = Path(args.grade_json).expanduser().resolve()
    elif args.submissions_dir:
        target = _default_out(args) / "results"
    else:
        target = tmp / ("results" if several else "results.json")
    files = {n: target / f"{n}.json" for n in names} if several else {names[0]: target}
    return target, files


def _default_out(args: argparse.Namespace) -> Path:
    return Path(args.output_dir).expanduser().resolve() if args.output_dir else ROOT / "grader-output"


def pytest_command(args: argparse.Namespace, submissions: list[Path], json_target: Path,
                   extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", str(GRADER_DIR), "-p", "no:cacheprovider",
           "--rootdir", str(ROOT), "--confcutdir", str(GRADER_DIR),
           "--grade-json", str(json_target), "--device", args.device]
    for path in submissions:
        cmd += ["--submission", str(path)]
    if args.keyword:
        cmd += ["-k", args.keyword]
    if args.output_dir:
        cmd += ["--output-dir", str(Path(args.output_dir).expanduser().resolve())]
    if args.call_timeout is not None:
        cmd += ["--call-timeout", str(args.call_timeout)]
    gradebook = _gradebook_path(args)
    if gradebook:
        cmd += ["--gradebook", str(gradebook)]
    return cmd + list(extra)


def _gradebook_path(args: argparse.Namespace) -> Path | None:
    if args.gradebook:
        return Path(args.gradebook).expanduser().resolve()
    if args.submissions_dir:
        return _default_out(args) / "gradebook.csv"
    return None


def grade(args: argparse.Namespace, submissions: list[Path], extra: list[str], tmp: Path) -> Outcome:
    names = submission_names(submissions)
    json_target, files = _json_targets(args, names, tmp)
    for path in files.values():  # never report a previous run's file
        path.unlink(missing_ok=True)
    cmd = pytest_command(args, submissions, json_target, extra)
    env = {k: v for k, v in os.environ.items() if k not in _GITHUB_FILES}
    env.setdefault("MPLBACKEND", "Agg")

    token = secrets.token_hex(16) if args.github else ""
    if token:  # what the graded code prints must not become workflow commands (a fake score)
        print(f"::stop-commands::{token}", flush=True)
    try:
        rc = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    except KeyboardInterrupt:
        rc = 2
    finally:
        sys.stdout.flush()
        if token:
            print(f"::{token}::", flush=True)

    outcome = Outcome()
    for name, path in files.items():
        try:
            outcome.results[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if rc not in (0, 1):
        outcome.error = _PYTEST_FAILURES.get(rc, f"pytest 以状态 {rc} 退出 / pytest exited with status {rc}")
    elif len(outcome.results) < len(files):
        missing = ", ".join(n for n in files if n not in outcome.results)
        outcome.error = f"没有写出评分结果 / no results were written for: {missing}"
    return outcome


# -- reports ------------------------------------------------------------------------

def fmt(x: float) -> str:
    return f"{x:g}"


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def notice_lines(result: dict) -> list[str]:
    """The two notice lines GitHub Classroom's reporter emits (its grade is read from them)."""
    got, possible = report.homework_score(result)
    payload = json.dumps({"totalPoints": _number(got), "maxPoints": _number(possible)},
                         separators=(",", ":"))
    return [f"::notice title=Autograding complete::Points {fmt(got)}/{fmt(possible)}",
            f"::notice title=Autograding report::{payload}"]


def _origin_line(grader_from: str, hidden: int) -> str:
    if grader_from == "instructor":
        return (f"评分程序: 教师仓库中的 grader/ (官方评分, 含 {hidden} 项隐藏检查) / "
                f"Graded with grader/ from the instructor's repository "
                f"(official run, {hidden} hidden checks).")
    if grader_from == "gradescope":
        return (f"评分程序: 教师上传的 grader/ (含 {hidden} 项隐藏检查, 成绩发布后可见) / "
                f"Graded with the instructor's grader ({hidden} hidden checks, "
                f"shown once grades are published).")
    if grader_from == "repository":
        tail = (f"; {hidden} hidden checks ran" if hidden else
                "; no hidden checks: the official score may differ")
        return ("评分程序: 本仓库中的 grader/ 副本" + ("" if hidden else " (未运行隐藏检查)") +
                f" / Graded with the copy of grader/ in this repository{tail}.")
    return f"评分程序 / Grader: {grader_from}" + (f" ({hidden} hidden checks)" if hidden else "")


def _failed_checks(result: dict, limit: int = 30) -> list[str]:
    lines = []
    for t in result.get("tests", []):
        if t["status"] == "passed" or t.get("visibility", "visible") != "visible":
            continue
        message = (t.get("output") or "").strip().splitlines()
        first = message[0][:200] if message else ""
        text = t["name"] + (f": {first}" if first else "")
        lines.append("- ✘ " + html.escape(text, quote=False))  # "<class 'int'>" must show
    if len(lines) > limit:
        lines = lines[:limit] + [f"- … ({len(lines) - limit} more / 另有 {len(lines) - limit} 项)"]
    return lines


def summary_markdown(outcome: Outcome, grader_from: str = "repository") -> str:
    parts = []
    if outcome.error:
        parts.append("## ⚠️ 评分程序自身出错 / The grader itself failed\n\n"
                     f"{outcome.error}\n\n"
                     "这不是你的分数; 查看日志 / This is not a score: see the job's log. "
                     "No points were reported.\n")
    several = len(outcome.results) > 1
    if several:
        rows = report.gradebook_rows(outcome.results)
        parts.append("## 成绩册 Gradebook\n\n" + tables.gradebook_markdown(rows))
    for name, result in outcome.results.items():
        got, possible = report.homework_score(result)
        hidden = sum(t.get("visibility") == "after_published" for t in result.get("tests", []))
        heading = "###" if several else "##"
        mark = "✅" if got >= possible else "❌"
        title = f"{name}: " if several else ""
        parts.append(f"{heading} {mark} {title}自动评分 Autograding: {fmt(got)} / {fmt(possible)}\n\n"
                     + tables.problem_table_markdown(result) + "\n"
                     + _origin_line(grader_from, hidden) + "\n")
        failed = _failed_checks(result)
        if failed:
            parts.append("<details><summary>未通过的检查 / Failed checks</summary>\n\n"
                         + "\n".join(failed) + "\n\n</details>\n")
        hidden_failed = sum(t.get("visibility") == "after_published" and t["status"] != "passed"
                            for t in result.get("tests", []))
        if hidden_failed:
            parts.append(f"隐藏检查未通过 {hidden_failed} 项 (名称不公开) / "
                         f"{hidden_failed} hidden checks failed (not named here).\n")
    return "\n".join(parts)


def _command_data(text: str) -> str:
    """Escape the message of a workflow command (``::error::MESSAGE``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)


def github_report(outcome: Outcome, summary: str) -> None:
    _append(os.environ.get("GITHUB_STEP_SUMMARY"), summary + "\n")
    outputs = {"status": outcome.status, "exit-code": str(outcome.exit_code)}
    single = next(iter(outcome.results.values())) if len(outcome.results) == 1 else None
    if single is not None and not outcome.error:
        got, possible = report.homework_score(single)
        outputs["points"], outputs["max-points"] = fmt(got), fmt(possible)
    _append(os.environ.get("GITHUB_OUTPUT"), "".join(f"{k}={v}\n" for k, v in outputs.items()))

    if outcome.error:
        print("::error title=评分程序自身出错 / Grader failed::"
              + _command_data(f"{outcome.error} (not a score; no points reported)"), flush=True)
        return
    if single is not None:
        for line in notice_lines(single):
            print(line, flush=True)
    if outcome.exit_code == EXIT_POINTS_MISSING:
        scores = "; ".join(f"{n}: {fmt(report.homework_score(r)[0])}/{fmt(report.homework_score(r)[1])}"
                           for n, r in outcome.results.items())
        print("::error title=未得满分 / Points missing::" + _command_data(scores), flush=True)


def gradescope_results(result: dict, summary: str) -> dict:
    """results.json for Gradescope: the grader's, plus a Markdown overview. The log
    (stdout) is kept from students, since it names hidden checks."""
    marked = dict(result)
    marked["output"] = summary
    marked["output_format"] = "md"
    marked["stdout_visibility"] = "hidden"
    return marked


def write_reports(args: argparse.Namespace, submissions: list[Path], outcome: Outcome) -> None:
    summary = summary_markdown(outcome, args.grader_from)
    if args.summary:
        Path(args.summary).parent.mkdir(parents=True, exist_ok=True)
        Path(args.summary).write_text(summary, encoding="utf-8")
    gradebook = _gradebook_path(args)
    if gradebook and outcome.results:
        md = gradebook.with_suffix(".md")
        md.write_text(tables.gradebook_markdown(report.gradebook_rows(outcome.results)),
                      encoding="utf-8")
        print(f"成绩册 Gradebook: {gradebook} , {md}", flush=True)
    if args.gradescope and args.grade_json:
        target = Path(args.grade_json)
        if outcome.error:  # Gradescope shows a missing results.json as an autograder failure
            target.unlink(missing_ok=True)
        elif len(outcome.results) == 1:
            data = gradescope_results(next(iter(outcome.results.values())), summary)
            target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.github:
        github_report(outcome, summary)
    elif outcome.error:
        print(f"评分程序自身出错 / the grader itself failed: {outcome.error}", file=sys.stderr, flush=True)
    if args.grade_json and outcome.results and not outcome.error:
        print(f"结果 Results: {Path(args.grade_json)}", flush=True)
