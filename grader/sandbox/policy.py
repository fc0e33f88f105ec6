"""Worker side: a problem's policy, enforced while the student's code runs.

One engine per worker applies the manifest's ``Policy`` to the import and to
every call, so no check has to remember a guard. Its layers, each keyed on what
a thing *is* rather than on how it is spelt:

- **Disabled code.** Every Python function whose code belongs to a forbidden
  module, class or function gets a trampoline as its ``__code__``: however the
  student reaches it (an alias, ``__bases__``, ``importlib``, ``sys.modules``,
  ``getattr`` with a built string, ``gc``, a subclass calling ``super()``), running
  it runs the guard. Rules scoped to some student functions (``during``) switch
  the guard on only while those run; declared ``record`` callables count calls.
- **Forbidden operators.** ATen operators are refused at the dispatcher for the
  whole problem (a kernel registered over the real one, so ``torch.lstm_cell``,
  ``torch._VF.lstm_cell`` and ``torch.ops.aten.lstm_cell`` all stop there), or by
  a dispatch mode while a ``during`` function runs.
- **An audit hook** (it cannot be removed once added) refuses, when the student's
  code asks for them: touching a guard's code, enumerating objects with ``gc``,
  ``ctypes``, tracing hooks, starting other programs, making code that claims to be
  library or grader code, and opening the sources of forbidden code or any
  protected path (whoever asks).
- **Tamper check.** The callables of torch, NumPy, math and builtins are compared
  with a snapshot after every request.

A violation is recorded when it happens, so catching the ``ForbiddenUse`` does
not hide it: the request fails. The judge also scans the source (``static``);
the OS sandbox (``jail``), not this engine, is what keeps answers and verdicts
out of reach.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from grader.problems.manifest import Policy, Rule
from grader.sandbox.baseline import Prepared, grader_codes, library_roots, replaced, snapshot
from grader.sandbox.trampolines import copy_function, functions_of, source_paths, trampoline


class ForbiddenUse(RuntimeError):
    """Raised where a submission runs an oracle it must write itself."""


# -- what the student's request did -------------------------------------------------------

@dataclass
class RequestReport:
    violations: list[tuple[str, str]] = field(default_factory=list)  # (kind, text): forbidden | tampered
    records: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, text: str) -> None:
        if len(self.violations) < 20 and (kind, text) not in self.violations:
            self.violations.append((kind, text))


# -- forbidden operators ----------------------------------------------------------------

def _op_name(func: Any) -> str:
    schema = getattr(func, "_schema", None)
    return schema.name if schema is not None else str(func)


class _OpGuard(TorchDispatchMode):
    """Refuses the rule's ATen operators while a ``during`` function runs."""

    def __init__(self, engine: "Engine", rule: Rule) -> None:
        super().__init__()
        self.engine, self.rule = engine, rule

    def __torch_dispatch__(self, func, types_, args=(), kwargs=None):
        name = _op_name(func)
        if self.engine.op_forbidden(self.rule, name):
            self.engine.forbid(f"{name} (torch)", self.rule)
        return func(*args, **(kwargs or {}))


# -- events the audit hook refuses ---------------------------------------------------------

_TAMPERING_EVENTS = {
    "gc.get_objects": "gc.get_objects", "gc.get_referrers": "gc.get_referrers",
    "gc.get_referents": "gc.get_referents", "sys.settrace": "sys.settrace",
    "sys.setprofile": "sys.setprofile", "sys._current_frames": "sys._current_frames",
    "subprocess.Popen": "subprocess", "os.exec": "os.exec*", "os.posix_spawn": "os.posix_spawn",
    "os.spawn": "os.spawn*", "os.system": "os.system", "os.forkpty": "os.forkpty",
}
_GUARDED_ATTRS = {"__code__", "__closure__", "__globals__"}


# -- the engine -------------------------------------------------------------------------------

