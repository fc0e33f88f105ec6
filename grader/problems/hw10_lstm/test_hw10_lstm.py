"""hw10 第十题: an LSTM built from its gates.

Oracles (all computed here, in the judge, on the CPU in float64):
- ``torch.nn.LSTMCell`` / ``torch.nn.LSTM`` loaded with the same weights as the
  student's cell / ``LSTM.cell``: outputs, final states, and the gradients of a fixed
  random projection of them w.r.t. the input, the initial state and every weight;
- the notes' gate formulas evaluated here from the weights (``gate_values``), and
  weights that drive the gates to 0 or 1, whose effect on c and h is known exactly.

Using the oracle is not an answer. Each check first reads the source (AST) of the
code it exercises and fails on ``nn.LSTM``, ``nn.LSTMCell``, ``torch.lstm``,
``torch.lstm_cell`` and their aliases (``torch._VF``, ``torch.ops.aten``,
``torch.ao.nn.quantizable``, …); while the student's code runs, the worker's guards
(``grader/problems.py``) plus a ``TorchFunctionMode`` installed here block the same
ops however they are reached.
"""

from __future__ import annotations

import ast
import functools
import random
import re

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.judging import static
from grader.judging.checks import expect, expect_close, fail
from grader.judging.outcomes import StudentError

pytestmark = pytest.mark.problem("hw10_lstm")

DTYPE = torch.float64
ATOL, RTOL = 1e-9, 1e-7
GATE_KEYS = ("input", "forget", "candidate", "output", "cell", "hidden")


# =============================================================================
# Using the oracle: the static half (judge side, on the source text)
# =============================================================================

# A dotted name that reaches torch and contains one of these parts is an oracle.
ORACLE_PARTS = frozenset({
    "LSTM", "LSTMCell", "lstm", "lstm_cell", "_VF", "_VariableFunctions",
    "_VariableFunctionsClass", "quantizable", "quantized_lstm", "quantized_lstm_cell",
    "_thnn_fused_lstm_cell", "_cudnn_rnn", "miopen_rnn", "mkldnn_rnn_layer", "_lstm_mps",
    # switching off the runtime guard below (a TorchFunctionMode)
    "DisableTorchFunction", "_disable_torch_function", "_pop_torch_function_stack",
})


def _torch_aliases(nodes) -> dict[str, str]:
    """Local name -> dotted torch path, from the imports among ``nodes``."""
    return {k: v for k, v in static.import_aliases(nodes).items() if v == "torch" or v.startswith("torch.")}


def _oracle_parts(text: str) -> set[str]:
    return set(text.replace("/", ".").split(".")) & ORACLE_PARTS


@functools.lru_cache(maxsize=32)
def oracle_uses(source: str, roots: tuple[str, ...]) -> tuple[str, ...]:
    """Where the code reachable from ``roots`` (top-level names) reaches an LSTM oracle.

    Scanned: the top-level functions and classes reachable from ``roots`` by name, and
    every other top-level statement except ``if __name__ == "__main__"`` (a self-test there
    may compare with nn.LSTM). An import alone is no use; a name it binds, used, is.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()  # the import fails, and every check with it, with Python's message
    defs, others = {}, []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif not static.is_main_guard(node):
            others.append(node)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo.extend(n.id for n in static.walk_code(defs[name]) if isinstance(n, ast.Name) and n.id in defs)
    scanned = others + [defs[n] for n in sorted(seen)]
    aliases = {k: v for k, v in _torch_aliases(scanned).items() if k not in defs}
    found = []
    for top in scanned:
        for node in static.walk_code(top):
            hit = None
            if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(getattr(node, "ctx", None), ast.Load):
                dotted = static.dotted_name(node, aliases, strict=True)
                if dotted and _oracle_parts(dotted):
                    hit = dotted
            elif isinstance(node, ast.Call):
                func = node.func
                fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if fname == "getattr" and len(node.args) >= 2:  # getattr(torch._VF, "lstm")
                    owner = static.dotted_name(node.args[0], aliases, strict=True)
                    name = node.args[1]
                    if owner and isinstance(name, ast.Constant) and isinstance(name.value, str) \
                            and _oracle_parts(f"{owner}.{name.value}"):
                        hit = f"getattr({owner}, {name.value!r})"
                elif fname in ("__import__", "import_module", "eval", "exec"):
                    words = {w for text in strings for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)}
                    if words & ORACLE_PARTS:
                        hit = f"{fname}({strings[0]!r})"
            if hit:
                found.append((getattr(node, "lineno", 0), hit))
    # one entry per use: drop ``torch._VF`` when ``torch._VF.lstm`` is on the same line
    found = sorted(set(found))
    return tuple(f"{hit} (line {line})" for line, hit in found
                 if not any(l2 == line and h2 != hit and h2.startswith(hit + ".") for l2, h2 in found))


def no_oracle(student, *roots: str) -> None:
    """Fail when the code behind ``roots`` calls torch's own LSTM (checked on the source)."""
    used = oracle_uses(student.source, tuple(roots))
    if used:
        listed = "; ".join(used[:5])
        fail(f"{'/'.join(roots)} 使用了 PyTorch 自带的 LSTM 实现 ({listed}); 请用门的公式自己实现",
             f"{'/'.join(roots)} uses PyTorch's own LSTM ({listed}); write the gate equations yourself")


