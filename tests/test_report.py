"""Scoring arithmetic, the results.json shape other tools read, and the tables made from it."""

from __future__ import annotations

import random

import pytest

from grader.reports import tables
from grader.reports.scores import (CheckResult, apportion, gradebook_csv, gradebook_rows, results_json,
                                   score_problems)


def _check(problem, name, points, outcome, hidden=False, note=""):
    return CheckResult("sub", problem, name, points, outcome, message="why" if outcome != "passed" else "",
                       duration=0.5, hidden=hidden, check=f"test_{name}", note=note)


RESULTS = [
    _check("hw03_conv_cost", "a", 2, "passed"),
    _check("hw03_conv_cost", "b", 1, "failed"),
    _check("hw03_conv_cost", "c", 1, "skipped"),          # e.g. CUDA-only, no GPU: out of the denominator
    _check("hw03_conv_cost", "d", 1, "passed", hidden=True),
    _check("hw02_receptive_field", "e", 1, "not implemented", note="receptive_field"),
]


def _cents(x: float) -> int:
    assert abs(x * 100 - round(x * 100)) < 1e-9, x
    return round(x * 100)


def test_problem_scores_are_weighted_and_skips_drop_out():
    scores = score_problems(RESULTS)
    assert list(scores) == ["hw02_receptive_field", "hw03_conv_cost"]  # contract order
    assert scores["hw03_conv_cost"].score == pytest.approx(10 * 3 / 4)
    assert scores["hw03_conv_cost"].ran == 3 and scores["hw03_conv_cost"].passed == 2
    assert scores["hw02_receptive_field"].score == 0


@pytest.mark.parametrize("seed", range(30))
def test_check_scores_add_up_exactly_to_the_problems(seed):
    rng = random.Random(seed)
    weights = [rng.choice([1, 1, 1, 2, 3, 0.5]) for _ in range(rng.randint(1, 13))]
    shares = apportion(10, weights)
    assert sum(_cents(s) for s in shares) == 1000
    exact = [10 * w / sum(weights) for w in weights]
    assert all(abs(s - e) < 0.01 for s, e in zip(shares, exact))
    results = [_check("hw03_conv_cost", f"c{i}", w, rng.choice(["passed", "failed"])) for i, w in enumerate(weights)]
    data = results_json("sub", results)
    problem = data["extra_data"]["problems"]["hw03_conv_cost"]
    assert sum(_cents(t["score"]) for t in data["tests"]) == _cents(problem["score"]) == _cents(data["score"])
    assert sum(_cents(t["max_score"]) for t in data["tests"]) == 1000
    passed = sum(w for w, r in zip(weights, results) if r.outcome == "passed")
    assert abs(problem["score"] - 10 * passed / sum(weights)) < 0.01 * len(weights)


def test_equal_checks_split_ten_by_largest_remainder():
    assert apportion(10, [1, 1, 1]) == [3.34, 3.33, 3.33]
    assert apportion(10, [1] * 7) == [1.43, 1.43, 1.43, 1.43, 1.43, 1.43, 1.42]


def test_results_json_shape():
    data = results_json("sub", RESULTS, "/some/folder")
    assert data["score"] == pytest.approx(7.5)
    assert data["extra_data"]["max_score"] == 20 and data["extra_data"]["source"] == "/some/folder"
    names = [t["name"] for t in data["tests"]]
    assert all(n.split(": ")[0] in ("hw02_receptive_field", "hw03_conv_cost") for n in names)
    assert "hw03_conv_cost: c" not in names  # skipped checks are not reported as tests
    by_name = {t["name"]: t for t in data["tests"]}
    assert by_name["hw03_conv_cost: d"]["visibility"] == "after_published"
    assert by_name["hw03_conv_cost: a"]["visibility"] == "visible"
    assert by_name["hw03_conv_cost: b"]["score"] == 0 and by_name["hw03_conv_cost: b"]["output"] == "why"
    assert by_name["hw03_conv_cost: b"]["extra_data"] == {"check": "test_b", "outcome": "failed"}
    assert {"name", "score", "max_score", "output", "tags", "visibility"} <= set(data["tests"][0])
    conv = data["extra_data"]["problems"]["hw03_conv_cost"]
    assert conv["failing"] == ["test_b"] and conv["not_implemented"] == 0 and conv["broken"] == ""
    rf = data["extra_data"]["problems"]["hw02_receptive_field"]
    assert rf["unimplemented"] == ["receptive_field"] and rf["not_implemented"] == 1


