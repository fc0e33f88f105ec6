"""assignments/ is generated from solutions/ and must not drift."""

from __future__ import annotations

import pytest

from grader.tools.stubs import MarkerError, expected_stubs, make_stub
from tests.harness import ROOT


def test_every_solution_has_a_stub_in_sync():
    expected = expected_stubs(ROOT)
    assert expected, "no solutions found"
    for path, text in expected.items():
        assert path.exists(), f"missing {path.name}: run python -m grader.tools.stubs"
        assert path.read_text(encoding="utf-8") == text, f"{path.name} drifted: run python -m grader.tools.stubs"


def test_stubs_keep_no_solution_code():
    for path, text in expected_stubs(ROOT).items():
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert "raise NotImplementedError" in text
        compile(text, str(path), "exec")


def test_regions_become_placeholders():
    source = 'def f(x):\n    """doc"""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n'
    stub = make_stub(source)
    assert stub == ('def f(x):\n    """doc"""\n    # 在这里写你的代码 / YOUR CODE HERE\n'
                    '    raise NotImplementedError\n')


@pytest.mark.parametrize("bad", ["### BEGIN SOLUTION\n", "### END SOLUTION\n",
                                 "### BEGIN SOLUTION\n### BEGIN SOLUTION\n"])
def test_unbalanced_markers_are_errors(bad):
    with pytest.raises(MarkerError):
        make_stub(bad)
