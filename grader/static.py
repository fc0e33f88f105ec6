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
