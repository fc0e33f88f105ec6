"""pytest's entry to the grader plugin (``pytest grader/``): see grader/plugin/."""

import pytest

from grader.plugin.options import pytest_addoption  # noqa: F401 - the options exist even without torch
from grader.tools.cli import NO_TORCH, torch_installed

if torch_installed():
    from grader.plugin.hooks import *  # noqa: F401,F403 - pytest finds hooks and fixtures by name
else:  # say so plainly, before anything needs it
    def pytest_configure(config: pytest.Config) -> None:
        pytest.exit(NO_TORCH, returncode=4)
