"""hw10_lstm 第十题, instructor-only checks: edge sizes, a long sequence, and an LSTM that is a
function of its arguments (no state carried between calls, inputs left unchanged).

Oracles: ``torch.nn.LSTM`` in the judge (``grader/problems/hw10_lstm/oracles.py``).
"""

from __future__ import annotations

import pytest

from grader.problems.hw10_lstm import compare, oracles
from grader.problems.hw10_lstm.compare import lstm_job
from grader.problems.hw10_lstm.oracles import Sizes

pytestmark = [pytest.mark.problem("hw10_lstm"), pytest.mark.hidden]


@pytest.mark.points(0.5)
def test_edge_sizes_and_a_long_sequence(student, device):
    """LSTM: N=1, H=1, input_size=1, T=1, and T=40 (gradients through 40 steps) equal nn.LSTM's"""
    shapes = [Sizes(input=1, hidden=1, n=1, t=1), Sizes(input=1, hidden=3, n=1, t=5),
              Sizes(input=4, hidden=1, n=3, t=2), Sizes(input=3, hidden=2, n=2, t=40)]
    jobs = []
    for seed, sizes in enumerate(shapes, start=201):
        case = oracles.lstm_case(seed, sizes=sizes)
        jobs += [lstm_job(case, device, grads=True), lstm_job(case, device, given_state=False)]
    compare.run_and_check(student, jobs)


@pytest.mark.points(0.5)
def test_no_state_kept_between_calls(student, device):
    """LSTM: calling twice gives the same result (no state carried over), and x, h_0, c_0 are left unchanged"""
    jobs = [lstm_job(oracles.lstm_case(seed), device, given_state=given, calls=2)
            for seed, given in ((211, False), (212, True))]
    for job, got in zip(jobs, compare.run(student, jobs)):
        compare.expect_cell_loaded(got, job)
        compare.expect_outputs(got["first"], job, prefix="1st call / 第一次调用: ")
        compare.expect_outputs(got["outputs"], job, prefix="2nd call / 第二次调用: ")
        compare.expect_inputs_unchanged(got, job)