# =============================================================================
# Using the oracle: the runtime half (worker side)
# =============================================================================

_ORACLE_OPS = frozenset({
    "lstm", "lstm_cell", "_thnn_fused_lstm_cell", "quantized_lstm", "quantized_lstm_cell",
    "_cudnn_rnn", "miopen_rnn", "mkldnn_rnn_layer", "_lstm_mps",
})
# Pure-Python LSTMs that torch ships besides nn.LSTM (same objects under torch.nn.quantizable).
_EXTRA_CLASSES = (
    "torch.ao.nn.quantizable.LSTM", "torch.ao.nn.quantizable.LSTMCell",
    "torch.ao.nn.quantized.dynamic.LSTM", "torch.ao.nn.quantized.dynamic.LSTMCell",
)
_guarded_extra = False


class _OracleWatch(TorchFunctionMode):
    """Blocks LSTM ops however they are reached: torch.*, torch._VF.*,
    torch._C._VariableFunctions.*, torch.ops.aten.* (the worker's name guards cannot
    replace the last three)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "") or ""
        if name.split(".")[0] in _ORACLE_OPS:
            from grader.sandbox.worker import ForbiddenUse

            raise ForbiddenUse(f"torch 的 LSTM 算子 {name} 是评分用的参考实现, 不能直接使用 / "
                               f"the LSTM op {name} is what the grader compares against; "
                               f"implement it yourself")
        return func(*args, **(kwargs or {}))


def _watch() -> _OracleWatch:
    global _guarded_extra
    if not _guarded_extra:
        from grader.sandbox.worker import install_guards

        install_guards(list(_EXTRA_CLASSES))
        _guarded_extra = True
    return _OracleWatch()


# =============================================================================
# Worker side: build the student's modules, load weights, run, differentiate
# =============================================================================

def _load(owner, weights: dict, like: torch.Tensor) -> dict:
    """Move ``owner`` (the student's cell) to ``like``'s dtype and device, copy the weights in.
    Returns the cell's parameter shapes (the judge checks them) and whether loading worked."""
    owner.to(device=like.device, dtype=like.dtype)
    shapes = {n: tuple(p.shape) for n, p in owner.named_parameters()}
    ok = all(isinstance(getattr(owner, n, None), torch.Tensor)
             and tuple(getattr(owner, n).shape) == tuple(w.shape) for n, w in weights.items())
    if ok:
        with torch.no_grad():
            for n, w in weights.items():
                getattr(owner, n).copy_(w)
    return {"shapes": shapes, "loaded": ok}


def _grads(out: dict, loss, leaves: dict) -> None:
    """Backward through the student's graph; record each leaf's gradient (None if unreached)."""
    if not (isinstance(loss, torch.Tensor) and loss.requires_grad):
        out["grads"] = "detached"
        return
    for leaf in leaves.values():
        leaf.grad = None
    loss.backward()
    out["grads"] = {k: (None if v.grad is None else v.grad) for k, v in leaves.items()}


def _pair(value) -> bool:
    return isinstance(value, (tuple, list)) and len(value) == 2


def _structure(value) -> str:
    """What a student's forward returned, in words, e.g. ``tuple(Tensor, Tensor, Tensor)``."""
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}({', '.join(_structure(v) for v in value[:4])}{', …' if len(value) > 4 else ''})"
    return type(value).__name__


def _shape_ok(t, like) -> bool:
    return isinstance(t, torch.Tensor) and tuple(t.shape) == tuple(like.shape)


