"""Scoring arithmetic and the results.json shape other tools read."""

from __future__ import annotations

import pytest

from grader.reports.scores import CheckResult, gradebook_csv, gradebook_rows, results_json, score_problems


def _check(problem, name, points, outcome, hidden=False):
    return CheckResult("sub", problem, name, points, outcome, message="why" if outcome != "passed" else "",
                       duration=0.5, hidden=hidden)


RESULTS = [
    _check("hw03_conv_cost", "a", 2, "passed"),
    _check("hw03_conv_cost", "b", 1, "failed"),
    _check("hw03_conv_cost", "c", 1, "skipped"),          # e.g. CUDA-only, no GPU: out of the denominator
    _check("hw03_conv_cost", "d", 1, "passed", hidden=True),
    _check("hw02_receptive_field", "e", 1, "not implemented"),
]


def test_problem_scores_are_weighted_and_skips_drop_out():
    scores = score_problems(RESULTS)
    assert list(scores) == ["hw02_receptive_field", "hw03_conv_cost"]  # contract order
    assert scores["hw03_conv_cost"].score == pytest.approx(10 * 3 / 4)
    assert scores["hw03_conv_cost"].ran == 3 and scores["hw03_conv_cost"].passed == 2
    assert scores["hw02_receptive_field"].score == 0


def test_results_json_shape():
    data = results_json("sub", RESULTS)
    assert data["score"] == pytest.approx(7.5)
    assert data["extra_data"]["max_score"] == 20
    names = [t["name"] for t in data["tests"]]
    assert all(n.split(": ")[0] in ("hw02_receptive_field", "hw03_conv_cost") for n in names)
    assert "hw03_conv_cost: c" not in names  # skipped checks are not reported as tests
    for problem in ("hw02_receptive_field", "hw03_conv_cost"):
        tests = [t for t in data["tests"] if t["tags"] == [problem]]
        assert sum(t["max_score"] for t in tests) == pytest.approx(10, abs=1e-3)
    by_name = {t["name"]: t for t in data["tests"]}
    assert by_name["hw03_conv_cost: d"]["visibility"] == "after_published"
    assert by_name["hw03_conv_cost: a"]["visibility"] == "visible"
    assert by_name["hw03_conv_cost: b"]["score"] == 0 and by_name["hw03_conv_cost: b"]["output"] == "why"
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"], abs=1e-3)
    assert {"name", "score", "max_score", "output", "tags", "visibility"} <= set(data["tests"][0])


def test_gradebook_csv_has_a_row_per_submission():
    other = [CheckResult("other", "hw03_conv_cost", "a", 1, "passed")]
    rows = gradebook_rows({"sub": results_json("sub", RESULTS), "other": results_json("other", other)})
    text = gradebook_csv(rows)
    lines = text.strip().splitlines()
    assert lines[0].startswith("submission,hw01,hw02,hw03")
    assert lines[1].startswith("sub,,0.0,7.5,") and lines[1].endswith(",7.5,20.0")
    assert lines[2].startswith("other,,,10.0,")