class Engine:
    """One problem's policy in one worker. ``install`` before the student's import,
    ``after_import`` once it is loaded, ``request()`` around the import and every call."""

    def __init__(self, policy: Policy, *, submission_dir: str, protected: tuple[str, ...] = (),
                 static_findings: dict[str, list[str]] | None = None) -> None:
        self.policy = policy
        self.submission_dir = os.path.realpath(submission_dir) + os.sep
        self.protected = tuple(os.path.realpath(p) for p in protected)
        self.static_findings = static_findings or {}
        self.report = RequestReport()
        self._scopes: list[Rule] = []
        self._guarded: dict[int, tuple[types.FunctionType, types.CodeType]] = {}
        self._swapping = False
        self._libraries: list = []
        self._snapshot: dict = {}
        self._library_roots = library_roots()
        self._trusted_roots = self._library_roots + (os.path.dirname(os.path.dirname(__file__)) + os.sep,)
        self._grader: set[types.CodeType] = set()
        self._hidden_sources: tuple[str, ...] = ()
        self._scoped_sources: list[tuple[Rule, tuple[str, ...]]] = []

    # -- setting up -------------------------------------------------------------------

    def install(self) -> None:
        hidden: list[str] = []
        forbid_always: dict[int, Rule] = {}
        forbid_scoped: dict[int, list[Rule]] = {}
        functions: dict[int, types.FunctionType] = {}
        for rule in self.policy.forbid:
            for dotted in rule.code:
                try:
                    found = functions_of(dotted)
                    sources = source_paths(dotted)
                except (ImportError, AttributeError):
                    continue
                if rule.during:  # the source is out of bounds only where the code is
                    self._scoped_sources.append((rule, tuple(sources)))
                else:
                    hidden.extend(sources)
                for fn in found:
                    functions[id(fn)] = fn
                    if rule.during:
                        forbid_scoped.setdefault(id(fn), []).append(rule)
                    else:
                        forbid_always[id(fn)] = rule
            if rule.ops and not rule.during:
                self._block_ops(rule)
        recorded: dict[int, str] = {}
        for dotted in self.policy.record:
            try:
                for fn in functions_of(dotted):
                    functions[id(fn)] = fn
                    recorded[id(fn)] = dotted
            except (ImportError, AttributeError):
                continue
        for key, fn in functions.items():
            self._guard(fn, _Guard(self, f"{fn.__module__}.{fn.__qualname__}", copy_function(fn),
                                   always=forbid_always.get(key), scoped=tuple(forbid_scoped.get(key, ())),
                                   record=recorded.get(key)))
        self._hidden_sources = tuple(hidden)
        linecache.clearcache()  # no source of disabled code kept in memory
        self._grader |= Prepared.codes or grader_codes()
        self._snapshot = Prepared.snapshot or snapshot()
        sys.addaudithook(self._audit)

    def after_import(self, module: types.ModuleType) -> None:
        """Scope the ``during`` rules to the student's own functions (by code, not by name)."""
        for rule in self.policy.forbid:
            for name in rule.during:
                fn = getattr(module, name, None)
                if isinstance(fn, types.FunctionType) and id(fn) not in self._guarded:
                    self._guard(fn, _Scope(self, rule, name, copy_function(fn)))

    def _guard(self, fn: types.FunctionType, handler: Callable) -> None:
        stub = trampoline(fn.__code__, handler)
        self._swapping = True
        try:
            fn.__code__ = stub
        finally:
            self._swapping = False
        self._guarded[id(fn)] = (fn, stub)
        self._grader.add(stub)

    def _block_ops(self, rule: Rule) -> None:
        libraries: dict[str, torch.library.Library] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
            for op in rule.ops:
                namespace, _, name = op.rpartition("::")
                namespace = namespace or "aten"
                try:
                    packet = getattr(getattr(torch.ops, namespace), name)
                except (AttributeError, RuntimeError):
                    continue
                if namespace not in libraries:  # one library per namespace, overriding on purpose
                    libraries[namespace] = torch.library.Library(namespace, "IMPL")  # noqa: TOR901
                    self._libraries.append(libraries[namespace])
                library = libraries[namespace]
                for overload in packet.overloads():
                    qualname = name if overload == "default" else f"{name}.{overload}"
                    for key in ("CompositeImplicitAutograd", "Autograd", "CPU", "CUDA"):
                        try:
                            library.impl(qualname, self._op_kernel(op, rule), key)
                        except RuntimeError:
                            pass

    def _op_kernel(self, op: str, rule: Rule) -> Callable:
        def refuse(*args, **kwargs):
            self.forbid(f"{op} (torch)", rule)
        return refuse

    # -- while the student's code runs ------------------------------------------------------

    @contextlib.contextmanager
    def request(self, importing: bool = False) -> Iterator[RequestReport]:
        """Around the import or one call: collects violations and records, then checks integrity.
        A call into a module whose source reaches for a whole-problem oracle fails."""
        self.report = report = RequestReport()
        if not importing:
            for finding in self.static_findings.get("*", ()):
                report.note("forbidden", finding)
        try:
            yield report
        finally:
            self._scopes.clear()
            # The guards' code cannot be swapped back: the audit hook refuses it. What remains
            # to check is that no library callable was replaced.
            changed = replaced(self._snapshot)
            if changed:
                report.note("tampered", ", ".join(changed[:10]))

    def forbid(self, what: str, rule: Rule | None) -> None:
        """Record a use of an oracle and stop it."""
        zh = rule.zh if rule else "使用了禁止的参考实现"
        en = rule.en if rule else "used an oracle the problem asks you to implement yourself"
        self.report.note("forbidden", what)
        raise ForbiddenUse(f"{what}: {zh} / {en}")

    def op_forbidden(self, rule: Rule, name: str) -> bool:
        if name in rule.allow_ops:
            return False
        return "*" in rule.ops or name in rule.ops

    @contextlib.contextmanager
    def scope(self, rule: Rule, name: str) -> Iterator[None]:
        for finding in self.static_findings.get(name, ()):
            self.forbid(finding, rule)
        self._scopes.append(rule)
        guard = _OpGuard(self, rule) if rule.ops else contextlib.nullcontext()
        try:
            with guard:
                yield
        finally:
            if self._scopes and self._scopes[-1] is rule:
                self._scopes.pop()

    def in_scope(self, rules: tuple[Rule, ...]) -> Rule | None:
        return next((r for r in rules if r in self._scopes), None)

    # -- the audit hook -------------------------------------------------------------------

    def _asked_by_student(self) -> bool:
        """Walk out from the event: the first frame that is not library code decides. A library
        module initialising itself (its module-level code on the stack) acts on its own behalf,
        even when the student's ``import`` started it."""
        frame = sys._getframe(2)
        while frame is not None:
            code = frame.f_code
            if code in self._grader:
                return False
            filename = code.co_filename
            if filename.startswith(self._library_roots):
                if code.co_name == "<module>":
                    return False
            elif not filename.startswith("<frozen"):
                return True
            frame = frame.f_back
        return False

    def _audit(self, event: str, args: tuple) -> None:
        if event == "open":
            self._audit_open(args)
        elif event in ("object.__setattr__", "object.__delattr__", "object.__getattr__"):
            if args and id(args[0]) in self._guarded and args[1] in _GUARDED_ATTRS and not self._swapping:
                self._refuse("tampered", f"{event.split('.')[1]} {args[1]} of a guarded function")
        elif event in _TAMPERING_EVENTS or event.startswith("ctypes."):
            if self._asked_by_student():
                self._refuse("tampered", _TAMPERING_EVENTS.get(event, event))
        elif event in ("compile", "code.__new__"):
            filename = args[1] if len(args) > 1 else None
            if isinstance(filename, bytes):
                filename = os.fsdecode(filename)
            if (isinstance(filename, str) and filename.startswith(self._trusted_roots)
                    and not sys._getframe(1).f_code.co_filename.startswith("<frozen importlib")
                    and self._asked_by_student()):
                self._refuse("tampered", f"code that claims to come from {filename}")

    def _audit_open(self, args: tuple) -> None:
        path = args[0] if args else None
        if isinstance(path, int) or path is None:
            return
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return
        scoped = tuple(s for rule, sources in self._scoped_sources if rule in self._scopes for s in sources)
        if self._hidden_sources and real.startswith(self._hidden_sources) or scoped and real.startswith(scoped):
            self._refuse("forbidden", f"reading the source of a forbidden oracle ({real})")
        for protected in self.protected:
            if real == protected or real.startswith(protected + os.sep):
                self._refuse("tampered", f"reading a protected path ({protected})")

    def _refuse(self, kind: str, text: str) -> None:
        self.report.note(kind, text)
        raise PermissionError(f"{text}: 评分时不允许 / not allowed while grading")


class _Guard:
    """The trampoline target of a guarded library function."""

    def __init__(self, engine: Engine, name: str, original: Callable, *, always: Rule | None,
                 scoped: tuple[Rule, ...], record: str | None) -> None:
        self.engine, self.name, self.original = engine, name, original
        self.always, self.scoped, self.record = always, scoped, record

    def __call__(self, *args, **kwargs):
        engine = self.engine
        if self.always is not None:
            engine.forbid(self.name, self.always)
        rule = engine.in_scope(self.scoped) if self.scoped else None
        if rule is not None:
            engine.forbid(self.name, rule)
        if self.record is not None:
            engine.report.records[self.record] = engine.report.records.get(self.record, 0) + 1
        return self.original(*args, **kwargs)


class _Scope:
    """The trampoline target of a student function a ``during`` rule names."""

    def __init__(self, engine: Engine, rule: Rule, name: str, original: Callable) -> None:
        self.engine, self.rule, self.name, self.original = engine, rule, name, original

    def __call__(self, *args, **kwargs):
        with self.engine.scope(self.rule, self.name):
            return self.original(*args, **kwargs)