def worker_cell(module, weights: dict, x, state=None, proj=None, bias: bool = True):
    """Build ``module.LSTMCell``, load ``weights``, run one step (and backward if ``proj``)."""
    with _watch():
        cell = module.LSTMCell(x.shape[-1], weights["weight_hh"].shape[1], **({} if bias else {"bias": False}))
        out = _load(cell, weights, x)
        if not out["loaded"]:
            return out
        x = x.clone().requires_grad_(proj is not None)
        leaves = {"x": x}
        if state is not None:
            h0, c0 = (s.clone().requires_grad_(proj is not None) for s in state)
            state = (h0, c0)
            leaves.update(h0=h0, c0=c0)
        result = cell(x, state) if state is not None else cell(x)
        if not _pair(result):
            out["returned"] = ("(h_t, c_t)", _structure(result))
            return out
        h, c = result
        out["h"], out["c"] = h, c
        if proj is not None and _shape_ok(h, proj[0]) and _shape_ok(c, proj[1]):
            leaves.update({n: getattr(cell, n) for n in weights})
            _grads(out, (h * proj[0]).sum() + (c * proj[1]).sum(), leaves)
    return out


def worker_gates(module, weights: dict, x, state=None):
    """``module.gate_values(cell, x, state)`` for a student's cell with ``weights``."""
    with _watch():
        cell = module.LSTMCell(x.shape[-1], weights["weight_hh"].shape[1])
        out = _load(cell, weights, x)
        if not out["loaded"]:
            return out
        with torch.no_grad():
            values = module.gate_values(cell, x, state) if state is not None else module.gate_values(cell, x)
        out["values"] = dict(values) if isinstance(values, dict) else type(values).__name__
    return out


def worker_lstm(module, weights: dict, x, state=None, proj=None, batch_first: bool | None = None,
                calls: int = 1):
    """Build ``module.LSTM``, load ``weights`` into ``.cell``, run (``calls`` times) and backward."""
    with _watch():
        hidden = weights["weight_hh"].shape[1]
        kwargs = {} if batch_first is None else {"batch_first": batch_first}
        lstm = module.LSTM(x.shape[-1], hidden, **kwargs)
        cell = getattr(lstm, "cell", None)
        if not isinstance(cell, nn.Module):
            return {"shapes": None, "loaded": False, "no_cell": True}
        lstm.to(device=x.device, dtype=x.dtype)
        out = _load(cell, weights, x)
        if not out["loaded"]:
            return out
        x_in = x.clone().requires_grad_(proj is not None)
        leaves = {"x": x_in}
        if state is not None:
            h0, c0 = (s.clone().requires_grad_(proj is not None) for s in state)
            state = (h0, c0)
            leaves.update(h0=h0, c0=c0)
        runs = []
        for _ in range(calls):
            result = lstm(x_in, state) if state is not None else lstm(x_in)
            if not (_pair(result) and _pair(result[1])):
                out["returned"] = ("(output, (h_n, c_n))", _structure(result))
                return out
            runs.append(result)
        output, (h_n, c_n) = runs[-1]
        out.update(output=output, h_n=h_n, c_n=c_n)
        if calls > 1:
            out["first"] = {"output": runs[0][0], "h_n": runs[0][1][0], "c_n": runs[0][1][1]}
        out["inputs_after"] = {"x": x_in.detach(), **({} if state is None else
                                                        {"h0": state[0].detach(), "c0": state[1].detach()})}
        if proj is not None and all(_shape_ok(t, p) for t, p in zip((output, h_n, c_n), proj)):
            leaves.update({n: getattr(cell, n) for n in weights})
            _grads(out, sum((t * p).sum() for t, p in zip((output, h_n, c_n), proj)), leaves)
    return out


# =============================================================================
# Judge side: cases, oracles, comparisons
# =============================================================================

def sizes(seed: int) -> dict:
    """input_size, hidden_size, N, T: all different, so that no transposition goes unseen."""
    rng = random.Random(seed)
    while True:
        s = dict(input=rng.randint(2, 7), hidden=rng.randint(2, 6), n=rng.randint(2, 5), t=rng.randint(3, 7))
        if len(set(s.values())) == 4:
            return s


def make_weights(gen: torch.Generator, input_size: int, hidden: int, bias: bool = True,
                 scale: float = 0.6) -> dict:
    w = {"weight_ih": torch.randn(4 * hidden, input_size, generator=gen, dtype=DTYPE) * scale,
         "weight_hh": torch.randn(4 * hidden, hidden, generator=gen, dtype=DTYPE) * scale}
    if bias:
        w["bias_ih"] = torch.randn(4 * hidden, generator=gen, dtype=DTYPE) * scale
        w["bias_hh"] = torch.randn(4 * hidden, generator=gen, dtype=DTYPE) * scale
    return w


