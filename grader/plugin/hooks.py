"""The grader's pytest plugin, in one place for ``grader/conftest.py`` to load.

    pytest grader/                                  # grade assignments/
    pytest grader/ -k hw03                          # one problem
    pytest grader/ --submission DIR [--submission DIR2 ...] --grade-json out.json

Checks declare ``pytestmark = pytest.mark.problem("hwNN_name")`` and
``@pytest.mark.points(n)``; they talk to the submission through the ``student``
fixture (see ``grader/sandbox/student.py``).
"""

from __future__ import annotations

import pytest

from grader.plugin import session
from grader.plugin.fixtures import (data_dir, device, output_dir, pytest_runtest_setup, reference,  # noqa: F401
                                    student, submission)
from grader.plugin.options import pytest_addoption  # noqa: F401
from grader.plugin.scoring import (pytest_collection_modifyitems, pytest_report_teststatus,  # noqa: F401
                                   pytest_runtest_makereport, pytest_sessionfinish)
from grader.plugin.session import SUBMISSIONS
from grader.plugin.terminal import pytest_terminal_summary, quiet_short_summary  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    quiet_short_summary(config)
    session.start(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    session.stop(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    subs = metafunc.config.stash[SUBMISSIONS]
    if "submission" in metafunc.fixturenames and len(subs) > 1:
        metafunc.parametrize("submission", subs, ids=[s.name for s in subs],
                             indirect=True, scope="module")
