"""What a problem declares about itself: its manifest and its policy.

Each problem package (``grader/problems/<module>/__init__.py``) defines
``PROBLEM = Problem(...)``. The core reads only this: it never names a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """Oracles a submission must not use, optionally only while some of its functions run.

    ``code``: dotted modules, classes or functions whose Python code may not run
    (every function defined there is disabled in the worker, however it is reached).
    ``ops``: ATen operators (``"aten::lstm_cell"``) that may not run.
    ``names``: dotted names the static scan of the source rejects (aliases resolved).
    ``during``: the student's top-level functions the rule applies to; empty means
    the whole problem (the import and every call). ``ops=("*",)`` refuses every
    operator but ``allow_ops`` while they run.
    """

    code: tuple[str, ...] = ()
    ops: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    during: tuple[str, ...] = ()
    allow_ops: tuple[str, ...] = ()  # exceptions to ``ops=("*",)`` (e.g. "aten::detach")
    zh: str = "使用了禁止的参考实现"
    en: str = "used an oracle the problem asks you to implement yourself"


@dataclass(frozen=True)
class Policy:
    """Everything the worker enforces for one problem, in one place."""

    forbid: tuple[Rule, ...] = ()
    # Dotted callables whose calls are recorded while the student's code runs
    # (a check can then ask "did method 2 use make_grid?").
    record: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    module: str            # the contract's module name, e.g. "hw09_resnet"
    zh: str                # short Chinese title
    en: str                # short English title
    points: float = 10.0   # what the problem is worth; its checks' weights must sum to this
    bonus: bool = False    # bonus problems are reported apart from the homework's total
    budget_s: float = 30.0  # expected grading time on a 2-core CPU (reference), for the benchmark
    # The contract's public names: where the static scan starts for whole-problem rules.
    entry_points: tuple[str, ...] = ()
    policy: Policy = field(default_factory=Policy)

    @property
    def number(self) -> str:
        return self.module[:4]