def cell_case(seed: int, bias: bool = True) -> dict:
    s = sizes(seed)
    gen = torch.Generator().manual_seed(seed)
    n, h = s["n"], s["hidden"]
    return {"sizes": s, "weights": make_weights(gen, s["input"], h, bias),
            "x": torch.randn(n, s["input"], generator=gen, dtype=DTYPE),
            "state": (torch.randn(n, h, generator=gen, dtype=DTYPE) * 0.8,
                      torch.randn(n, h, generator=gen, dtype=DTYPE) * 1.5),
            "proj": (torch.randn(n, h, generator=gen, dtype=DTYPE), torch.randn(n, h, generator=gen, dtype=DTYPE))}


def lstm_case(seed: int, batch_first: bool = True, sz: dict | None = None) -> dict:
    s = sz or sizes(seed)
    gen = torch.Generator().manual_seed(seed)
    n, t, h = s["n"], s["t"], s["hidden"]
    seq = (n, t) if batch_first else (t, n)
    return {"sizes": s, "weights": make_weights(gen, s["input"], h),
            "x": torch.randn(*seq, s["input"], generator=gen, dtype=DTYPE),
            "state": (torch.randn(1, n, h, generator=gen, dtype=DTYPE) * 0.8,
                      torch.randn(1, n, h, generator=gen, dtype=DTYPE) * 1.5),
            "proj": (torch.randn(*seq, h, generator=gen, dtype=DTYPE),
                     torch.randn(1, n, h, generator=gen, dtype=DTYPE),
                     torch.randn(1, n, h, generator=gen, dtype=DTYPE))}


def to(value, device, dtype=None):
    """Tensors (inside tuples/dicts) to ``device`` (and ``dtype``)."""
    if isinstance(value, torch.Tensor):
        return value.to(device=device, dtype=dtype or value.dtype)
    if isinstance(value, tuple):
        return tuple(to(v, device, dtype) for v in value)
    if isinstance(value, dict):
        return {k: to(v, device, dtype) for k, v in value.items()}
    return value


def oracle_cell(weights: dict, x, state=None, proj=None) -> dict:
    """nn.LSTMCell with ``weights`` (CPU, float64)."""
    bias = "bias_ih" in weights
    ref = nn.LSTMCell(x.shape[-1], weights["weight_hh"].shape[1], bias=bias, dtype=DTYPE)
    with torch.no_grad():
        for n, w in weights.items():
            getattr(ref, n).copy_(w)
    x = x.to(DTYPE).clone().requires_grad_()
    leaves = {"x": x}
    if state is not None:
        state = tuple(s.to(DTYPE).clone().requires_grad_() for s in state)
        leaves.update(h0=state[0], c0=state[1])
    h, c = ref(x, state)
    out = {"h": h.detach(), "c": c.detach()}
    if proj is not None:
        ((h * proj[0]).sum() + (c * proj[1]).sum()).backward()
        leaves.update(dict(ref.named_parameters()))
        out["grads"] = {k: v.grad for k, v in leaves.items()}
    return out


_LSTM_NAMES = {"weight_ih": "weight_ih_l0", "weight_hh": "weight_hh_l0",
               "bias_ih": "bias_ih_l0", "bias_hh": "bias_hh_l0"}


def oracle_lstm(weights: dict, x, state=None, proj=None, batch_first: bool = True) -> dict:
    """nn.LSTM(num_layers=1) with ``weights`` (CPU, float64)."""
    ref = nn.LSTM(x.shape[-1], weights["weight_hh"].shape[1], batch_first=batch_first, dtype=DTYPE)
    with torch.no_grad():
        for n, w in weights.items():
            getattr(ref, _LSTM_NAMES[n]).copy_(w)
    x = x.to(DTYPE).clone().requires_grad_()
    leaves = {"x": x}
    if state is not None:
        state = tuple(s.to(DTYPE).clone().requires_grad_() for s in state)
        leaves.update(h0=state[0], c0=state[1])
    output, (h_n, c_n) = ref(x, state)
    out = {"output": output.detach(), "h_n": h_n.detach(), "c_n": c_n.detach()}
    if proj is not None:
        sum((t * p).sum() for t, p in zip((output, h_n, c_n), proj)).backward()
        out["grads"] = {k: v.grad for k, v in leaves.items()}
        out["grads"].update({k: getattr(ref, v).grad for k, v in _LSTM_NAMES.items() if k in weights})
    return out


