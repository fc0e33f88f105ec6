"""Hints: every check of every problem has 2–3 in both languages; the files are validated;
``python -m grader hint`` picks the right check and remembers how far a student has gone."""

from __future__ import annotations

import pytest

from grader.problems import PROBLEMS
from grader.problems.hints import HintError, check_functions, parse, problems_with
from grader.reports import progress


def test_every_check_has_two_or_three_hints_in_both_languages():
    missing = [line for p in PROBLEMS for line in problems_with(p.module)]
    assert not missing, "checks without valid hints:\n  " + "\n  ".join(missing)


def test_checks_are_found_public_first_then_hidden():
    checks = check_functions("hw03_conv_cost")
    assert "test_homework_numbers" in checks and checks[-1] == "test_agrees_with_reference"


GOOD = '[test_a]\nhints = [{ zh = "回顾讲义", en = "re-read" }, { zh = "再近一点", en = "closer" }]\n'


@pytest.mark.parametrize("text, complaint", [
    ('[test_a]\nhints = [{ zh = "只有一条", en = "only one" }]\n', "has 1 hints"),
    ('[test_a]\nhints = [' + '{ zh = "四", en = "four" }, ' * 4 + ']\n', "has 4 hints"),
    ('[test_a]\nhints = [{ zh = "中文", en = "x" }, { zh = "no chinese", en = "y" }]\n', "zh must be Chinese"),
    ('[test_a]\nhints = [{ zh = "中文", en = "中文" }, { zh = "中文", en = "y" }]\n', "en must be English"),
    ('[test_a]\nhints = [{ zh = "中文" }, { zh = "中文", en = "y" }]\n', "exactly the keys zh and en"),
    ('[test_a]\nhint = []\n', "one key, hints"),
    ('[test_a\n', "not valid TOML"),
], ids=["one", "four", "zh", "en", "keys", "table", "toml"])
def test_malformed_hints_are_named(text, complaint):
    with pytest.raises(HintError, match=complaint):
        parse(text)


def test_next_hint_follows_the_last_runs_failures():
    hints = parse(GOOD + GOOD.replace("test_a", "test_b"))
    document = {"extra_data": {"problems": {"hw03_conv_cost": {"failing": ["test_x", "test_b", "test_a"]}}}}
    pointer = progress.next_hint("hw03_conv_cost", hints, {}, document)
    assert (pointer.check, pointer.level, pointer.count) == ("test_b", 1, 2)  # test_x has no hints
    assert pointer.text() == "提示 hint 1 of 2 — python -m grader hint hw03"
    pointer = progress.next_hint("hw03_conv_cost", hints, {"test_b": 2}, document)
    assert (pointer.check, pointer.level) == ("test_a", 1)
    pointer = progress.next_hint("hw03_conv_cost", hints, {"test_a": 2, "test_b": 2}, document)
    assert pointer.all_seen and pointer.check == "test_b" and "all 2 hints seen" in pointer.text()
    passed = {"extra_data": {"problems": {"hw03_conv_cost": {"failing": []}}}}
    assert progress.next_hint("hw03_conv_cost", hints, {}, passed) is None
    assert progress.next_hint("hw03_conv_cost", hints, {}, None).check == "test_a"  # no run yet


def test_progress_is_kept_outside_the_checkout(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert progress.state_dir().is_relative_to(tmp_path)
    assert progress.seen("hw03_conv_cost") == {}
    progress.record_seen("hw03_conv_cost", "test_a", 2)
    assert progress.seen("hw03_conv_cost") == {"test_a": 2}
    progress.forget("hw03_conv_cost")
    assert progress.seen("hw03_conv_cost") == {}
    assert progress.last_run() is None
    progress.save_last_run({"me": {"score": 1}}, "")
    assert progress.own_document(progress.last_run()) == {"score": 1}


def test_table_points_to_the_next_hint_of_a_failed_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(progress, "load_hints", lambda module: parse(GOOD))
    document = {"extra_data": {"problems": {"hw03_conv_cost": {"failing": ["test_a"]},
                                            "hw02_receptive_field": {"failing": ["test_a"]}}},
                "tests": [{"tags": ["hw03_conv_cost"], "extra_data": {"check": "test_a", "outcome": "failed"}},
                          {"tags": ["hw02_receptive_field"],
                           "extra_data": {"check": "test_a", "outcome": "not implemented"}}]}
    assert progress.hint_pointers(document) == {"hw03_conv_cost": "提示 hint 1 of 2 — python -m grader hint hw03"}
    progress.record_seen("hw03_conv_cost", "test_a", 1)
    assert progress.hint_pointers(document)["hw03_conv_cost"].startswith("提示 hint 2 of 2")
