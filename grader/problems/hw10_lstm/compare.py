"""hw10_lstm, judge side: a check's cases as jobs, run in the worker in one round trip
(``in_worker.run_jobs``) and compared with the oracles (``oracles.py``) here.

    jobs = [compare.cell_job(oracles.cell_case(101), device, given_state=False)]
    compare.run_and_check(student, jobs)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from grader.judging.checks import (expect, expect_close, expect_dtype, expect_equal, expect_keys, expect_type,
                                   expect_unchanged, fail)
from grader.judging.outcomes import StudentError
from grader.judging.wording import say
from grader.problems.hw10_lstm import in_worker, oracles
from grader.problems.hw10_lstm.oracles import DTYPE, Case

ATOL, RTOL = 1e-9, 1e-7  # float64 throughout: a correct implementation is far inside


@dataclass
class Job:
    """One case of a check: what the worker runs (``kind``, ``args``) and what must come back."""

    kind: str                 # "cell" | "gates" | "lstm": in_worker.run_<kind>
    what: str                 # how messages name the case
    args: dict                # the worker function's keyword arguments, on the device
    weights: dict             # the parameters the student's cell must hold (nn.LSTMCell's)
    expected: dict            # output name -> oracle tensor, on the device
    labels: dict = field(default_factory=dict)  # output name -> how messages name it
    grads: dict | None = None  # leaf name -> oracle gradient, when the check is about them
    default_state: bool = False  # state=None: an error about devices or dtypes gets explained
    dtype: torch.dtype | None = None  # the outputs' dtype, when the check is about it
    atol: float = ATOL
    rtol: float = RTOL

    def label(self, key: str) -> str:
        return self.labels.get(key, f"{self.what}: {key}")


def to(value, device, dtype=None):
    """Tensors, also inside tuples and dicts, moved to ``device`` (and ``dtype``)."""
    if isinstance(value, torch.Tensor):
        return value.to(device=device, dtype=dtype or value.dtype)
    if isinstance(value, tuple):
        return tuple(to(v, device, dtype) for v in value)
    if isinstance(value, dict):
        return {k: to(v, device, dtype) for k, v in value.items()}
    return value


def _state_text(given: bool, sequence: bool) -> str:
    return ("state=(h_0, c_0) [1, N, H]" if sequence else "state=(h, c)") if given else "state=None"


def cell_job(case: Case, device, *, given_state: bool = True, grads: bool = False, dtype=DTYPE,
             check_dtype: bool = False, atol: float = ATOL, rtol: float = RTOL, what: str = "") -> Job:
    """``LSTMCell`` against ``nn.LSTMCell`` (inputs cast to ``dtype``; the oracle stays float64)."""
    truth = oracles.cell(case, given_state=given_state, grads=grads)
    args = {"weights": case.weights, "x": case.x, "state": case.state if given_state else None,
            "proj": case.proj if grads else None}
    return Job("cell", what or f"{case.describe()}, {_state_text(given_state, False)}", to(args, device, dtype),
               case.weights, to({"h_t": truth["h"], "c_t": truth["c"]}, device), grads=to(truth.get("grads"), device),
               default_state=not given_state, dtype=dtype if check_dtype else None, atol=atol, rtol=rtol)


def lstm_job(case: Case, device, *, given_state: bool = True, grads: bool = False, dtype=DTYPE,
             check_dtype: bool = False, atol: float = ATOL, rtol: float = RTOL, calls: int = 1,
             what: str = "") -> Job:
    """``LSTM`` against ``nn.LSTM`` (``batch_first`` passed only when it is not the default)."""
    truth = oracles.lstm(case, given_state=given_state, grads=grads)
    args = {"weights": case.weights, "x": case.x, "state": case.state if given_state else None,
            "proj": case.proj if grads else None}
    args = {**to(args, device, dtype), "batch_first": None if case.batch_first else False, "calls": calls}
    flag = "" if case.batch_first else ", batch_first=False"
    return Job("lstm", what or f"{case.describe()}{flag}, {_state_text(given_state, True)}", args, case.weights,
               to({k: truth[k] for k in ("output", "h_n", "c_n")}, device), grads=to(truth.get("grads"), device),
               default_state=not given_state, dtype=dtype if check_dtype else None, atol=atol, rtol=rtol)


def gates_job(weights: dict, x: torch.Tensor, state, device, *, what: str, expected: dict,
              notes: dict | None = None) -> Job:
    """``gate_values`` against ``expected`` (``oracles.gates``); ``notes`` say why, per key."""
    labels = {k: f"{what}[{k!r}]" + (f" ({notes[k]})" if notes and k in notes else "") for k in expected}
    return Job("gates", what, to({"weights": weights, "x": x, "state": state}, device), weights,
               to(expected, device), labels=labels, default_state=state is None)


# -- running ------------------------------------------------------------------------------------

def explain_default_state(err: StudentError, what: str) -> None:
    """An error about devices or dtypes with state=None: the zero state was not made like x."""
    text = f"{err.exc_type}: {err.message}".lower()
    if any(k in text for k in ("device", "dtype", "scalar type")):
        fail(f"{what}: state=None 时的零初始状态必须和输入 x 有相同的 dtype 和 device "
             f"(例如 x.new_zeros(...) 或 torch.zeros(..., dtype=x.dtype, device=x.device))",
             f"{what}: with state=None the zero state must have the input's dtype and device "
             f"(x.new_zeros(...) or torch.zeros(..., dtype=x.dtype, device=x.device))",
             err.report())


def run(student, jobs: list[Job]) -> list[dict]:
    """All ``jobs`` in one round trip; a failure is reported for the job that raised it."""
    failing: list[Job] = []

    def label(reply: dict) -> str:
        index = reply.get("index")
        failing[:] = [jobs[index]] if isinstance(index, int) and 0 <= index < len(jobs) else []
        return failing[0].what if failing else jobs[0].what + (f" (+{len(jobs) - 1})" if len(jobs) > 1 else "")

    try:
        return student.run(in_worker.run_jobs, [(j.kind, j.args) for j in jobs], describe=label)
    except StudentError as err:
        if failing and failing[0].default_state:
            explain_default_state(err, failing[0].what)
        raise


# -- comparing ----------------------------------------------------------------------------------

def expect_cell_loaded(got: dict, job: Job) -> None:
    """The student's cell has nn.LSTMCell's parameters (names and shapes), and forward's result
    has the contract's structure."""
    if "no_cell" in got:
        fail(f"{job.what}: LSTM 应有属性 cell (一个 LSTMCell), 你的是 {got['no_cell']}",
             f"{job.what}: the LSTM must have a .cell (an LSTMCell), yours is {got['no_cell']}")
    want = {n: tuple(w.shape) for n, w in job.weights.items()}
    expect_equal(got["shapes"], want, f"{job.what}: LSTMCell parameters (as nn.LSTMCell's)")
    if "bias_ih" not in want:
        expect_equal(got["parameters"], sorted(want), f"{job.what}: LSTMCell(bias=False) parameters")
    expect(got["loaded"] is True, f"{job.what}: 无法把权重复制进你的 LSTMCell",
           f"{job.what}: the weights could not be copied into your LSTMCell")
    if "returned" in got:
        wanted = {"cell": "(h_t, c_t)", "lstm": "(output, (h_n, c_n))"}.get(job.kind, "dict")
        fail(*say("type", what=f"{job.what}: forward", expected=wanted, got=got["returned"]))