def expect_loaded(got: dict, weights: dict, what: str) -> None:
    """The student's cell has the contract's parameters (names and shapes of nn.LSTMCell)."""
    if got.get("no_cell"):
        fail(f"{what}: LSTM 应有属性 cell (一个 LSTMCell)", f"{what}: the LSTM must have a .cell (an LSTMCell)")
    if not got["loaded"]:
        want = {n: tuple(w.shape) for n, w in weights.items()}
        fail(f"{what}: 参数应为 {want} (与 nn.LSTMCell 相同), 你的是 {got['shapes']}",
             f"{what}: the parameters must be {want} (as nn.LSTMCell's), yours are {got['shapes']}")
    if "returned" in got:
        want, have = got["returned"]
        fail(f"{what}: forward 应返回 {want}, 你的返回值是 {have}",
             f"{what}: forward must return {want}, yours returned {have}")


def expect_grads(got: dict, truth: dict, what: str, device) -> None:
    grads = got.get("grads")
    if grads is None:
        return  # shapes already failed
    if grads == "detached":
        fail(f"{what}: 输出与权重和输入之间没有计算图 (用了 detach / no_grad / .data?)",
             f"{what}: the outputs are not connected to the weights and inputs (detach / no_grad / .data?)")
    for key, expected in truth["grads"].items():
        g = grads.get(key)
        if g is None:
            fail(f"{what}: 梯度没有传到 {key}", f"{what}: no gradient reaches {key}")
        expect_close(g, expected.to(device), f"{what}: ∂loss/∂{key}", atol=ATOL, rtol=RTOL)


def _default_state_failure(err: StudentError, what: str) -> None:
    """An error about devices or dtypes in a state=None call: the zero state was not
    created like the input; say so clearly (the student's traceback follows)."""
    text = f"{err.exc_type}: {err.message}".lower()
    if any(k in text for k in ("device", "dtype", "scalar type")):
        fail(f"{what}: state=None 时的零初始状态必须和输入 x 有相同的 dtype 和 device "
             f"(例如 x.new_zeros(...) 或 torch.zeros(..., dtype=x.dtype, device=x.device))",
             f"{what}: with state=None the zero state must have the input's dtype and device "
             f"(x.new_zeros(...) or torch.zeros(..., dtype=x.dtype, device=x.device))",
             err.report())


_WORKER_FNS = {"cell": worker_cell, "gates": worker_gates, "lstm": worker_lstm}


def worker_batch(module, jobs: list):
    """Several ``worker_*`` jobs in one round trip: ``[(kind, kwargs), ...]``."""
    return [_WORKER_FNS[kind](module, **kwargs) for kind, kwargs in jobs]


