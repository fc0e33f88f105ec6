"""Self-tests keep the grader's per-user state (last run, hints seen) in a temporary folder,
never in the machine's ``~/.local/state``: every grading subprocess inherits it. The corpus
of variants and mutants is graded once per session, for every test that reads it."""

from __future__ import annotations

import os

import pytest

from tests import corpus as corpus_module


@pytest.fixture(scope="session", autouse=True)
def private_state_home(tmp_path_factory):
    previous = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state-home"))
    yield
    if previous is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = previous


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, private_state_home) -> corpus_module.Corpus:
    folder = tmp_path_factory.mktemp("corpus") / "class"
    entries = corpus_module.build(folder)
    run = corpus_module.grade(folder, tmp_path_factory.mktemp("corpus-results"), entries)
    return corpus_module.Corpus(run, entries)