def expect_outputs(outputs, job: Job, prefix: str = "") -> None:
    if isinstance(outputs, str):  # gate_values returned something else than a dict
        fail(*say("type", what=job.what, expected="dict", got=outputs))
    expect_keys(outputs, list(job.expected), job.what)
    for key, expected in job.expected.items():
        expect_close(outputs[key], expected, prefix + job.label(key), atol=job.atol, rtol=job.rtol)
        if job.dtype is not None:
            expect_dtype(outputs[key], job.dtype, prefix + job.label(key))


def expect_grads(got: dict, job: Job) -> None:
    grads = got.get("grads")
    expect(grads != "detached",
           f"{job.what}: 输出与权重和输入之间没有计算图 (用了 detach / no_grad / .data?)",
           f"{job.what}: the outputs are not connected to the weights and inputs (detach / no_grad / .data?)")
    expect_type(grads, dict, f"{job.what}: gradients")
    for key, expected in job.grads.items():
        expect(grads.get(key) is not None, f"{job.what}: 梯度没有传到 {key}",
               f"{job.what}: no gradient reaches {key}")
        expect_close(grads[key], expected, f"{job.what}: ∂loss/∂{key}", atol=job.atol, rtol=job.rtol)


def check(job: Job, got: dict) -> None:
    expect_cell_loaded(got, job)
    expect_outputs(got["outputs"], job)
    if job.grads is not None:
        expect_grads(got, job)


def run_and_check(student, jobs: list[Job]) -> list[dict]:
    gots = run(student, jobs)
    for job, got in zip(jobs, gots):
        check(job, got)
    return gots


def expect_inputs_unchanged(got: dict, job: Job) -> None:
    """x, h_0 and c_0 are what they were before the calls (bit for bit)."""
    before = {"x": job.args["x"]}
    if job.args["state"] is not None:
        before["h0"], before["c0"] = job.args["state"]
    for key, value in before.items():
        expect_unchanged(value, got["inputs_after"][key], f"{job.what}: {key}")