class Batch:
    """Cases of one check, run in two round trips (given states; state=None), then compared
    in order with the oracles computed here."""

    def __init__(self, student, device) -> None:
        self.student, self.device = student, device
        self.items: list[tuple] = []  # (kind, kwargs, default_state, what, compare)

    def _add(self, kind, kwargs, default, what, compare) -> None:
        self.items.append((kind, kwargs, default, what, compare))

    def cell(self, case: dict, *, state: bool = True, grads: bool = False, what: str,
             dtype=DTYPE, atol=ATOL, rtol=RTOL, expect_dtype: bool = False) -> None:
        w, x, dev = case["weights"], case["x"], self.device
        st = case["state"] if state else None
        proj = case["proj"] if grads else None
        truth = oracle_cell(w, x, st, proj)
        kwargs = dict(weights=to(w, dev, dtype), x=to(x, dev, dtype), state=to(st, dev, dtype),
                      proj=to(proj, dev, dtype), bias="bias_ih" in w)

        def compare(got):
            expect_loaded(got, w, what)
            if "bias_ih" not in w:
                expect(sorted(got["shapes"]) == ["weight_hh", "weight_ih"],
                       f"{what}: bias=False 时只应有 weight_ih 和 weight_hh, 你的参数是 {sorted(got['shapes'])}",
                       f"{what}: with bias=False the cell has only weight_ih and weight_hh, "
                       f"yours has {sorted(got['shapes'])}")
            for key, name in (("h", "h_t"), ("c", "c_t")):
                expect_close(got[key], truth[key].to(dev), f"{what}: {name}", atol=atol, rtol=rtol)
                if expect_dtype:
                    expect_dtype_of(got[key], dtype, f"{what}: {name}")
            if grads:
                expect_grads(got, truth, what, dev)

        self._add("cell", kwargs, not state, what, compare)

    def lstm(self, case: dict, *, state: bool = True, grads: bool = False, what: str,
             batch_first: bool | None = None, dtype=DTYPE, atol=ATOL, rtol=RTOL,
             expect_dtype: bool = False) -> None:
        w, x, dev = case["weights"], case["x"], self.device
        st = case["state"] if state else None
        proj = case["proj"] if grads else None
        truth = oracle_lstm(w, x, st, proj, batch_first=True if batch_first is None else batch_first)
        kwargs = dict(weights=to(w, dev, dtype), x=to(x, dev, dtype), state=to(st, dev, dtype),
                      proj=to(proj, dev, dtype), batch_first=batch_first)

        def compare(got):
            expect_loaded(got, w, what)
            for key in ("output", "h_n", "c_n"):
                expect_close(got[key], truth[key].to(dev), f"{what}: {key}", atol=atol, rtol=rtol)
                if expect_dtype:
                    expect_dtype_of(got[key], dtype, f"{what}: {key}")
            if grads:
                expect_grads(got, truth, what, dev)

        self._add("lstm", kwargs, not state, what, compare)

    def gates(self, weights: dict, x, state, *, what: str, expected: dict, atol=ATOL, rtol=RTOL) -> None:
        dev = self.device
        kwargs = dict(weights=to(weights, dev), x=to(x, dev), state=to(state, dev))

        def compare(got):
            expect_loaded(got, weights, what)
            values = gate_dict(got, what)
            for key, value in expected.items():
                expect_close(values[key], value.to(dev), f"{what}[{key!r}]", atol=atol, rtol=rtol)

        self._add("gates", kwargs, state is None, what, compare)

    def run(self) -> list:
        results = {}
        for default in (False, True):
            chosen = [(i, item) for i, item in enumerate(self.items) if item[2] == default]
            if not chosen:
                continue
            label = chosen[0][1][3] + (f" (+{len(chosen) - 1} more / 等)" if len(chosen) > 1 else "")
            jobs = [(item[0], item[1]) for _, item in chosen]
            try:
                got = self.student.run(worker_batch, jobs, describe=label)
            except StudentError as err:
                if default:
                    _default_state_failure(err, label)
                raise
            results.update({i: g for (i, _), g in zip(chosen, got)})
        gots = [results[i] for i in range(len(self.items))]
        for item, got in zip(self.items, gots):
            item[4](got)
        return gots


def expect_dtype_of(value, dtype, what: str) -> None:
    name = str(dtype).replace("torch.", "")
    expect(value.dtype == dtype, f"{what}: {name} 输入应得到 {name} 结果, 你的是 {value.dtype}",
           f"{what}: a {name} input must give a {name} result, yours is {value.dtype}")


def describe(case: dict) -> str:
    s = case["sizes"]
    return f"input_size={s['input']}, hidden_size={s['hidden']}, N={s['n']}"


def describe_seq(case: dict, batch_first: bool = True) -> str:
    s = case["sizes"]
    shape = (s["n"], s["t"], s["input"]) if batch_first else (s["t"], s["n"], s["input"])
    return f"LSTM(input_size={s['input']}, hidden_size={s['hidden']}), x {list(shape)}"


def gate_formulas(weights: dict, x, state=None) -> dict:
    """The notes' equations, evaluated here from the weights (gate order i, f, g, o)."""
    h_prev, c_prev = state if state is not None else (torch.zeros(x.shape[0], weights["weight_hh"].shape[1],
                                                                  dtype=DTYPE),) * 2
    z = x @ weights["weight_ih"].T + h_prev @ weights["weight_hh"].T
    if "bias_ih" in weights:
        z = z + weights["bias_ih"] + weights["bias_hh"]
    z_i, z_f, z_g, z_o = z.chunk(4, dim=1)
    i, f, g, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_g), torch.sigmoid(z_o)
    c = f * c_prev + i * g
    return {"input": i, "forget": f, "candidate": g, "output": o, "cell": c, "hidden": o * torch.tanh(c)}


