"""The reference scores full marks; the stubs score 0 and say "not implemented"; and the
sandbox changes neither (issue 9: no fair submission loses points to isolation)."""

from __future__ import annotations

import os

import pytest

from tests.harness import ROOT, grade

SOLVED = sorted(p.stem for p in (ROOT / "solutions").glob("hw[0-9][0-9]_*.py"))
BOTH = [ROOT / "solutions", ROOT / "assignments"]


@pytest.fixture(scope="module")
def isolated_run(tmp_path_factory):
    """Reference and stubs in one run, isolation as the grader decides (on where root)."""
    return grade(BOTH, tmp_path_factory.mktemp("isolated"))


@pytest.fixture(scope="module")
def unisolated_run(tmp_path_factory):
    return grade(BOTH, tmp_path_factory.mktemp("unisolated"), extra=["--isolation", "off"])


def outcomes(result: dict) -> dict[str, tuple[str, float]]:
    return {t["name"]: (t["status"], t["score"]) for t in result["tests"]}


def test_reference_scores_full_marks(isolated_run):
    result = isolated_run.results["solutions"]
    graded = set(result["extra_data"]["problems"])
    assert graded == set(SOLVED), "every solved problem is graded"
    failed = [(t["name"], t["output"]) for t in result["tests"] if t["status"] != "passed"]
    assert not failed
    assert result["score"] == pytest.approx(10 * len(SOLVED))


def test_stubs_score_zero_and_say_not_implemented(isolated_run):
    result = isolated_run.results["assignments"]
    assert set(result["extra_data"]["problems"]) == set(SOLVED)
    assert result["score"] == 0
    for test in result["tests"]:
        assert test["output"].startswith("尚未实现 / not implemented yet"), (test["name"], test["output"])
    assert "INTERNALERROR" not in isolated_run.stdout
    assert "尚未实现 / not implemented yet" in isolated_run.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="isolation needs root; without it both runs are unisolated")
def test_isolation_is_on_and_named(isolated_run, unisolated_run):
    on = isolated_run.results["solutions"]["extra_data"]["isolation"]
    off = unisolated_run.results["solutions"]["extra_data"]["isolation"]
    assert on["mode"] == "auto" and "uid" in on["layers"], on
    assert off["mode"] == "off" and not off["layers"], off
    assert "隔离 Isolation" in isolated_run.stdout


@pytest.mark.parametrize("submission", ["solutions", "assignments"])
def test_isolation_changes_no_outcome(isolated_run, unisolated_run, submission):
    on, off = isolated_run.results[submission], unisolated_run.results[submission]
    assert outcomes(on) == outcomes(off)
    assert on["score"] == off["score"]
