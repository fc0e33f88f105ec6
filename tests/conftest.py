"""Self-tests keep the grader's per-user state (last run, hints seen) in a temporary folder,
never in the machine's ``~/.local/state``: every grading subprocess inherits it."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_state_home(tmp_path_factory):
    previous = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state-home"))
    yield
    if previous is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = previous