def gate_dict(got: dict, what: str) -> dict:
    values = got.get("values")
    if not isinstance(values, dict) or any(k not in values for k in GATE_KEYS):
        have = sorted(values) if isinstance(values, dict) else values
        fail(f"{what}: gate_values 应返回含 {list(GATE_KEYS)} 的字典, 你的是 {have}",
             f"{what}: gate_values must return a dict with {list(GATE_KEYS)}, got {have}")
    return values


# =============================================================================
# The checks
# =============================================================================

@pytest.mark.points(1.5)
def test_cell_matches_nn_lstmcell(student, device):
    """LSTMCell: h_t and c_t equal nn.LSTMCell's with the same weights (given state and state=None)"""
    no_oracle(student, "LSTMCell")
    batch = Batch(student, device)
    for seed in (101, 102, 103):
        case = cell_case(seed)
        batch.cell(case, what=f"LSTMCell({describe(case)}), state=(h, c)")
        batch.cell(case, state=False, what=f"LSTMCell({describe(case)}), state=None")
    batch.run()


@pytest.mark.points(1)
def test_cell_gradients_match(student, device):
    """LSTMCell: gradients w.r.t. x, h, c and every weight equal nn.LSTMCell's"""
    no_oracle(student, "LSTMCell")
    batch = Batch(student, device)
    for seed in (111, 112):
        case = cell_case(seed)
        batch.cell(case, grads=True, what=f"LSTMCell({describe(case)}) backward")
    batch.run()


@pytest.mark.points(0.5)
def test_cell_without_bias(student, device):
    """LSTMCell(bias=False): only weight_ih and weight_hh, and equals nn.LSTMCell(bias=False), gradients too"""
    no_oracle(student, "LSTMCell")
    batch = Batch(student, device)
    for seed in (121, 122):
        case = cell_case(seed, bias=False)
        batch.cell(case, grads=True, what=f"LSTMCell({describe(case)}, bias=False)")
    batch.cell(case, state=False, what=f"LSTMCell({describe(case)}, bias=False), state=None")
    batch.run()


@pytest.mark.points(1)
def test_gate_values_follow_the_formulas(student, device):
    """gate_values: i, f, o = σ(…), g = tanh(…), c = f⊙c + i⊙g, h = o⊙tanh(c), gate order i, f, g, o"""
    no_oracle(student, "gate_values")
    batch = Batch(student, device)
    for seed in (131, 132):
        case = cell_case(seed)
        w, x = case["weights"], case["x"]
        for st in (case["state"], None):
            batch.gates(w, x, st, expected=gate_formulas(w, x, st),
                        what=f"gate_values(LSTMCell({describe(case)}), x, {'(h, c)' if st else 'None'})")
    batch.run()


def controlled_weights(input_size: int, hidden: int, i: float, f: float, o: float, g) -> dict:
    """Zero matrices; biases that drive the gates: pre-activations i, f, g, o (split over both biases)."""
    bias = torch.cat([torch.full((hidden,), i, dtype=DTYPE), torch.full((hidden,), f, dtype=DTYPE),
                      g, torch.full((hidden,), o, dtype=DTYPE)])
    return {"weight_ih": torch.zeros(4 * hidden, input_size, dtype=DTYPE),
            "weight_hh": torch.zeros(4 * hidden, hidden, dtype=DTYPE),
            "bias_ih": bias / 2, "bias_hh": bias / 2}


@pytest.mark.points(0.5)
def test_gates_control_the_memory(student, device):
    """gate_values with driven gates: f=1, i=0 keeps c; o=0 gives h=0; f=0, i=1, o=1 gives c=g, h=tanh(g)"""
    no_oracle(student, "gate_values")
    gen = torch.Generator().manual_seed(141)
    n, input_size, hidden = 3, 4, 5
    x = torch.randn(n, input_size, generator=gen, dtype=DTYPE)
    h_prev = torch.randn(n, hidden, generator=gen, dtype=DTYPE)
    c_prev = torch.randn(n, hidden, generator=gen, dtype=DTYPE) * 2
    g = torch.tanh(torch.rand(hidden, generator=gen, dtype=DTYPE) * 4 - 2).expand(n, hidden)
    zero, one = torch.zeros(n, hidden, dtype=DTYPE), torch.ones(n, hidden, dtype=DTYPE)
    big = 40.0
    batch = Batch(student, device)
    for drive, expected, zh, en in (
        (dict(i=-big, f=big, o=-big),
         {"input": zero, "forget": one, "candidate": g, "output": zero, "cell": c_prev, "hidden": zero},
         "遗忘门=1, 输入门=0: 记忆 c 保持不变; 输出门=0: h=0",
         "forget gate 1, input gate 0 keep the memory c; output gate 0 gives h = 0"),
        (dict(i=big, f=-big, o=big),
         {"input": one, "forget": zero, "candidate": g, "output": one, "cell": g, "hidden": torch.tanh(g)},
         "遗忘门=0, 输入门=1: c 等于候选记忆 g=tanh(…); 输出门=1: h=tanh(c)",
         "forget gate 0, input gate 1 make c the candidate g = tanh(…); output gate 1 gives h = tanh(c)"),
    ):
        w = controlled_weights(input_size, hidden, g=torch.atanh(g[0]), **drive)
        batch.gates(w, x, (h_prev, c_prev), expected=expected, what=f"gate_values: {zh} / {en}")
    batch.run()


