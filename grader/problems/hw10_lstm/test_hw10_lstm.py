"""hw10_lstm 第十题: an LSTM built from its gates.

Oracles (``oracles.py``, in the judge, CPU, float64): ``torch.nn.LSTMCell`` / ``torch.nn.LSTM``
loaded with the student's weights (outputs, final states, gradients of a fixed random
projection w.r.t. the inputs, the states and every weight), the notes' gate formulas, and
weights that drive the gates to 0 or 1. torch's own LSTMs are refused by the problem's
policy (its manifest), however they are reached: no check has to ask.
"""

from __future__ import annotations

import pytest
import torch

from grader.problems.hw10_lstm import compare, oracles
from grader.problems.hw10_lstm.compare import cell_job, gates_job, lstm_job

pytestmark = pytest.mark.problem("hw10_lstm")


@pytest.mark.points(1.5)
def test_cell_matches_nn_lstmcell(student, device):
    """LSTMCell: h_t and c_t equal nn.LSTMCell's with the same weights (given state and state=None)"""
    compare.run_and_check(student, [cell_job(oracles.cell_case(seed), device, given_state=given)
                                    for seed in (101, 102, 103) for given in (True, False)])


@pytest.mark.points(1)
def test_cell_gradients_match(student, device):
    """LSTMCell: gradients w.r.t. x, h, c and every weight equal nn.LSTMCell's"""
    compare.run_and_check(student, [cell_job(oracles.cell_case(seed), device, grads=True) for seed in (111, 112)])


@pytest.mark.points(0.5)
def test_cell_without_bias(student, device):
    """LSTMCell(bias=False): only weight_ih and weight_hh, and equals nn.LSTMCell(bias=False), gradients too"""
    cases = [oracles.cell_case(seed, bias=False) for seed in (121, 122)]
    jobs = [cell_job(case, device, grads=True, what=f"{case.describe()}, bias=False") for case in cases]
    jobs.append(cell_job(cases[-1], device, given_state=False, what=f"{cases[-1].describe()}, bias=False, state=None"))
    compare.run_and_check(student, jobs)


@pytest.mark.points(1)
def test_gate_values_follow_the_formulas(student, device):
    """gate_values: i, f, o = σ(…), g = tanh(…), c = f⊙c + i⊙g, h = o⊙tanh(c), gate order i, f, g, o"""
    jobs = []
    for seed in (131, 132):
        case = oracles.cell_case(seed)
        for given, state, text in ((True, case.state, "(h, c)"), (False, None, "None")):
            jobs.append(gates_job(case.weights, case.x, state, device, expected=oracles.gates(case, given_state=given),
                                  what=f"{case.describe()}: gate_values(cell, x, {text})"))
    compare.run_and_check(student, jobs)


@pytest.mark.points(0.5)
def test_gates_control_the_memory(student, device):
    """gate_values with driven gates: f=1, i=0 keeps c; o=0 gives h=0; f=0, i=1, o=1 gives c=g, h=tanh(g)"""
    jobs = [gates_job(d.weights, d.x, d.state, device, what=f"gate_values({d.label})",
                      expected={k: v for k, (_, v) in d.expected.items()},
                      notes={k: why for k, (why, _) in d.expected.items()})
            for d in oracles.driven_gates(141)]
    compare.run_and_check(student, jobs)


@pytest.mark.points(1.5)
def test_lstm_matches_nn_lstm(student, device):
    """LSTM (batch_first=True): output [N, T, H] and (h_n, c_n) [1, N, H] equal nn.LSTM's (given state and None)"""
    compare.run_and_check(student, [lstm_job(oracles.lstm_case(seed), device, given_state=given)
                                    for seed in (151, 152, 153) for given in (True, False)])


@pytest.mark.points(1)
def test_lstm_gradients_match(student, device):
    """LSTM: gradients w.r.t. x, h_0, c_0 and the cell's weights equal nn.LSTM's (backprop through time)"""
    compare.run_and_check(student, [lstm_job(oracles.lstm_case(seed), device, grads=True) for seed in (161, 162)])


@pytest.mark.points(0.5)
def test_lstm_batch_first_false(student, device):
    """LSTM(batch_first=False): x [T, N, input], output [T, N, H], equal to nn.LSTM(batch_first=False)"""
    jobs = []
    for seed in (171, 172):
        case = oracles.lstm_case(seed, batch_first=False)
        jobs += [lstm_job(case, device, grads=True), lstm_job(case, device, given_state=False)]
    compare.run_and_check(student, jobs)


@pytest.mark.points(0.5)
def test_default_state_follows_input_dtype(student, device):
    """state=None: zeros of the input's dtype: float64 in, float64 out; float32 in, float32 out"""
    jobs = []
    for dtype, atol, rtol in ((torch.float64, compare.ATOL, compare.RTOL), (torch.float32, 1e-5, 1e-4)):
        name = str(dtype).removeprefix("torch.")
        kwargs = dict(given_state=False, dtype=dtype, check_dtype=True, atol=atol, rtol=rtol)
        case = oracles.cell_case(181)
        jobs.append(cell_job(case, device, what=f"{case.describe()}, {name} x, state=None", **kwargs))
        case = oracles.lstm_case(182)
        jobs.append(lstm_job(case, device, what=f"{case.describe()}, {name} x, state=None", **kwargs))
    compare.run_and_check(student, jobs)


@pytest.mark.cuda
@pytest.mark.points(1)
def test_runs_on_cuda(student):
    """on CUDA: LSTMCell, gate_values and LSTM keep everything on the GPU (state=None too) and match"""
    cuda = torch.device("cuda")
    cell, seq = oracles.cell_case(191), oracles.lstm_case(192)
    compare.run_and_check(student, [
        cell_job(cell, cuda, grads=True, what=f"CUDA: {cell.describe()}"),
        cell_job(cell, cuda, given_state=False, what=f"CUDA: {cell.describe()}, state=None"),
        gates_job(cell.weights, cell.x, None, cuda, expected=oracles.gates(cell, given_state=False),
                  what=f"CUDA: {cell.describe()}: gate_values(cell, x, None)"),
        lstm_job(seq, cuda, grads=True, what=f"CUDA: {seq.describe()}"),
        lstm_job(seq, cuda, given_state=False, what=f"CUDA: {seq.describe()}, state=None"),
    ])
