"""hw10 第十题, instructor-only checks: edge sizes, long sequences, and an LSTM that is a
function of its arguments (no state carried between calls, inputs left unchanged).

Oracles: ``torch.nn.LSTM`` in the judge (see ``grader/test_hw10_lstm.py``).
"""

from __future__ import annotations

import pytest

from grader.judging.checks import expect_close
from grader.judging.outcomes import StudentError
from grader.problems.hw10_lstm.test_hw10_lstm import (ATOL, RTOL, Batch, _default_state_failure, describe_seq, expect_loaded,
                                   lstm_case, no_oracle, oracle_lstm, to, worker_batch)

pytestmark = [pytest.mark.problem("hw10_lstm"), pytest.mark.hidden]


@pytest.mark.points(0.5)
def test_edge_sizes_and_a_long_sequence(student, device):
    """LSTM: N=1, H=1, input_size=1, T=1, and T=40 (gradients through 40 steps) equal nn.LSTM's"""
    no_oracle(student, "LSTM")
    shapes = [dict(input=1, hidden=1, n=1, t=1), dict(input=1, hidden=3, n=1, t=5),
              dict(input=4, hidden=1, n=3, t=2), dict(input=3, hidden=2, n=2, t=40)]
    batch = Batch(student, device)
    for seed, sz in enumerate(shapes, start=201):
        case = lstm_case(seed, sz=sz)
        batch.lstm(case, grads=True, what=f"{describe_seq(case)}")
        batch.lstm(case, state=False, what=f"{describe_seq(case)}, state=None")
    batch.run()


@pytest.mark.points(0.5)
def test_no_state_kept_between_calls(student, device):
    """LSTM: calling twice gives the same result (no state carried over), and x, h_0, c_0 are left unchanged"""
    no_oracle(student, "LSTM")
    jobs, checks = [], []
    for seed, given in ((211, False), (212, True)):
        case = lstm_case(seed)
        w, x = case["weights"], case["x"]
        st = case["state"] if given else None
        jobs.append(("lstm", dict(weights=to(w, device), x=to(x, device), state=to(st, device), calls=2)))
        checks.append((case, w, x, st, oracle_lstm(w, x, st),
                       f"{describe_seq(case)}, {'state=(h_0, c_0)' if given else 'state=None'}"))
    label = checks[0][-1] + " (+1 more / 等), called twice"
    try:
        gots = student.run(worker_batch, jobs, describe=label)
    except StudentError as err:
        _default_state_failure(err, label)  # the first case has state=None
        raise
    for got, (case, w, x, st, truth, what) in zip(gots, checks):
        expect_loaded(got, w, what)
        for key in ("output", "h_n", "c_n"):
            expect_close(got["first"][key], truth[key].to(device), f"{what}, 1st call: {key}",
                         atol=ATOL, rtol=RTOL)
            expect_close(got[key], truth[key].to(device), f"{what}, 2nd call (第二次调用): {key}",
                         atol=ATOL, rtol=RTOL)
        inputs = {"x": x, **({} if st is None else {"h0": st[0], "c0": st[1]})}
        for key, value in inputs.items():
            expect_close(got["inputs_after"][key], value.to(device),
                         f"{what}: {key} 在调用后被修改 / {key} was modified in place", atol=0, rtol=0)