@pytest.mark.points(1.5)
def test_lstm_matches_nn_lstm(student, device):
    """LSTM (batch_first=True): output [N, T, H] and (h_n, c_n) [1, N, H] equal nn.LSTM's (given state and None)"""
    no_oracle(student, "LSTM")
    batch = Batch(student, device)
    for seed in (151, 152, 153):
        case = lstm_case(seed)
        batch.lstm(case, what=f"{describe_seq(case)}, state=(h_0, c_0) [1, N, H]")
        batch.lstm(case, state=False, what=f"{describe_seq(case)}, state=None")
    batch.run()


@pytest.mark.points(1)
def test_lstm_gradients_match(student, device):
    """LSTM: gradients w.r.t. x, h_0, c_0 and the cell's weights equal nn.LSTM's (backprop through time)"""
    no_oracle(student, "LSTM")
    batch = Batch(student, device)
    for seed in (161, 162):
        case = lstm_case(seed)
        batch.lstm(case, grads=True, what=f"{describe_seq(case)} backward")
    batch.run()


@pytest.mark.points(0.5)
def test_lstm_batch_first_false(student, device):
    """LSTM(batch_first=False): x [T, N, input], output [T, N, H], equal to nn.LSTM(batch_first=False)"""
    no_oracle(student, "LSTM")
    batch = Batch(student, device)
    for seed in (171, 172):
        case = lstm_case(seed, batch_first=False)
        what = f"{describe_seq(case, batch_first=False)}, batch_first=False"
        batch.lstm(case, grads=True, batch_first=False, what=what)
        batch.lstm(case, state=False, batch_first=False, what=f"{what}, state=None")
    batch.run()


@pytest.mark.points(0.5)
def test_default_state_follows_input_dtype(student, device):
    """state=None: zeros of the input's dtype: float64 in, float64 out; float32 in, float32 out"""
    no_oracle(student, "LSTMCell", "LSTM")
    batch = Batch(student, device)
    for dtype, atol, rtol in ((torch.float64, ATOL, RTOL), (torch.float32, 1e-5, 1e-4)):
        name = str(dtype).replace("torch.", "")
        case = cell_case(181)
        batch.cell(case, state=False, dtype=dtype, atol=atol, rtol=rtol, expect_dtype=True,
                   what=f"LSTMCell({describe(case)}), {name} x, state=None")
        case = lstm_case(182)
        batch.lstm(case, state=False, dtype=dtype, atol=atol, rtol=rtol, expect_dtype=True,
                   what=f"{describe_seq(case)}, {name} x, state=None")
    batch.run()


@pytest.mark.cuda
@pytest.mark.points(1)
def test_runs_on_cuda(student):
    """on CUDA: LSTMCell, gate_values and LSTM keep everything on the GPU (state=None too) and match"""
    no_oracle(student, "LSTMCell", "gate_values", "LSTM")
    batch = Batch(student, torch.device("cuda"))
    case = cell_case(191)
    batch.cell(case, grads=True, what=f"CUDA: LSTMCell({describe(case)})")
    batch.cell(case, state=False, what=f"CUDA: LSTMCell({describe(case)}), state=None")
    batch.gates(case["weights"], case["x"], None, expected=gate_formulas(case["weights"], case["x"]),
                what=f"CUDA: gate_values(LSTMCell({describe(case)}), x, None)")
    case = lstm_case(192)
    batch.lstm(case, grads=True, what=f"CUDA: {describe_seq(case)}")
    batch.lstm(case, state=False, what=f"CUDA: {describe_seq(case)}, state=None")
    batch.run()
