"""hw11, judge side: the problems the checks pose and what torch's own optimisers do on them.

Every expected value here comes from ``torch.optim.SGD`` / ``torch.optim.Adam`` run in
the judge on the same problem the worker ran (``in_worker.follow``), and every tolerance
from how much torch's own float32 run strays from its float64 run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import torch

from grader.judging.checks import expect_close, expect_close_number, expect_keys, expect_len, expect_tensor
from grader.problems.hw11_optimizers import in_worker

SHAPES = ((1,), (5,), (3, 4), (2, 3, 2))
# Closeness of a submission's trajectory to torch's, by dtype (absolute, relative):
# several hundred roundings of an equivalent formula, far below any wrong update rule.
TOLERANCE = {"float32": (2e-5, 2e-4), "float64": (1e-10, 1e-8)}
# A compare_optimizers curve may stray from torch's float64 curve this many times as far
# as torch's own float32 curve does (a float32 submission is as right as a float64 one).
CURVE_SLACK, CURVE_FLOOR = 10.0, 1e-6


@dataclass(frozen=True)
class Problem:
    """One optimisation problem: which optimiser, its hyper-parameters, the parameters' shapes."""

    optimizer: str                       # "SGD" | "Adam"
    kwargs: dict                         # constructor arguments
    dtype: str = "float64"
    shapes: tuple = ((5,), (3, 4))
    groups: tuple | None = None          # ({"params": (0,), "lr": …}, …): parameter groups
    steps: int = 40
    closure: bool = False
    idle: tuple = ()                     # per parameter: steps without a gradient
    restart_at: int | None = None        # state_dict round trip after this step
    seed: int = 0
    notes: tuple = field(default=(), compare=False)

    def spec(self) -> dict:
        """The plain-data problem ``in_worker.follow`` runs (tensors drawn from ``seed``)."""
        gen = torch.Generator().manual_seed(self.seed)
        dtype = getattr(torch, self.dtype)
        draw = [(torch.randn(s, generator=gen, dtype=torch.float64),
                 0.2 + 1.8 * torch.rand(s, generator=gen, dtype=torch.float64),
                 torch.randn(s, generator=gen, dtype=torch.float64)) for s in self.shapes]
        return {"optimizer": self.optimizer, "dtype": self.dtype,
                "init": [d[0].to(dtype) for d in draw], "scale": [d[1].to(dtype) for d in draw],
                "centre": [d[2].to(dtype) for d in draw],
                "groups": None if self.groups is None else [{**g, "params": list(g["params"])} for g in self.groups],
                "kwargs": dict(self.kwargs), "steps": self.steps, "closure": self.closure,
                "idle": [list(self.idle[i]) if i < len(self.idle) else [] for i in range(len(self.shapes))],
                "restart_at": self.restart_at}

    def label(self) -> str:
        args = ", ".join(f"{k}={_short(v)}" for k, v in self.kwargs.items())
        text = f"{self.optimizer}({args}) {self.dtype}, shapes {list(self.shapes)}"
        if self.groups is not None:
            text += ", groups " + "; ".join(
                ", ".join(f"{k}={_short(v)}" for k, v in g.items()) for g in self.groups)
        return text + "".join(f", {n}" for n in self.notes)