def test_gradebook_csv_has_a_row_per_submission_and_its_folder():
    other = [CheckResult("other", "hw03_conv_cost", "a", 1, "passed")]
    rows = gradebook_rows({"sub": results_json("sub", RESULTS, "/x/sub"), "other": results_json("other", other)})
    lines = gradebook_csv(rows).strip().splitlines()
    assert lines[0].startswith("submission,hw01,hw02,hw03") and lines[0].endswith(",total,max,bonus,folder")
    assert lines[1].startswith("sub,,0.0,7.5,") and lines[1].endswith(",7.5,20.0,0.0,/x/sub")
    assert lines[2].startswith("other,,,10.0,")
    assert "| sub | `/x/sub` |" in tables.sources_markdown(rows)


# -- the table -----------------------------------------------------------------------

def _table(results, pointers=None):
    return tables.problem_table_text(results_json("sub", results), pointers)


def test_table_names_what_is_wrong():
    broken = [_check("hw01_initialization", "x", 1, "broken", note="语法错误 / syntax error (line 3)")]
    lines = _table(RESULTS + broken, {"hw03_conv_cost": "提示 hint 1 of 3 — python -m grader hint hw03"})
    row = {line.split()[1]: line for line in lines if line[:1] in "✔✘…!"}
    assert row["hw01_initialization"].startswith("!") and row["hw01_initialization"].endswith("(line 3)")
    assert row["hw02_receptive_field"].startswith("…")
    assert row["hw02_receptive_field"].endswith("尚未实现 / not implemented yet")
    assert row["hw03_conv_cost"].startswith("✘") and row["hw03_conv_cost"].endswith("hint hw03")
    assert lines[-1].startswith("总分 Total") and "7.50 / 30" in lines[-1]


def test_partly_written_problem_names_the_missing_functions():
    results = [_check("hw03_conv_cost", "a", 1, "passed"),
               _check("hw03_conv_cost", "b", 1, "not implemented", note="conv2d_flops")]
    row = next(line for line in _table(results) if line.startswith("✘"))
    assert row.endswith("尚未实现 / not implemented yet: conv2d_flops")


def test_score_area_ends_with_total_and_says_everything_above():
    documents = {"sub": results_json("sub", RESULTS)}
    documents["sub"]["extra_data"]["isolation"] = {"note": "隔离 Isolation: off"}
    items = tables.score_area(documents, figures="/tmp/figures")
    assert items[-1].startswith("总分 Total")
    text = [i for i in items if isinstance(i, str)]
    assert "隔离 Isolation: off" in text and "图片 Figures: /tmp/figures" in text
    assert any("raise NotImplementedError" in line for line in text)
    several = tables.score_area({"a": documents["sub"], "b": documents["sub"]})
    assert several[-1].startswith("总分 Total") and ("-", "b") in several
    assert not any("raise NotImplementedError" in i for i in several if isinstance(i, str))
    stubs = {"sub": results_json("sub", [_check("hw03_conv_cost", "a", 1, "not implemented")])}
    assert any("A first run scoring 0 is normal" in i for i in tables.score_area(stubs) if isinstance(i, str))
    lines = tables.plain_lines(items, 60)
    assert lines[0].startswith("=") and "成绩 Score" in lines[0] and lines[-1] == items[-1]
