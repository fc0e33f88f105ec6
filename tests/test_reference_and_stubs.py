"""The reference scores full marks; the stubs score 0 and say "not implemented"."""

from __future__ import annotations

import pytest

from tests.harness import ROOT, grade

SOLVED = sorted(p.stem for p in (ROOT / "solutions").glob("hw[0-9][0-9]_*.py"))


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    return grade([ROOT / "solutions"], tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory):
    return grade([ROOT / "assignments"], tmp_path_factory.mktemp("stubs"))


def test_reference_scores_full_marks(reference_run):
    result = reference_run.results["solutions"]
    graded = set(result["extra_data"]["problems"])
    assert graded == set(SOLVED), "every solved problem is graded"
    failed = [(t["name"], t["output"]) for t in result["tests"] if t["status"] != "passed"]
    assert not failed
    assert result["score"] == pytest.approx(10 * len(SOLVED))
    assert reference_run.returncode == 0


def test_stubs_score_zero_and_say_not_implemented(stub_run):
    result = stub_run.results["assignments"]
    assert set(result["extra_data"]["problems"]) == set(SOLVED)
    assert result["score"] == 0
    for test in result["tests"]:
        assert test["output"].startswith("尚未实现 / not implemented yet"), (test["name"], test["output"])
    assert "INTERNALERROR" not in stub_run.stdout
    assert "尚未实现 / not implemented yet" in stub_run.stdout
