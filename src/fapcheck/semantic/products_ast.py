"""What a function hands out, read from its body on CPython's tree: the rules of `products.py`, for the
facts of modules read without libcst (`facts_ast.py`) and for the skeletons of `facts.py`.
`tests/test_products.py` holds both readings to the same answers. Free of libcst.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence


def product_call_ast(body: Sequence[ast.stmt]) -> ast.Call | None:
    """`products.product_call` on CPython's tree: the call a function body returns or yields."""
    candidates = list(_ast_candidates(body, {}))
    yields = [call for call, is_yield in candidates if is_yield]
    chosen = yields if any(is_yield for _, is_yield in candidates) else [call for call, _ in candidates]
    found = [call for call in chosen if call is not None and dotted_ast(call.func)]
    if not found or len({dotted_ast(call.func) for call in found}) != 1:
        return None
    return found[0]


def dotted_ast(node: ast.expr) -> str:
    """`a.b.c` for a name or attribute chain, '' otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted_ast(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def _ast_candidates(
    statements: Sequence[ast.stmt], assigned: dict[str, ast.Call]
) -> Iterator[tuple[ast.Call | None, bool]]:
    for statement in statements:
        if isinstance(statement, ast.Return):
            if statement.value is not None:
                yield _ast_value(statement.value, assigned), False
        elif isinstance(statement, ast.Expr):
            value = statement.value
            if isinstance(value, ast.Yield) and value.value is not None:
                yield _ast_value(value.value, assigned), True
        elif isinstance(statement, ast.Assign):
            if len(statement.targets) == 1:
                _ast_bind(statement.targets[0], statement.value, assigned)
        elif isinstance(statement, ast.AnnAssign):
            if statement.value is not None:
                _ast_bind(statement.target, statement.value, assigned)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    _ast_bind(item.optional_vars, item.context_expr, assigned)
            yield from _ast_candidates(statement.body, assigned)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)):
            continue
        else:  # if, try, for, while: their blocks in the order libcst's fields are read
            for field in ("body", "handlers", "orelse", "finalbody"):
                for item in getattr(statement, field, None) or ():
                    block = item.body if isinstance(item, ast.ExceptHandler) else [item]
                    yield from _ast_candidates(block, assigned)


def _ast_key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _ast_bind(target: ast.expr, value: ast.expr, assigned: dict[str, ast.Call]) -> None:
    key = _ast_key(target)
    if key is not None:
        if isinstance(value, ast.Call):
            assigned[key] = value
        else:
            assigned.pop(key, None)


def _ast_value(value: ast.expr, assigned: dict[str, ast.Call]) -> ast.Call | None:
    if isinstance(value, ast.Call):
        return value
    key = _ast_key(value)
    return assigned.get(key) if key is not None else None


def yields_ast(body: Sequence[ast.AST]) -> bool:
    """Whether statements yield, not counting nested functions, lambdas and classes."""
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return False
