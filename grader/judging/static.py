"""Reading a submission's source without running it (judge side).

Static checks complement the run-time guards: they find where a submission
reaches for an oracle it must reimplement (torchvision's models, nn.LSTM,
make_grid), including through import aliases, while ignoring a student's own
``if __name__ == "__main__":`` self-test and type annotations.
"""

from __future__ import annotations

import ast
from typing import Iterable, Iterator


def is_main_guard(node: ast.AST) -> bool:
    """``if __name__ == "__main__":`` (either operand order)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def walk_code(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` without type annotations (``cell: LSTMCell`` does not call LSTMCell)."""
    todo = [node]
    while todo:
        node = todo.pop()
        yield node
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns"):
                continue
            for child in (value if isinstance(value, list) else [value]):
                if isinstance(child, ast.AST):
                    todo.append(child)


def import_aliases(nodes: Iterable[ast.AST]) -> dict[str, str]:
    """Local name -> the dotted module path it was imported as (absolute imports only)."""
    aliases: dict[str, str] = {}
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        root = a.name.split(".")[0]
                        aliases[root] = root
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def dotted_name(node: ast.AST, aliases: dict[str, str], *, strict: bool = False) -> str | None:
    """``nn.LSTM`` -> ``torch.nn.LSTM`` through ``aliases``; None for anything but a dotted
    name. With ``strict``, also None when the root name was not imported."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or (strict and node.id not in aliases):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])


_DYNAMIC_LOADERS = {"__import__", "import_module", "eval", "exec", "getattr", "find_spec", "load_module"}


def _matches(dotted: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        if dotted == name or dotted.startswith(name + "."):
            return name
    return None


def forbidden_uses(source: str, names: tuple[str, ...], roots: tuple[str, ...] = ()) -> list[str]:
    """Where ``source`` reaches for any of the dotted ``names`` (aliases resolved).

    Scanned: every top-level statement except ``if __name__ == "__main__":`` blocks and
    function or class definitions; definitions only when reachable by name from ``roots``
    (all of them when ``roots`` is empty), so a student's own unused comparison helper
    costs nothing. Imports alone are no use; a name they bind, used, is. String
    arguments of dynamic loaders (``getattr``, ``importlib.import_module``, ``eval``…)
    count too. Returns ``"line N: what"`` entries, or ``[]`` when the file does not parse.
    """
    if not names:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    defs: dict[str, ast.AST] = {}
    others: list[ast.AST] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif not is_main_guard(node):
            others.append(node)
    seen: set[str] = set()
    todo = list(roots) if roots else list(defs)
    for top in others:
        todo.extend(n.id for n in walk_code(top) if isinstance(n, ast.Name) and n.id in defs)
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo.extend(n.id for n in walk_code(defs[name]) if isinstance(n, ast.Name) and n.id in defs)
    scanned = others + [defs[n] for n in sorted(seen)]
    aliases = {k: v for k, v in import_aliases(tree.body).items() if k not in defs}
    found: set[tuple[int, str]] = set()
    for top in scanned:
        for node in walk_code(top):
            hit = None
            if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(getattr(node, "ctx", None), ast.Load):
                dotted = dotted_name(node, aliases, strict=True)
                if dotted and _matches(dotted, names):
                    hit = dotted
            elif isinstance(node, ast.Call):
                func = node.func
                fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if fname in _DYNAMIC_LOADERS:
                    owner = dotted_name(node.args[0], aliases, strict=True) if fname == "getattr" and node.args else None
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            candidate = f"{owner}.{arg.value}" if owner else arg.value
                            if _matches(candidate, names) or any(n in arg.value for n in names):
                                hit = f"{fname}({arg.value!r})"
            if hit:
                found.add((getattr(node, "lineno", 0), hit))
    # one entry per use: drop ``torch._VF`` when ``torch._VF.lstm`` is on the same line
    return [f"line {line}: {hit}" for line, hit in sorted(found)
            if not any(l2 == line and h2 != hit and h2.startswith(hit + ".") for l2, h2 in found)]


def policy_findings(source: str, problem) -> dict[str, list[str]]:
    """What a problem's policy (``problem.policy.forbid``) finds in ``source``, by the student
    function it concerns (``"*"``: the whole problem). The worker fails those calls."""
    findings: dict[str, list[str]] = {}
    for rule in problem.policy.forbid:
        if not rule.names:
            continue
        uses = forbidden_uses(source, rule.names, rule.during or problem.entry_points)
        for key in (rule.during or ("*",)) if uses else ():
            findings.setdefault(key, []).extend(uses)
    return findings
