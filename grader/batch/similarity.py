"""``--similarity``: which submissions look copied from each other, per problem. Scores nothing.

copydetect (winnowed k-gram fingerprints, as MOSS) compares every pair of a
problem's modules, with the stub as boilerplate so the code every student was
given does not count; untouched stubs are left out. The output is one
copydetect report per problem (the pairs side by side, copied parts marked) and
an index page with each problem's most similar pairs.
"""

from __future__ import annotations

import html
import importlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydetect import CopyDetector

TOP_PAIRS = 10
DISPLAY_THRESHOLD = 0.33


def _pairs(detector: CopyDetector) -> list[tuple[float, str, str]]:
    found = []
    for test_sim, ref_sim, test_file, ref_file, *_ in detector.get_copied_code_list():
        found.append((max(float(test_sim), float(ref_sim)), Path(test_file).stem, Path(ref_file).stem))
    return sorted(found, reverse=True)[:TOP_PAIRS]


class SimilarityUnavailable(RuntimeError):
    """copydetect is an instructor's extra (``pip install -e ".[class]"``), not a student's."""


def _detector_class() -> type:
    # Imported when asked for: copydetect (and the matplotlib it pulls in) is not installed for
    # students and costs a second of every ``python -m grader`` start-up.
    try:
        return importlib.import_module("copydetect").CopyDetector
    except ImportError as exc:
        raise SimilarityUnavailable(
            "--similarity 需要 copydetect / needs copydetect: pip install -e \".[class]\"") from exc


def report(sources: dict[str, dict[str, str]], stubs: Path, out: Path) -> Path:
    """``sources``: submission -> module -> text. Writes ``out/index.html`` (returned) and one page per problem."""
    detector_class = _detector_class()
    out.mkdir(parents=True, exist_ok=True)
    modules = sorted({m for by_module in sources.values() for m in by_module})
    sections = []
    for module in modules:
        stub_path = stubs / f"{module}.py"
        stub = stub_path.read_text(encoding="utf-8") if stub_path.is_file() else ""
        changed = {name: by_module[module] for name, by_module in sorted(sources.items())
                   if module in by_module and by_module[module].strip() != stub.strip()}
        if len(changed) < 2:
            sections.append((module, None, len(changed)))
            continue
        with tempfile.TemporaryDirectory(prefix="grader-similarity-") as tmp:
            folder = Path(tmp) / module
            folder.mkdir()
            page = out / f"{module}.html"
            detector = detector_class(extensions=["py"], display_t=DISPLAY_THRESHOLD, autoopen=False, silent=True,
                                    out_file=str(page))
            for name, text in changed.items():
                path = folder / f"{name}.py"
                path.write_text(text, encoding="utf-8")
                detector.add_file(str(path))
            if stub:
                detector.add_file(str(stub_path), type="boilerplate")
            detector.run()
            pairs = _pairs(detector)
            detector.generate_html_report()
        sections.append((module, pairs, len(changed)))
    index = out / "index.html"
    index.write_text(_index(sections), encoding="utf-8")
    return index


def _index(sections: list) -> str:
    body = ["<h1>相似度报告 Similarity report</h1>",
            "<p>不计分; 仅供教师核查 / Scores nothing; for the instructor to look into. "
            "Code given in the stubs is ignored; untouched stubs are left out.</p>"]
    for module, pairs, count in sections:
        body.append(f"<h2>{html.escape(module)}</h2>")
        if pairs is None:
            body.append(f"<p>{count} submission(s) changed the stub: nothing to compare.</p>")
            continue
        body.append(f'<p>{count} submissions compared; <a href="{html.escape(module)}.html">copydetect report</a></p>')
        if not pairs:
            body.append(f"<p>No pair above {DISPLAY_THRESHOLD:.0%}.</p>")
            continue
        body.append("<table><tr><th>similarity</th><th>submission</th><th>submission</th></tr>" + "".join(
            f"<tr><td>{s:.0%}</td><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for s, a, b in pairs)
            + "</table>")
    return ("<!doctype html><meta charset=utf-8><title>Similarity</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 10px;text-align:left}</style>\n"
            + "\n".join(body) + "\n")