def _short(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else repr(value)


# -- the problems ------------------------------------------------------------------------

def _sgd_hyper(rng: random.Random, feature: str) -> dict:
    hyper = {"lr": round(rng.uniform(0.02, 0.2), 4),
             "weight_decay": rng.choice([0.0, 0.01, 0.1])}
    if feature in ("momentum", "nesterov"):
        hyper["momentum"] = rng.choice([0.5, 0.8, 0.9, 0.95])
    if feature == "momentum":
        hyper["dampening"] = rng.choice([0.0, 0.1, 0.5])
    if feature == "nesterov":
        hyper["nesterov"] = True
    return hyper


def _adam_hyper(rng: random.Random) -> dict:
    return {"lr": round(rng.uniform(0.005, 0.1), 4),
            "betas": (rng.choice([0.8, 0.9, 0.95]), rng.choice([0.99, 0.999])),
            "eps": rng.choice([1e-8, 1e-6, 1e-3, 0.1]), "weight_decay": rng.choice([0.0, 0.01, 0.1])}


def _shapes(rng: random.Random, shapes: tuple) -> tuple:
    return tuple(rng.sample(shapes, rng.randint(2, 3)))


def sgd_problems(seed: int, n: int, feature: str, shapes: tuple = SHAPES) -> list[Problem]:
    """``feature``: "plain" (lr, weight decay), "momentum" (+ momentum, dampening) or "nesterov"."""
    rng = random.Random(seed)
    return [Problem("SGD", _sgd_hyper(rng, feature), dtype=("float32", "float64")[i % 2],
                    shapes=_shapes(rng, shapes), steps=rng.randint(20, 30), seed=seed * 1000 + i)
            for i in range(n)]


def adam_problems(seed: int, n: int, defaults: bool = False, shapes: tuple = SHAPES) -> list[Problem]:
    """With ``defaults`` only ``lr`` is given: betas, eps and weight decay are the contract's defaults."""
    rng = random.Random(seed)
    problems = []
    for i in range(n):
        hyper = _adam_hyper(rng)
        problems.append(Problem("Adam", {"lr": hyper["lr"]} if defaults else hyper,
                                dtype=("float32", "float64")[i % 2], shapes=_shapes(rng, shapes),
                                steps=rng.randint(20, 30), seed=seed * 1000 + i))
    return problems


def group_problems(seed: int) -> list[Problem]:
    """Three parameter groups each, with their own hyper-parameters; a key a group leaves
    out comes from the constructor's arguments."""
    rng = random.Random(seed)
    problems = []
    for i, (optimizer, feature) in enumerate((("SGD", "momentum"), ("SGD", "nesterov"), ("Adam", ""))):
        hyper = (lambda: _sgd_hyper(rng, feature)) if optimizer == "SGD" else (lambda: _adam_hyper(rng))
        defaults, groups = hyper(), []
        for index in range(3):
            own = hyper()
            if index == 2:  # this group keeps the constructor's defaults for everything but lr
                own = {"lr": own["lr"]}
            groups.append({"params": (index,), **own})
        problems.append(Problem(optimizer, defaults, shapes=((4,), (2, 3), (3,)), groups=tuple(groups),
                                steps=25, seed=seed * 1000 + i))
    return problems


def closure_problems(seed: int) -> list[Problem]:
    """``step(closure)``, and parameters that go without a gradient now and then (their
    values and their state must stay as they are)."""
    rng = random.Random(seed)
    idle = ((), tuple(range(0, 25, 3)), tuple(range(5, 25, 2)))  # parameter 0 always has a gradient
    problems = []
    for i, (optimizer, hyper) in enumerate((("SGD", _sgd_hyper(rng, "momentum")), ("Adam", _adam_hyper(rng)))):
        problems.append(Problem(optimizer, hyper, shapes=((3,), (2, 2), (5,)), steps=25, closure=True,
                                idle=idle, seed=seed * 1000 + i, notes=("step(closure)",)))
        problems.append(Problem(optimizer, hyper, dtype="float32", shapes=((3,), (2, 2), (5,)), steps=25,
                                idle=idle, seed=seed * 1000 + 10 + i, notes=("parameters without gradients",)))
    return problems


# -- torch's answers -----------------------------------------------------------------------

def expected(problem: Problem, device: str = "cpu") -> dict:
    """What ``torch.optim`` does on ``problem`` (run here, in the judge)."""
    return in_worker.follow(getattr(torch.optim, problem.optimizer), problem.spec(), device)


def check_runs(student, problems: list[Problem], device) -> None:
    """The submission's runs of ``problems`` (one request) follow torch's."""
    got = student.run(in_worker.trajectories, [p.spec() for p in problems], str(device),
                      describe=f"{len(problems)} problems ({problems[0].label()}, …)")
    expect_len(got, len(problems), "trajectories")
    for problem, run in zip(problems, got):
        expect_same_run(run, expected(problem, str(device)), problem)


def expect_same_run(got, want: dict, problem: Problem) -> None:
    """The submission's run of ``problem`` follows torch's, step by step (the first step
    that differs is the one reported)."""
    what = problem.label()
    expect_keys(got, ["trajectory", "returned"], what)
    trajectory = expect_tensor(got["trajectory"], what, shape=want["trajectory"].shape, floating=True)
    atol, rtol = TOLERANCE[problem.dtype]
    truth = want["trajectory"]
    close = torch.isclose(trajectory.detach().cpu().double(), truth.double(), atol=atol, rtol=rtol).all(dim=1)
    if not bool(close.all()):
        step = int((~close).nonzero()[0])
        expect_close(trajectory[step], truth[step], f"{what}: parameters after step {step + 1}",
                     atol=atol, rtol=rtol, check_device=False)
    if problem.closure:
        expect_len(got["returned"], len(want["returned"]), f"{what}: values returned by step(closure)")
        for step, (value, loss) in enumerate(zip(got["returned"], want["returned"])):
            expect_close_number(value, float(loss), f"{what}: step {step + 1} returned",
                                rel=rtol, abs_tol=atol, why="closure() 的损失 / the closure's loss")


# -- compare_optimizers -----------------------------------------------------------------------

SCALES = (100.0, 1.0)


def quadratic_curves(steps: int, lr_sgd: float, lr_adam: float, dtype: torch.dtype = torch.float64) -> dict:
    """torch's SGD and Adam on f(w) = ½·Σ s_k·w_k² from w = (1, 1): the loss before each step."""
    scales = torch.tensor(SCALES, dtype=dtype)
    curves = {}
    for name, make in (("sgd", lambda w: torch.optim.SGD([w], lr=lr_sgd)),
                       ("adam", lambda w: torch.optim.Adam([w], lr=lr_adam))):
        w = torch.ones(2, dtype=dtype, requires_grad=True)
        optimizer, losses = make(w), []
        for _ in range(steps):
            with torch.no_grad():
                losses.append(float(0.5 * (scales * w * w).sum()))
                w.grad = scales * w
            optimizer.step()
        curves[name] = losses
    return curves


@dataclass(frozen=True)
class CurveOracle:
    curves: dict          # torch, float64
    tolerance: dict       # relative, per curve


def curve_oracle(steps: int = 200, lr_sgd: float = 0.01, lr_adam: float = 0.1) -> CurveOracle:
    """torch's curves, and how far a correct float32 run strays from them (relative)."""
    exact = quadratic_curves(steps, lr_sgd, lr_adam)
    single = quadratic_curves(steps, lr_sgd, lr_adam, torch.float32)
    tolerance = {name: max(CURVE_FLOOR, CURVE_SLACK * max(
        abs(a - b) / abs(b) for a, b in zip(single[name], exact[name]) if math.isfinite(a)))
        for name in exact}
    return CurveOracle(exact, tolerance)
